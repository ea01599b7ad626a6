"""The whole activation check: every region probed in parallel, plus account
facts and a recommendation, as plain data.

``ActivationCheck`` needs only a botocore session; the CLI command is a thin
layer over it. The pure parts (which probe to use, the recommendation, the
warnings, the report's shape) are plain functions, testable without network.
"""

from __future__ import annotations

import logging
import math
import queue
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from awscli_regional_sts.activation.probe import (
    ACTIVE,
    ASSUME_ROLE,
    GET_CALLER_IDENTITY,
    GET_SESSION_TOKEN,
    GLOBAL,
    OPT_IN_ENABLED,
    Classification,
    Observation,
    ProbeError,
    ProbeMethod,
    aim_client,
    classify,
    client_region,
    is_opt_in_region,
    probe_config,
    probe_region,
)

logger = logging.getLogger("awscli_regional_sts.activation")

#: The partition whose global endpoint (sts.amazonaws.com) gets a row; the
#: other partitions have no global STS endpoint.
GLOBAL_ENDPOINT_PARTITION = "aws"


# --- report --------------------------------------------------------------


@dataclass(frozen=True)
class RegionResult:
    region: str
    endpoint: str | None
    status: str
    verified: bool
    latency_ms: float | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "Region": self.region,
            "Endpoint": self.endpoint,
            "Status": self.status,
            "Verified": self.verified,
            "LatencyMs": self.latency_ms,
            "Detail": self.detail,
        }


@dataclass(frozen=True)
class AccountFacts:
    account: str
    arn: str
    #: IAM GetAccountSummary's GlobalEndpointTokenVersion, None if unknown.
    token_version: int | None = None
    token_version_reason: str | None = None


@dataclass(frozen=True)
class Recommendation:
    region: str
    latency_ms: float
    global_latency_ms: float | None
    command: str

    @property
    def times_faster(self) -> float | None:
        if not self.global_latency_ms or self.latency_ms <= 0:
            return None
        return round(self.global_latency_ms / self.latency_ms, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "Region": self.region,
            "LatencyMs": self.latency_ms,
            "GlobalLatencyMs": self.global_latency_ms,
            "TimesFasterThanGlobal": self.times_faster,
            "Command": self.command,
        }


@dataclass
class Report:
    facts: AccountFacts
    partition: str
    probe: str
    regions: list[RegionResult]
    fastest: str | None = None
    recommendation: Recommendation | None = None
    warnings: list[str] = field(default_factory=list)

    def status_of(self, region: str) -> str | None:
        for result in self.regions:
            if result.region == region:
                return result.status
        return None

    def to_dict(self) -> dict[str, Any]:
        """The command's output, in the CLI's PascalCase style."""
        out: dict[str, Any] = {
            "Account": self.facts.account,
            "Arn": self.facts.arn,
            "Partition": self.partition,
            "GlobalEndpointTokenVersion": self.facts.token_version,
        }
        if self.facts.token_version_reason:
            out["GlobalEndpointTokenVersionDetail"] = self.facts.token_version_reason
        out["Probe"] = self.probe
        out["Fastest"] = self.fastest
        out["Recommendation"] = (
            self.recommendation.to_dict() if self.recommendation else None
        )
        out["Regions"] = [result.to_dict() for result in self.regions]
        out["Warnings"] = list(self.warnings)
        return out


# --- choosing the probe ----------------------------------------------------

#: Credential source of the credentials a probe client signs with.
CALLER = "caller"  # the profile's own credentials
SOURCE = "source"  # the role_arn profile's source credentials


@dataclass(frozen=True)
class ProbePlan:
    method: ProbeMethod
    credentials: str  # CALLER or SOURCE
    description: str


