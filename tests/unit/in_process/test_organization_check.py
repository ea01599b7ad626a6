"""``aws sts activation-check --organization`` in process
(tests/unit/in_process/harness.py says why): the organization run
(``run/organization_run.py``), its members' checks (``member_account.py``),
its listing (``account_listing.py``) and its two outputs
(``cli/organization_output.py``). tests/e2e/test_organization_cli.py and
test_account_listing_e2e.py claim the same on every client."""

from __future__ import annotations

import calendar
import copy
import csv
import hashlib
import json
import re
import sys
import time
from typing import Any

from awscli_regional_sts.aws.errors import shorten
from testing.simulator import ACCOUNT_ID
from tests.unit.in_process.harness import InProcessAws

ORG = ("sts", "activation-check", "--organization")
REGIONS = ("--regions", "us-east-1", "eu-west-1")
PROD, DEV, LOCKED, CLOSED = (
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
)
ORGANIZATION_ID = "o-a1b2c3d4e5"
ROLE = "OrganizationAccountAccessRole"
SESSION = "sts-activation-check"
V1_WARNING = (
    "the global endpoint issues v1 session tokens, which are not valid in the "
    "enabled opt-in regions (af-south-1, ap-east-1, ap-east-2, ap-south-2 and "
    "13 more): use a regional endpoint (sts_region) or run 'aws iam "
    "set-security-token-service-preferences --global-endpoint-token-version "
    "v2Token'"
)
#: activation-check's exit status when a selected account has an Error.
ACCOUNTS_FAILED = 4
#: ... when something changed since --baseline.
CHANGED = 5


def build(aws: InProcessAws, region: str | None = "us-east-1") -> None:
    """The management account (the caller: IAM user keys, no member role),
    "prod" (all active), "dev" (eu-west-1 deactivated), "locked" (its member
    role trusts nobody) and "closed" (SUSPENDED)."""
    simulator = aws.simulator
    user = simulator.add_user("admin")
    aws.aws_env.config = "[default]\n" + (f"region = {region}\n" if region else "")
    aws.aws_env.add_keys("default", user)
    simulator.create_organization()
    simulator.add_member_account(PROD, name="prod")
    simulator.add_member_account(DEV, name="dev")
    simulator.add_member_account(LOCKED, name="locked")
    simulator.add_member_account(CLOSED, name="closed", status="SUSPENDED")
    simulator.set_region("eu-west-1", state="deactivated", account_id=DEV)
    simulator.set_member_role_assumable(LOCKED, False)


def without_latencies(account: dict[str, Any]) -> dict[str, Any]:
    """The account's fields but the measured ones (latencies and, where two
    regions are active, which was the faster)."""
    kept = {k: v for k, v in account.items() if k not in ("Fastest", "Recommendation")}
    kept["Regions"] = [
        {k: v for k, v in row.items() if k != "LatencyMs"} for row in account["Regions"]
    ]
    return kept


def region_rows(detail: str, inactive: str = "") -> list[dict[str, Any]]:
    rows = []
    for region in ("us-east-1", "eu-west-1"):
        off = region == inactive
        rows.append(
            {
                "Region": region,
                "Endpoint": f"https://sts.{region}.amazonaws.com/",
                "Status": "inactive" if off else "active",
                "Verified": True,
                "Detail": f"RegionDisabledException from {detail.split()[0]}"
                if off
                else detail,
            }
        )
    return rows


def member(
    account_id: str, name: str, role: str = ROLE, **changes: Any
) -> dict[str, Any]:
    role_arn = f"arn:aws:iam::{account_id}:role/{role}"
    fields: dict[str, Any] = {
        "AccountId": account_id,
        "Name": name,
        "AccountStatus": "ACTIVE",
        "Arn": f"arn:aws:sts::{account_id}:assumed-role/{role}/{SESSION}",
        "GlobalEndpointTokenVersion": 1,
        "GlobalEndpointTokenVersionDetail": None,
        "Probe": f"AssumeRole of {role_arn} as the caller",
        "Regions": region_rows("AssumeRole succeeded"),
        "Warnings": [V1_WARNING],
        "Error": None,
    }
    fields.update(changes)
    return fields


