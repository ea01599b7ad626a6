"""``aws sts set-global-endpoint-token-version`` in process
(tests/unit/in_process/harness.py says why): the CLI glue (command.py,
run.py) and the run tier (remediation.py) that the end-to-end tests of
tests/e2e/test_token_version_cli.py reach in client processes, on a small
organization:

* 111122223333, the management account (the caller, IAM user keys);
* 222222222222 "prod" and 333333333333 "dev": reachable, on v1 tokens;
* 444444444444 "locked": every IAM call denied;
* 555555555555 "closed" and 888888888888 "gone": SUSPENDED;
* 666666666666 "norole": no member role.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import botocore
import pytest

from testing.simulator import ACCOUNT_ID, LoggedRequest, Simulator
from tests.unit.in_process.harness import InProcessAws

COMMAND = ("sts", "set-global-endpoint-token-version")
PROD, DEV, LOCKED, CLOSED, NOROLE = (
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
)
SET = "SetSecurityTokenServicePreferences"
#: CLI v1's status for a bad parameter (the harness runs CLI v1's driver).
INVALID_ARGUMENT_RC = 255
ACCOUNTS_FAILED_RC = 4
#: botocore's own bundle of public CAs: none of them signed the simulator's.
PUBLIC_CAS = str(Path(botocore.__file__).parent / "cacert.pem")


def organization(aws: InProcessAws, *, region: str | None = "us-east-1") -> Simulator:
    sim = aws.simulator
    aws.aws_env.add_keys("default", sim.add_user("admin"))
    aws.aws_env.config = "[default]\n" + (f"region = {region}\n" if region else "")
    sim.create_organization()
    sim.add_member_account(PROD, name="prod")
    sim.add_member_account(DEV, name="dev")
    sim.add_member_account(LOCKED, name="locked")
    sim.add_member_account(CLOSED, name="closed", status="SUSPENDED")
    sim.add_member_account(NOROLE, name="norole", member_role=None)
    sim.add_member_account("888888888888", name="gone", status="SUSPENDED")
    sim.deny("iam:*", account_id=LOCKED)
    return sim


def writes(sim: Simulator) -> list[LoggedRequest]:
    return [r for r in sim.requests if r.action == SET]


def line(
    account_id: str,
    before: str | None,
    after: str | None,
    changed: bool = False,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "AccountId": account_id,
        "Before": before,
        "After": after,
        "Changed": changed,
        "Error": error,
    }


def assert_no_secret(sim: Simulator, text: str) -> None:
    secrets = sim.issued_secrets()
    assert secrets
    for secret in secrets:
        assert secret not in text


def test_the_callers_account_with_the_callers_keys(aws: InProcessAws) -> None:
    # No region anywhere: CLI v1 sends STS calls to the global endpoint, and
    # IAM's client is made for us-east-1.
    sim = organization(aws, region=None)
    result = aws.run(*COMMAND, "--token-version", "v2Token")
    assert result.returncode == 0, result.output
    assert result.json() == {
        "TokenVersion": "v2Token",
        "DryRun": False,
        "MemberRoleName": None,
        "Accounts": [line(ACCOUNT_ID, "v1Token", "v2Token", True)],
        "Summary": {
            "Accounts": 1,
            "AlreadySet": 0,
            "Changed": 1,
            "WouldChange": 0,
            "WithError": 0,
            "Skipped": 0,
        },
    }
    assert result.stderr == ""
    assert sim.token_version(ACCOUNT_ID) == 2 and sim.token_version(PROD) == 1
    # No listing and no AssumeRole: the caller's identity, then IAM's read
    # and write at its global endpoint, signed for us-east-1 with the
    # caller's own key.
    key = aws.aws_env.credentials.split("aws_access_key_id = ")[1].split()[0]
    assert [
        (r.host, r.action, r.signing_region, r.access_key_id, r.status)
        for r in sim.requests
    ] == [
        ("sts.amazonaws.com", "GetCallerIdentity", "us-east-1", key, 200),
        ("iam.amazonaws.com", "GetAccountSummary", "us-east-1", key, 200),
        ("iam.amazonaws.com", SET, "us-east-1", key, 200),
    ]
    # Again, as the CLI's table (titled with the command's name): already
    # set, nothing written.
    sim.clear_log()
    again = aws.run(*COMMAND, "--token-version", "v2Token", "--output", "table")
    assert again.returncode == 0, again.output
    cells = [
        cell.strip()
        for line in again.stdout.splitlines()
        if line.startswith("|") and "-+-" not in line
        for cell in line.strip("|").split("|")
        if cell.strip()
    ]
    assert cells == [
        "set-global-endpoint-token-version",
        *("DryRun", "MemberRoleName", "TokenVersion"),
        *("False", "None", "v2Token"),
        "Accounts",
        *("AccountId", "After", "Before", "Changed", "Error"),
        *(ACCOUNT_ID, "v2Token", "v2Token", "False", "None"),
        "Summary",
        *("Accounts", "AlreadySet", "Changed", "Skipped", "WithError"),
        "WouldChange",
        *("1", "1", "0", "0", "0", "0"),
    ]
    assert writes(sim) == []


def test_the_organization_on_a_terminal(
    aws: InProcessAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = organization(aws, region=None)
    # stderr as a terminal: the progress line is drawn and cleared.
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    # The simulator's CA only through --ca-bundle (the environment names
    # one that does not trust it): every client is made with the CLI's
    # verify setting. The region only through --region.
    result = aws.run(
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--max-accounts-in-flight",
        "2",
        "--region",
        "eu-west-2",
        "--ca-bundle",
        sim.ca_bundle,
        env={"AWS_CA_BUNDLE": PUBLIC_CAS},
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    document = result.json()
    denied = document["Accounts"][3]["Error"]
    assert denied.startswith("iam:GetAccountSummary: AccessDenied: ")
    no_role = document["Accounts"][4]["Error"]
    assert no_role.startswith(
        f"AssumeRole of arn:aws:iam::{NOROLE}:role/OrganizationAccountAccessRole: "
        "AccessDenied: "
    )
    # ListAccounts order; the suspended accounts only counted.
    assert document == {
        "TokenVersion": "v2Token",
        "DryRun": False,
        "MemberRoleName": "OrganizationAccountAccessRole",
        "Accounts": [
            line(ACCOUNT_ID, "v1Token", "v2Token", True),
            line(PROD, "v1Token", "v2Token", True),
            line(DEV, "v1Token", "v2Token", True),
            line(LOCKED, None, None, error=denied),
            line(NOROLE, None, None, error=no_role),
        ],
        "Summary": {
            "Accounts": 5,
            "AlreadySet": 0,
            "Changed": 3,
            "WouldChange": 0,
            "WithError": 2,
            "Skipped": 2,
        },
    }
    for account_id in (ACCOUNT_ID, PROD, DEV):
        assert sim.token_version(account_id) == 2
    assert sim.token_version(LOCKED) == sim.token_version(CLOSED) == 1
    # The progress line: drawn after each account, then erased.
    assert result.stderr.startswith("\rSetting token versions: 1 accounts, 0 with")
    assert "\rSetting token versions: 5 accounts, 2 with an error " in result.stderr
    assert result.stderr.endswith("\r\033[K")
    # One AssumeRole per listed account, the management account's refused
    # (it has no member role) and its own keys used; members' writes are
    # signed with their role sessions, at IAM's global endpoint.
    requests = sim.requests
    assumed = [r for r in requests if r.action == "AssumeRole"]
    assert sorted((r.account_id, r.status) for r in assumed) == [
        (ACCOUNT_ID, 403),
        (PROD, 200),
        (DEV, 200),
        (LOCKED, 200),
        (NOROLE, 403),
    ]
    assert {(r.host, r.signing_region) for r in assumed} == {
        ("sts.eu-west-2.amazonaws.com", "eu-west-2")
    }
    assert sorted((r.account_id, r.host, r.signing_region) for r in writes(sim)) == [
        (ACCOUNT_ID, "iam.amazonaws.com", "us-east-1"),
        (PROD, "iam.amazonaws.com", "us-east-1"),
        (DEV, "iam.amazonaws.com", "us-east-1"),
    ]
    assert [r.action for r in requests if r.service == "organizations"] == [
        "ListAccounts"
    ]
    assert_no_secret(sim, result.output)


def test_named_accounts_of_the_organization_in_a_dry_run(aws: InProcessAws) -> None:
    # No region anywhere: the listing goes to the aws partition's
    # Organizations endpoint.
    sim = organization(aws, region=None)
    sim.set_token_version(2, account_id=PROD)
    result = aws.run(
        *COMMAND,
        "--token-version",
        "v2Token",
        "--organization",
        "--accounts",
        DEV,
        CLOSED,
        "999999999999",
        PROD,
        "--dry-run",
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    assert result.json() == {
        "TokenVersion": "v2Token",
        "DryRun": True,
        "MemberRoleName": "OrganizationAccountAccessRole",
        # In ListAccounts order, then what it does not list.
        "Accounts": [
            line(PROD, "v2Token", "v2Token"),
            line(DEV, "v1Token", "v2Token"),
            line(CLOSED, None, None, error="not changed: the account is SUSPENDED"),
            line(
                "999999999999",
                None,
                None,
                error="not changed: ListAccounts does not list this account",
            ),
        ],
        "Summary": {
            "Accounts": 4,
            "AlreadySet": 1,
            "Changed": 0,
            "WouldChange": 1,
            "WithError": 2,
            "Skipped": 0,
        },
    }
    # Not a terminal: no progress line.
    assert result.stderr == ""
    assert writes(sim) == []
    assert sim.token_version(DEV) == 1
    assumed = [r for r in sim.requests if r.action == "AssumeRole"]
    assert sorted(str(r.account_id) for r in assumed) == [PROD, DEV]
    listing = [
        (r.host, r.signing_region) for r in sim.requests if r.action == "ListAccounts"
    ]
    assert listing == [("organizations.us-east-1.amazonaws.com", "us-east-1")]


def test_named_accounts_of_a_china_organization_through_a_named_role(
    aws: InProcessAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = organization(aws, region="cn-northwest-1")
    sim.add_member_account("777777777777", name="ops", member_role="Ops")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = aws.run(
        *COMMAND,
        "--token-version",
        "v1Token",
        "--organization",
        "--accounts",
        "777777777777",
        ACCOUNT_ID,
        PROD,
        "--member-role-name",
        "Ops",
        "--dry-run",
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    document = result.json()
    # The role ARNs are of the profile's partition, with the role named
    # (the simulator's roles are aws-partition ones: each is refused).
    errors = [account["Error"] or "" for account in document["Accounts"]]
    for account_id, error in zip((PROD, "777777777777"), errors[1:]):
        assert error.startswith(
            f"AssumeRole of arn:aws-cn:iam::{account_id}:role/Ops: AccessDenied: "
        ), error
    assert document == {
        "TokenVersion": "v1Token",
        "DryRun": True,
        "MemberRoleName": "Ops",
        # In ListAccounts order.
        "Accounts": [
            # The caller's own account: its role refused, its own keys.
            line(ACCOUNT_ID, "v1Token", "v1Token"),
            line(PROD, None, None, error=errors[1]),
            line("777777777777", None, None, error=errors[2]),
        ],
        "Summary": {
            "Accounts": 3,
            "AlreadySet": 1,
            "Changed": 0,
            "WouldChange": 0,
            "WithError": 2,
            "Skipped": 0,
        },
    }
    assert "\rReading token versions: 3 accounts, 2 with an error " in result.stderr
    # IAM of the profile's partition: one endpoint, signed for cn-north-1;
    # STS of the profile's region; the listing from the partition's
    # Organizations.
    iam = {(r.host, r.signing_region) for r in sim.requests if r.service == "iam"}
    assert iam == {("iam.cn-north-1.amazonaws.com.cn", "cn-north-1")}
    sts = {(r.host, r.signing_region) for r in sim.requests if r.service == "sts"}
    assert sts == {("sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1")}
    listing = {(r.host, r.action) for r in sim.requests if r.service == "organizations"}
    assert listing == {
        ("organizations.cn-northwest-1.amazonaws.com.cn", "ListAccounts")
    }


def test_a_caller_who_may_not_list_accounts_gets_the_clis_error(
    aws: InProcessAws,
) -> None:
    sim = organization(aws)
    sim.deny("organizations:ListAccounts")
    result = aws.run(*COMMAND, "--token-version", "v2Token", "--organization")
    assert result.returncode == 255
    assert result.stdout == ""
    assert "AccessDeniedException" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    # Nothing but the listing was sent.
    assert {r.action for r in sim.requests} == {"ListAccounts"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--token-version", "v3Token"),
            "--token-version: 'v3Token' is not a token version; did you mean "
            "v2Token?; expected v1Token or v2Token",
        ),
        (
            # The CLI would int() the number itself, with a Python message.
            ("--token-version", "v2Token", "--organization"),
            "--max-accounts-in-flight: expected a whole number from 1 to 64 "
            "(digits 0-9), got 'x1'",
        ),
    ],
)
def test_bad_input_is_one_line_and_sends_nothing(
    aws: InProcessAws, args: tuple[str, ...], message: str
) -> None:
    sim = organization(aws)
    sim.clear_log()
    result = aws.run(*COMMAND, *args, "--max-accounts-in-flight", "x1")
    assert result.returncode == INVALID_ARGUMENT_RC, result.output
    assert result.stderr == f"aws {' '.join(COMMAND)}: error: {message}\n"
    assert result.stdout == ""
    assert sim.connects == []