def choose_probe(
    access_key_id: str | None,
    has_session_token: bool,
    role_arn_option: str | None,
    profile_config: Mapping[str, Any],
) -> ProbePlan:
    """Decide how to ask each region for credentials.

    * ``--role-arn``: AssumeRole of that role with the caller's credentials.
    * a ``role_arn`` profile: AssumeRole of the profile's own role with the
      profile's source credentials (``source_profile`` or
      ``credential_source``), the very call the CLI makes to load the
      profile, so the role's trust policy allows it.
    * long-term IAM user keys (AKIA..., no session token): GetSessionToken.
    * any other session credentials (SSO, a session token in the
      environment): no credential-issuing call is possible without a role,
      so only GetCallerIdentity, which cannot tell active from deactivated.
    """
    if role_arn_option:
        return ProbePlan(
            ProbeMethod(ASSUME_ROLE, role_arn=role_arn_option),
            CALLER,
            f"AssumeRole of {role_arn_option} (--role-arn)",
        )
    role_arn = profile_config.get("role_arn")
    if role_arn and not profile_config.get("web_identity_token_file"):
        if profile_config.get("mfa_serial"):
            return _identity_only("the profile's role needs an MFA code per call")
        if profile_config.get("source_profile") or profile_config.get(
            "credential_source"
        ):
            return ProbePlan(
                ProbeMethod(
                    ASSUME_ROLE,
                    role_arn=str(role_arn),
                    role_session_name=str(
                        profile_config.get("role_session_name")
                        or ProbeMethod.role_session_name
                    ),
                    external_id=profile_config.get("external_id"),
                ),
                SOURCE,
                f"AssumeRole of the profile's role_arn {role_arn}",
            )
    if access_key_id and access_key_id.startswith("AKIA") and not has_session_token:
        return ProbePlan(
            ProbeMethod(GET_SESSION_TOKEN), CALLER, "GetSessionToken (IAM user keys)"
        )
    return _identity_only("session credentials cannot call GetSessionToken")


def _identity_only(reason: str) -> ProbePlan:
    return ProbePlan(
        ProbeMethod(GET_CALLER_IDENTITY, reason=reason),
        CALLER,
        f"GetCallerIdentity only ({reason}); pass --role-arn to verify",
    )


# --- recommendation and warnings --------------------------------------------


def recommend(
    results: Sequence[RegionResult], profile: str
) -> tuple[str | None, Recommendation | None]:
    """The fastest active region (the global row aside) and how to use it."""
    candidates = [
        r
        for r in results
        if r.status == ACTIVE and r.region != GLOBAL and r.latency_ms is not None
    ]
    if not candidates:
        return None, None
    best = min(candidates, key=lambda r: (r.latency_ms, r.region))
    assert best.latency_ms is not None
    global_ms = next(
        (r.latency_ms for r in results if r.region == GLOBAL and r.status == ACTIVE),
        None,
    )
    command = f"aws configure set sts_region {best.region} --profile {profile}"
    return best.region, Recommendation(best.region, best.latency_ms, global_ms, command)


def sts_region_warning(
    results: Sequence[RegionResult], profile: str, sts_region: str | None
) -> str | None:
    """A warning when the profile's sts_region is not active."""
    if not sts_region:
        return None
    for result in results:
        if result.region == sts_region and result.status != ACTIVE:
            return (
                f"sts_region {sts_region} of profile {profile} is "
                f"{result.status}: STS calls of this profile may fail "
                f"({result.detail})"
            )
    return None


def token_version_warning(
    token_version: int | None,
    partition: str,
    results: Sequence[RegionResult],
    opt_in_statuses: Mapping[str, str],
) -> str | None:
    """Warn when the global endpoint's v1 tokens meet enabled opt-in regions."""
    if token_version != 1:
        return None
    enabled = {
        region
        for region, status in opt_in_statuses.items()
        if status in OPT_IN_ENABLED and is_opt_in_region(partition, region)
    }
    enabled.update(
        r.region
        for r in results
        if r.status == ACTIVE and is_opt_in_region(partition, r.region)
    )
    if not enabled:
        return None
    names = sorted(enabled)
    shown = ", ".join(names[:4]) + (
        f" and {len(names) - 4} more" if len(names) > 4 else ""
    )
    return (
        "the global endpoint issues v1 session tokens, which are not valid in "
        f"the enabled opt-in regions ({shown}): use a "
        "regional endpoint (sts_region) or run 'aws iam "
        "set-security-token-service-preferences --global-endpoint-token-version "
        "v2Token'"
    )


