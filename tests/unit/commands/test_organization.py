"""Unit tests for the organization-wide check's plain parts: listing and
selecting accounts, the per-account line, the per-region summary, and the
validation of its options. No network."""

from __future__ import annotations

import argparse
from typing import Any

import awscli  # noqa: F401 - first, so that botocore is the CLI's bundled one
import pytest

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.accounts.members import (
    MemberAccount,
    list_accounts,
    select_accounts,
)
from awscli_regional_sts.commands.activation.cli.argument_checks import (
    organization_arguments,
    validate_arguments,
)
from awscli_regional_sts.commands.activation.model.classify import classify
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import (
    ORGANIZATION_MAX_CONCURRENCY as DEFAULT_MAX_CONCURRENCY,
)
from awscli_regional_sts.commands.activation.model.options import (
    ORGANIZATION_SAMPLES as DEFAULT_SAMPLES,
)
from awscli_regional_sts.commands.activation.model.options import OutputFormat
from awscli_regional_sts.commands.activation.model.organization_report import (
    AccountResult,
    OrganizationSummary,
)
from awscli_regional_sts.commands.activation.model.report import (
    AccountFacts,
    Recommendation,
    RegionResult,
    Report,
)

ASSUME_ROLE = ProbeOperation.ASSUME_ROLE
NOT_ENABLED = RegionStatus.NOT_ENABLED
JSONL = OutputFormat.JSONL


