"""The organization check's data (``model/organization_report.py``): one
account's line, of one shape whether it was checked or not, and the
summary's counts per region and status, asserted whole."""

from __future__ import annotations

from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.members import MemberAccount
from awscli_regional_sts.commands.activation.model.organization_report import (
    SUMMARY_COLUMNS,
    AccountResult,
    OrganizationSummary,
)
from awscli_regional_sts.commands.activation.model.report import (
    AccountFacts,
    Recommendation,
    RegionResult,
    Report,
)

MEMBER = MemberAccount("111111111111", "payments", "ACTIVE")
OTHER = MemberAccount("222222222222", None, None)
ARN = "arn:aws:sts::111111111111:assumed-role/Checker/sts-activation-check"


def region(name: str, status: RegionStatus) -> RegionResult:
    return RegionResult(name, None, status, True, 1.0, "d")


def member_report(
    rows: list[RegionResult], recommendation: Recommendation | None = None
) -> Report:
    return Report(
        facts=AccountFacts(
            account="111111111111",
            arn=ARN,
            values={"token-version": (None, "iam:GetAccountSummary: AccessDenied")},
        ),
        partition="aws",
        probe="AssumeRole of Checker",
        regions=rows,
        fastest="us-east-1" if recommendation else None,
        recommendation=recommendation,
        warnings=["a warning"],
    )


def test_summary_columns_are_the_statuses_in_pascal_case_in_order() -> None:
    assert list(SUMMARY_COLUMNS.items()) == [
        (RegionStatus.ACTIVE, "Active"),
        (RegionStatus.INACTIVE, "Inactive"),
        (RegionStatus.NOT_ENABLED, "NotEnabled"),
        (RegionStatus.UNREACHABLE, "Unreachable"),
        (RegionStatus.UNKNOWN, "Unknown"),
    ]


def test_an_account_result_starts_with_neither_report_nor_error() -> None:
    result = AccountResult(MEMBER)
    assert (result.report, result.error, result.index) == (None, None, 0)


def test_a_checked_accounts_line_drops_the_callers_command() -> None:
    recommendation = Recommendation(
        "us-east-1", 1.0, 4.0, "aws configure set sts_region us-east-1 --profile p"
    )
    rows = [region("us-east-1", RegionStatus.ACTIVE)]
    line = AccountResult(
        MEMBER, report=member_report(rows, recommendation), index=3
    ).to_dict()
    assert list(line) == [
        "AccountId",
        "Name",
        "AccountStatus",
        "Arn",
        "GlobalEndpointTokenVersion",
        "GlobalEndpointTokenVersionDetail",
        "Probe",
        "Fastest",
        "Recommendation",
        "Regions",
        "Warnings",
        "Error",
    ]
    assert line == {
        "AccountId": "111111111111",
        "Name": "payments",
        "AccountStatus": "ACTIVE",
        "Arn": ARN,
        "GlobalEndpointTokenVersion": None,
        "GlobalEndpointTokenVersionDetail": "iam:GetAccountSummary: AccessDenied",
        "Probe": "AssumeRole of Checker",
        "Fastest": "us-east-1",
        "Recommendation": {
            "Region": "us-east-1",
            "LatencyMs": 1.0,
            "GlobalLatencyMs": 4.0,
            "TimesFasterThanGlobal": 4.0,
            "Tie": False,
            "TiedWith": [],
            "Reason": "",
        },
        "Regions": [rows[0].to_dict()],
        "Warnings": ["a warning"],
        "Error": None,
    }


def test_a_checked_account_without_recommendation() -> None:
    line = AccountResult(
        MEMBER, report=member_report([region("eu-west-1", RegionStatus.INACTIVE)])
    ).to_dict()
    assert line["Recommendation"] is None
    assert line["Fastest"] is None
    assert line["Regions"][0]["Status"] == "inactive"


def test_a_failed_accounts_line_has_the_same_keys_all_empty() -> None:
    line = AccountResult(OTHER, error="AssumeRole of Checker: AccessDenied").to_dict()
    assert line == {
        "AccountId": "222222222222",
        "Name": None,
        "AccountStatus": None,
        "Arn": None,
        "GlobalEndpointTokenVersion": None,
        "GlobalEndpointTokenVersionDetail": None,
        "Probe": None,
        "Fastest": None,
        "Recommendation": None,
        "Regions": [],
        "Warnings": [],
        "Error": "AssumeRole of Checker: AccessDenied",
    }


def test_a_new_summary_counts_nothing() -> None:
    summary = OrganizationSummary(["us-east-1"])
    assert (summary.checked, summary.failed, summary.skipped) == (0, 0, 0)
    assert summary.to_dict() == {
        "AccountsChecked": 0,
        "AccountsWithError": 0,
        "AccountsSkipped": 0,
        "Regions": [
            {
                "Region": "us-east-1",
                "Active": 0,
                "Inactive": 0,
                "NotEnabled": 0,
                "Unreachable": 0,
                "Unknown": 0,
            }
        ],
    }


def test_the_summary_counts_each_status_per_region_of_checked_accounts() -> None:
    summary = OrganizationSummary(["eu-west-1", "us-east-1"])
    summary.add(
        AccountResult(
            MEMBER,
            report=member_report(
                [
                    region("us-east-1", RegionStatus.ACTIVE),
                    region("eu-west-1", RegionStatus.NOT_ENABLED),
                    # A region the summary does not list is not counted.
                    region("ap-east-1", RegionStatus.ACTIVE),
                ]
            ),
        )
    )
    summary.add(
        AccountResult(
            MEMBER,
            report=member_report(
                [
                    region("us-east-1", RegionStatus.ACTIVE),
                    region("eu-west-1", RegionStatus.UNREACHABLE),
                ]
            ),
        )
    )
    summary.add(
        AccountResult(
            MEMBER,
            report=member_report(
                [
                    region("us-east-1", RegionStatus.UNKNOWN),
                    region("eu-west-1", RegionStatus.NOT_ENABLED),
                ]
            ),
        )
    )
    summary.add(AccountResult(OTHER, error="x"))
    summary.add(AccountResult(OTHER, error="y"))
    summary.skipped = 4
    assert summary.to_dict() == {
        "AccountsChecked": 3,
        "AccountsWithError": 2,
        "AccountsSkipped": 4,
        "Regions": [
            {
                "Region": "eu-west-1",
                "Active": 0,
                "Inactive": 0,
                "NotEnabled": 2,
                "Unreachable": 1,
                "Unknown": 0,
            },
            {
                "Region": "us-east-1",
                "Active": 2,
                "Inactive": 0,
                "NotEnabled": 0,
                "Unreachable": 0,
                "Unknown": 1,
            },
        ],
    }
    assert "ap-east-1" not in summary.counts