# --- running probes in parallel ---------------------------------------------


def run_parallel(
    tasks: Mapping[str, Callable[[], Any]],
    max_workers: int,
    deadline: float,
    on_done: Callable[[int, int], None] = lambda done, total: None,
) -> dict[str, tuple[Any, BaseException | None]]:
    """Run ``tasks`` on at most ``max_workers`` daemon threads.

    Returns ``{name: (value, error)}`` for the tasks that finished within
    ``deadline`` seconds; the others are left out (their threads are
    abandoned). Daemon threads, not a ThreadPoolExecutor: the executor joins
    its threads at exit, so a socket that hangs would keep Ctrl-C from
    stopping the command. The main thread waits in short slices, so a
    KeyboardInterrupt reaches it at once.
    """
    pending: queue.Queue[tuple[str, Callable[[], Any]]] = queue.Queue()
    finished: queue.Queue[tuple[str, Any, BaseException | None]] = queue.Queue()
    for item in tasks.items():
        pending.put(item)

    def worker() -> None:
        while True:
            try:
                name, task = pending.get_nowait()
            except queue.Empty:
                return
            try:
                finished.put((name, task(), None))
            except BaseException as error:  # reported to the main thread
                finished.put((name, None, error))

    for index in range(min(max_workers, len(tasks))):
        threading.Thread(
            target=worker, name=f"activation-check-{index}", daemon=True
        ).start()
    results: dict[str, tuple[Any, BaseException | None]] = {}
    end = time.monotonic() + deadline
    while len(results) < len(tasks):
        remaining = end - time.monotonic()
        if remaining <= 0:
            break
        try:
            name, value, error = finished.get(timeout=min(remaining, 0.25))
        except queue.Empty:
            continue
        results[name] = (value, error)
        on_done(len(results), len(tasks))
    return results


def backstop_seconds(
    task_count: int, max_workers: int, timeout: float, samples: int
) -> float:
    """How long to wait for all probes before giving up on the stragglers.

    Each request is already bounded by ``timeout`` (connect and read), and a
    region that does not answer costs one request; this only catches a
    server that trickles bytes slowly enough to dodge the read timeout.
    """
    waves = math.ceil(task_count / max(1, max_workers))
    return waves * timeout * (samples + 1) + 5.0


# --- the check -------------------------------------------------------------


@dataclass(frozen=True)
class CheckOptions:
    regions: tuple[str, ...]  # region names and/or GLOBAL, in output order
    partition: str
    profile: str
    profile_region: str | None
    timeout: float = 5.0
    max_concurrency: int = 8
    samples: int = 3
    role_arn: str | None = None
    verify: Any = None  # as the CLI's --no-verify-ssl / --ca-bundle give it
    #: (event, unique_id) of the plugin's session handlers.
    router_handlers: tuple[tuple[str, str], ...] = ()
    #: The profile's STS region (sts_region / AWS_STS_REGION), if any.
    sts_region: str | None = None


@dataclass
class AccountInputs:
    """What one account's check runs with, whoever built it: the
    single-account command (the caller's own account) or the organization
    check (a member account reached through its member role)."""

    #: GetCallerIdentity-shaped: ``Account`` and ``Arn`` of the checked account.
    identity: Mapping[str, str]
    plan: ProbePlan
    #: One task per region (``options.regions``): the region's probe.
    probes: Mapping[str, Callable[[], Observation]]
    #: IAM client signed as the checked account (GetAccountSummary).
    iam: Any
    #: Account Management client signed as the checked account, or None when
    #: ListRegions must not be asked (it would answer for another account).
    account: Any = None
    warnings: list[str] = field(default_factory=list)