def not_checked(
    account_id: str, name: str | None, error: str, **changes: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "AccountId": account_id,
        "Name": name,
        "AccountStatus": "ACTIVE",
        "Arn": None,
        "GlobalEndpointTokenVersion": None,
        "GlobalEndpointTokenVersionDetail": None,
        "Probe": None,
        "Fastest": None,
        "Recommendation": None,
        "Regions": [],
        "Warnings": [],
        "Error": error,
    }
    fields.update(changes)
    return fields


def denied_assume(caller: str, account_id: str, role: str = ROLE) -> str:
    arn = f"arn:aws:iam::{account_id}:role/{role}"
    message = (
        f"User: {caller} is not authorized to perform: sts:AssumeRole on "
        f"resource: {arn}"
    )
    # CallError shortens the message (aws/errors.py's MESSAGE_LIMIT).
    return f"AssumeRole of {arn}: AccessDenied: {shorten(message)}"


def summary_regions(*rows: tuple[str, int, int]) -> list[dict[str, Any]]:
    return [
        {
            "Region": region,
            "Active": active,
            "Inactive": inactive,
            "NotEnabled": 0,
            "Unreachable": 0,
            "Unknown": 0,
        }
        for region, active, inactive in rows
    ]


ADMIN = f"arn:aws:iam::{ACCOUNT_ID}:user/admin"


def facts_denied(principal: str) -> str:
    """``denials.denied_line`` for iam:GetAccountSummary denied (as the
    simulator words its denial by a service control policy)."""
    message = (
        f"User: {principal} is not authorized to perform: iam:GetAccountSummary "
        "on resource: * with an explicit deny in a service control policy"
    )
    return (
        f"not checked: iam:GetAccountSummary denied to {principal} (AccessDenied); "
        f"give the member role iam:GetAccountSummary: {shorten(message)}"
    )


def trusted_by_option_only(aws: InProcessAws) -> tuple[tuple[str, ...], dict[str, str]]:
    """--ca-bundle with the simulator's CA, and in the environment a bundle
    that trusts nothing: every client must be given the option's."""
    nothing = aws.aws_env.root / "trusts-nothing.pem"
    nothing.write_text("")
    return ("--ca-bundle", aws.simulator.ca_bundle), {"AWS_CA_BUNDLE": str(nothing)}


