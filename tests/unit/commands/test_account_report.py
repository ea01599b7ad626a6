"""One account's report from its findings (``model/account_report.py``):
each region's row classified from what its probe saw (or decided without a
probe, or abandoned), the account's facts, the recommendation with the
profile's regions, and the warnings in their order. Pure: the findings are
built by hand, as ``run/account_check.py`` would gather them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model.account_report import (
    AccountFindings,
    account_report,
    region_results,
)
from awscli_regional_sts.commands.activation.model.classify import (
    Classification,
    not_probed,
)
from awscli_regional_sts.commands.activation.model.denials import FactDenial
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
    identity_only,
)
from awscli_regional_sts.commands.activation.model.report import (
    Recommendation,
    RegionResult,
)

ACCOUNT = "111122223333"
IDENTITY = {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}
GST_PLAN = ProbePlan(
    ProbeMethod(ProbeOperation.GET_SESSION_TOKEN),
    CredentialSource.CALLER,
    "GetSessionToken (IAM user keys)",
)
ACTIVE = RegionStatus.ACTIVE


class Refused(Exception):
    """A botocore-shaped error answer (``response["Error"]``)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": message}}


def probed(*latencies: float, error: CallError | None = None) -> Observation:
    return Observation(probe_error=error, latencies_ms=list(latencies))


def at(region: str, *latencies: float, error: CallError | None = None) -> Observation:
    observation = probed(*latencies, error=error)
    observation.endpoint = f"https://sts.{region}.amazonaws.com"
    return observation


def options(regions: tuple[str, ...], **kwargs: Any) -> CheckOptions:
    base: dict[str, Any] = {
        "regions": regions,
        "partition": "aws",
        "profile": "dev",
        "profile_region": None,
        "timeout": 3.0,
    }
    return CheckOptions(**(base | kwargs))


def findings(
    observations: Mapping[str, Observation],
    facts: Mapping[str, tuple[Any, BaseException | None]],
    **kwargs: Any,
) -> AccountFindings:
    return AccountFindings(
        identity=IDENTITY,
        plan=kwargs.pop("plan", GST_PLAN),
        observations=observations,
        facts=facts,
        **kwargs,
    )


V2 = {"token-version": (2, None)}


def test_findings_default_to_the_callers_account_and_nothing_else() -> None:
    found = AccountFindings(identity=IDENTITY, plan=GST_PLAN, observations={}, facts={})
    assert found.same_account is True
    assert found.decided == {}
    assert found.warnings == []
    assert found.denials == ()


def test_each_region_is_classified_in_the_order_asked() -> None:
    found = findings(
        {
            "eu-west-1": at(
                "eu-west-1",
                4.0,
                error=CallError("RegionDisabledException", "STS is not activated"),
            ),
            "us-east-1": at("us-east-1", 30.0, 20.0, 25.0),
        },
        V2 | {"opt-in": ({}, None)},
    )
    rows = region_results(
        found, options(("us-east-1", "eu-west-1", "me-south-1")), ({}, None)
    )
    assert rows == [
        RegionResult(
            region="us-east-1",
            endpoint="https://sts.us-east-1.amazonaws.com",
            status=ACTIVE,
            verified=True,
            latency_ms=25.0,
            detail="GetSessionToken succeeded",
            samples_ms=(30.0, 20.0, 25.0),
        ),
        RegionResult(
            region="eu-west-1",
            endpoint="https://sts.eu-west-1.amazonaws.com",
            status=RegionStatus.INACTIVE,
            verified=True,
            latency_ms=4.0,
            detail="RegionDisabledException from GetSessionToken",
            samples_ms=(4.0,),
        ),
        # No observation: the probe was abandoned at the --timeout.
        RegionResult(
            region="me-south-1",
            endpoint=None,
            status=RegionStatus.UNREACHABLE,
            verified=False,
            latency_ms=None,
            detail="no answer within 3 s (probe abandoned)",
            samples_ms=(),
        ),
    ]


