"""How many requests `aws sts activation-check --organization` sends per
member account, counted in the simulator's log (each request is logged
with the account it is about: the role's for AssumeRole, else the
signer's): at most one per region and two for the account's facts, and no
latency sample per account (a region's latency is measured once per run).
"""

from __future__ import annotations

import collections
import json

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V2,
    AwsEnv,
)
from testing.simulator import ACCOUNT_ID

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-east-1")
#: ap-east-1 is an opt-in region; "optout" has not enabled it.
OPTOUT, LOCKED = "300000000001", "300000000002"


def build(aws_env: AwsEnv, members: int) -> list[str]:
    simulator = aws_env.simulator
    user = simulator.add_user("admin")
    aws_env.config = "[default]\nregion = us-east-1\n"
    aws_env.add_keys("default", user)
    simulator.create_organization()
    ordinary = simulator.add_member_accounts(members)
    simulator.add_member_account(OPTOUT, name="optout")
    simulator.set_region("ap-east-1", state="not-enabled", account_id=OPTOUT)
    simulator.add_member_account(LOCKED, name="locked")
    simulator.set_member_role_assumable(LOCKED, False)
    return ordinary


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_requests_per_member_account(aws_env: AwsEnv, kind: str) -> None:
    ordinary = build(aws_env, members=5)
    result = aws_env.run(
        kind,
        "sts",
        "activation-check",
        "--organization",
        "--regions",
        *REGIONS,
        "--output-format",
        "jsonl",
        timeout=120,
    )
    assert result.returncode == 4, result.output  # the locked member
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["Summary"]["AccountsChecked"] == 1 + 5 + 1

    log = aws_env.simulator.requests
    per_account = collections.Counter(r.account_id for r in log)
    by_action = {
        account: collections.Counter(r.action for r in log if r.account_id == account)
        for account in per_account
    }
    regions = len(REGIONS)
    # CLI v2 2.9's botocore has no Account ListRegions: nothing is sent
    # for it, and the opt-in region is probed.
    lists_regions = kind != CLI_V2
    facts = {"GetAccountSummary": 1}
    if lists_regions:
        facts["ListRegions"] = 1
    for account in ordinary:
        assert by_action[account] == {"AssumeRole": regions, **facts}, account
        assert per_account[account] <= regions + 2
    # ListRegions says ap-east-1 is DISABLED for "optout": not probed.
    assert by_action[OPTOUT] == {
        "AssumeRole": regions - 1 if lists_regions else regions,
        **facts,
    }
    # The locked member: every probe refused, then the role assumed once
    # more through the CLI's own STS path, whose refusal is its Error. The
    # opt-in region waits for ListRegions, which is then never asked.
    refused = regions - 1 if lists_regions else regions
    assert by_action[LOCKED] == {"AssumeRole": refused + 1}

    # One GetCallerIdentity says who the caller is, and one per region
    # measures the region's latency for the whole run. The management
    # account (no member role: one AssumeRole tells) is checked as without
    # --organization, a GetSessionToken probe per region and its two facts,
    # with the identity and latencies the run already has: no more than a
    # member.
    assert by_action[ACCOUNT_ID] == {
        "ListAccounts": 1,
        "GetCallerIdentity": 1 + regions,
        "AssumeRole": 1,
        "GetSessionToken": regions,
        **facts,
    }
    # Nothing else was sent.
    assert set(per_account) == {ACCOUNT_ID, OPTOUT, LOCKED, *ordinary}
