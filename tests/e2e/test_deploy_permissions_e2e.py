"""Least privilege, proven against the templates themselves: the simulator
enforces deploy/member-role.yaml's and deploy/github-caller-role.yaml's own
policies, read from the YAML files (tests/e2e/deployment.py sets the
organization up as docs/deploy.md does).

* With exactly those permissions, the audit, ``--baseline``, ``--report``,
  ``--list-accounts``, shards on its listing and ``--merge``, and
  (AllowTokenVersionChange=true) the remediation run end to end; the
  management account is checked through its member role, ``Verified``
  where a member is.
* With any one permission removed (every action of every policy, trust
  policies included, each in turn, read from the templates, not retyped),
  the command fails in one line naming the missing permission and the
  account: exit status 4 with the other accounts reported for a member's
  permission, the CLI's own status for the caller's.

Cost: one simulator per worker (the suite's), the stacks deployed in
process (milliseconds); each case runs the one command that needs the
permission, on CLI v1 (the denial is the plugin's own logic, the same in
every CLI); the caller-level cases, whose status is the CLI's own, and the
full run also on CLI v2.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from testing.clients import CLI_V1, CLI_V2, AwsEnv, Result
from testing.cloudformation import (
    CALLER_ROLE_TEMPLATE,
    MEMBER_ROLE_TEMPLATE,
    load_template,
    policy_actions,
    without_action,
)
from testing.simulator import ACCOUNT_ID
from tests.e2e.deployment import (
    ACCOUNTS,
    AUDIT,
    DEV,
    MEMBER_ROLE,
    PROD,
    REGIONS,
    deploy_organization,
)

ACCOUNTS_FAILED_RC = 4
#: The CLI's own status for an error answer, also when the credentials
#: cannot be had (the web identity refused).
CLIENT_ERROR_RC = {CLI_V1: 255, CLI_V2: 254}
REMEDIATE = (
    "sts",
    "set-global-endpoint-token-version",
    "--token-version",
    "v2Token",
    "--organization",
    "--member-role-name",
    MEMBER_ROLE,
)
LIST = ("sts", "activation-check", "--organization", "--list-accounts")
MEMBER_ACTIONS = policy_actions(MEMBER_ROLE_TEMPLATE, AllowTokenVersionChange="true")
CALLER_ACTIONS = policy_actions(CALLER_ROLE_TEMPLATE)


def run(aws_env: AwsEnv, kind: str, *args: str, expect: int) -> Result:
    result = aws_env.run(kind, *args, timeout=120)
    assert result.returncode == expect, result.output
    assert "Traceback" not in result.output
    return result


def by_account(result: Result) -> dict[str, Any]:
    return {line["AccountId"]: line for line in result.json()["Accounts"]}


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2])
def test_exactly_the_templates_permissions_run_everything(
    aws_env: AwsEnv, kind: str
) -> None:
    deploy_organization(aws_env, allow_token_version_change=True)
    root = aws_env.root
    audit = run(aws_env, kind, *AUDIT, *REGIONS, "--output", "json", expect=0)
    accounts = by_account(audit)
    assert set(accounts) == set(ACCOUNTS)
    for account_id in ACCOUNTS:
        line = accounts[account_id]
        assert line["Error"] is None, line
        assert line["Probe"].startswith("AssumeRole"), line
        assert line["Arn"].startswith(
            f"arn:aws:sts::{account_id}:assumed-role/{MEMBER_ROLE}/"
        )
        assert line["GlobalEndpointTokenVersion"] == 1
    # The management account is checked through its role like a member:
    # Verified wherever a member's is.
    verified = {
        a: {r["Region"]: r["Verified"] for r in accounts[a]["Regions"]}
        for a in ACCOUNTS
    }
    assert verified[ACCOUNT_ID] == verified[PROD]
    assert all(verified[PROD].values()) or kind == CLI_V2
    statuses = {r["Region"]: r["Status"] for r in accounts[DEV]["Regions"]}
    assert statuses == {
        "us-east-1": "active",
        "eu-west-1": "inactive",
        "ap-east-1": "not-enabled",
    }

    baseline = root / "baseline.json"
    baseline.write_text(audit.stdout)
    aws_env.simulator.set_region("eu-west-1", state="deactivated", account_id=PROD)
    # The shards as the workflow runs them: on one listing.
    listing = root / "accounts.json"
    listing.write_text(run(aws_env, kind, *LIST, expect=0).stdout)
    parts = []
    for number in (1, 2):
        part = run(
            aws_env,
            kind,
            *AUDIT,
            *REGIONS,
            "--accounts-from",
            str(listing),
            "--shard",
            f"{number}/2",
            "--output",
            "json",
            expect=0,
        )
        parts.append(root / f"shard-{number}.json")
        parts[-1].write_text(part.stdout)
    merged = run(
        aws_env,
        kind,
        "sts",
        "activation-check",
        "--merge",
        *map(str, parts),
        "--baseline",
        str(baseline),
        "--report",
        str(root / "audit.html"),
        str(root / "summary.md"),
        "--output",
        "json",
        expect=5,
    )
    assert merged.json()["Changes"] == [
        {
            "AccountId": PROD,
            "Region": "eu-west-1",
            "Change": "Status",
            "Before": "active",
            "After": "inactive",
        }
    ]
    assert "`eu-west-1`" in (root / "summary.md").read_text()
    assert (root / "audit.html").read_text().startswith("<!DOCTYPE html>")

    fixed = run(aws_env, kind, *REMEDIATE, expect=0)
    outcomes = {line["AccountId"]: line for line in fixed.json()["Accounts"]}
    assert {a: outcomes[a]["Changed"] for a in ACCOUNTS} == dict.fromkeys(
        ACCOUNTS, True
    )
    assert all(aws_env.simulator.token_version(a) == 2 for a in ACCOUNTS)


def _member_case(action: str) -> tuple[str, ...]:
    """The command that needs a member role's ``action``."""
    if action == "iam:SetSecurityTokenServicePreferences":
        return REMEDIATE
    return (*AUDIT, *REGIONS, "--output", "json")