def test_a_mixed_organization_as_a_document(aws: InProcessAws) -> None:
    build(aws)
    bundle, env = trusted_by_option_only(aws)
    result = aws.run(*ORG, *REGIONS, *bundle, env=env)

    assert result.returncode == ACCOUNTS_FAILED, result.output
    assert result.stderr == ""
    document = result.json()
    accounts = document.pop("Accounts")
    assert document == {
        "Partition": "aws",
        "OrganizationId": ORGANIZATION_ID,
        "ManagementAccountId": ACCOUNT_ID,
        "MemberRoleName": ROLE,
        "Probe": f"AssumeRole of each account's {ROLE} with the caller's "
        "credentials, at each region's endpoint",
        "Summary": {
            "AccountsChecked": 3,
            "AccountsWithError": 1,
            "AccountsSkipped": 1,
            "Regions": summary_regions(("us-east-1", 3, 0), ("eu-west-1", 2, 1)),
        },
    }
    # ListAccounts' order, whatever order the accounts finished in; the
    # suspended account skipped.
    management = {
        "AccountId": ACCOUNT_ID,
        "Name": "management",
        "AccountStatus": "ACTIVE",
        "Arn": ADMIN,
        "GlobalEndpointTokenVersion": 1,
        "GlobalEndpointTokenVersionDetail": None,
        # No member role there: checked as without --organization.
        "Probe": "GetSessionToken (IAM user keys)",
        "Regions": region_rows("GetSessionToken succeeded"),
        "Warnings": [
            V1_WARNING,
            "checked with the caller's own credentials: "
            + denied_assume(ADMIN, ACCOUNT_ID),
        ],
        "Error": None,
    }
    assert [without_latencies(a) for a in accounts[:3]] + accounts[3:] == [
        without_latencies(management),
        without_latencies(member(PROD, "prod")),
        without_latencies(
            member(DEV, "dev", Regions=region_rows("AssumeRole succeeded", "eu-west-1"))
        ),
        not_checked(LOCKED, "locked", denied_assume(ADMIN, LOCKED)),
    ]
    dev = accounts[2]
    assert dev["Fastest"] == dev["Recommendation"]["Region"] == "us-east-1"
    # Each region's latency is measured once per run: every row of a region
    # reports the same figure.
    for index in (0, 1):
        figures = {a["Regions"][index]["LatencyMs"] for a in accounts[:3]}
        assert len(figures) == 1 and None not in figures, figures

    log = aws.simulator.requests
    assert [(r.action, r.host) for r in log if r.service == "organizations"] == [
        ("ListAccounts", "organizations.us-east-1.amazonaws.com")
    ]
    # The caller is asked once, through the CLI's STS path.
    identity = [r for r in log if r.action == "GetCallerIdentity"]
    assert identity[0].host == "sts.us-east-1.amazonaws.com"
    # Each member's probes: AssumeRole at each region's endpoint, signed
    # for that region, with the caller's keys; the locked one's role
    # assumed once more through the CLI's STS path (us-east-1).
    probes = sorted(
        (r.account_id, r.host, r.signing_region, r.status)
        for r in log
        if r.action == "AssumeRole" and r.account_id != ACCOUNT_ID
    )
    assert probes == sorted(
        [
            (PROD, "sts.us-east-1.amazonaws.com", "us-east-1", 200),
            (PROD, "sts.eu-west-1.amazonaws.com", "eu-west-1", 200),
            (DEV, "sts.us-east-1.amazonaws.com", "us-east-1", 200),
            (DEV, "sts.eu-west-1.amazonaws.com", "eu-west-1", 403),
            (LOCKED, "sts.us-east-1.amazonaws.com", "us-east-1", 403),
            (LOCKED, "sts.eu-west-1.amazonaws.com", "eu-west-1", 403),
            (LOCKED, "sts.us-east-1.amazonaws.com", "us-east-1", 403),
        ]
    )
    assert all(r.caller_account_id == ACCOUNT_ID for r in log if r.service == "sts")
    # A member's facts are signed with the credentials of its probe, asked
    # once each; nothing of the suspended account.
    facts = sorted(
        (r.action, r.caller_account_id, (r.access_key_id or "").startswith("ASIA"))
        for r in log
        if r.service in ("iam", "account")
    )
    assert facts == [
        ("GetAccountSummary", ACCOUNT_ID, False),
        ("GetAccountSummary", PROD, True),
        ("GetAccountSummary", DEV, True),
        ("ListRegions", ACCOUNT_ID, False),
        ("ListRegions", PROD, True),
        ("ListRegions", DEV, True),
    ]
    assert CLOSED not in {r.account_id for r in log}
    for secret in aws.simulator.issued_secrets():
        assert secret not in result.output