def assess_account(
    inputs: AccountInputs,
    options: CheckOptions,
    progress: Callable[[int, int], None] = lambda done, total: None,
    *,
    gate: AbstractContextManager[Any] | None = None,
    deadline: float | None = None,
) -> Report:
    """Probe every region of one account in parallel, fetch the account's
    facts, and classify: the per-account check, as plain data.

    ``gate`` (e.g. a semaphore shared by several accounts' checks) is held
    around each task, so that concurrency stays bounded across accounts;
    ``deadline`` then replaces the backstop, which must allow for the wait.
    """
    tasks: dict[str, Callable[[], Any]] = dict(inputs.probes)
    iam = inputs.iam
    tasks["@token-version"] = lambda: _token_version(iam)
    account = inputs.account
    if account is not None:
        tasks["@opt-in"] = lambda: _opt_in_statuses(account)
    if gate is not None:
        tasks = {name: _gated(task, gate) for name, task in tasks.items()}

    outcomes = run_parallel(
        tasks,
        options.max_concurrency,
        deadline
        if deadline is not None
        else backstop_seconds(
            len(tasks), options.max_concurrency, options.timeout, options.samples
        ),
        progress,
    )
    token_version, token_reason = _unpack(
        outcomes.get("@token-version"), "iam:GetAccountSummary"
    )
    opt_in_statuses: dict[str, str] = {}
    opt_in_reason: str | None
    if options.partition != GLOBAL_ENDPOINT_PARTITION:
        opt_in_reason = None
    elif account is None:
        opt_in_reason = "ListRegions not asked: the role is in another account"
    else:
        value, opt_in_reason = _unpack(outcomes.get("@opt-in"), "ListRegions")
        if value is not None:
            opt_in_statuses = value

    plan = inputs.plan
    results = []
    for region in options.regions:
        observation = _observation(outcomes.get(region))
        verdict: Classification = classify(
            region,
            options.partition,
            plan.method,
            observation,
            opt_in_statuses.get(region),
            opt_in_reason,
            options.timeout,
        )
        results.append(
            RegionResult(
                region,
                observation.endpoint,
                verdict.status,
                verdict.verified,
                observation.latency_ms,
                verdict.detail,
            )
        )

    identity = inputs.identity
    facts = AccountFacts(
        identity["Account"], identity["Arn"], token_version, token_reason
    )
    fastest, recommendation = recommend(results, options.profile)
    report = Report(
        facts,
        options.partition,
        plan.description,
        results,
        fastest,
        recommendation,
        list(inputs.warnings),
    )
    for warning in (
        sts_region_warning(results, options.profile, options.sts_region),
        token_version_warning(
            token_version, options.partition, results, opt_in_statuses
        ),
    ):
        if warning:
            report.warnings.append(warning)
    return report


def _gated(
    task: Callable[[], Any], gate: AbstractContextManager[Any]
) -> Callable[[], Any]:
    def run() -> Any:
        with gate:
            return task()

    return run


