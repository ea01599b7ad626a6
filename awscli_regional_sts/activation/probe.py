"""One region's probe: is STS active there for this account, and how fast.

No AWS API lists STS activation per region, and GetCallerIdentity answers in
deactivated regions too (reported by users, unconfirmed by AWS), so only a
credential-issuing call can tell active from deactivated. A probe therefore
makes one such call (GetSessionToken or AssumeRole, shortest duration, the
credentials thrown away unread) and then times GetCallerIdentity for the
latency. ``classify`` turns what came back, plus the region's opt-in status
if known, into exactly one status.

Probe clients bypass the plugin's own router: a probe must reach the region
under test, not the profile's ``sts_region``.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any, Callable

# Statuses, exactly one per region.
ACTIVE = "active"
INACTIVE = "inactive"
NOT_ENABLED = "not-enabled"
UNREACHABLE = "unreachable"
UNKNOWN = "unknown"
STATUSES = (ACTIVE, INACTIVE, NOT_ENABLED, UNREACHABLE, UNKNOWN)

#: Name of the row for the partition's global endpoint (sts.amazonaws.com).
GLOBAL = "global"
#: The region that botocore's STS rule set maps to the global endpoint.
GLOBAL_PSEUDO_REGION = "aws-global"

# Probe operations.
GET_SESSION_TOKEN = "GetSessionToken"
ASSUME_ROLE = "AssumeRole"
GET_CALLER_IDENTITY = "GetCallerIdentity"

#: Shortest duration STS allows; the credentials are discarded anyway.
PROBE_DURATION_SECONDS = 900
DEFAULT_ROLE_SESSION_NAME = "sts-activation-check"

#: Regions whose STS cannot be deactivated (IAM User Guide, "Manage AWS STS
#: in an AWS Region"); the global endpoint cannot be either.
UNDEACTIVATABLE_REGIONS = frozenset({"us-east-1", "cn-north-1"})

#: Regions of the ``aws`` partition enabled by default: those launched before
#: 2019-03-20. A closed historical set, which is why it may be written out:
#: every region of the partition launched since is an opt-in region, and
#: botocore's endpoint data does not say which regions are opt-in.
DEFAULT_ENABLED_AWS_REGIONS = frozenset(
    {
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)

# Account Management opt-in statuses.
OPT_IN_ENABLED = frozenset({"ENABLED", "ENABLED_BY_DEFAULT"})
OPT_IN_DISABLED = frozenset({"DISABLED", "DISABLING"})

# Errors that mean "no connection or no answer in time". Matched by class
# name so that every botocore (plain, CLI v1 bundle, CLI v2 fork) works.
_CONNECTION_ERRORS = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ProxyConnectionError",
        "ConnectionClosedError",
        "SSLError",
        "HTTPClientError",
        "ConnectionError",
    }
)
_TIMEOUT_ERRORS = frozenset({"ConnectTimeoutError", "ReadTimeoutError"})

_NOT_ACTIVATED_TEXT = "sts is not activated in this region"


def is_opt_in_region(partition: str, region: str) -> bool:
    """True for an opt-in region: STS is active there exactly when enabled."""
    return (
        partition == "aws"
        and region != GLOBAL
        and region not in DEFAULT_ENABLED_AWS_REGIONS
    )


@dataclass(frozen=True)
class ProbeMethod:
    """How the probes ask each region to issue credentials.

    ``operation`` is GetCallerIdentity when no credential-issuing call is
    possible with the caller's credentials; ``reason`` then says why, for the
    rows' Detail.
    """

    operation: str
    role_arn: str | None = None
    role_session_name: str = DEFAULT_ROLE_SESSION_NAME
    external_id: str | None = None
    reason: str | None = None

    @property
    def verifies(self) -> bool:
        """True if the probe call can prove a region active or inactive."""
        return self.operation != GET_CALLER_IDENTITY

    def call(self, client: Any) -> None:
        """Make the probe call; the credentials it returns are dropped unread."""
        if self.operation == GET_SESSION_TOKEN:
            client.get_session_token(DurationSeconds=PROBE_DURATION_SECONDS)
        elif self.operation == ASSUME_ROLE:
            params: dict[str, Any] = {
                "RoleArn": self.role_arn,
                "RoleSessionName": self.role_session_name,
                "DurationSeconds": PROBE_DURATION_SECONDS,
            }
            if self.external_id:
                params["ExternalId"] = self.external_id
            client.assume_role(**params)
        else:
            client.get_caller_identity()


@dataclass(frozen=True)
class ProbeError:
    """What went wrong with one call, reduced to what classification needs."""

    code: str
    message: str
    connection: bool = False
    timeout: bool = False

    @classmethod
    def from_exception(cls, error: BaseException) -> ProbeError:
        response = getattr(error, "response", None)
        if isinstance(response, dict) and "Error" in response:
            info = response.get("Error") or {}
            return cls(
                code=str(info.get("Code") or "Unknown"),
                message=_short(str(info.get("Message") or "")),
            )
        name = type(error).__name__
        # Older urllib3 reports a proxy tunnel (CONNECT) that never answered
        # as a ProxyError wrapping the timeout: look at the wrapped error.
        cause = getattr(error, "kwargs", {}).get("error")
        timed_out = name in _TIMEOUT_ERRORS or "timed out" in str(cause).lower()
        return cls(
            code=name,
            message=_short(str(error)),
            connection=name in _CONNECTION_ERRORS,
            timeout=timed_out,
        )

    def describe(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


@dataclass
class Observation:
    """What one region's probe saw, before any interpretation."""

    endpoint: str | None = None
    probe_error: ProbeError | None = None
    latencies_ms: list[float] = field(default_factory=list)
    sample_error: ProbeError | None = None
    #: Set by the orchestrator when the probe did not finish in time.
    abandoned: bool = False

    @property
    def latency_ms(self) -> float | None:
        if not self.latencies_ms:
            return None
        return round(statistics.median(self.latencies_ms), 1)


