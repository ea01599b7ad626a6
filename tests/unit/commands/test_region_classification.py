"""What one region's probe means (model/classify.py): for every kind of
answer, the exact status, whether it is verified, and the Detail a user
reads in the report, word for word."""

from __future__ import annotations

import pytest

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model.classify import (
    Classification,
    classify,
    not_probed,
    throttled_detail,
)
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)

ACTIVE = RegionStatus.ACTIVE
INACTIVE = RegionStatus.INACTIVE
NOT_ENABLED = RegionStatus.NOT_ENABLED
UNREACHABLE = RegionStatus.UNREACHABLE
UNKNOWN = RegionStatus.UNKNOWN

GST = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
ROLE = ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn="arn:aws:iam::1:role/r")
GCI = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="an SSO session")
GCI_NO_REASON = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY)

#: An opt-in region of the aws partition, and one enabled by default.
OPT_IN = "ap-east-1"
DEFAULT = "eu-west-1"

TIMEOUT = CallError(
    "ConnectTimeoutError",
    "Connect timeout on endpoint URL",
    unreachable=True,
    no_answer=True,
    timed_out=True,
)
REFUSED = CallError(
    "EndpointConnectionError",
    "Could not connect",
    unreachable=True,
    no_answer=True,
)
DISABLED = CallError("RegionDisabledException", "STS is not activated")
INVALID_TOKEN = CallError("InvalidClientTokenId", "The security token is invalid")
AUTH_FAILURE = CallError("AuthFailure", "")
DENIED = CallError("AccessDenied", "not authorized to perform sts:AssumeRole")
THROTTLED = CallError("Throttling", "Rate exceeded", status=400)


def verdict(
    error: CallError | None,
    *,
    region: str = DEFAULT,
    method: ProbeMethod = GST,
    opt_in_status: str | None = None,
    reason: str | None = None,
    abandoned: bool = False,
    partition: str = "aws",
    timeout: float = 2.0,
) -> Classification:
    observation = Observation(probe_error=error, abandoned=abandoned)
    return classify(
        region, partition, method, observation, opt_in_status, reason, timeout
    )


# -- no answer -------------------------------------------------------------


def test_a_timed_out_probe_is_unreachable_after_the_timeout() -> None:
    assert verdict(TIMEOUT, timeout=2.5) == Classification(
        UNREACHABLE,
        False,
        "no answer within 2.5 s (ConnectTimeoutError: Connect timeout on endpoint URL)",
    )


def test_a_whole_second_timeout_is_written_without_decimals() -> None:
    assert verdict(TIMEOUT, timeout=3.0).detail.startswith("no answer within 3 s (")


def test_a_refused_connection_is_no_connection() -> None:
    assert verdict(REFUSED) == Classification(
        UNREACHABLE, False, "no connection (EndpointConnectionError: Could not connect)"
    )


def test_an_abandoned_probe_had_no_answer_in_time() -> None:
    assert verdict(None, abandoned=True, timeout=4) == Classification(
        UNREACHABLE, False, "no answer within 4 s (probe abandoned)"
    )


def test_an_abandoned_probe_with_an_error_says_the_error() -> None:
    """Abandoned wins over what the error was (no timeout, no connection)."""
    assert verdict(REFUSED, abandoned=True) == Classification(
        UNREACHABLE,
        False,
        "no answer within 2 s (EndpointConnectionError: Could not connect)",
    )


def test_an_abandoned_probe_is_unreachable_even_for_an_answering_method() -> None:
    """abandoned alone (no error) is no answer, not "succeeded"."""
    assert verdict(None, abandoned=True, method=ROLE).status == UNREACHABLE


@pytest.mark.parametrize("status", ["DISABLED", "DISABLING"])
def test_no_answer_names_an_opt_in_status_that_is_not_enabled(status: str) -> None:
    assert verdict(REFUSED, region=OPT_IN, opt_in_status=status).detail == (
        "no connection (EndpointConnectionError: Could not connect); "
        f"opt-in status {status}"
    )


@pytest.mark.parametrize("status", ["ENABLED", "ENABLED_BY_DEFAULT", None])
def test_no_answer_says_nothing_of_an_enabled_or_unknown_opt_in(
    status: str | None,
) -> None:
    assert verdict(REFUSED, region=OPT_IN, opt_in_status=status).detail == (
        "no connection (EndpointConnectionError: Could not connect)"
    )