class ActivationCheck:
    """Runs the check against a botocore session (the CLI's, or boto3's)."""

    def __init__(
        self,
        session: Any,
        options: CheckOptions,
        progress: Callable[[int, int], None] = lambda done, total: None,
        redactor: CredentialRedactor | None = None,
    ) -> None:
        self._session = session
        self._options = options
        self._progress = progress
        self._redactor = redactor or CredentialRedactor()

    def run(self) -> Report:
        options = self._options
        # Credentials first, so that their secrets are known to the log
        # redactor before any request is signed with them.
        credentials = self._session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials else None
        if frozen is not None:
            self._redactor.add(frozen.secret_key, frozen.token)
        identity = self._caller_identity()
        plan = choose_probe(
            frozen.access_key if frozen else None,
            bool(frozen and frozen.token),
            options.role_arn,
            self._profile_config(),
        )
        warnings: list[str] = []
        probe_keys: Any = frozen
        if plan.credentials == SOURCE:
            try:
                probe_keys = self._source_credentials()
                self._redactor.add(probe_keys.secret_key, probe_keys.token)
            except Exception as error:
                reason = f"the profile's source credentials did not load ({error})"
                plan = _identity_only(reason)
                probe_keys = frozen
        role_account = _arn_account(plan.method.role_arn)
        if role_account and role_account != identity["Account"]:
            warnings.append(
                f"the probes ask account {role_account} (the role's), not "
                f"{identity['Account']}: activation is per account"
            )

        probes: dict[str, Callable[[], Observation]] = {}
        # Clients are created here, in the calling thread: botocore does not
        # promise that creating clients is thread-safe; using one client per
        # thread is.
        for region in options.regions:
            client = self._create_client(
                "sts", client_region(region), credentials=probe_keys
            )
            endpoint = aim_client(client, region, options.router_handlers)
            probes[region] = _bind_probe(client, plan.method, options.samples, endpoint)
        iam = self._create_client("iam", options.profile_region or "us-east-1")
        # Opt-in regions exist in the aws partition only, and ListRegions
        # answers for the caller's account, which must be the one probed.
        same_account = role_account is None or role_account == identity["Account"]
        account = None
        if options.partition == GLOBAL_ENDPOINT_PARTITION and same_account:
            account = self._create_client(
                "account", options.profile_region or "us-east-1"
            )
        return assess_account(
            AccountInputs(identity, plan, probes, iam, account, warnings),
            options,
            self._progress,
        )

    # -- helpers that talk to botocore --

    def _caller_identity(self) -> dict[str, str]:
        """GetCallerIdentity through the CLI's own path (plugin routing
        included). Its errors (no or expired credentials, denied,
        throttled) end the command: the CLI prints them as one line."""
        from botocore.config import Config

        client = self._session.create_client(
            "sts",
            region_name=self._options.profile_region,
            verify=self._options.verify,
            config=Config(
                connect_timeout=self._options.timeout,
                read_timeout=self._options.timeout,
            ),
        )
        response = client.get_caller_identity()
        return {"Account": response["Account"], "Arn": response["Arn"]}

    def _create_client(self, service: str, region: str, credentials: Any = None) -> Any:
        keys: dict[str, Any] = {}
        if credentials is not None:
            keys = {
                "aws_access_key_id": credentials.access_key,
                "aws_secret_access_key": credentials.secret_key,
                "aws_session_token": credentials.token,
            }
        return self._session.create_client(
            service,
            region_name=region,
            verify=self._options.verify,
            config=probe_config(self._options.timeout),
            **keys,
        )

    def _profile_config(self) -> Mapping[str, Any]:
        try:
            config: Mapping[str, Any] = self._session.get_scoped_config()
        except Exception:
            return {}
        return config

    def _source_credentials(self) -> Any:
        """The credentials the CLI would use to assume the profile's role."""
        config = self._profile_config()
        source_profile = config.get("source_profile")
        if source_profile:
            source = type(self._session)(profile=source_profile)
            credentials = source.get_credentials()
        else:
            credentials = _credential_source(str(config.get("credential_source")))
        if credentials is None:
            raise ValueError("no credentials found")
        return credentials.get_frozen_credentials()


def _credential_source(name: str) -> Any:
    from botocore import credentials

    if name == "Environment":
        return credentials.EnvProvider().load()
    if name == "EcsContainer":
        return credentials.ContainerProvider().load()
    if name == "Ec2InstanceMetadata":
        fetcher = credentials.InstanceMetadataFetcher(timeout=2, num_attempts=1)
        return credentials.InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    raise ValueError(f"unsupported credential_source {name!r}")


def _bind_probe(
    client: Any, method: ProbeMethod, samples: int, endpoint: Callable[[], Any]
) -> Callable[[], Observation]:
    return lambda: probe_region(client, method, samples, endpoint)