@dataclass(frozen=True)
class Classification:
    status: str
    verified: bool
    detail: str


def probe_region(
    client: Any,
    method: ProbeMethod,
    samples: int,
    endpoint: Callable[[], str | None] = lambda: None,
    clock: Callable[[], float] = time.perf_counter,
) -> Observation:
    """Probe one region with a client already aimed at it (``aim_client``).

    The credential-issuing call goes first: it opens the connection, and if
    the region does not answer, nothing more is tried, so a dead region costs
    one timeout. Latency is the median of ``samples`` GetCallerIdentity
    calls made after it, on the open connection: the request round trip,
    without TLS set-up, and without the server-side work of issuing
    credentials. For GetCallerIdentity-only probes the first sample is the
    probe.
    """
    observation = Observation()
    if method.verifies:
        try:
            method.call(client)
        except Exception as error:  # every failure is a finding, not a crash
            observation.probe_error = ProbeError.from_exception(error)
        if observation.probe_error is not None and observation.probe_error.connection:
            observation.endpoint = endpoint()
            return observation
    for index in range(samples):
        start = clock()
        try:
            client.get_caller_identity()
        except Exception as error:
            failure = ProbeError.from_exception(error)
            if not method.verifies and index == 0:
                observation.probe_error = failure
            else:
                observation.sample_error = failure
            break
        observation.latencies_ms.append((clock() - start) * 1000.0)
    observation.endpoint = endpoint()
    return observation


def classify(
    region: str,
    partition: str,
    method: ProbeMethod,
    observation: Observation,
    opt_in_status: str | None,
    opt_in_unknown_reason: str | None,
    timeout: float,
) -> Classification:
    """Exactly one status for a region, with Verified and a short Detail.

    ``opt_in_status`` is the region's status from Account Management
    ListRegions, or None when unknown (``opt_in_unknown_reason`` says why).
    Verified is true only when a credential-issuing call's answer proved the
    status.
    """
    opt_in = is_opt_in_region(partition, region)
    error = observation.probe_error
    if observation.abandoned or (error is not None and error.connection):
        if observation.abandoned or (error is not None and error.timeout):
            what = f"no answer within {timeout:g} s"
        else:
            what = "no connection"
        reason = error.describe() if error is not None else "probe abandoned"
        detail = f"{what} ({reason})"
        if opt_in_status in OPT_IN_DISABLED:
            detail += f"; opt-in status {opt_in_status}"
        return Classification(UNREACHABLE, False, detail)

    if error is None:
        if method.verifies:
            return Classification(ACTIVE, True, f"{method.operation} succeeded")
        return _reachable_only(region, opt_in, opt_in_status, method)

    code = error.code
    if code == "RegionDisabledException" or (
        code == "AccessDenied" and _NOT_ACTIVATED_TEXT in error.message.lower()
    ):
        if opt_in:
            # An opt-in region cannot be deactivated, only left not enabled:
            # STS refusing there (e.g. AssumeRole into another account, whose
            # opt-in status decides) means the region is not enabled for it.
            known = opt_in_status in OPT_IN_DISABLED
            return Classification(
                NOT_ENABLED,
                method.verifies and known,
                f"{code} from {method.operation} in an opt-in region"
                + (
                    f"; ListRegions says opt-in status {opt_in_status}"
                    if known
                    else "; inferred: an opt-in region cannot be deactivated"
                ),
            )
        # Only credential-issuing calls are checked for activation.
        return Classification(
            INACTIVE, method.verifies, f"{code} from {method.operation}"
        )
    if code in ("InvalidClientTokenId", "AuthFailure"):
        # The same error for a not-enabled opt-in region and for a token not
        # valid here (v1 global-endpoint token); the opt-in status decides.
        if opt_in_status in OPT_IN_DISABLED:
            return Classification(
                NOT_ENABLED,
                True,
                f"{code}, and ListRegions says opt-in status {opt_in_status}",
            )
        if opt_in_status is None and opt_in:
            because = f" ({opt_in_unknown_reason})" if opt_in_unknown_reason else ""
            return Classification(
                NOT_ENABLED,
                False,
                f"inferred: {code} in an opt-in region; opt-in status unknown{because}",
            )
        return Classification(
            UNKNOWN,
            False,
            f"{error.describe()} - the credentials are not valid here "
            "(a v1 session token from the global endpoint?)",
        )
    if code == "AccessDenied" and method.operation == ASSUME_ROLE:
        return Classification(
            UNKNOWN,
            False,
            f"AssumeRole denied ({error.message}); whether STS checks "
            "activation before authorization is unconfirmed",
        )
    if code in ("Throttling", "ThrottlingException", "RequestLimitExceeded"):
        return Classification(UNKNOWN, False, f"throttled: {error.describe()}")
    return Classification(UNKNOWN, False, error.describe())