@pytest.mark.parametrize("action", MEMBER_ACTIONS)
def test_each_member_permission_is_needed(aws_env: AwsEnv, action: str) -> None:
    """Removed from one member's stack (the StackSet instance in "prod"):
    that account fails, naming the permission and itself; the others are
    reported as checked or changed."""
    template = without_action(load_template(MEMBER_ROLE_TEMPLATE), action)
    deploy_organization(
        aws_env, member_templates={PROD: template}, allow_token_version_change=True
    )
    result = run(aws_env, CLI_V1, *_member_case(action), expect=ACCOUNTS_FAILED_RC)
    lines = by_account(result)
    error = lines[PROD]["Error"]
    assert error is not None and "\n" not in error
    assert action in error, error
    assert PROD in error, error
    for other in (ACCOUNT_ID, DEV):
        assert lines[other]["Error"] is None, lines[other]


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2])
@pytest.mark.parametrize("action", CALLER_ACTIONS)
def test_each_caller_permission_is_needed(
    aws_env: AwsEnv, action: str, kind: str
) -> None:
    template = without_action(load_template(CALLER_ROLE_TEMPLATE), action)
    caller = deploy_organization(aws_env, caller_template=template)
    args: tuple[str, ...] = (*AUDIT, *REGIONS, "--output", "json")
    if action == "organizations:DescribeOrganization":
        # Only a shard on a listing asks it (the listing job does not).
        listing = aws_env.root / "accounts.json"
        listing.write_text(run(aws_env, kind, *LIST, expect=0).stdout)
        args = (*args, "--accounts-from", str(listing))
    if action == "sts:AssumeRole":
        # Every account's role is out of reach: each says so, with the
        # role's account, and the run goes on to the end.
        result = run(aws_env, kind, *args, expect=ACCOUNTS_FAILED_RC)
        lines = by_account(result)
        assert set(lines) == set(ACCOUNTS)
        for account_id, line in lines.items():
            assert action in line["Error"], line
            assert f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}" in line["Error"]
        return
    result = aws_env.run(kind, *args, timeout=120)
    assert result.returncode == CLIENT_ERROR_RC[kind], result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert action in lines[0], lines[0]
    if action == "organizations:ListAccounts":
        assert caller.replace(":iam::", ":sts::").split(":role/")[0] in lines[0]


