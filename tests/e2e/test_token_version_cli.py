"""`aws sts set-global-endpoint-token-version` end to end: the real CLI v1,
CLI v1 1.41 and Debian's CLI v2 against a simulated organization:

* 111122223333, the management account (the caller, IAM user keys);
* 222222222222 "prod" and 333333333333 "dev": reachable, on v1 tokens;
* 444444444444 "locked": every IAM call denied (as a service control
  policy would);
* 555555555555 "closed": SUSPENDED.

Writes are counted in the simulator's request log.
"""

from __future__ import annotations

import re
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
)
from testing.simulator import ACCOUNT_ID, LoggedRequest, Simulator
from tests.e2e.matrix import FURTHER_CASES_ON, rows_by_client

COMMAND = ("sts", "set-global-endpoint-token-version")
PROD, DEV, LOCKED, CLOSED = (
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
)
SET = "SetSecurityTokenServicePreferences"
ACCOUNTS_FAILED_RC = 4
INVALID_ARGUMENT_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 252, CLI_V2_FROZEN: 252}


def build_organization(aws_env: AwsEnv, *, deny_locked: bool = True) -> Simulator:
    sim: Simulator = aws_env.simulator
    aws_env.add_keys("default", sim.add_user("admin"))
    aws_env.config = "[default]\nregion = us-east-1\n"
    sim.create_organization()
    sim.add_member_account(PROD, name="prod")
    sim.add_member_account(DEV, name="dev")
    sim.add_member_account(LOCKED, name="locked")
    sim.add_member_account(CLOSED, name="closed", status="SUSPENDED")
    if deny_locked:
        sim.deny("iam:*", account_id=LOCKED)
    return sim


def writes(sim: Simulator) -> list[LoggedRequest]:
    return [r for r in sim.requests if r.action == SET]


def accounts(result: Result) -> dict[str, dict[str, Any]]:
    return {line["AccountId"]: line for line in result.json()["Accounts"]}