def test_jsonl_lines_for_a_shard_with_another_member_role(aws: InProcessAws) -> None:
    """One line per account as it finishes, then the summary with the
    shard; the member role named; the profile without a region."""
    build(aws, region=None)
    aws.simulator.add_role("JsonlAuditRole", account_id=PROD, trusted=(ACCOUNT_ID,))
    # Neither a member role nor the caller may read the management
    # account's facts.
    aws.simulator.deny("iam:GetAccountSummary", account_id=ACCOUNT_ID)
    result = aws.run(
        *ORG,
        *REGIONS,
        "--member-role-name",
        "JsonlAuditRole",
        "--output-format",
        "jsonl",
        "--shard",
        "1/1",
        "--include-suspended",
    )

    assert result.returncode == ACCOUNTS_FAILED, result.output
    lines = result.stdout.splitlines()
    for line in lines:
        # Compact: one account a line, as written.
        assert line == json.dumps(json.loads(line), separators=(",", ":"))
    *accounts, last = map(json.loads, lines)
    assert last == {
        "Summary": {
            "AccountsChecked": 1,
            "AccountsWithError": 4,
            "AccountsSkipped": 0,
            "Regions": summary_regions(("us-east-1", 1, 0), ("eu-west-1", 1, 0)),
        },
        "Shard": {"Number": 1, "Count": 1, "AccountsSelected": 5, "AccountsInShard": 5},
    }
    found = {a["AccountId"]: a for a in accounts}
    assert len(found) == len(accounts) == 5
    assert without_latencies(found.pop(PROD)) == without_latencies(
        member(PROD, "prod", role="JsonlAuditRole")
    )
    # Only prod has the role: the others' Error names it; the suspended
    # account is checked too (--include-suspended). The management account
    # has no member role, and its caller may not read its facts.
    sts_error = denied_assume(ADMIN, ACCOUNT_ID, "JsonlAuditRole")
    assert found.pop(ACCOUNT_ID) == not_checked(
        ACCOUNT_ID,
        "management",
        f"{sts_error}; with the caller's own credentials: " + facts_denied(ADMIN),
    )
    assert found == {
        account_id: not_checked(
            account_id,
            name,
            denied_assume(ADMIN, account_id, "JsonlAuditRole"),
            AccountStatus=status,
        )
        for account_id, name, status in (
            (DEV, "dev", "ACTIVE"),
            (LOCKED, "locked", "ACTIVE"),
            (CLOSED, "closed", "SUSPENDED"),
        )
    }
    # Without a region in the profile, the caller's clients are us-east-1's.
    hosts = {(r.service, r.host, r.signing_region) for r in aws.simulator.requests}
    assert {h for h in hosts if h[0] != "sts"} == {
        ("organizations", "organizations.us-east-1.amazonaws.com", "us-east-1"),
        ("iam", "iam.amazonaws.com", "us-east-1"),
        ("account", "account.us-east-1.amazonaws.com", "us-east-1"),
    }


def test_named_accounts_one_at_a_time(aws: InProcessAws) -> None:
    """--accounts: the named ones in the listing's order, those not
    checked with why; the management account through its member role when
    it has one; a member whose role may not read its facts not checked."""
    build(aws)
    # Roles outlive a test (the simulator's reset keeps identities): a name
    # of this test's own.
    role = "NamedAuditRole"
    for account_id in (ACCOUNT_ID, PROD):
        aws.simulator.add_role(role, account_id=account_id, trusted=(ACCOUNT_ID,))
    aws.simulator.deny("iam:GetAccountSummary", account_id=PROD)
    unknown = "999999999999"
    # On a terminal, a progress line (stderr) after each account.
    aws.monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = aws.run(
        *ORG,
        *REGIONS,
        "--accounts",
        unknown,
        CLOSED,
        PROD,
        ACCOUNT_ID,
        "--member-role-name",
        role,
        "--max-accounts-in-flight",
        "1",
        "--output-format",
        "jsonl",
    )
    assert result.returncode == ACCOUNTS_FAILED, result.output
    assert result.stderr == "".join(
        f"\rChecking STS activation: 1 accounts checked, {failed} with an error "
        for failed in range(4)
    ) + ("\r\x1b[K")
    *lines, last = map(json.loads, result.stdout.splitlines())
    # One account in flight: the lines come in the listing's order, the
    # named accounts it lacks last.
    management, *others = lines
    assert without_latencies(management) == without_latencies(
        member(ACCOUNT_ID, "management", role=role)
    )
    prod_arn = f"arn:aws:sts::{PROD}:assumed-role/{role}/{SESSION}"
    assert others == [
        not_checked(PROD, "prod", facts_denied(prod_arn)),
        not_checked(
            CLOSED,
            "closed",
            "not checked: the account is SUSPENDED (pass --include-suspended "
            "to try it)",
            AccountStatus="SUSPENDED",
        ),
        not_checked(
            unknown,
            None,
            "not checked: ListAccounts does not list this account",
            AccountStatus=None,
        ),
    ]
    assert last == {
        "Summary": {
            "AccountsChecked": 1,
            "AccountsWithError": 3,
            "AccountsSkipped": 0,
            "Regions": summary_regions(("us-east-1", 1, 0), ("eu-west-1", 1, 0)),
        }
    }
    # The management account's role is assumed once through the CLI's STS
    # path (it can be), then once per region by its probes.
    assumed = [
        (r.host, r.status)
        for r in aws.simulator.requests
        if r.action == "AssumeRole" and r.account_id == ACCOUNT_ID
    ]
    assert sorted(assumed) == [
        ("sts.eu-west-1.amazonaws.com", 200),
        ("sts.us-east-1.amazonaws.com", 200),
        ("sts.us-east-1.amazonaws.com", 200),
    ]
    assert not {LOCKED, DEV, CLOSED} & {r.account_id for r in aws.simulator.requests}