# -- an answer without error ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "detail"),
    [(GST, "GetSessionToken succeeded"), (ROLE, "AssumeRole succeeded")],
)
def test_a_credential_issuing_answer_is_verified_active(
    method: ProbeMethod, detail: str
) -> None:
    assert verdict(None, method=method) == Classification(ACTIVE, True, detail)


@pytest.mark.parametrize("region", ["global", "us-east-1", "cn-north-1"])
def test_get_caller_identity_where_sts_cannot_be_deactivated(region: str) -> None:
    assert verdict(None, region=region, method=GCI) == Classification(
        ACTIVE, False, "reachable; STS cannot be deactivated here"
    )


@pytest.mark.parametrize("status", ["ENABLED", "ENABLED_BY_DEFAULT"])
def test_get_caller_identity_in_an_enabled_opt_in_region(status: str) -> None:
    assert verdict(
        None, region=OPT_IN, method=GCI, opt_in_status=status
    ) == Classification(
        ACTIVE,
        False,
        f"reachable; opt-in region {status}, and STS is always active in an "
        "enabled opt-in region",
    )


GCI_CANNOT_TELL = (
    "reachable, but GetCallerIdentity cannot tell active from deactivated; "
)


@pytest.mark.parametrize(
    ("region", "status"),
    [
        # Enabled, but not an opt-in region: STS there can be deactivated.
        (DEFAULT, "ENABLED"),
        # An opt-in region not (known to be) enabled.
        (OPT_IN, None),
        (OPT_IN, "DISABLING"),
    ],
)
def test_get_caller_identity_elsewhere_cannot_tell(
    region: str, status: str | None
) -> None:
    assert verdict(
        None, region=region, method=GCI, opt_in_status=status
    ) == Classification(
        UNKNOWN, False, GCI_CANNOT_TELL + "an SSO session: use --role-arn"
    )


def test_get_caller_identity_without_a_reason_gives_the_general_one() -> None:
    assert verdict(None, method=GCI_NO_REASON) == Classification(
        UNKNOWN,
        False,
        GCI_CANNOT_TELL + "no credential-issuing call possible: use --role-arn",
    )


# -- throttled ---------------------------------------------------------------


def test_throttled_without_retries_is_unknown() -> None:
    assert verdict(THROTTLED) == Classification(
        UNKNOWN, False, "throttled: Throttling: Rate exceeded"
    )


def test_http_429_is_throttling_whatever_its_code() -> None:
    error = CallError("TooManyRequests", "slow down", status=429)
    assert verdict(error).detail == "throttled: TooManyRequests: slow down"


@pytest.mark.parametrize(
    ("count", "detail"),
    [
        (0, "throttled: Throttling: Rate exceeded"),
        (1, "throttled once; retry budget spent (Throttling: Rate exceeded)"),
        (2, "throttled 2 times; retry budget spent (Throttling: Rate exceeded)"),
        (7, "throttled 7 times; retry budget spent (Throttling: Rate exceeded)"),
    ],
)
def test_throttled_detail_counts_the_throttled_answers(count: int, detail: str) -> None:
    error = CallError("Throttling", "Rate exceeded", throttled_answers=count)
    assert throttled_detail(error) == detail
    assert verdict(error) == Classification(UNKNOWN, False, detail)


def test_throttling_of_an_opt_in_region_is_still_only_unknown() -> None:
    assert verdict(
        THROTTLED, region=OPT_IN, opt_in_status="DISABLED"
    ) == Classification(UNKNOWN, False, "throttled: Throttling: Rate exceeded")


# -- STS not activated -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "verified", "detail"),
    [
        (GST, True, "RegionDisabledException from GetSessionToken"),
        (ROLE, True, "RegionDisabledException from AssumeRole"),
        (GCI, False, "RegionDisabledException from GetCallerIdentity"),
    ],
)
def test_region_disabled_in_a_default_region_is_inactive(
    method: ProbeMethod, verified: bool, detail: str
) -> None:
    assert verdict(DISABLED, method=method) == Classification(
        INACTIVE, verified, detail
    )


def test_access_denied_saying_not_activated_is_inactive_not_denied() -> None:
    error = CallError("AccessDenied", "STS is not activated in this region")
    assert verdict(error, method=ROLE) == Classification(
        INACTIVE, True, "AccessDenied from AssumeRole"
    )


