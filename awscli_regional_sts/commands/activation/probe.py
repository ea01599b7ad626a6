"""One region's probe: ask the region to issue credentials, and time it.

No AWS API lists STS activation per region, and GetCallerIdentity answers in
deactivated regions too (reported by users, unconfirmed by AWS), so only a
credential-issuing call can tell active from deactivated. A probe therefore
makes one such call (GetSessionToken or AssumeRole, shortest duration, the
credentials thrown away unread) and then times GetCallerIdentity for the
latency. What it saw is an ``Observation``; ``classify.py`` interprets it.

Probe clients are aimed at the region under test (``endpoints.aim_client``),
bypassing the plugin's own router.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.commands.activation.options import ROLE_SESSION_NAME

#: Shortest duration STS allows; the credentials are discarded anyway.
PROBE_DURATION_SECONDS = 900


class ProbeOperation(Word):
    """The call a probe makes in each region."""

    GET_SESSION_TOKEN = "GetSessionToken"
    ASSUME_ROLE = "AssumeRole"
    #: Only when no credential-issuing call is possible: it cannot tell
    #: active from deactivated.
    GET_CALLER_IDENTITY = "GetCallerIdentity"


@dataclass(frozen=True)
class ProbeMethod:
    """How the probes ask each region to issue credentials.

    ``operation`` is GetCallerIdentity when no credential-issuing call is
    possible with the caller's credentials; ``reason`` then says why, for the
    rows' Detail.
    """

    operation: ProbeOperation
    role_arn: str | None = None
    role_session_name: str = ROLE_SESSION_NAME
    external_id: str | None = None
    reason: str | None = None

    @property
    def verifies(self) -> bool:
        """True if the probe call can prove a region active or inactive."""
        return self.operation != ProbeOperation.GET_CALLER_IDENTITY

    def call(self, client: Any) -> None:
        """Make the probe call; the credentials it returns are dropped unread."""
        if self.operation == ProbeOperation.GET_SESSION_TOKEN:
            client.get_session_token(DurationSeconds=PROBE_DURATION_SECONDS)
        elif self.operation == ProbeOperation.ASSUME_ROLE:
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


@dataclass
class Observation:
    """What one region's probe saw, before any interpretation."""

    endpoint: str | None = None
    probe_error: CallError | None = None
    latencies_ms: list[float] = field(default_factory=list)
    sample_error: CallError | None = None
    #: Set by the orchestrator when the probe did not finish in time.
    abandoned: bool = False

    @property
    def latency_ms(self) -> float | None:
        if not self.latencies_ms:
            return None
        return round(_median(self.latencies_ms), 1)


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
            observation.probe_error = CallError.from_exception(error)
        if observation.probe_error is not None and observation.probe_error.unreachable:
            observation.endpoint = endpoint()
            return observation
    for index in range(samples):
        start = clock()
        try:
            client.get_caller_identity()
        except Exception as error:
            failure = CallError.from_exception(error)
            if not method.verifies and index == 0:
                observation.probe_error = failure
            else:
                observation.sample_error = failure
            break
        observation.latencies_ms.append((clock() - start) * 1000.0)
    observation.endpoint = endpoint()
    return observation


def _median(values: list[float]) -> float:
    """``statistics.median``, written out: AWS's frozen CLI v2 carries only
    the standard-library modules the CLI imports, and ``statistics`` is not
    one (tests/e2e/test_frozen_bundle.py)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