def test_a_listing_checked_against_the_organization(aws: InProcessAws) -> None:
    """--list-accounts writes the whole listing (ListAccounts only);
    --accounts-from checks it with one DescribeOrganization and sends no
    ListAccounts; a --baseline of another organization ends the run then,
    before any member role is assumed."""
    build(aws)
    before = time.time()
    bundle, env = trusted_by_option_only(aws)
    listed = aws.run(*ORG, "--list-accounts", *bundle, env=env)
    after = time.time()

    assert listed.returncode == 0, listed.output
    listing = listed.json()
    assert [(r.service, r.action) for r in aws.simulator.requests] == [
        ("organizations", "ListAccounts")
    ]
    assert {k: v for k, v in listing.items() if k not in ("ListedAt", "Digest")} == {
        "Format": "awscli-regional-sts/organization-accounts",
        "FormatVersion": 1,
        "Partition": "aws",
        "OrganizationId": ORGANIZATION_ID,
        "ManagementAccountId": ACCOUNT_ID,
        "Accounts": [
            {"Id": account_id, "Name": name, "Status": status}
            for account_id, name, status in (
                (ACCOUNT_ID, "management", "ACTIVE"),
                (PROD, "prod", "ACTIVE"),
                (DEV, "dev", "ACTIVE"),
                (LOCKED, "locked", "ACTIVE"),
                (CLOSED, "closed", "SUSPENDED"),
            )
        ],
    }
    # Stamped with the time the listing started.
    stamped = calendar.timegm(time.strptime(listing["ListedAt"], "%Y-%m-%dT%H:%M:%SZ"))
    assert int(before) <= stamped <= after
    path = aws.aws_env.root / "accounts.json"
    path.write_text(listed.stdout)

    aws.simulator.clear_log()
    result = aws.run(
        *ORG,
        *REGIONS,
        "--accounts-from",
        str(path),
        "--accounts",
        PROD,
        "--shard",
        "1/1",
    )
    assert result.returncode == 0, result.output
    document = result.json()
    assert document["Shard"] == {
        "Number": 1,
        "Count": 1,
        "AccountsSelected": 1,
        "AccountsInShard": 1,
    }
    assert (document["OrganizationId"], document["ManagementAccountId"]) == (
        ORGANIZATION_ID,
        ACCOUNT_ID,
    )
    assert [a["AccountId"] for a in document["Accounts"]] == [PROD]
    assert without_latencies(document["Accounts"][0]) == without_latencies(
        member(PROD, "prod")
    )
    sent = [(r.service, r.action) for r in aws.simulator.requests]
    assert sent[0] == ("organizations", "DescribeOrganization")
    assert ("organizations", "ListAccounts") not in sent
    assert sent.count(("organizations", "DescribeOrganization")) == 1

    # Against a baseline of the same organization: its changes (through
    # the CLI's formatter: --query applies), the --report file written, and
    # the exit status says what changed.
    before = copy.deepcopy(document)
    before["Accounts"][0]["Regions"][1]["Status"] = "inactive"
    baseline = aws.aws_env.root / "baseline.json"
    baseline.write_text(json.dumps(before))
    report = aws.aws_env.root / "report.csv"
    # The profile's output (the session tells it): a table titled with the
    # command's name.
    aws.aws_env.config += "output = table\n"
    changed = aws.run(
        *ORG,
        *REGIONS,
        "--accounts-from",
        str(path),
        "--accounts",
        PROD,
        "--shard",
        "1/1",
        "--baseline",
        str(baseline),
        "--report",
        str(report),
        "--query",
        "Changes",
    )
    assert changed.returncode == CHANGED, changed.output
    assert changed.stdout.splitlines()[1:6] == [
        "|                      activation-check                       |",
        "+---------------+---------+-----------+---------+-------------+",
        "|   AccountId   |  After  |  Before   | Change  |   Region    |",
        "+---------------+---------+-----------+---------+-------------+",
        f"|  {PROD} |  active |  inactive |  Status |  eu-west-1  |",
    ]
    with report.open(newline="") as lines:
        rows = list(csv.DictReader(lines))
    assert [(r["AccountId"], r["Region"], r["Status"]) for r in rows] == [
        (PROD, "us-east-1", "active"),
        (PROD, "eu-west-1", "active"),
    ]

    foreign = aws.aws_env.root / "other-organization.json"
    foreign.write_text(json.dumps({**document, "OrganizationId": "o-zzzzzzzzzz"}))
    aws.simulator.clear_log()
    refused = aws.run(
        *ORG,
        *REGIONS,
        "--accounts-from",
        str(path),
        "--shard",
        "1/1",
        "--baseline",
        str(foreign),
    )
    assert refused.returncode == 255, refused.output
    assert refused.stdout == ""
    assert refused.stderr == (
        "aws sts activation-check: error: --baseline: the file is a report of "
        f"organization 'o-zzzzzzzzzz', this run checks organization "
        f"'{ORGANIZATION_ID}'\n"
    )
    assert [(r.service, r.action) for r in aws.simulator.requests] == [
        ("organizations", "DescribeOrganization")
    ]