def test_a_region_decided_without_a_probe_keeps_its_classification() -> None:
    decided = {"ap-east-1": not_probed("DISABLED")}
    found = findings({}, V2, decided=decided)
    (result,) = region_results(found, options(("ap-east-1",)), ({}, None))
    assert (result.status, result.verified, result.detail) == (
        RegionStatus.NOT_ENABLED,
        True,
        "not probed: ListRegions says opt-in status DISABLED",
    )
    assert (result.endpoint, result.latency_ms, result.samples_ms) == (None, None, ())


def test_the_opt_in_status_and_its_reason_reach_the_classification() -> None:
    refused = CallError("InvalidClientTokenId", "The security token is invalid")
    found = findings(
        {"ap-east-1": at("ap-east-1", error=refused), "me-south-1": at("me-south-1")},
        V2,
        plan=identity_only("session credentials cannot call GetSessionToken"),
    )
    known = region_results(
        found,
        options(("ap-east-1", "me-south-1")),
        ({"ap-east-1": "DISABLED", "me-south-1": "ENABLED"}, None),
    )
    assert [(r.status, r.verified, r.detail) for r in known] == [
        (
            RegionStatus.NOT_ENABLED,
            True,
            "InvalidClientTokenId, and ListRegions says opt-in status DISABLED",
        ),
        (
            ACTIVE,
            False,
            "reachable; opt-in region ENABLED, and STS is always active in an "
            "enabled opt-in region",
        ),
    ]
    unknown = region_results(
        found, options(("ap-east-1",)), ({}, "ListRegions: AccessDenied")
    )
    assert [(r.status, r.verified, r.detail) for r in unknown] == [
        (
            RegionStatus.NOT_ENABLED,
            False,
            "inferred: InvalidClientTokenId in an opt-in region; opt-in status "
            "unknown (ListRegions: AccessDenied)",
        )
    ]
    # The same answer in another partition: ap-east-1 is no opt-in region there.
    elsewhere = region_results(
        found, options(("ap-east-1",), partition="aws-cn"), ({}, None)
    )
    assert elsewhere[0].status == RegionStatus.UNKNOWN


def test_the_account_report_whole() -> None:
    found = findings(
        {
            "global": at("global", 300.0),
            "us-east-1": at("us-east-1", 30.0),
            "eu-west-1": at("eu-west-1", 31.0),
            "ap-east-1": at("ap-east-1", 50.0),
            "eu-west-2": at(
                "eu-west-2",
                error=CallError("RegionDisabledException", "STS is not activated"),
            ),
        },
        {
            "token-version": (1, None),
            "opt-in": ({"ap-east-1": "ENABLED", "me-south-1": "DISABLED"}, None),
        },
        warnings=["earlier warning"],
        denials=(FactDenial("iam:GetAccountSummary", CallError("AccessDenied", "")),),
    )
    check = options(
        ("global", "us-east-1", "eu-west-1", "ap-east-1", "eu-west-2"),
        sts_region="eu-west-2",
        sts_region_source="sts_region in profile 'dev'",
        profile_region="eu-west-1",
    )
    report = account_report(found, check)
    assert report.facts.account == ACCOUNT
    assert report.facts.arn == IDENTITY["Arn"]
    assert report.facts.values == {
        "token-version": (1, None),
        "opt-in": ({"ap-east-1": "ENABLED", "me-south-1": "DISABLED"}, None),
    }
    assert report.partition == "aws"
    assert report.probe == "GetSessionToken (IAM user keys)"
    assert [r.region for r in report.regions] == list(check.regions)
    assert report.status_of("eu-west-2") == RegionStatus.INACTIVE
    assert report.fastest == "us-east-1"
    # us-east-1 and eu-west-1 are a tie; the profile's region wins it.
    assert report.recommendation == Recommendation(
        region="eu-west-1",
        latency_ms=31.0,
        global_latency_ms=300.0,
        command="aws configure set sts_region eu-west-1 --profile dev",
        tied_with=("us-east-1",),
        reason=(
            "a tie: us-east-1 30 ms (1 sample), eu-west-1 31 ms (1 sample) "
            "cannot be told apart by this measurement; eu-west-1 is the "
            "profile's own region among them"
        ),
    )
    assert report.denials == found.denials
    assert report.warnings == [
        "earlier warning",
        "STS region eu-west-2 (sts_region in profile 'dev') is inactive: STS "
        "calls of this profile may fail (RegionDisabledException from "
        "GetSessionToken)",
        "the global endpoint issues v1 session tokens, which are not valid in "
        "the enabled opt-in regions (ap-east-1): use a regional endpoint "
        "(sts_region) or run 'aws iam set-security-token-service-preferences "
        "--global-endpoint-token-version v2Token'",
    ]
    # The findings' own list is not the report's.
    assert found.warnings == ["earlier warning"]


