"""`--list-accounts` and `--accounts-from` end to end, with the real CLIs
against the simulator: the organization is listed once and the shards
take their accounts from the listing (no ListAccounts of theirs, one
DescribeOrganization each), and a listing that is stale, tampered with,
malformed, not the user's to trust or of another organization is refused
in one line with the CLI's bad-parameter status: before anything is sent,
or (another organization) after DescribeOrganization alone, before any
member role is assumed. The organization is
tests/e2e/test_organization_cli.py's mixed one.

The refusals' listings are written here with the test's own canonical
digest (sorted keys, no whitespace, ASCII), not the product's function:
the format is pinned from outside. One CLI process per refusal.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from testing.clients import CLI_V1, CLI_V2_FROZEN, AwsEnv
from testing.simulator import ACCOUNT_ID
from testing.simulator.organization import ORGANIZATION_ID
from tests.e2e.matrix import rows_by_client
from tests.e2e.test_fleet_cli import comparable, refused
from tests.e2e.test_organization_cli import (
    CLOSED,
    DEV,
    INVALID_ARGUMENT_RC,
    LOCKED,
    ORG,
    PROD,
    build_organization,
)

TWO_REGIONS = ("--regions", "us-east-1", "eu-west-1")
HOSTILE = "666666666666"
HOSTILE_NAME = "=cmd|' /C calc'!A0\x1b[2J\u202e"
RELIST = (
    "list the accounts again (aws sts activation-check --organization "
    "--list-accounts > FILE)"
)


def listing(**changes: Any) -> dict[str, Any]:
    """The mixed organization's listing, as of now, with ``changes``, and
    its digest over the canonical form."""
    content: dict[str, Any] = {
        "Format": "awscli-regional-sts/organization-accounts",
        "FormatVersion": 1,
        "Partition": "aws",
        "OrganizationId": ORGANIZATION_ID,
        "ManagementAccountId": ACCOUNT_ID,
        "ListedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
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
    content.update(changes)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return {
        **content,
        "Digest": "sha256:" + hashlib.sha256(canonical.encode()).hexdigest(),
    }


def _stale() -> dict[str, Any]:
    old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7 * 3600))
    return listing(ListedAt=old)


def _tampered() -> dict[str, Any]:
    document = listing()
    # A hostile edit that adds an account without recomputing the digest.
    document["Accounts"].append({"Id": "999999999999", "Name": "x", "Status": "ACTIVE"})
    return document


def _bad_id() -> dict[str, Any]:
    document = listing()
    document["Accounts"][1]["Id"] = "2222222222222\u0661"
    return listing(Accounts=document["Accounts"])


#: name: (the listing's text, or None for a file written by the row,
#: what the one line says, whether DescribeOrganization is sent).
ROWS: dict[str, tuple[Any, str, bool]] = {
    "stale": (
        _stale,
        "minutes ago, more than --accounts-max-age (360 minutes) allows",
        False,
    ),
    "tampered": (
        _tampered,
        "does not match its Digest: it was changed or corrupted after it was listed",
        False,
    ),
    "other-organization": (
        lambda: listing(OrganizationId="o-zzzzzzzzzz"),
        "the listing is of organization o-zzzzzzzzzz (management account "
        f"{ACCOUNT_ID}), but DescribeOrganization says the caller is in "
        f"'{ORGANIZATION_ID}'",
        True,
    ),
    "other-management-account": (
        lambda: listing(ManagementAccountId=PROD),
        f"(management account {PROD}), but DescribeOrganization says",
        True,
    ),
    "malformed-json": (lambda: "{not json", "is not usable JSON", False),
    "bad-account-id": (
        _bad_id,
        "is not a usable listing: '2222222222222\\u0661' is not an AWS account id",
        False,
    ),
    "not-a-listing": (lambda: {"Accounts": []}, "is not an account listing", False),
    "other-partition": (
        lambda: listing(Partition="aws-cn"),
        "lists partition aws-cn, but the check runs in partition aws",
        False,
    ),
    "writable-by-others": (listing, "is writable by group or others", False),
    "symbolic-link": (listing, "is a symbolic link; not read", False),
}


def _write(aws_env: AwsEnv, name: str, document: Any) -> Path:
    path = aws_env.root / "accounts.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    if name == "writable-by-others":
        os.chmod(path, 0o646)
    if name == "symbolic-link":
        link = aws_env.root / "link.json"
        link.symlink_to(path)
        return link
    return path


@pytest.mark.parametrize(
    "kind, name",
    rows_by_client(
        (CLI_V1, CLI_V2_FROZEN),
        list(ROWS),
        representative=("stale", "tampered", "other-organization"),
    ),
)
def test_a_bad_listing_is_refused_in_one_line(
    aws_env: AwsEnv, kind: str, name: str
) -> None:
    make, message, describes = ROWS[name]
    build_organization(aws_env)
    path = _write(aws_env, name, make())
    aws_env.simulator.clear_log()
    result = aws_env.run(
        kind, *ORG, *TWO_REGIONS, "--accounts-from", str(path), "--shard", "1/2"
    )
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("aws sts activation-check: error: --accounts-from")
    assert message in result.stderr, result.stderr
    assert result.stdout == ""
    sent = [(r.service, r.action) for r in aws_env.simulator.requests]
    if describes:
        # Only the question that tells the organization: no ListAccounts,
        # no GetCallerIdentity, no member role assumed.
        assert sent == [("organizations", "DescribeOrganization")]
        assert RELIST + " with these credentials" in result.stderr
    else:
        assert sent == []
        assert aws_env.simulator.connects == []
        assert RELIST in result.stderr


def test_the_shards_share_one_listing(aws_env: AwsEnv) -> None:
    """Listed once (CLI v1 writes it; AWS's frozen CLI v2 reads it): three
    shards send no ListAccounts, and merged they equal an unsharded run."""
    build_organization(aws_env)
    simulator = aws_env.simulator
    # A hostile member's name: kept as it is, never raw on a terminal.
    simulator.add_member_account(HOSTILE, name=HOSTILE_NAME)
    simulator.clear_log()
    listed = aws_env.run(CLI_V1, *ORG, "--list-accounts", "--output", "table")
    assert listed.returncode == 0, listed.output
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    document = json.loads(listed.stdout)  # JSON whatever --output says
    assert [a["Id"] for a in document["Accounts"]] == [
        ACCOUNT_ID,
        PROD,
        DEV,
        LOCKED,
        CLOSED,
        HOSTILE,
    ]
    assert document["Accounts"][-1]["Name"] == HOSTILE_NAME
    assert {a["Status"] for a in document["Accounts"]} == {"ACTIVE", "SUSPENDED"}
    assert document["OrganizationId"] == ORGANIZATION_ID
    assert document["ManagementAccountId"] == ACCOUNT_ID
    assert [(r.service, r.action) for r in simulator.requests] == [
        ("organizations", "ListAccounts")
    ]
    path = aws_env.root / "accounts.json"
    path.write_text(listed.stdout)

    simulator.clear_log()
    parts = []
    for number in (1, 2, 3):
        shard = aws_env.run(
            CLI_V2_FROZEN,
            *ORG,
            *TWO_REGIONS,
            "--accounts-from",
            str(path),
            "--shard",
            f"{number}/3",
            "--output",
            "json",
            timeout=120,
        )
        assert shard.returncode in (0, 4), shard.output
        parts.append(aws_env.root / f"shard-{number}.json")
        parts[-1].write_text(shard.stdout)
    actions = [(r.service, r.action) for r in simulator.requests]
    assert ("organizations", "ListAccounts") not in actions
    assert actions.count(("organizations", "DescribeOrganization")) == 3
    merged = aws_env.run(
        CLI_V2_FROZEN,
        "sts",
        "activation-check",
        "--merge",
        *map(str, parts),
        "--output",
        "json",
    )
    assert merged.returncode == 4, merged.output
    whole = aws_env.run(
        CLI_V2_FROZEN, *ORG, *TWO_REGIONS, "--output", "json", timeout=120
    )
    assert whole.returncode == 4, whole.output  # "locked"
    expected = {a["AccountId"]: comparable(a) for a in whole.json()["Accounts"]}
    got = {a["AccountId"]: comparable(a) for a in merged.json()["Accounts"]}
    assert got == expected and len(got) == 5
    assert got[HOSTILE]["Name"] == HOSTILE_NAME
    assert merged.json()["Summary"] == whole.json()["Summary"]
    assert merged.json()["OrganizationId"] == ORGANIZATION_ID


def test_list_accounts_takes_no_query(aws_env: AwsEnv) -> None:
    """The listing is written whole, for --accounts-from: a --query that
    would not apply is refused, not ignored, before anything is sent."""
    build_organization(aws_env)
    refused(
        aws_env,
        CLI_V2_FROZEN,
        *ORG,
        "--list-accounts",
        "--query",
        "Accounts",
        message="--query does not apply to --list-accounts",
    )