def _observation(
    outcome: tuple[Any, BaseException | None] | None,
) -> Observation:
    if outcome is None:
        return Observation(abandoned=True)
    value, error = outcome
    if error is not None:
        return Observation(probe_error=ProbeError.from_exception(error))
    assert isinstance(value, Observation)
    return value


def _unpack(
    outcome: tuple[Any, BaseException | None] | None, action: str
) -> tuple[Any, str | None]:
    """A side task's value, or None and the reason it is missing."""
    if outcome is None:
        return None, f"{action}: no answer in time"
    value, error = outcome
    if error is not None:
        return None, f"{action}: {ProbeError.from_exception(error).describe()}"
    return value, None


def _token_version(iam: Any) -> int | None:
    summary = iam.get_account_summary().get("SummaryMap", {})
    version = summary.get("GlobalEndpointTokenVersion")
    return int(version) if version is not None else None


def _opt_in_statuses(account: Any) -> dict[str, str]:
    """Every region's opt-in status, from Account Management ListRegions."""
    if "ListRegions" not in account.meta.service_model.operation_names:
        raise _Unavailable("this AWS CLI's botocore has no ListRegions")
    statuses: dict[str, str] = {}
    params: dict[str, Any] = {"MaxResults": 50}
    while True:
        page = account.list_regions(**params)
        for entry in page.get("Regions", []):
            statuses[entry["RegionName"]] = entry["RegionOptStatus"]
        token = page.get("NextToken")
        if not token:
            return statuses
        params["NextToken"] = token


class _Unavailable(Exception):
    pass


_ARN_ACCOUNT = re.compile(r"^arn:[^:]+:iam::(\d{12}):")


def _arn_account(arn: str | None) -> str | None:
    match = _ARN_ACCOUNT.match(arn or "")
    return match.group(1) if match else None


# --- keeping issued credentials out of the --debug log ----------------------

_SECRET_PATTERNS = (
    # Response bodies of GetSessionToken/AssumeRole (XML) and JSON services.
    re.compile(r"(<(SecretAccessKey|SessionToken)>)[^<]*(</\2>)"),
    re.compile(
        r"""(["'](?:SecretAccessKey|SessionToken|secretAccessKey|sessionToken)"""
        r"""["']\s*:\s*b?["'])[^"']*(["'])"""
    ),
    # The session token sent with a request: canonical request, headers,
    # presigned query strings.
    re.compile(
        r"""((?i:x-amz-security-token)(?:["']?\s*[:=]\s*b?["']?))"""
        r"""[^\s&'"]+()"""
    ),
)


class CredentialRedactor(logging.Filter):
    """Blank out secrets in log records: botocore's --debug log prints every
    response body (GetSessionToken and AssumeRole bodies carry credentials)
    and the session token of every signed request."""

    def __init__(self) -> None:
        super().__init__()
        self._known: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Also blank out these exact values (e.g. the caller's token)."""
        self._known.update(s for s in secrets if s and len(s) >= 8)

    def discard(self, *secrets: str | None) -> None:
        """Forget values whose credentials are no longer used (an
        organization check drops each member account's after its check, so
        the set does not grow with the organization)."""
        self._known.difference_update(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(
                lambda m: (
                    m.group(1)
                    + "<redacted>"
                    + (m.group(m.lastindex or 1) if (m.lastindex or 0) > 1 else "")
                ),
                text,
            )
        for secret in self._known:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


@contextmanager
def credentials_redacted_in_logs() -> Iterator[CredentialRedactor]:
    """Install a redacting filter on every log handler for the duration."""
    redactor = CredentialRedactor()
    handlers = set(logging.getLogger().handlers)
    for candidate in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(candidate, logging.Logger):
            handlers.update(candidate.handlers)
    for handler in handlers:
        handler.addFilter(redactor)
    try:
        yield redactor
    finally:
        for handler in handlers:
            handler.removeFilter(redactor)
