"""What the user configured still holds for the requests of the
organization commands, now that their probes and member calls go through
clients of their own (awscli_regional_sts/commands/accounts/clients.py),
not the CLI session's: the CA bundle from the profile or `--ca-bundle`,
FIPS endpoints for the account facts and the listing, and a configured STS
endpoint that the probes still refuse (each probe asks its region's own
endpoint). The proxy is in every end-to-end test: the simulator is reached
only through HTTPS_PROXY. Timeouts: tests/e2e/test_org_findings_e2e.py (a
hung region answers `no answer within 1 s`); retries: the unit tests of
accounts/clients.py.
"""

from __future__ import annotations

import collections
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
)
from testing.simulator import ACCOUNT_ID

MEMBERS = ("400000000001", "400000000002")
REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")
CHECK = (
    "sts",
    "activation-check",
    "--organization",
    "--regions",
    *REGIONS,
    "--output-format",
    "jsonl",
)
#: The simulator's CA, otherwise given to every client.
UNSET = ("AWS_CA_BUNDLE",)
REMEDIATE = (
    "sts",
    "set-global-endpoint-token-version",
    "--token-version",
    "v2Token",
    "--organization",
)


def build(aws_env: AwsEnv, profile: str = "") -> None:
    simulator = aws_env.simulator
    user = simulator.add_user("admin")
    aws_env.config = f"[default]\nregion = us-east-1\n{profile}"
    aws_env.add_keys("default", user)
    simulator.create_organization()
    for account_id in MEMBERS:
        simulator.add_member_account(account_id)
    simulator.set_token_version(2, account_id=MEMBERS[0])


def checked(result: Result) -> dict[str, Any]:
    """Every account found in full: the facts read, every region active."""
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    accounts = {line["AccountId"]: line for line in lines[:-1]}
    assert set(accounts) == {ACCOUNT_ID, *MEMBERS}
    for account in accounts.values():
        assert account["Error"] is None
        assert account["GlobalEndpointTokenVersionDetail"] is None, account
        assert {row["Status"] for row in account["Regions"]} == {"active"}
    assert accounts[MEMBERS[0]]["GlobalEndpointTokenVersion"] == 2
    assert accounts[MEMBERS[1]]["GlobalEndpointTokenVersion"] == 1
    return accounts


def probe_hosts(aws_env: AwsEnv) -> dict[str, set[str]]:
    """The hosts each member's probes (AssumeRole) reached."""
    hosts = collections.defaultdict(set)
    for request in aws_env.simulator.requests:
        if request.action == "AssumeRole" and request.account_id in MEMBERS:
            hosts[request.account_id].add(request.host)
    return hosts


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_the_profiles_ca_bundle_is_read(aws_env: AwsEnv, kind: str) -> None:
    """No AWS_CA_BUNDLE: only the profile's ca_bundle trusts the
    simulator's CA, for the probes and the facts too."""
    build(aws_env, f"ca_bundle = {aws_env.simulator.ca_bundle}\n")
    checked(aws_env.run(kind, *CHECK, unset=UNSET, timeout=120))
    moved = aws_env.run(kind, *REMEDIATE, unset=UNSET, timeout=120)
    assert moved.returncode == 0, moved.output
    assert moved.json()["Summary"]["Changed"] == 2  # the management, one member


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_the_ca_bundle_option_is_passed(aws_env: AwsEnv, kind: str) -> None:
    build(aws_env)
    bundle = ("--ca-bundle", aws_env.simulator.ca_bundle)
    checked(aws_env.run(kind, *CHECK, *bundle, unset=UNSET, timeout=120))
    # Without it nothing can be trusted: the listing, first, fails.
    refused = aws_env.run(kind, *CHECK, unset=UNSET, timeout=120)
    assert refused.returncode != 0
    assert "SSL" in refused.stderr or "certificate" in refused.stderr


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_fips_for_the_facts_never_for_the_probes(aws_env: AwsEnv, kind: str) -> None:
    build(aws_env, "use_fips_endpoint = true\n")
    checked(aws_env.run(kind, *CHECK, timeout=120))
    requests = aws_env.simulator.requests
    facts = {r.host for r in requests if r.account_id in MEMBERS and r.service != "sts"}
    # Account Management's FIPS host differs between botocore releases.
    assert facts - {"iam-fips.amazonaws.com"} <= {
        "account-fips.aws-global.amazonaws.com",
        "account-fips.us-east-1.amazonaws.com",
    }
    assert len(facts) == (2 if kind != CLI_V2 else 1)  # 2.9 has no ListRegions
    assert {r.host for r in requests if r.action == "ListAccounts"} == {
        "organizations-fips.us-east-1.amazonaws.com"
    }
    # The question is about each region's own STS: no FIPS endpoint.
    for hosts in probe_hosts(aws_env).values():
        assert hosts == {f"sts.{region}.amazonaws.com" for region in REGIONS}

    aws_env.simulator.clear_log()
    moved = aws_env.run(kind, *REMEDIATE, timeout=120)
    assert moved.returncode == 0, moved.output
    member_iam = {
        r.host
        for r in aws_env.simulator.requests
        if r.service == "iam" and r.account_id in MEMBERS
    }
    assert member_iam == {"iam-fips.amazonaws.com"}


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V1_LEGACY, CLI_V2_FROZEN])
def test_a_configured_sts_endpoint_is_refused_by_the_probes(
    aws_env: AwsEnv, kind: str
) -> None:
    """AWS_ENDPOINT_URL_STS names us-east-1's endpoint; each probe still
    asks its own region. (CLI v1 1.41 would send the caller's own STS calls
    to the global endpoint without it: there the configured endpoint shows.
    CLI v2 2.9 predates configured endpoints.)"""
    build(aws_env)
    configured = "sts.us-east-1.amazonaws.com"
    env = {"AWS_ENDPOINT_URL_STS": f"https://{configured}"}
    checked(aws_env.run(kind, *CHECK, env=env, timeout=120))
    for hosts in probe_hosts(aws_env).values():
        assert hosts == {f"sts.{region}.amazonaws.com" for region in REGIONS}
    identity = {
        r.host
        for r in aws_env.simulator.requests
        if r.action == "GetCallerIdentity" and r.account_id == ACCOUNT_ID
    }
    assert configured in identity
    assert "sts.amazonaws.com" not in identity