class PagedOrganizations:
    """A fake Organizations client: ``pages`` pages of two accounts each."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.calls: list[dict[str, Any]] = []

    def list_accounts(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        index = int(params.get("NextToken", "0"))
        page: dict[str, Any] = {
            "Accounts": [
                {"Id": f"{index * 2 + n:012d}", "Name": f"a{index * 2 + n}"}
                | {"Status": "ACTIVE"}
                for n in range(2)
            ]
        }
        if index + 1 < self.pages:
            page["NextToken"] = str(index + 1)
        return page


def test_list_accounts_fetches_each_page_only_when_needed() -> None:
    client = PagedOrganizations(3)
    accounts = list_accounts(client)
    first = next(accounts)
    assert first.account_id == "000000000000"
    assert len(client.calls) == 1
    assert client.calls[0] == {"MaxResults": 20}
    rest = list(accounts)
    assert len(rest) == 5
    assert [c.get("NextToken") for c in client.calls] == [None, "1", "2"]


def test_state_wins_over_the_deprecated_status() -> None:
    newer = MemberAccount.from_listing(
        {"Id": "111111111111", "Name": "x", "Status": "ACTIVE", "State": "SUSPENDED"}
    )
    older = MemberAccount.from_listing(
        {"Id": "111111111111", "Name": "x", "Status": "SUSPENDED"}
    )
    assert newer.status == older.status == "SUSPENDED"


A = MemberAccount("111111111111", "a", "ACTIVE")
B = MemberAccount("222222222222", "b", "SUSPENDED")
C = MemberAccount("333333333333", "c", "ACTIVE")


def test_select_every_active_account_and_count_the_others() -> None:
    selected = list(select_accounts([A, B, C], None, include_suspended=False))
    assert [(s.account, s.error, s.skipped) for s in selected] == [
        (A, None, False),
        (B, None, True),
        (C, None, False),
    ]
    with_suspended = list(select_accounts([A, B, C], None, include_suspended=True))
    assert not any(s.skipped or s.error for s in with_suspended)


def test_named_accounts_are_never_lost_silently() -> None:
    wanted = ("222222222222", "999999999999", "333333333333")
    selected = list(select_accounts([A, B, C], wanted, include_suspended=False))
    by_id = {s.account.account_id: s for s in selected}
    assert list(by_id) == ["222222222222", "333333333333", "999999999999"]
    assert by_id["333333333333"].error is None
    assert "SUSPENDED" in (by_id["222222222222"].error or "")
    assert "--include-suspended" in (by_id["222222222222"].error or "")
    assert "does not list" in (by_id["999999999999"].error or "")
    assert not any(s.skipped for s in selected)


def report(statuses: dict[str, str]) -> Report:
    return Report(
        AccountFacts(
            account="111111111111",
            arn="arn:aws:sts::111111111111:assumed-role/R/s",
            values={"token-version": (2, None)},
        ),
        "aws",
        "AssumeRole of R",
        [RegionResult(r, None, s, True, 1.0, "d") for r, s in statuses.items()],
        "us-east-1",
        Recommendation(
            "us-east-1", 1.0, None, "aws configure set sts_region us-east-1"
        ),
    )


def test_account_line_has_one_shape_checked_or_not() -> None:
    checked = AccountResult(A, report=report({"us-east-1": "active"})).to_dict()
    failed = AccountResult(C, error="AssumeRole of R: AccessDenied").to_dict()
    assert list(checked) == list(failed)
    assert checked["AccountId"] == "111111111111"
    assert checked["Error"] is None
    assert checked["Regions"][0]["Status"] == "active"
    # The recommendation's command would name the caller's profile.
    assert "Command" not in checked["Recommendation"]
    assert failed["Regions"] == [] and failed["Error"].startswith("AssumeRole")


def test_summary_counts_per_region_and_status() -> None:
    summary = OrganizationSummary(["us-east-1", "eu-west-1"])
    summary.add(AccountResult(A, report=report({"us-east-1": "active"})))
    summary.add(
        AccountResult(
            C, report=report({"us-east-1": "active", "eu-west-1": "inactive"})
        )
    )
    summary.add(AccountResult(B, error="x"))
    summary.skipped = 1
    out = summary.to_dict()
    assert (out["AccountsChecked"], out["AccountsWithError"]) == (2, 1)
    assert out["AccountsSkipped"] == 1
    rows = {row["Region"]: row for row in out["Regions"]}
    assert rows["us-east-1"]["Active"] == 2
    assert rows["eu-west-1"] == {
        "Region": "eu-west-1",
        "Active": 0,
        "Inactive": 1,
        "NotEnabled": 0,
        "Unreachable": 0,
        "Unknown": 0,
    }


def test_refusal_in_an_opt_in_region_means_not_enabled() -> None:
    """An opt-in region cannot be deactivated: a member account's
    RegionDisabledException there means the region is not enabled."""
    method = ProbeMethod(ASSUME_ROLE, role_arn="arn:aws:iam::111111111111:role/R")
    refused = Observation(
        probe_error=CallError("RegionDisabledException", "STS is not activated")
    )
    known = classify("ap-east-1", "aws", method, refused, "DISABLED", None, 2.0)
    assert (known.status, known.verified) == (NOT_ENABLED, True)
    guessed = classify("ap-east-1", "aws", method, refused, None, None, 2.0)
    assert (guessed.status, guessed.verified) == (NOT_ENABLED, False)
    assert "inferred" in guessed.detail


def parsed(**kwargs: Any) -> argparse.Namespace:
    values: dict[str, Any] = {
        "organization": True,
        "member_role_name": None,
        "accounts": None,
        "include_suspended": False,
        "max_accounts_in_flight": None,
        "output_format": None,
        "max_concurrency": None,
        "samples": None,
        "role_arn": None,
        "require_active": None,
    }
    values.update(kwargs)
    return argparse.Namespace(**values)


GLOBALS = argparse.Namespace(query=None, output=None)


def test_organization_defaults() -> None:
    arguments = organization_arguments(parsed(), GLOBALS)
    assert arguments is not None
    assert arguments.member_role_name == "OrganizationAccountAccessRole"
    assert arguments.accounts is None
    assert arguments.output_format == "document"
    # --max-concurrency and --samples: parsed once, with the mode's default.
    aws = default_partitions().by_name("aws")
    assert aws is not None
    limits = validate_arguments(
        parsed(regions=None, timeout=None), aws, default_partitions(), None
    )
    assert limits.max_concurrency == DEFAULT_MAX_CONCURRENCY
    assert limits.samples == DEFAULT_SAMPLES
    assert organization_arguments(parsed(organization=False), GLOBALS) is None


def test_accounts_are_validated_and_deduplicated() -> None:
    arguments = organization_arguments(
        parsed(accounts=["111111111111,222222222222", "111111111111"]), GLOBALS
    )
    assert arguments is not None
    assert arguments.accounts == ("111111111111", "222222222222")


@pytest.mark.parametrize(
    "kwargs, globals_, message",
    [
        ({"organization": False, "accounts": ["111111111111"]}, {}, "--accounts"),
        ({"organization": False, "include_suspended": True}, {}, "needs"),
        ({"accounts": ["12345"]}, {}, "'12345' is not an AWS account id"),
        ({"accounts": [","]}, {}, "at least one"),
        ({"member_role_name": "no spaces"}, {}, "--member-role-name"),
        # aws/identifiers.py's ASCII role name: \\w took non-ASCII letters.
        ({"member_role_name": "Rôle"}, {}, "--member-role-name"),
        ({"accounts": ["١١١١١١١١١١١١"]}, {}, "is not an AWS account id"),
        ({"max_accounts_in_flight": "0"}, {}, "--max-accounts-in-flight"),
        ({"role_arn": "arn:aws:iam::111111111111:role/R"}, {}, "--role-arn"),
        ({"require_active": []}, {}, "--require-active"),
        ({"save": True}, {}, "--save"),
        ({"output_format": JSONL}, {"query": object()}, "--query"),
        ({"output_format": JSONL}, {"output": "table"}, "--output table"),
    ],
)
def test_bad_organization_arguments(
    kwargs: dict[str, Any], globals_: dict[str, Any], message: str
) -> None:
    namespace = argparse.Namespace(**{"query": None, "output": None, **globals_})
    with pytest.raises(ArgumentProblem, match=message):
        organization_arguments(parsed(**kwargs), namespace)