def test_the_listing_makes_one_attempt_and_retries_throttling_within_budget(
    aws: InProcessAws,
) -> None:
    """--list-accounts (the profile without a region: us-east-1's client):
    a throttled page is retried by the run's Throttle until --throttle-budget
    is spent, never by botocore, then ends in the command's one line; a
    refused connection is tried once."""
    build(aws, region=None)
    # One ListAccounts in the bucket, never refilled: the clock stands still.
    aws.simulator.use_manual_clock()
    try:
        aws.simulator.set_throttle(
            service="organizations", api="ListAccounts", rate=1, burst=1
        )
        listed = aws.run(*ORG, "--list-accounts", "--throttle-budget", "0.1")
        throttled = aws.run(*ORG, "--list-accounts", "--throttle-budget", "0.1")
    finally:
        aws.simulator.use_real_clock()
        aws.simulator.clear_throttles()

    assert listed.returncode == 0, listed.output
    assert [a["Id"] for a in listed.json()["Accounts"]] == [
        ACCOUNT_ID,
        PROD,
        DEV,
        LOCKED,
        CLOSED,
    ]
    # The command's own line, CLI v1's status for a call AWS refused.
    assert throttled.returncode == 255, throttled.output
    assert throttled.stdout == ""
    said = re.fullmatch(
        r"aws sts activation-check: error: organizations ListAccounts was "
        r"throttled (once|(\d+) times) \(TooManyRequestsException\) until the "
        r"retry budget \(--throttle-budget 0\.1 s\) was spent; retry later or "
        r"raise --throttle-budget\n",
        throttled.stderr,
    )
    assert said is not None, throttled.stderr
    log = [(r.host, r.throttled) for r in aws.simulator.requests]
    host = "organizations.us-east-1.amazonaws.com"
    assert log[0] == (host, False)
    # Each throttled answer was one attempt of the Throttle's (it counts
    # them all), none of botocore's.
    count = int(said.group(2) or 1)
    assert log[1:] == [(host, True)] * count

    aws.simulator.clear_log()
    aws.simulator.set_host_state(host, "refused")
    refused = aws.run(*ORG, "--list-accounts")
    assert refused.returncode == 255, refused.output
    assert refused.stderr.startswith("\nFailed to connect to proxy URL")
    assert aws.simulator.connects == [host]


