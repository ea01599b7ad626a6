"""How a region is probed, and what its probe saw.

No AWS API lists STS activation per region, and GetCallerIdentity answers in
deactivated regions too (reported by users, unconfirmed by AWS), so only a
credential-issuing call can tell active from deactivated: one whose model
lists RegionDisabledException (``aws/operations.py`` keeps that list, and
the operations that answer in a deactivated region, GetWebIdentityToken
among them). A probe therefore
makes one such call (GetSessionToken or AssumeRole, shortest duration, the
credentials thrown away unread) and then times GetCallerIdentity for the
latency. What it saw is an ``Observation``; ``classify.py`` interprets it.

This module holds the probe's description and what it saw (plain data);
``run/probe.py`` makes the calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.operations import proves_activation
from awscli_regional_sts.aws.status import Word

#: RoleSessionName of every AssumeRole the check makes.
ROLE_SESSION_NAME = "sts-activation-check"
#: Shortest duration STS allows; the credentials are discarded anyway.
PROBE_DURATION_SECONDS = 900


class ProbeOperation(Word):
    """The call a probe makes in each region."""

    GET_SESSION_TOKEN = "GetSessionToken"  # nosec B105  # a name (IAM action, API or report field), not a password
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
        """True if the probe call can prove a region active or inactive:
        never for an operation that answers in a deactivated region."""
        return proves_activation(self.operation.value)

    def call(self, client: Any) -> Any:
        """Make the probe call and return its answer; whoever made the
        probe drops the credentials in it unread (only an organization
        check keeps one member's, to sign that account's own facts)."""
        if self.operation == ProbeOperation.GET_SESSION_TOKEN:
            return client.get_session_token(DurationSeconds=PROBE_DURATION_SECONDS)
        if self.operation == ProbeOperation.ASSUME_ROLE:
            params: dict[str, Any] = {
                "RoleArn": self.role_arn,
                "RoleSessionName": self.role_session_name,
                "DurationSeconds": PROBE_DURATION_SECONDS,
            }
            if self.external_id:
                params["ExternalId"] = self.external_id
            return client.assume_role(**params)
        return client.get_caller_identity()


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


def answered(observation: Observation) -> bool:
    """Whether the region answered the probe call (with an error or not).
    Throttling is no answer, only "later": its latency would be the
    throttle's, and sampling a region that throttles spends its rate."""
    error = observation.probe_error
    return error is None or not (error.unreachable or error.throttling)


def _median(values: list[float]) -> float:
    """``statistics.median``, written out: AWS's frozen CLI v2 carries only
    the standard-library modules the CLI imports, and ``statistics`` is not
    one (tests/e2e/test_frozen_bundle.py)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
