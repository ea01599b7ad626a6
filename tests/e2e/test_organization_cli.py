"""`aws sts activation-check --organization` end to end: real CLI v1 and v2
against a simulated organization of mixed accounts:

* 111122223333, the management account (the caller, IAM user keys);
* 222222222222 "prod": every region active;
* 333333333333 "dev": eu-west-1 deactivated, ap-east-1 (opt-in) not enabled;
* 444444444444 "locked": its member role cannot be assumed;
* 555555555555 "closed": SUSPENDED.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    is_cli_v2,
)
from testing.simulator import ACCOUNT_ID, Simulator
from tests.e2e.matrix import FURTHER_CASES_ON, rows_by_client

ORG = ("sts", "activation-check", "--organization")
REGIONS = ("--regions", "us-east-1", "eu-west-1", "ap-east-1")
PROD, DEV, LOCKED, CLOSED = (
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
)
CLIENT_ERROR_RC = {CLI_V1: 255, CLI_V2: 254, CLI_V2_FROZEN: 254}
#: Each CLI's own exit status for a bad parameter value.
INVALID_ARGUMENT_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 252, CLI_V2_FROZEN: 252}
#: activation-check's exit status when a selected account could not be
#: checked (every organization here has one: "locked" or "closed").
ACCOUNTS_FAILED_RC = 4


def some_failed(result: Result) -> Result:
    """A run in which an account could not be checked: the documents are
    printed in full, and the exit status says so."""
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    return result


def build_organization(aws_env: AwsEnv) -> None:
    simulator = aws_env.simulator
    user = simulator.add_user("admin")
    aws_env.config = "[default]\nregion = us-east-1\n"
    aws_env.add_keys("default", user)
    simulator.create_organization()
    simulator.add_member_account(PROD, name="prod")
    simulator.add_member_account(DEV, name="dev")
    simulator.add_member_account(LOCKED, name="locked")
    simulator.add_member_account(CLOSED, name="closed", status="SUSPENDED")
    simulator.set_region("eu-west-1", state="deactivated", account_id=DEV)
    simulator.set_region("ap-east-1", state="not-enabled", account_id=DEV)
    simulator.set_member_role_assumable(LOCKED, False)


def statuses(account: dict[str, Any]) -> dict[str, str]:
    return {row["Region"]: row["Status"] for row in account["Regions"]}


def assert_no_secret(simulator: Simulator, *results: Result) -> None:
    secrets = simulator.issued_secrets()
    assert secrets
    for secret in secrets:
        for result in results:
            assert secret not in result.output


def assert_mixed_organization(
    accounts: dict[str, Any], summary: Any, kind: str
) -> None:
    assert set(accounts) == {ACCOUNT_ID, PROD, DEV, LOCKED}
    assert statuses(accounts[PROD]) == dict.fromkeys(
        ("us-east-1", "eu-west-1", "ap-east-1"), "active"
    )
    assert statuses(accounts[DEV]) == {
        "us-east-1": "active",
        "eu-west-1": "inactive",
        "ap-east-1": "not-enabled",
    }
    for account_id in (PROD, DEV):
        line = accounts[account_id]
        assert line["Error"] is None
        assert line["Arn"].startswith(f"arn:aws:sts::{account_id}:assumed-role/")
        assert line["GlobalEndpointTokenVersion"] == 1
        for row in line["Regions"]:
            # Debian's CLI v2 2.9 has an older botocore without Account
            # ListRegions: a refusal in an opt-in region is then inferred to
            # be not-enabled.
            inferred = kind == CLI_V2 and row["Status"] == "not-enabled"
            assert row["Verified"] is not inferred, row
    assert accounts[DEV]["Name"] == "dev"
    # The management account has no member role: checked with the caller's
    # own credentials, as the single-account command would.
    assert accounts[ACCOUNT_ID]["Probe"].startswith("GetSessionToken")
    assert accounts[ACCOUNT_ID]["Error"] is None
    locked = accounts[LOCKED]
    assert locked["Regions"] == []
    assert "AccessDenied" in locked["Error"]
    assert "OrganizationAccountAccessRole" in locked["Error"]

    assert summary["AccountsChecked"] == 3
    assert summary["AccountsWithError"] == 1
    assert summary["AccountsSkipped"] == 1  # the suspended one
    rows = {row["Region"]: row for row in summary["Regions"]}
    assert rows["us-east-1"]["Active"] == 3
    assert (rows["eu-west-1"]["Active"], rows["eu-west-1"]["Inactive"]) == (2, 1)
    assert rows["ap-east-1"]["NotEnabled"] == 1
    assert rows["ap-east-1"]["Active"] == 2


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_mixed_organization_as_a_document(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    result = some_failed(aws_env.run(kind, *ORG, *REGIONS, "--debug"))
    document = result.json()
    assert document["MemberRoleName"] == "OrganizationAccountAccessRole"
    accounts = {a["AccountId"]: a for a in document["Accounts"]}
    # ListAccounts order, whatever order the accounts finished in.
    assert list(accounts) == [ACCOUNT_ID, PROD, DEV, LOCKED]
    assert_mixed_organization(accounts, document["Summary"], kind)
    # Each member's probes assumed its role at each region's own endpoint,
    # signed for that region.
    probes = {
        (r.host, r.signing_region)
        for r in aws_env.simulator.requests
        if r.action == "AssumeRole" and r.status == 403
    }
    assert ("sts.eu-west-1.amazonaws.com", "eu-west-1") in probes
    assert "Traceback" not in result.stderr
    # --debug logs every response body: no issued credential may show.
    assert_no_secret(aws_env.simulator, result)


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_mixed_organization_as_json_lines(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    result = some_failed(
        aws_env.run(
            kind,
            *ORG,
            *REGIONS,
            "--output-format",
            "jsonl",
            "--max-accounts-in-flight",
            "2",
        )
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5
    *accounts, last = lines
    assert list(last) == ["Summary"]
    by_id = {a["AccountId"]: a for a in accounts}
    assert_mixed_organization(by_id, last["Summary"], kind)
    assert_no_secret(aws_env.simulator, result)


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_formats_and_query(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    base = (*ORG, *REGIONS)
    inactive = some_failed(
        aws_env.run(
            kind,
            *base,
            "--query",
            "Accounts[?Regions[?Status=='inactive']].AccountId",
            "--output",
            "text",
        )
    )
    assert inactive.stdout.split() == [DEV]
    failed = some_failed(
        aws_env.run(
            kind, *base, "--query", "Accounts[?Error].[AccountId]", "--output", "text"
        )
    )
    assert failed.stdout.split() == [LOCKED]
    summary = some_failed(
        aws_env.run(
            kind,
            *base,
            "--query",
            "Summary.Regions[?Region=='eu-west-1'].[Active,Inactive]",
            "--output",
            "json",
        )
    )
    assert summary.json() == [[2, 1]]
    table = some_failed(aws_env.run(kind, *base, "--output", "table"))
    assert "activation-check" in table.stdout and "not-enabled" in table.stdout
    text = some_failed(aws_env.run(kind, *base, "--output", "text"))
    assert DEV in text.stdout and "inactive" in text.stdout
    outputs = [inactive, failed, summary, table, text]
    if is_cli_v2(kind):
        yaml = some_failed(aws_env.run(kind, *base, "--output", "yaml"))
        assert "Status: not-enabled" in yaml.stdout
        outputs.append(yaml)
    assert_no_secret(aws_env.simulator, *outputs)


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_named_accounts_and_suspended_ones(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    named = some_failed(
        aws_env.run(
            kind,
            *ORG,
            "--regions",
            "eu-west-1",
            "--accounts",
            DEV,
            CLOSED,
            "999999999999",
            "--output-format",
            "jsonl",
        )
    )
    lines = [json.loads(line) for line in named.stdout.splitlines()]
    by_id = {line["AccountId"]: line for line in lines[:-1]}
    assert set(by_id) == {DEV, CLOSED, "999999999999"}
    assert statuses(by_id[DEV]) == {"eu-west-1": "inactive"}
    assert "--include-suspended" in by_id[CLOSED]["Error"]
    assert "does not list" in by_id["999999999999"]["Error"]

    tried = some_failed(
        aws_env.run(
            kind,
            *ORG,
            "--regions",
            "eu-west-1",
            "--accounts",
            CLOSED,
            "--include-suspended",
            "--output-format",
            "jsonl",
        )
    )
    line = json.loads(tried.stdout.splitlines()[0])
    assert line["AccountStatus"] == "SUSPENDED"
    assert "AccessDenied" in line["Error"]

    # Every selected account checked: exit status 0.
    healthy = aws_env.run(
        kind, *ORG, "--regions", "eu-west-1", "--accounts", PROD, DEV
    ).check()
    assert healthy.json()["Summary"]["AccountsWithError"] == 0


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_a_caller_who_may_not_list_accounts_gets_one_line(
    aws_env: AwsEnv, kind: str
) -> None:
    build_organization(aws_env)
    aws_env.simulator.deny("organizations:ListAccounts")
    aws_env.simulator.clear_log()
    result = aws_env.run(kind, *ORG, *REGIONS)
    assert result.returncode == CLIENT_ERROR_RC[kind]
    assert "AccessDeniedException" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    # Nothing beyond the listing was asked.
    assert {r.action for r in aws_env.simulator.requests} == {"ListAccounts"}


BAD_ORGANIZATION_ARGUMENTS = {
    "accounts-short": (
        ("--organization", "--accounts", "12345"),
        "'12345' is not an AWS",
    ),
    "accounts-long": (
        ("--organization", "--accounts", "1234567890123"),
        "is not an AWS",
    ),
    "role-name-space": (
        ("--organization", "--member-role-name", "a b"),
        "--member-role-name",
    ),
    "in-flight-0": (("--organization", "--max-accounts-in-flight", "0"), "in-flight"),
    "role-arn": (
        ("--organization", "--role-arn", f"arn:aws:iam::{PROD}:role/R"),
        "role-arn",
    ),
    "jsonl-query": (
        ("--organization", "--output-format", "jsonl", "--query", "x"),
        "--query",
    ),
    "suspended-alone": (("--include-suspended",), "needs --organization"),
}


@pytest.mark.parametrize(
    ("kind", "args", "message"),
    rows_by_client(CLI_KINDS, BAD_ORGANIZATION_ARGUMENTS),
)
def test_bad_organization_arguments_fail_before_any_request(
    aws_env: AwsEnv, kind: str, args: tuple[str, ...], message: str
) -> None:
    build_organization(aws_env)
    aws_env.simulator.clear_log()
    result = aws_env.run(kind, "sts", "activation-check", *args)
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert aws_env.simulator.requests == []


def test_many_accounts_over_several_pages(aws_env: AwsEnv) -> None:
    build_organization(aws_env)
    ids = aws_env.simulator.add_member_accounts(45)
    result = some_failed(
        aws_env.run(
            CLI_V1,
            *ORG,
            "--regions",
            "us-east-1",
            "--output-format",
            "jsonl",
            "--max-accounts-in-flight",
            "8",
            timeout=120,
        )
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    checked = {line["AccountId"] for line in lines[:-1]}
    assert set(ids) <= checked
    assert lines[-1]["Summary"]["AccountsChecked"] == 45 + 3
    listing = [r for r in aws_env.simulator.requests if r.action == "ListAccounts"]
    assert len(listing) == 3  # 50 accounts, 20 a page


def test_help_documents_the_organization_options(aws_env: AwsEnv) -> None:
    build_organization(aws_env)
    env = {"PAGER": "cat", "MANPAGER": "cat"}
    page = aws_env.run(CLI_V1, "sts", "activation-check", "help", env=env).check()
    text = page.stdout.replace("\b", "")
    for option in (
        "--organization",
        "--member-role-name",
        "--accounts",
        "--include-suspended",
        "--max-accounts-in-flight",
        "--output-format",
    ):
        assert option in text
