"""End to end: the operations only regional STS endpoints serve (AssumeRoot,
GetDelegatedAccessToken, GetWebIdentityToken; aws/operations.py) go to
``sts_region``, with failover, on every client whose model has them; without
``sts_region`` the plugin changes nothing, and ``resolve-endpoint`` and
``doctor`` say where the calls would go and what to set.

Models: AssumeRoot is in botocore 1.35.61 and later (CLI v1 1.41 and boto3
1.39 in .venv-legacy have it); GetDelegatedAccessToken (1.40.70) and
GetWebIdentityToken (1.41.0) only in the current clients. Debian's CLI v2
2.9 has none of the three: skipped.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

from testing.clients import (
    BOTO3,
    BOTO3_LEGACY,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    aws_command,
)
from tests.e2e.test_installer import helper

TOKYO = "ap-northeast-1"
EU = "eu-west-1"
MEMBER = "222233334444"
AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
GLOBAL_HOST = "sts.amazonaws.com"
NOT_IN_MODEL = "its botocore's STS model predates {}: no such command"
ROUTED = f"sts_region = {TOKYO}\nsts_fallback = {EU}\n"

BOTO3_CALLS = """
import json, sys
import boto3, awscli_regional_sts
session = boto3.Session()
awscli_regional_sts.register(session)
sts = session.client("sts")
out = {}
for name, kwargs in json.loads(sys.argv[1]):
    try:
        out[name] = sorted(getattr(sts, name)(**kwargs))
    except Exception as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(255)
