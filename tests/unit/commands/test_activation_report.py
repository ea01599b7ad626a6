"""The activation report as plain data (``model/report.py``): each row's and
the report's output document, the facts' fields, the recommendation and its
reason, ``--require-active``'s verdict and the warnings, asserted whole so
that a changed key, word or comparison shows."""

from __future__ import annotations

import pytest

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model import report as report_module
from awscli_regional_sts.commands.activation.model.account_facts import (
    OPT_IN,
    TOKEN_VERSION,
)
from awscli_regional_sts.commands.activation.model.denials import FactDenial
from awscli_regional_sts.commands.activation.model.report import (
    NOISE_FLOOR_MS,
    NOISE_FRACTION,
    AccountFacts,
    Recommendation,
    RegionResult,
    Report,
    Verdict,
    recommend,
    sts_region_warning,
    token_version_warning,
    within_noise,
)

ACTIVE = RegionStatus.ACTIVE
INACTIVE = RegionStatus.INACTIVE
UNKNOWN = RegionStatus.UNKNOWN
UNREACHABLE = RegionStatus.UNREACHABLE
ACCOUNT = "111122223333"
ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"


def row(
    region: str,
    status: RegionStatus = ACTIVE,
    ms: float | None = 10.0,
    samples: tuple[float, ...] = (),
    detail: str = "d",
) -> RegionResult:
    return RegionResult(
        region=region,
        endpoint=f"https://sts.{region}.amazonaws.com",
        status=status,
        verified=True,
        latency_ms=ms,
        detail=detail,
        samples_ms=samples,
    )


# --- rows and facts -------------------------------------------------------------


def test_a_row_is_output_in_pascal_case_without_its_samples() -> None:
    result = RegionResult(
        "eu-west-1",
        "https://sts.eu-west-1.amazonaws.com",
        INACTIVE,
        False,
        12.5,
        "RegionDisabledException",
        (12.0, 13.0),
    )
    document = result.to_dict()
    assert document == {
        "Region": "eu-west-1",
        "Endpoint": "https://sts.eu-west-1.amazonaws.com",
        "Status": "inactive",
        "Verified": False,
        "LatencyMs": 12.5,
        "Detail": "RegionDisabledException",
    }
    # The status is a plain string in the document (JSON, --query).
    assert type(document["Status"]) is str
    assert RegionResult("x", None, ACTIVE, True, None, "d").samples_ms == ()


def test_facts_fields_are_each_value_and_why_it_is_null() -> None:
    # Nothing known: the value field is there, null, with no reason.
    assert AccountFacts(ACCOUNT, ARN).fields() == {"GlobalEndpointTokenVersion": None}
    assert AccountFacts(ACCOUNT, ARN).values == {}
    known = AccountFacts(
        ACCOUNT,
        ARN,
        {"token-version": (2, None), "opt-in": ({"ap-east-1": "ENABLED"}, None)},
    )
    # The opt-in statuses feed the rows only: no field of their own.
    assert known.fields() == {"GlobalEndpointTokenVersion": 2}
    refused = AccountFacts(
        ACCOUNT,
        ARN,
        {
            "token-version": (None, "iam:GetAccountSummary: AccessDenied"),
            "opt-in": (None, "ListRegions: AccessDenied"),
        },
    )
    assert refused.fields() == {
        "GlobalEndpointTokenVersion": None,
        "GlobalEndpointTokenVersionDetail": "iam:GetAccountSummary: AccessDenied",
    }