def _reachable_only(
    region: str, opt_in: bool, opt_in_status: str | None, method: ProbeMethod
) -> Classification:
    """Status when only GetCallerIdentity could be called, and it answered."""
    if region == GLOBAL or region in UNDEACTIVATABLE_REGIONS:
        return Classification(
            ACTIVE, False, "reachable; STS cannot be deactivated here"
        )
    if opt_in and opt_in_status in OPT_IN_ENABLED:
        return Classification(
            ACTIVE,
            False,
            f"reachable; opt-in region {opt_in_status}, and STS is always "
            "active in an enabled opt-in region",
        )
    reason = method.reason or "no credential-issuing call possible"
    return Classification(
        UNKNOWN,
        False,
        f"reachable, but GetCallerIdentity cannot tell active from "
        f"deactivated; {reason}: use --role-arn",
    )


# --- aiming probe clients --------------------------------------------------

AIM_UNIQUE_ID = "awscli_regional_sts.activation.aim"
RECORD_UNIQUE_ID = "awscli_regional_sts.activation.record_url"


def client_region(region: str) -> str:
    """The region to create a probe client in (the global row signs for
    us-east-1)."""
    return "us-east-1" if region == GLOBAL else region


def aim_client(
    client: Any, region: str, router_handlers: tuple[tuple[str, str], ...]
) -> Callable[[], str | None]:
    """Point a probe client at ``region``'s own endpoint, whatever the
    profile or botocore's ``sts_regional_endpoints`` mode says.

    The plugin's router (``router_handlers``: event, unique_id) is removed:
    it would send the probe to the profile's ``sts_region``. Older botocore
    in ``legacy`` mode would send 16 regions to the global endpoint, so
    UseGlobalEndpoint is forced off. A configured endpoint URL, FIPS and
    dual-stack are ignored: the question is about the region's STS, and most
    regions have no FIPS endpoint. The URL actually requested is recorded
    (read-only) for the Endpoint column: ``client.meta.endpoint_url`` is not
    what rule sets use. Returns a function giving that URL (None before any
    request).
    """
    events = client.meta.events
    for event, unique_id in router_handlers:
        events.unregister(event, unique_id=unique_id)
    events.register_last(
        "before-endpoint-resolution.sts",
        functools.partial(_aim_builtins, region=region),
        unique_id=AIM_UNIQUE_ID,
    )
    seen: list[str] = []

    def record_url(request: Any, **kwargs: Any) -> None:
        # Returning None leaves the request alone; only its URL is kept.
        url = getattr(request, "url", None)
        # Only the first is kept: a client shared by many accounts' probes
        # (organization check) must not accumulate one URL per request.
        if isinstance(url, str) and not seen:
            seen.append(url.split("?", 1)[0])

    events.register("before-send.sts", record_url, unique_id=RECORD_UNIQUE_ID)
    return lambda: seen[0] if seen else None


def _aim_builtins(
    builtins: MutableMapping[str, Any],
    context: MutableMapping[str, Any],
    region: str,
    **kwargs: Any,
) -> None:
    builtins["SDK::Endpoint"] = None
    builtins["AWS::UseFIPS"] = False
    builtins["AWS::UseDualStack"] = False
    builtins["AWS::STS::UseGlobalEndpoint"] = False
    if region == GLOBAL:
        # The rule set's aws-global rule yields sts.amazonaws.com, signed for
        # us-east-1.
        builtins["AWS::Region"] = GLOBAL_PSEUDO_REGION
        signing_region = "us-east-1"
    else:
        builtins["AWS::Region"] = region
        signing_region = region
    # The regional rules set no signing region: pin it, or the signer falls
    # back to the client's region and STS rejects the signature.
    signing = context.get("signing")
    if not isinstance(signing, MutableMapping):
        signing = context["signing"] = {}
    signing["region"] = signing_region


def probe_config(timeout: float) -> Any:
    """A botocore Config: one attempt, ``timeout`` to connect and to read.

    One attempt, because a retry would double the wait on a dead region and
    hide throttling. botocore spells "one attempt in total" differently
    across forks: ``total_max_attempts`` (botocore 1.x) or ``max_attempts``
    (CLI v2's fork, where it already counts the first attempt).
    """
    from botocore.config import Config

    try:
        return Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"total_max_attempts": 1},
        )
    except Exception:
        return Config(
            connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}
        )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