print(json.dumps(out))
"""


def host(region: str) -> str:
    return f"sts.{region}.amazonaws.com"


def assume_root_kinds() -> list[Any]:
    reason = NOT_IN_MODEL.format("AssumeRoot (botocore 1.35.61)")
    skipped = pytest.mark.skip(reason=f"{CLI_V2} (Debian's 2.9): {reason}")
    return [
        CLI_V2_FROZEN,
        CLI_V1,
        CLI_V1_LEGACY,
        BOTO3,
        BOTO3_LEGACY,
        pytest.param(CLI_V2, marks=skipped),
    ]


def newest_kinds() -> list[Any]:
    reason = NOT_IN_MODEL.format(
        "GetDelegatedAccessToken (botocore 1.40.70) and GetWebIdentityToken (1.41.0)"
    )
    return [
        CLI_V2_FROZEN,
        CLI_V1,
        BOTO3,
        *(
            pytest.param(kind, marks=pytest.mark.skip(reason=f"{kind}: {reason}"))
            for kind in (CLI_V2, CLI_V1_LEGACY, BOTO3_LEGACY)
        ),
    ]


@pytest.fixture
def org(aws_env: AwsEnv) -> AwsEnv:
    """The management account's keys in [default], without a region (such
    a CLI sends STS calls to the global endpoint); one member account."""
    sim = aws_env.simulator
    sim.create_organization()
    sim.add_member_account(MEMBER)
    aws_env.add_keys("default", sim.add_user("admin"))
    return aws_env


def run_calls(
    env: AwsEnv, kind: str, calls: list[tuple[str, Any, tuple[str, ...]]]
) -> Result:
    """Each (boto3 method, its arguments, the CLI's argv) in one process
    for boto3, one ``aws`` command each for a CLI (the last result)."""
    env.simulator.clear_log()
    if kind in (BOTO3, BOTO3_LEGACY):
        wanted = json.dumps([(name, kwargs) for name, kwargs, _ in calls])
        return env.run_python(BOTO3_CALLS, kind=kind, args=[wanted])
    result = None
    for _, _, argv in calls:
        result = env.run(kind, "sts", *argv).check()
    assert result is not None
    return result


def assume_root() -> tuple[str, Any, tuple[str, ...]]:
    return (
        "assume_root",
        {"TargetPrincipal": MEMBER, "TaskPolicyArn": {"arn": AUDIT}},
        (
            "assume-root",
            "--target-principal",
            MEMBER,
            "--task-policy-arn",
            f"arn={AUDIT}",
        ),
    )


def seen(env: AwsEnv) -> list[tuple[str, str, int]]:
    return [(r.host, r.action, r.status) for r in env.simulator.requests]


@pytest.mark.parametrize("kind", assume_root_kinds())
def test_assume_root_goes_to_sts_region_and_fails_over(org: AwsEnv, kind: str) -> None:
    """No region configured (botocore alone would use the global endpoint):
    sts_region sends AssumeRoot to Tokyo, and on to Ireland when the member
    account's Tokyo is deactivated."""
    org.config = f"[default]\n{ROUTED}"
    run_calls(org, kind, [assume_root()]).check()
    assert seen(org) == [(host(TOKYO), "AssumeRoot", 200)]

    org.simulator.set_region(TOKYO, state="deactivated", account_id=MEMBER)
    run_calls(org, kind, [assume_root()]).check()
    assert seen(org) == [
        (host(TOKYO), "AssumeRoot", 403),
        (host(EU), "AssumeRoot", 200),
    ]
    assert org.simulator.requests[0].error_code == "RegionDisabledException"


@pytest.mark.parametrize("kind", newest_kinds())
def test_the_newest_regional_only_operations_are_routed(org: AwsEnv, kind: str) -> None:
    org.config = f"[default]\n{ROUTED}"
    sim = org.simulator
    sim.set_outbound_web_identity_federation()
    role = sim.add_role("PartnerAccess", account_id=MEMBER)
    token = sim.issue_trade_in_token(role)
    # The delegating role's account has Tokyo deactivated: failover.
    sim.set_region(TOKYO, state="deactivated", account_id=MEMBER)
    calls = [
        (
            "get_web_identity_token",
            {"Audience": ["api.example.com"], "SigningAlgorithm": "RS256"},
            (
                "get-web-identity-token",
                "--audience",
                "api.example.com",
                "--signing-algorithm",
                "RS256",
            ),
        ),
        (
            "get_delegated_access_token",
            {"TradeInToken": token},
            ("get-delegated-access-token", "--trade-in-token", token),
        ),
    ]
    if kind in (BOTO3, BOTO3_LEGACY):
        run_calls(org, kind, calls).check()
        got = seen(org)
    else:
        got = []
        for call in calls:
            run_calls(org, kind, [call])
            got += seen(org)
    assert got == [
        (host(TOKYO), "GetWebIdentityToken", 200),
        (host(TOKYO), "GetDelegatedAccessToken", 403),
        (host(EU), "GetDelegatedAccessToken", 200),
    ]


@pytest.mark.parametrize("kind", [CLI_V2_FROZEN, CLI_V1])
def test_without_sts_region_nothing_changes_and_the_fix_is_named(
    org: AwsEnv, kind: str
) -> None:
    """The plugin sends AssumeRoot where botocore does (the global endpoint,
    which refuses it); resolve-endpoint and doctor say so, with the fix."""
    org.config = "[default]\n"
    result = org.run(kind, "sts", *assume_root()[2])
    assert result.returncode != 0
    assert "Unknown Operation" in result.stderr
    assert seen(org) == [(GLOBAL_HOST, "AssumeRoot", 400)]

    fix = "aws configure set sts_region REGION --profile default"
    report = org.run(kind, "sts", "resolve-endpoint").check().json()
    assert report["Url"] == f"https://{GLOBAL_HOST}"
    (warning,) = report["Warnings"]
    assert warning.startswith("AssumeRoot, GetDelegatedAccessToken and ")
    assert warning.endswith(fix)

    (aws,) = aws_command(kind)
    doctor = helper(org, "doctor", "--aws", aws, "--output", "json")
    notes = [
        finding
        for finding in json.loads(doctor.stdout)["Findings"]
        if finding["Check"] == "regional-only"
    ]
    assert notes == [
        {
            "Status": "ok",
            "Check": "regional-only",
            "Message": textwrap.dedent(
                """\
                profile default has no region and no sts_region: its STS calls go
                to the global endpoint, which does not serve AssumeRoot,
                GetDelegatedAccessToken, GetWebIdentityToken"""
            ).replace("\n", " "),
            "Fix": "aws configure set sts_region REGION --profile default",
        }
    ]