def test_a_china_profile_asks_its_partitions_endpoints(aws: InProcessAws) -> None:
    """The caller's clients (Organizations, the caller's own IAM) are the
    profile region's partition's; the member roles' ARNs too. (The
    simulator's member roles are aws-partition ones: no member role can be
    assumed here, which the rows say.)"""
    build(aws, region="cn-northwest-1")
    result = aws.run(
        *ORG, "--regions", "cn-north-1", "cn-northwest-1", "--output-format", "jsonl"
    )

    assert result.returncode == ACCOUNTS_FAILED, result.output
    *accounts, _ = map(json.loads, result.stdout.splitlines())
    found = {a["AccountId"]: a for a in accounts}
    assert set(found) == {ACCOUNT_ID, PROD, DEV, LOCKED}
    for account_id in (PROD, DEV, LOCKED):
        assert found[account_id]["Error"].startswith(
            f"AssumeRole of arn:aws-cn:iam::{account_id}:role/{ROLE}: AccessDenied: "
        )
    management = found[ACCOUNT_ID]
    assert management["Error"] is None
    assert management["Probe"] == "GetSessionToken (IAM user keys)"
    assert [row["Endpoint"] for row in management["Regions"]] == [
        "https://sts.cn-north-1.amazonaws.com.cn/",
        "https://sts.cn-northwest-1.amazonaws.com.cn/",
    ]
    hosts = {
        (r.action, r.host, r.signing_region)
        for r in aws.simulator.requests
        if r.service != "sts" or r.action == "GetCallerIdentity"
    }
    listed = aws.run(*ORG, "--list-accounts")
    assert listed.returncode == 0, listed.output
    assert listed.json()["Partition"] == "aws-cn"
    # --list-accounts too: the partition's Organizations endpoint.
    assert [(r.action, r.host) for r in aws.simulator.requests][-1] == (
        "ListAccounts",
        "organizations.cn-northwest-1.amazonaws.com.cn",
    )
    assert hosts == {
        (
            "ListAccounts",
            "organizations.cn-northwest-1.amazonaws.com.cn",
            "cn-northwest-1",
        ),
        ("GetAccountSummary", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        # The caller asked through the CLI's STS path (the profile's region),
        # and the management account's connection probes.
        ("GetCallerIdentity", "sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
        ("GetCallerIdentity", "sts.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    }


def test_the_management_account_checked_as_its_callers_profile_would_be(
    aws: InProcessAws,
) -> None:
    """Without a member role there, the caller's own account gets the
    probe its profile would without --organization: a role_arn profile's
    AssumeRole with its source keys; session credentials' GetCallerIdentity
    only, which cannot tell activation."""
    build(aws)
    # CLI v1 caches assumed-role credentials in a folder it names at import
    # (~/.aws/cli/cache of whoever imported it first): this test's own, so
    # that no other run's credentials (of another simulator) are reused.
    aws.monkeypatch.setattr(
        "awscli.customizations.assumerole.CACHE_DIR", str(aws.aws_env.root / "cache")
    )
    user = aws.simulator.add_user("orgops")
    # Roles outlive a test: a name of this test's own.
    role_arn = aws.simulator.add_role(
        "OrgOpsRole", trusted=(f"arn:aws:iam::{ACCOUNT_ID}:root",)
    )
    aws.aws_env.config = (
        f"[profile ops]\nregion = us-east-1\nrole_arn = {role_arn}\n"
        "source_profile = base\n[profile base]\nregion = us-east-1\n"
    )
    aws.aws_env.add_keys("base", user)
    selected = ("--accounts", ACCOUNT_ID, PROD)
    ops = aws.run(*ORG, *REGIONS, "--profile", "ops", *selected)

    assert ops.returncode == 0, ops.output
    management, prod = ops.json()["Accounts"]
    assert management["Probe"] == f"AssumeRole of the profile's role_arn {role_arn}"
    assert [
        (r["Status"], r["Verified"], r["Detail"]) for r in management["Regions"]
    ] == [("active", True, "AssumeRole succeeded")] * 2
    assert without_latencies(prod) == without_latencies(member(PROD, "prod"))
    # The management account's probes: its role assumed at each region's
    # endpoint with the source profile's keys (and once by the CLI itself).
    with_source_keys = sorted(
        r.host
        for r in aws.simulator.requests
        if r.action == "AssumeRole" and r.access_key_id == user.access_key_id
    )
    assert with_source_keys == [
        "sts.eu-west-1.amazonaws.com",
        "sts.us-east-1.amazonaws.com",
        "sts.us-east-1.amazonaws.com",
    ]

    issued = aws.run("sts", "get-session-token", "--profile", "base")
    keys = issued.json()["Credentials"]
    aws.simulator.clear_log()
    session = aws.run(
        *ORG,
        *REGIONS,
        *selected,
        env={
            "AWS_ACCESS_KEY_ID": keys["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": keys["SecretAccessKey"],
            "AWS_SESSION_TOKEN": keys["SessionToken"],
        },
    )

    assert session.returncode == 0, session.output
    management, prod = session.json()["Accounts"]
    assert management["Probe"] == (
        "GetCallerIdentity only (session credentials cannot call "
        "GetSessionToken); pass --role-arn to verify"
    )
    assert [(r["Status"], r["Verified"]) for r in management["Regions"]] == [
        ("active", False),
        ("unknown", False),
    ]
    assert all(r["LatencyMs"] is not None for r in management["Regions"])
    assert without_latencies(prod) == without_latencies(member(PROD, "prod"))
    # Its probes: GetCallerIdentity at each region's endpoint.
    probed = {
        r.host
        for r in aws.simulator.requests
        if r.action == "GetCallerIdentity" and r.region != "global"
    }
    assert probed == {"sts.us-east-1.amazonaws.com", "sts.eu-west-1.amazonaws.com"}


def test_a_shard_without_accounts(aws: InProcessAws) -> None:
    """The shard that does not hold the one named account: nothing to
    check, an empty document, no member request."""
    build(aws)
    # fleet/shards.py's rule: SHA-256 of the id, big-endian, modulo N.
    other = 2 - int.from_bytes(hashlib.sha256(PROD.encode()).digest(), "big") % 2
    result = aws.run(*ORG, *REGIONS, "--accounts", PROD, "--shard", f"{other}/2")

    assert result.returncode == 0, result.output
    document = result.json()
    assert document["Accounts"] == []
    assert document["Shard"] == {
        "Number": other,
        "Count": 2,
        "AccountsSelected": 1,
        "AccountsInShard": 0,
    }
    assert document["Summary"] == {
        "AccountsChecked": 0,
        "AccountsWithError": 0,
        "AccountsSkipped": 0,
        "Regions": summary_regions(("us-east-1", 0, 0), ("eu-west-1", 0, 0)),
    }
    assert {r.action for r in aws.simulator.requests} == {
        "ListAccounts",
        "GetCallerIdentity",
    }


def test_a_report_that_cannot_be_written(aws: InProcessAws) -> None:
    """--report where no file can be made, even by root (procfs: the
    folder exists, so the option is accepted): one line naming the command,
    the option and the file, exit status 255; the document is printed all
    the same, and no member request was sent."""
    build(aws)
    other = 2 - int.from_bytes(hashlib.sha256(PROD.encode()).digest(), "big") % 2
    result = aws.run(
        *ORG,
        *REGIONS,
        "--accounts",
        PROD,
        "--shard",
        f"{other}/2",
        "--report",
        "/proc/report.csv",
    )

    assert result.returncode == 255, result.output
    assert result.stderr == (
        "aws sts activation-check: --report: cannot write '/proc/report.csv': "
        "No such file or directory\n"
    )
    assert result.json()["Accounts"] == []
    assert {r.action for r in aws.simulator.requests} == {
        "ListAccounts",
        "GetCallerIdentity",
    }