def assert_no_secret(sim: Simulator, *results: Result) -> None:
    secrets = sim.issued_secrets()
    assert secrets
    for result in results:
        for secret in secrets:
            assert secret not in result.output


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_the_callers_account_is_changed_once(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    first = aws_env.run(kind, *COMMAND, "--token-version", "v2Token").check()
    document = first.json()
    assert document["TokenVersion"] == "v2Token" and document["DryRun"] is False
    assert document["MemberRoleName"] is None
    assert document["Accounts"] == [
        {
            "AccountId": ACCOUNT_ID,
            "Before": "v1Token",
            "After": "v2Token",
            "Changed": True,
            "Error": None,
        }
    ]
    assert sim.token_version(ACCOUNT_ID) == 2
    # One write, at IAM's global endpoint, signed for us-east-1; no member
    # account was touched.
    assert [(r.host, r.signing_region, r.status) for r in writes(sim)] == [
        ("iam.amazonaws.com", "us-east-1", 200)
    ]
    assert sim.token_version(PROD) == 1
    sim.clear_log()
    second = aws_env.run(kind, *COMMAND, "--token-version", "v2Token").check()
    line = second.json()["Accounts"][0]
    assert (line["Before"], line["After"], line["Changed"]) == (
        "v2Token",
        "v2Token",
        False,
    )
    assert second.json()["Summary"]["AlreadySet"] == 1
    assert writes(sim) == []
    # And back: the same command with v1Token.
    back = aws_env.run(kind, *COMMAND, "--token-version", "v1Token").check()
    assert back.json()["Accounts"][0]["Changed"] is True
    assert sim.token_version(ACCOUNT_ID) == 1
    assert_no_secret(sim, first, second, back)


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_table_output(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    args = (*COMMAND, "--token-version", "v2Token", "--output", "table")
    table = aws_env.run(kind, *args, "--accounts", PROD, LOCKED)
    assert table.returncode == ACCOUNTS_FAILED_RC, table.output
    text = table.stdout
    assert "set-global-endpoint-token-version" in text
    rows = {
        line.split("|")[2].strip(): line
        for line in text.splitlines()
        if PROD in line or LOCKED in line
    }
    assert set(rows) == {PROD, LOCKED}
    assert "v1Token" in rows[PROD] and "v2Token" in rows[PROD]
    assert "True" in rows[PROD]
    assert "AccessDenied" in rows[LOCKED]
    assert len(writes(sim)) == 1
    sim.clear_log()
    again = aws_env.run(kind, *args, "--accounts", PROD).check()
    assert "False" in again.stdout and writes(sim) == []


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_named_accounts_with_one_denied(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    result = aws_env.run(
        kind,
        *COMMAND,
        "--token-version",
        "v2Token",
        "--accounts",
        PROD,
        LOCKED,
        DEV,
        "--debug",
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.stderr[-3000:]
    lines = accounts(result)
    # In the order named, whatever order they finished in.
    assert list(lines) == [PROD, LOCKED, DEV]
    for account_id in (PROD, DEV):
        assert lines[account_id]["Changed"] is True
        assert lines[account_id]["Error"] is None
        assert sim.token_version(account_id) == 2
    locked = lines[LOCKED]
    assert locked["Changed"] is False and locked["Before"] is None
    assert locked["Error"].startswith("iam:GetAccountSummary: AccessDenied: ")
    assert sim.token_version(LOCKED) == 1
    # Each member reached through its member role, the writes signed with
    # that role's session; the management account untouched.
    assert sim.token_version(ACCOUNT_ID) == 1
    assumed = [r for r in sim.requests if r.action == "AssumeRole"]
    assert len(assumed) == 3
    assert len(writes(sim)) == 2
    assert result.json()["Summary"]["WithError"] == 1
    assert "Traceback" not in result.stderr
    # --debug logs every response body: no issued credential may show.
    assert_no_secret(sim, result)


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_dry_run_sends_no_write(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    sim.set_token_version(2, account_id=DEV)
    result = aws_env.run(
        kind, *COMMAND, "--token-version", "v2Token", "--organization", "--dry-run"
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output  # locked
    assert writes(sim) == []
    document = result.json()
    assert document["DryRun"] is True
    lines = accounts(result)
    assert set(lines) == {ACCOUNT_ID, PROD, DEV, LOCKED}
    for account_id in (ACCOUNT_ID, PROD):
        # What a run without --dry-run would do; nothing changed.
        assert (
            lines[account_id]["Before"],
            lines[account_id]["After"],
            lines[account_id]["Changed"],
        ) == ("v1Token", "v2Token", False)
        assert sim.token_version(account_id) == 1
    assert lines[DEV]["Before"] == lines[DEV]["After"] == "v2Token"
    summary = document["Summary"]
    assert (summary["WouldChange"], summary["AlreadySet"], summary["Changed"]) == (
        2,
        1,
        0,
    )
    # The query a reviewer runs first.
    pending = aws_env.run(
        kind,
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--dry-run",
        "--query",
        "Accounts[?Before=='v1Token'].AccountId",
        "--output",
        "text",
    )
    assert sorted(pending.stdout.split()) == sorted([ACCOUNT_ID, PROD])
    assert writes(sim) == []


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_organization(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    result = aws_env.run(
        kind,
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--max-accounts-in-flight",
        "2",
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    lines = accounts(result)
    # ListAccounts order; the suspended account only counted.
    assert list(lines) == [ACCOUNT_ID, PROD, DEV, LOCKED]
    assert result.json()["MemberRoleName"] == "OrganizationAccountAccessRole"
    for account_id in (ACCOUNT_ID, PROD, DEV):
        assert lines[account_id]["Changed"] is True, lines[account_id]
        assert sim.token_version(account_id) == 2
    assert "AccessDenied" in lines[LOCKED]["Error"]
    assert sim.token_version(CLOSED) == 1
    summary = result.json()["Summary"]
    assert summary == {
        "Accounts": 4,
        "AlreadySet": 0,
        "Changed": 3,
        "WouldChange": 0,
        "WithError": 1,
        "Skipped": 1,
    }
    # The management account has no member role (Organizations creates
    # none there): its AssumeRole is refused and the caller's own keys set
    # its version. One AssumeRole per member, and that one.
    assumed = [r for r in sim.requests if r.action == "AssumeRole"]
    assert len(assumed) == 4
    assert [r.status for r in assumed].count(403) == 1  # the management's
    assert len(writes(sim)) == 3
    # A second run writes nothing; --query works as on any command.
    sim.clear_log()
    again = aws_env.run(
        kind,
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--query",
        "[Summary.Changed, Summary.AlreadySet]",
    )
    assert again.returncode == ACCOUNTS_FAILED_RC
    assert again.json() == [0, 3]
    assert writes(sim) == []
    # Once the denial is lifted, the organization is all on v2: exit 0.
    sim.reset()
    aws_env.credentials = ""
    build_organization(aws_env, deny_locked=False)
    sim.set_token_version(2)
    done = aws_env.run(
        kind, *COMMAND, "--token-version", "v2Token", "--organization"
    ).check()
    assert done.json()["Summary"]["AlreadySet"] == 4
    assert writes(sim) == []
    assert_no_secret(sim, result, again, done)


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_organization_with_named_accounts(aws_env: AwsEnv, kind: str) -> None:
    sim = build_organization(aws_env)
    result = aws_env.run(
        kind,
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--accounts",
        DEV,
        CLOSED,
        "999999999999",
    )
    assert result.returncode == ACCOUNTS_FAILED_RC
    lines = accounts(result)
    assert lines[DEV]["Changed"] is True
    assert lines[CLOSED]["Error"] == "not changed: the account is SUSPENDED"
    assert "does not list" in lines["999999999999"]["Error"]
    assert len(writes(sim)) == 1


def test_the_callers_own_account_named_uses_the_callers_keys(aws_env: AwsEnv) -> None:
    sim = build_organization(aws_env)
    result = aws_env.run(
        CLI_V1, *COMMAND, "--token-version", "v2Token", "--accounts", ACCOUNT_ID, PROD
    ).check()
    assert list(accounts(result)) == [ACCOUNT_ID, PROD]
    assert all(line["Changed"] for line in accounts(result).values())
    # The caller's account has no member role: its AssumeRole is refused,
    # and its own keys set the version; the member's role was assumed.
    assumed = [r for r in sim.requests if r.action == "AssumeRole"]
    assert [r.status for r in assumed].count(200) == 1
    assert [r.status for r in assumed].count(403) == 1
    assert sim.token_version(ACCOUNT_ID) == sim.token_version(PROD) == 2


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_a_caller_who_may_not_list_accounts_gets_the_clis_error(
    aws_env: AwsEnv, kind: str
) -> None:
    sim = build_organization(aws_env)
    sim.deny("organizations:ListAccounts")
    result = aws_env.run(kind, *COMMAND, "--token-version", "v2Token", "--organization")
    assert result.returncode not in (0, ACCOUNTS_FAILED_RC)
    assert "AccessDeniedException" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    # Nothing but the listing was sent.
    assert {r.action for r in sim.requests} == {"ListAccounts"}


def test_iam_of_the_profiles_partition(aws_env: AwsEnv) -> None:
    """IAM is global per partition: a China profile's calls go to
    iam.cn-north-1.amazonaws.com.cn, signed for cn-north-1."""
    sim = build_organization(aws_env)
    aws_env.config = "[default]\nregion = cn-northwest-1\n"
    aws_env.run(CLI_V1, *COMMAND, "--token-version", "v2Token").check()
    iam = {(r.host, r.signing_region) for r in sim.requests if r.service == "iam"}
    assert iam == {("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")}
    assert len(writes(sim)) == 1


BAD_INPUT = {
    "no-version": ((), "--token-version is required"),
    "v3Token": (("--token-version", "v3Token"), "'v3Token' is not a token version"),
    "v2token": (("--token-version", "v2token"), "did you mean v2Token?"),
    "bare-2": (("--token-version", "2"), "expected v1Token or v2Token"),
    "short-account": (
        ("--token-version", "v2Token", "--accounts", "12345"),
        "'12345' is not",
    ),
    "fullwidth-account": (
        ("--token-version", "v2Token", "--accounts", "２２２２２２２２２２２２"),
        "is not an AWS account id",
    ),
    "role-name-space": (
        (
            "--token-version",
            "v2Token",
            "--organization",
            "--member-role-name",
            "a b",
        ),
        "--member-role-name",
    ),
    "in-flight-0": (
        (
            "--token-version",
            "v2Token",
            "--organization",
            "--max-accounts-in-flight",
            "0",
        ),
        "--max-accounts-in-flight",
    ),
    "in-flight-alone": (
        ("--token-version", "v2Token", "--max-accounts-in-flight", "4"),
        "needs --accounts or --organization",
    ),
}


@pytest.mark.parametrize(
    ("kind", "args", "message"), rows_by_client(CLI_KINDS, BAD_INPUT)
)
def test_bad_input_is_refused_before_any_connection(
    aws_env: AwsEnv, kind: str, args: tuple[str, ...], message: str
) -> None:
    sim = build_organization(aws_env)
    sim.clear_log()
    result = aws_env.run(kind, *COMMAND, *args)
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert sim.connects == []


def test_help_says_what_the_change_does_and_how_to_go_back(aws_env: AwsEnv) -> None:
    build_organization(aws_env)
    env = {"PAGER": "cat", "MANPAGER": "cat"}
    page = aws_env.run(CLI_V1, *COMMAND, "help", env=env).check()
    # The man page overstrikes bold text ("T\bT"): keep one of each.
    text = " ".join(re.sub(".\b", "", page.stdout).split())
    for needed in (
        "version 2 tokens are longer",
        "fixed size",
        "Manage AWS STS in an AWS Region",
        "To go back",
        "--token-version v1Token",
        "--token-version",
        "--accounts",
        "--organization",
        "--member-role-name",
        "--max-accounts-in-flight",
        "--dry-run",
        "Exit status",
    ):
        assert needed in text, needed