def test_a_fact_without_a_field_hides_none_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FACTS lists the opt-in statuses (no field) last today; in any order,
    every fact with a field is in the report."""
    monkeypatch.setattr(report_module, "FACTS", (OPT_IN, TOKEN_VERSION))
    facts = AccountFacts(ACCOUNT, ARN, {"token-version": (1, None)})
    assert facts.fields() == {"GlobalEndpointTokenVersion": 1}


# --- the recommendation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("latency", "global_latency", "times"),
    [
        (30.0, 300.0, 10.0),
        (30.0, 100.0, 3.3),  # one decimal
        (30.0, None, None),  # the global endpoint not measured
        (30.0, 0.0, None),
        (0.0, 100.0, None),  # no division by a zero latency
        (-1.0, 100.0, None),
    ],
)
def test_times_faster_than_the_global_endpoint(
    latency: float, global_latency: float | None, times: float | None
) -> None:
    recommendation = Recommendation("eu-west-1", latency, global_latency, "c")
    assert recommendation.times_faster == times


def test_a_recommendation_is_output_in_pascal_case() -> None:
    recommendation = Recommendation(
        region="eu-west-1",
        latency_ms=20.0,
        global_latency_ms=100.0,
        command="aws configure set sts_region eu-west-1 --profile p",
        tied_with=("eu-west-2", "eu-central-1"),
        reason="why",
    )
    assert recommendation.to_dict() == {
        "Region": "eu-west-1",
        "LatencyMs": 20.0,
        "GlobalLatencyMs": 100.0,
        "TimesFasterThanGlobal": 5.0,
        "Tie": True,
        "TiedWith": ["eu-west-2", "eu-central-1"],
        "Reason": "why",
        "Command": "aws configure set sts_region eu-west-1 --profile p",
    }
    plain = Recommendation("eu-west-1", 20.0, None, "c")
    assert (plain.tied_with, plain.reason) == ((), "")
    assert plain.to_dict()["Tie"] is False
    assert plain.to_dict()["TiedWith"] == []


def test_the_noise_thresholds() -> None:
    assert (NOISE_FLOOR_MS, NOISE_FRACTION) == (2.0, 0.2)


@pytest.mark.parametrize(
    ("faster", "slower", "tie"),
    [
        # A row without a latency is never a tie, on either side.
        (row("a", ms=None), row("b", ms=5.0), False),
        (row("a", ms=5.0), row("b", ms=None), False),
        # Two samples each are enough for ranges: these do not overlap,
        # though the medians are only 1 ms apart.
        (
            row("a", ms=10.5, samples=(10.0, 11.0)),
            row("b", ms=11.5, samples=(11.1, 11.9)),
            False,
        ),
        (
            row("a", ms=10.5, samples=(10.0, 11.2)),
            row("b", ms=11.5, samples=(11.1, 11.9)),
            True,
        ),
        # Ranges on one side only: the floor decides, not the ranges.
        (
            row("a", ms=10.0, samples=(9.0, 10.0, 11.0)),
            row("b", ms=20.0, samples=(20.0,)),
            False,
        ),
        (
            row("a", ms=10.0, samples=(10.0,)),
            row("b", ms=11.0, samples=(10.5, 11.0, 11.5)),
            True,
        ),
        # Exactly at the floor: a tie.
        (row("a", ms=5.0), row("b", ms=7.0), True),
        (row("a", ms=100.0), row("b", ms=120.0), True),
        (row("a", ms=100.0), row("b", ms=120.1), False),
        (row("a", ms=5.0), row("b", ms=7.5), False),
    ],
)
def test_within_noise(faster: RegionResult, slower: RegionResult, tie: bool) -> None:
    assert within_noise(faster, slower) is tie


def test_no_active_measured_region_no_recommendation() -> None:
    results = [
        row("global"),
        row("eu-west-1", INACTIVE),
        row("us-east-1", ms=None),
        row("eu-west-2", UNKNOWN, ms=1.0),
    ]
    assert recommend(results, "p") == (None, None)
    assert recommend([], "p") == (None, None)


def test_the_fastest_active_region_is_recommended_with_its_command() -> None:
    results = [
        row("global", ms=300.0),
        row("us-east-1", ms=250.0),
        row("eu-west-1", UNREACHABLE, ms=1.0),
        row("ap-northeast-1", ms=30.0),
    ]
    fastest, recommendation = recommend(results, "tokyo")
    assert fastest == "ap-northeast-1"
    assert recommendation == Recommendation(
        region="ap-northeast-1",
        latency_ms=30.0,
        global_latency_ms=300.0,
        command="aws configure set sts_region ap-northeast-1 --profile tokyo",
        tied_with=(),
        reason="the fastest active region",
    )


def test_the_global_endpoint_is_compared_only_when_active() -> None:
    results = [row("global", INACTIVE, ms=300.0), row("eu-west-1", ms=30.0)]
    _, recommendation = recommend(results, "p")
    assert recommendation is not None
    assert recommendation.global_latency_ms is None
    # The global endpoint alone is no recommendation, however fast.
    assert recommend([row("global", ms=1.0)], "p") == (None, None)


def test_equal_latencies_are_ordered_by_region_name() -> None:
    results = [row("us-west-2", ms=10.0), row("eu-west-1", ms=10.0)]
    fastest, recommendation = recommend(results, "p")
    assert fastest == "eu-west-1"
    assert recommendation is not None
    assert recommendation.tied_with == ("us-west-2",)


def test_a_tie_names_every_timing_and_why_the_choice() -> None:
    results = [
        row("us-west-2", ms=16.0, samples=(15.0, 16.0)),
        row("eu-west-1", ms=15.0, samples=(15.0,)),
        row("eu-central-1", ms=15.5, samples=(15.0, 15.5, 16.0)),
        row("ap-south-1", ms=90.0),
    ]
    fastest, chosen = recommend(results, "p", (None, "us-west-2"))
    assert fastest == "eu-west-1"
    assert chosen is not None
    assert chosen.region == "us-west-2"
    assert chosen.latency_ms == 16.0
    assert chosen.tied_with == ("eu-west-1", "eu-central-1")
    assert chosen.command == "aws configure set sts_region us-west-2 --profile p"
    assert chosen.reason == (
        "a tie: eu-west-1 15 ms (1 sample), eu-central-1 15.5 ms (3 samples), "
        "us-west-2 16 ms (2 samples) cannot be told apart by this measurement; "
        "us-west-2 is the profile's own region among them"
    )


def test_a_tie_without_the_profiles_region_takes_the_fastest() -> None:
    results = [row("eu-west-1", ms=15.0), row("eu-west-2", ms=16.0)]
    fastest, chosen = recommend(results, "p", ("us-east-1", None))
    assert fastest == "eu-west-1"
    assert chosen is not None
    assert (chosen.region, chosen.tied_with) == ("eu-west-1", ("eu-west-2",))
    # No samples recorded counts as the one measurement the latency is.
    assert chosen.reason == (
        "a tie: eu-west-1 15 ms (1 sample), eu-west-2 16 ms (1 sample) cannot "
        "be told apart by this measurement; eu-west-1 is the fastest of them"
    )


def test_the_preferred_region_must_be_among_the_tied() -> None:
    results = [row("eu-west-1", ms=15.0), row("eu-west-2", ms=15.5)]
    # us-east-1 is slower than the noise: the sts_region does not win.
    results.append(row("us-east-1", ms=80.0))
    _, chosen = recommend(results, "p", ("us-east-1", "eu-west-2"))
    assert chosen is not None
    assert chosen.region == "eu-west-2"
    assert chosen.tied_with == ("eu-west-1",)


# --- the report --------------------------------------------------------------------


def test_a_report_starts_without_recommendation_warnings_or_denials() -> None:
    report = Report(AccountFacts(ACCOUNT, ARN), "aws", "probe", [])
    assert report.fastest is None
    assert report.recommendation is None
    assert report.warnings == []
    assert report.denials == ()


def test_status_of_each_region_and_none_for_another() -> None:
    report = Report(
        AccountFacts(ACCOUNT, ARN),
        "aws",
        "probe",
        [row("us-east-1"), row("eu-west-1", INACTIVE), row("eu-west-2", UNKNOWN)],
    )
    assert report.status_of("us-east-1") == ACTIVE
    assert report.status_of("eu-west-1") == INACTIVE
    assert report.status_of("eu-west-2") == UNKNOWN
    assert report.status_of("ap-east-1") is None


def test_verdict_fails_inactive_and_unchecked_and_sets_unknown_apart() -> None:
    report = Report(
        AccountFacts(ACCOUNT, ARN),
        "aws",
        "probe",
        [
            row("us-east-1"),
            row("eu-west-1", INACTIVE),
            row("eu-west-2", UNKNOWN),
            row("eu-west-3", UNREACHABLE),
        ],
    )
    assert report.verdict([]) == Verdict([], [])
    assert report.verdict(["us-east-1"]) == Verdict(failing=[], undetermined=[])
    verdict = report.verdict(
        ["eu-west-3", "us-east-1", "eu-west-2", "ap-east-1", "eu-west-1"]
    )
    assert verdict.failing == [
        "eu-west-3 (unreachable)",
        "ap-east-1 (not checked)",
        "eu-west-1 (inactive)",
    ]
    assert verdict.undetermined == ["eu-west-2 (unknown)"]


def test_the_report_document_in_its_order() -> None:
    recommendation = Recommendation("eu-west-1", 10.0, 100.0, "cmd")
    denial = FactDenial("iam:GetAccountSummary", CallError("AccessDenied", "no"))
    report = Report(
        facts=AccountFacts(
            ACCOUNT,
            ARN,
            {"token-version": (None, "iam:GetAccountSummary: AccessDenied")},
        ),
        partition="aws",
        probe="GetSessionToken (IAM user keys)",
        regions=[row("eu-west-1"), row("us-east-1", INACTIVE)],
        fastest="eu-west-1",
        recommendation=recommendation,
        warnings=["w1"],
        denials=(denial,),
    )
    document = report.to_dict()
    assert list(document) == [
        "Account",
        "Arn",
        "Partition",
        "GlobalEndpointTokenVersion",
        "GlobalEndpointTokenVersionDetail",
        "Probe",
        "Fastest",
        "Recommendation",
        "Regions",
        "Warnings",
    ]
    assert document == {
        "Account": ACCOUNT,
        "Arn": ARN,
        "Partition": "aws",
        "GlobalEndpointTokenVersion": None,
        "GlobalEndpointTokenVersionDetail": "iam:GetAccountSummary: AccessDenied",
        "Probe": "GetSessionToken (IAM user keys)",
        "Fastest": "eu-west-1",
        "Recommendation": recommendation.to_dict(),
        "Regions": [row("eu-west-1").to_dict(), row("us-east-1", INACTIVE).to_dict()],
        "Warnings": ["w1"],
    }
    # The document's warnings are a copy: adding to it leaves the report's.
    document["Warnings"].append("w2")
    assert report.warnings == ["w1"]
    bare = Report(AccountFacts(ACCOUNT, ARN), "aws-cn", "p", []).to_dict()
    assert (bare["Recommendation"], bare["Fastest"], bare["Regions"]) == (
        None,
        None,
        [],
    )
    assert bare["Partition"] == "aws-cn"


# --- warnings ----------------------------------------------------------------------

SOURCE = "sts_region in profile 'p'"


def test_no_sts_region_no_warning() -> None:
    results = [row("eu-west-1", INACTIVE)]
    assert sts_region_warning(results, None, SOURCE) is None
    assert sts_region_warning(results, "", SOURCE) is None


def test_an_active_or_unchecked_sts_region_no_warning() -> None:
    results = [row("eu-west-1", INACTIVE), row("eu-west-2")]
    assert sts_region_warning(results, "eu-west-2", SOURCE) is None
    assert sts_region_warning(results, "ap-east-1", SOURCE) is None


def test_an_inactive_sts_region_is_warned_of_with_its_source_and_detail() -> None:
    results = [
        row("eu-west-2"),
        row("eu-west-1", INACTIVE, detail="RegionDisabledException"),
    ]
    assert sts_region_warning(results, "eu-west-1", "AWS_STS_REGION") == (
        "STS region eu-west-1 (AWS_STS_REGION) is inactive: STS calls of this "
        "profile may fail (RegionDisabledException)"
    )


def test_an_unknown_sts_region_says_it_cannot_be_told() -> None:
    results = [row("eu-west-1", UNKNOWN, detail="AccessDenied")]
    assert sts_region_warning(results, "eu-west-1", SOURCE) == (
        "STS region eu-west-1 (sts_region in profile 'p') is unknown: whether "
        "its STS calls will work cannot be told (AccessDenied)"
    )


V1_WARNING = (
    "the global endpoint issues v1 session tokens, which are not valid in "
    "the enabled opt-in regions ({}): use a regional endpoint (sts_region) or "
    "run 'aws iam set-security-token-service-preferences "
    "--global-endpoint-token-version v2Token'"
)


def test_v1_tokens_meet_enabled_opt_in_regions() -> None:
    results = [row("ap-east-1"), row("eu-west-1"), row("me-south-1", INACTIVE)]
    statuses = {
        "af-south-1": "ENABLED_BY_DEFAULT",
        "il-central-1": "ENABLED",
        "eu-south-1": "DISABLED",
        "me-central-1": "DISABLING",
        # Enabled, but not an opt-in region: v1 tokens are valid there.
        "us-east-1": "ENABLED_BY_DEFAULT",
    }
    assert token_version_warning(1, "aws", results, statuses) == V1_WARNING.format(
        "af-south-1, ap-east-1, il-central-1"
    )


def test_v1_warning_names_four_regions_and_counts_the_rest() -> None:
    four = {r: "ENABLED" for r in ("ap-east-1", "me-south-1", "af-south-1")}
    assert token_version_warning(
        1, "aws", [row("eu-south-1")], four
    ) == V1_WARNING.format("af-south-1, ap-east-1, eu-south-1, me-south-1")
    # A fifth is counted, not shown.
    five = four | {"il-central-1": "ENABLED"}
    assert token_version_warning(
        1, "aws", [row("eu-south-1")], five
    ) == V1_WARNING.format("af-south-1, ap-east-1, eu-south-1, il-central-1 and 1 more")
    six = four | {"il-central-1": "ENABLED", "me-central-1": "ENABLED"}
    assert token_version_warning(
        1, "aws", [row("eu-south-1")], six
    ) == V1_WARNING.format("af-south-1, ap-east-1, eu-south-1, il-central-1 and 2 more")


def test_no_v1_warning_without_v1_tokens_or_enabled_opt_in_regions() -> None:
    enabled = {"ap-east-1": "ENABLED"}
    assert token_version_warning(2, "aws", [row("ap-east-1")], enabled) is None
    assert token_version_warning(None, "aws", [row("ap-east-1")], enabled) is None
    assert token_version_warning(1, "aws", [row("eu-west-1")], {}) is None
    assert (
        token_version_warning(
            1, "aws", [row("ap-east-1", INACTIVE)], {"ap-east-1": "DISABLED"}
        )
        is None
    )
    # Another partition has no opt-in regions: the names mean nothing there.
    assert token_version_warning(1, "aws-cn", [row("ap-east-1")], enabled) is None