@pytest.mark.parametrize(
    ("method", "status", "verified", "because"),
    [
        (ROLE, "DISABLED", True, "; ListRegions says opt-in status DISABLED"),
        (GST, "DISABLING", True, "; ListRegions says opt-in status DISABLING"),
        # The opt-in status proves it; GetCallerIdentity's answer does not.
        (GCI, "DISABLED", False, "; ListRegions says opt-in status DISABLED"),
        (
            ROLE,
            None,
            False,
            "; inferred: an opt-in region cannot be deactivated",
        ),
        (
            GST,
            "ENABLED",
            False,
            "; inferred: an opt-in region cannot be deactivated",
        ),
    ],
)
def test_region_disabled_in_an_opt_in_region_is_not_enabled(
    method: ProbeMethod, status: str | None, verified: bool, because: str
) -> None:
    assert verdict(
        DISABLED, region=OPT_IN, method=method, opt_in_status=status
    ) == Classification(
        NOT_ENABLED,
        verified,
        f"RegionDisabledException from {method.operation} in an opt-in region"
        + because,
    )


# -- the token not valid here ------------------------------------------------


@pytest.mark.parametrize("status", ["DISABLED", "DISABLING"])
@pytest.mark.parametrize("error", [INVALID_TOKEN, AUTH_FAILURE])
def test_an_invalid_token_where_list_regions_says_not_enabled(
    error: CallError, status: str
) -> None:
    assert verdict(error, region=OPT_IN, opt_in_status=status) == Classification(
        NOT_ENABLED,
        True,
        f"{error.code}, and ListRegions says opt-in status {status}",
    )


def test_an_invalid_token_in_an_opt_in_region_of_unknown_status() -> None:
    assert verdict(
        INVALID_TOKEN, region=OPT_IN, reason="ListRegions: AccessDenied"
    ) == Classification(
        NOT_ENABLED,
        False,
        "inferred: InvalidClientTokenId in an opt-in region; opt-in status "
        "unknown (ListRegions: AccessDenied)",
    )


def test_an_invalid_token_in_an_opt_in_region_without_a_reason() -> None:
    assert verdict(AUTH_FAILURE, region=OPT_IN) == Classification(
        NOT_ENABLED,
        False,
        "inferred: AuthFailure in an opt-in region; opt-in status unknown",
    )


V1_TOKEN = (
    " - the credentials are not valid here "
    "(a v1 session token from the global endpoint?)"
)


@pytest.mark.parametrize(
    ("region", "status"),
    [
        # Not an opt-in region: the token, not the region.
        (DEFAULT, None),
        # An opt-in region the account has enabled.
        (OPT_IN, "ENABLED"),
    ],
)
def test_an_invalid_token_elsewhere_is_a_token_not_valid_here(
    region: str, status: str | None
) -> None:
    assert verdict(
        INVALID_TOKEN, region=region, opt_in_status=status, reason="whatever"
    ) == Classification(
        UNKNOWN,
        False,
        "InvalidClientTokenId: The security token is invalid" + V1_TOKEN,
    )


def test_an_auth_failure_without_message_is_named_by_its_code() -> None:
    assert verdict(AUTH_FAILURE) == Classification(
        UNKNOWN, False, "AuthFailure" + V1_TOKEN
    )


# -- other refusals ----------------------------------------------------------


def test_assume_role_denied_is_unknown_and_says_what_is_unconfirmed() -> None:
    assert verdict(DENIED, method=ROLE) == Classification(
        UNKNOWN,
        False,
        "AssumeRole denied (not authorized to perform sts:AssumeRole); whether "
        "STS checks activation before authorization is unconfirmed",
    )


def test_access_denied_to_get_session_token_is_only_described() -> None:
    assert verdict(DENIED) == Classification(
        UNKNOWN, False, "AccessDenied: not authorized to perform sts:AssumeRole"
    )


def test_any_other_error_is_unknown_with_its_description() -> None:
    error = CallError("ExpiredToken", "The security token included has expired")
    assert verdict(error, region=OPT_IN, method=ROLE) == Classification(
        UNKNOWN, False, "ExpiredToken: The security token included has expired"
    )


# -- not probed ---------------------------------------------------------------


def test_a_region_not_enabled_by_list_regions_is_not_probed() -> None:
    assert not_probed("DISABLED") == Classification(
        NOT_ENABLED, True, "not probed: ListRegions says opt-in status DISABLED"
    )