@pytest.mark.parametrize(
    "subject",
    [
        "repo:example-org/other-repository:ref:refs/heads/main",
        "repo:example-org/sts-audit:ref:refs/heads/feature",
        "repo:example-org/sts-audit:pull_request",
    ],
)
def test_only_the_repository_and_branch_may_assume_the_caller_role(
    aws_env: AwsEnv, subject: str
) -> None:
    deploy_organization(aws_env, token_subject=subject)
    result = aws_env.run(CLI_V1, *AUDIT, *REGIONS)
    assert result.returncode == CLIENT_ERROR_RC[CLI_V1], result.output
    assert "AssumeRoleWithWebIdentity" in result.stderr
    assert {r.action for r in aws_env.simulator.requests} == {
        "AssumeRoleWithWebIdentity"
    }


def test_the_caller_role_may_assume_no_other_role(aws_env: AwsEnv) -> None:
    """sts:AssumeRole is limited to the member role by name: another role
    that trusts the caller (an administrator's) stays out of reach."""
    caller = deploy_organization(aws_env)
    aws_env.simulator.add_role("Admin", account_id=PROD, trusted=(caller,))
    result = run(
        aws_env,
        CLI_V1,
        "sts",
        "activation-check",
        "--organization",
        "--member-role-name",
        "Admin",
        *REGIONS,
        "--accounts",
        PROD,
        expect=ACCOUNTS_FAILED_RC,
    )
    error = json.loads(result.stdout)["Accounts"][0]["Error"]
    assert "not authorized to perform: sts:AssumeRole" in error
    # The role trusts the caller: the caller's own policy is what refused.
    assert "arn:aws:iam::222222222222:role/Admin" in error


def test_the_caller_role_may_assume_the_member_role_only_in_its_organization(
    aws_env: AwsEnv,
) -> None:
    """A role with the member role's name in an account outside the
    organization (one that left it, or a stranger's), trusting the caller:
    refused by the caller's own policy (``aws:ResourceOrgID`` equal to
    ``${aws:PrincipalOrgID}``), while the same name in a member account is
    assumed (issue 31)."""
    caller = deploy_organization(aws_env)
    outsider = "999988887777"
    aws_env.simulator.add_role(MEMBER_ROLE, account_id=outsider, trusted=(caller,))
    inside = run(
        aws_env,
        CLI_V1,
        "sts",
        "assume-role",
        "--role-arn",
        f"arn:aws:iam::{PROD}:role/{MEMBER_ROLE}",
        "--role-session-name",
        "audit",
        "--output",
        "json",
        expect=0,
    )
    assert inside.json()["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{PROD}:assumed-role/{MEMBER_ROLE}/"
    )
    outside = run(
        aws_env,
        CLI_V1,
        "sts",
        "assume-role",
        "--role-arn",
        f"arn:aws:iam::{outsider}:role/{MEMBER_ROLE}",
        "--role-session-name",
        "audit",
        expect=CLIENT_ERROR_RC[CLI_V1],
    )
    assert "not authorized to perform: sts:AssumeRole" in outside.stderr
    assert f"arn:aws:iam::{outsider}:role/{MEMBER_ROLE}" in outside.stderr
    assert "because no identity-based policy allows" in outside.stderr
