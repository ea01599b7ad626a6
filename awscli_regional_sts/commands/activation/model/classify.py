"""What a region's probe means: exactly one status, whether the answer
proves it, and a short detail saying what it was inferred from."""

from __future__ import annotations

from dataclasses import dataclass

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import GLOBAL, is_opt_in_region
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model.account_facts import (
    OPT_IN_DISABLED,
    OPT_IN_ENABLED,
)
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)

#: Regions whose STS cannot be deactivated (IAM User Guide, "Manage AWS STS
#: in an AWS Region"); the global endpoint cannot be either.
UNDEACTIVATABLE_REGIONS = frozenset({"us-east-1", "cn-north-1"})


@dataclass(frozen=True)
class Classification:
    status: RegionStatus
    verified: bool
    detail: str


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
    if observation.abandoned or (error is not None and error.unreachable):
        return _no_answer(observation, opt_in_status, timeout)
    if error is None:
        if method.verifies:
            return Classification(
                RegionStatus.ACTIVE, True, f"{method.operation} succeeded"
            )
        return _reachable_only(region, opt_in, opt_in_status, method)

    if error.throttling:
        # A rate, not a finding: never inactive. The run's Throttle retried
        # it until its budget was spent (aws/backoff.py).
        return Classification(RegionStatus.UNKNOWN, False, throttled_detail(error))
    if error.region_disabled:
        return _region_disabled(error.code, opt_in, opt_in_status, method)
    if error.code in ("InvalidClientTokenId", "AuthFailure"):
        return _token_not_valid_here(
            error, opt_in, opt_in_status, opt_in_unknown_reason
        )
    if error.code == "AccessDenied" and method.operation == ProbeOperation.ASSUME_ROLE:
        return Classification(
            RegionStatus.UNKNOWN,
            False,
            f"AssumeRole denied ({error.message}); whether STS checks "
            "activation before authorization is unconfirmed",
        )
    return Classification(RegionStatus.UNKNOWN, False, error.describe())


def throttled_detail(error: CallError) -> str:
    """A throttled region's Detail: how often it was throttled, and that
    the retry budget is spent (``--throttle-budget``)."""
    count = error.throttled_answers
    if not count:
        return f"throttled: {error.describe()}"
    times = "once" if count == 1 else f"{count} times"
    return f"throttled {times}; retry budget spent ({error.describe()})"


def _no_answer(
    observation: Observation, opt_in_status: str | None, timeout: float
) -> Classification:
    """No answer from the endpoint: the probe timed out, was abandoned, or
    could not connect."""
    error = observation.probe_error
    if observation.abandoned or (error is not None and error.timed_out):
        what = f"no answer within {timeout:g} s"
    else:
        what = "no connection"
    reason = error.describe() if error is not None else "probe abandoned"
    detail = f"{what} ({reason})"
    if opt_in_status in OPT_IN_DISABLED:
        detail += f"; opt-in status {opt_in_status}"
    return Classification(RegionStatus.UNREACHABLE, False, detail)


def _region_disabled(
    code: str, opt_in: bool, opt_in_status: str | None, method: ProbeMethod
) -> Classification:
    """STS answered that it is not activated in the region (RegionDisabled)."""
    if opt_in:
        # An opt-in region cannot be deactivated, only left not enabled:
        # STS refusing there (e.g. AssumeRole into another account, whose
        # opt-in status decides) means the region is not enabled for it.
        known = opt_in_status in OPT_IN_DISABLED
        return Classification(
            RegionStatus.NOT_ENABLED,
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
        RegionStatus.INACTIVE, method.verifies, f"{code} from {method.operation}"
    )


def _token_not_valid_here(
    error: CallError,
    opt_in: bool,
    opt_in_status: str | None,
    opt_in_unknown_reason: str | None,
) -> Classification:
    """InvalidClientTokenId / AuthFailure: the same error for a not-enabled
    opt-in region and for a token not valid here (v1 global-endpoint
    token); the opt-in status decides."""
    code = error.code
    if opt_in_status in OPT_IN_DISABLED:
        return Classification(
            RegionStatus.NOT_ENABLED,
            True,
            f"{code}, and ListRegions says opt-in status {opt_in_status}",
        )
    if opt_in_status is None and opt_in:
        because = f" ({opt_in_unknown_reason})" if opt_in_unknown_reason else ""
        return Classification(
            RegionStatus.NOT_ENABLED,
            False,
            f"inferred: {code} in an opt-in region; opt-in status unknown{because}",
        )
    return Classification(
        RegionStatus.UNKNOWN,
        False,
        f"{error.describe()} - the credentials are not valid here "
        "(a v1 session token from the global endpoint?)",
    )


def not_probed(opt_in_status: str) -> Classification:
    """An opt-in region that the account's own ListRegions says it has not
    enabled: not probed (STS issues nothing there for the account), and
    verified as far as ListRegions, AWS's record of the account's opt-in
    regions, is: the same evidence that settles a refusal there."""
    return Classification(
        RegionStatus.NOT_ENABLED,
        True,
        f"not probed: ListRegions says opt-in status {opt_in_status}",
    )


def _reachable_only(
    region: str, opt_in: bool, opt_in_status: str | None, method: ProbeMethod
) -> Classification:
    """Status when only GetCallerIdentity could be called, and it answered."""
    if region == GLOBAL or region in UNDEACTIVATABLE_REGIONS:
        return Classification(
            RegionStatus.ACTIVE, False, "reachable; STS cannot be deactivated here"
        )
    if opt_in and opt_in_status in OPT_IN_ENABLED:
        return Classification(
            RegionStatus.ACTIVE,
            False,
            f"reachable; opt-in region {opt_in_status}, and STS is always "
            "active in an enabled opt-in region",
        )
    reason = method.reason or "no credential-issuing call possible"
    return Classification(
        RegionStatus.UNKNOWN,
        False,
        f"reachable, but GetCallerIdentity cannot tell active from "
        f"deactivated; {reason}: use --role-arn",
    )