def test_the_sts_region_wins_a_tie_before_the_profiles_region() -> None:
    found = findings(
        {"us-east-1": at("us-east-1", 30.0), "eu-west-1": at("eu-west-1", 31.0)},
        V2,
    )
    report = account_report(
        found,
        options(
            ("us-east-1", "eu-west-1"),
            sts_region="us-east-1",
            profile_region="eu-west-1",
        ),
    )
    assert report.recommendation is not None
    assert report.recommendation.region == "us-east-1"
    assert report.warnings == []


def test_the_opt_in_statuses_reach_the_rows_and_the_v1_warning() -> None:
    found = findings(
        {
            "ap-east-1": at(
                "ap-east-1", error=CallError("InvalidClientTokenId", "invalid")
            )
        },
        {
            "token-version": (1, None),
            "opt-in": ({"ap-east-1": "DISABLED", "il-central-1": "ENABLED"}, None),
        },
    )
    report = account_report(found, options(("ap-east-1",)))
    (result,) = report.regions
    assert (result.status, result.verified) == (RegionStatus.NOT_ENABLED, True)
    assert report.recommendation is None and report.fastest is None
    assert report.warnings == [
        "the global endpoint issues v1 session tokens, which are not valid in "
        "the enabled opt-in regions (il-central-1): use a regional endpoint "
        "(sts_region) or run 'aws iam set-security-token-service-preferences "
        "--global-endpoint-token-version v2Token'"
    ]


def test_facts_of_another_account_leave_the_opt_in_statuses_unknown() -> None:
    found = findings(
        {
            "ap-east-1": at(
                "ap-east-1", error=CallError("InvalidClientTokenId", "invalid")
            )
        },
        {"token-version": (None, Refused("AccessDenied", "no"))},
        same_account=False,
    )
    report = account_report(found, options(("ap-east-1",)))
    assert report.facts.values == {
        "token-version": (None, "iam:GetAccountSummary: AccessDenied: no"),
        "opt-in": (None, "ListRegions not asked: the role is in another account"),
    }
    assert report.regions[0].detail == (
        "inferred: InvalidClientTokenId in an opt-in region; opt-in status "
        "unknown (ListRegions not asked: the role is in another account)"
    )
    assert report.warnings == []


def test_a_refused_opt_in_listing_is_the_rows_reason() -> None:
    found = findings(
        {
            "ap-east-1": at(
                "ap-east-1", error=CallError("InvalidClientTokenId", "invalid")
            )
        },
        {"token-version": (2, None), "opt-in": (None, Refused("AccessDenied"))},
    )
    report = account_report(found, options(("ap-east-1",)))
    assert report.regions[0].detail.endswith(
        "opt-in status unknown (ListRegions: AccessDenied)"
    )


def test_a_decided_classification_is_used_as_given() -> None:
    decided = {"eu-west-1": Classification(RegionStatus.UNKNOWN, False, "decided")}
    found = findings({"eu-west-1": at("eu-west-1", 5.0)}, V2, decided=decided)
    report = account_report(found, options(("eu-west-1",)))
    (result,) = report.regions
    assert (result.status, result.detail, result.latency_ms) == (
        RegionStatus.UNKNOWN,
        "decided",
        5.0,
    )
