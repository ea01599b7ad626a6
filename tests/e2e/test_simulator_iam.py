"""The simulator's IAM token preference, per-account denials and the state a
test changes between two runs, checked with the stock `aws` CLIs (no plugin).

`aws iam set-security-token-service-preferences` and `aws iam
get-account-summary` are the CLI's own commands: what they show is what any
tool that calls IAM sees.
"""

from __future__ import annotations

import json

import pytest

from testing.clients import (
    CLI_V1,
    AwsEnv,
    Result,
)
from testing.simulator import ACCOUNT_ID, MEMBER_ROLE_NAME, Simulator
from tests.e2e.matrix import FURTHER_CASES_ON

MEMBER = "222222222222"
OTHER = "333333333333"
SET = "SetSecurityTokenServicePreferences"


def _organization(env: AwsEnv) -> None:
    """The management account's user as ``default``; ``member`` and
    ``other`` reach the two member accounts through their member roles."""
    sim: Simulator = env.simulator
    sim.create_organization()
    sim.add_member_account(MEMBER, name="member")
    sim.add_member_account(OTHER, name="other")
    env.add_keys("default", sim.add_user("admin"))
    env.config = "[default]\nregion = us-east-1\n"
    for profile, account in (("member", MEMBER), ("other", OTHER)):
        env.config += (
            f"[profile {profile}]\nregion = us-east-1\nsource_profile = default\n"
            f"role_arn = arn:aws:iam::{account}:role/{MEMBER_ROLE_NAME}\n"
        )


def _summary_version(env: AwsEnv, kind: str, profile: str) -> int:
    result = env.run(
        kind, "iam", "get-account-summary", "--profile", profile, plugin=False
    ).check()
    version: int = result.json()["SummaryMap"]["GlobalEndpointTokenVersion"]
    return version


def _set(env: AwsEnv, kind: str, profile: str, value: str) -> Result:
    return env.run(
        kind,
        "iam",
        "set-security-token-service-preferences",
        "--global-endpoint-token-version",
        value,
        "--profile",
        profile,
        plugin=False,
    )


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_token_version_is_set_per_account(aws_env: AwsEnv, kind: str) -> None:
    _organization(aws_env)
    sim = aws_env.simulator
    assert _summary_version(aws_env, kind, "member") == 1
    _set(aws_env, kind, "member", "v2Token").check()
    assert sim.token_version(MEMBER) == 2
    # Only the caller's own account changed.
    assert sim.token_version(OTHER) == 1 and sim.token_version() == 1
    assert _summary_version(aws_env, kind, "member") == 2
    assert _summary_version(aws_env, kind, "other") == 1
    assert _summary_version(aws_env, kind, "default") == 1
    sets = [r for r in sim.requests if r.action == SET]
    # One request, at IAM's global endpoint, signed for us-east-1 (SigV4
    # verified like every other call).
    assert [(r.host, r.signing_region, r.status) for r in sets] == [
        ("iam.amazonaws.com", "us-east-1", 200)
    ]
    # And back.
    _set(aws_env, kind, "member", "v1Token").check()
    assert _summary_version(aws_env, kind, "member") == 1


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
@pytest.mark.parametrize(
    "value", ["v3Token", "V2TOKEN", "2", ""], ids=["v3", "case", "number", "empty"]
)
def test_other_values_are_refused_as_iam_does(
    aws_env: AwsEnv, kind: str, value: str
) -> None:
    _organization(aws_env)
    result = _set(aws_env, kind, "default", value)
    assert result.returncode != 0
    sim = aws_env.simulator
    sets = [r for r in sim.requests if r.action == SET]
    # The CLI sends any text (it checks no enum): IAM's answer decides.
    assert "ValidationError" in result.stderr
    assert f"Value '{value}' at 'globalEndpointTokenVersion'" in result.stderr
    assert "[v1Token, v2Token]" in result.stderr
    assert [(r.status, r.error_code) for r in sets] == [(400, "ValidationError")]
    assert sim.token_version() == 1


def test_a_missing_value_is_refused(aws_env: AwsEnv) -> None:
    """A hand-made request without the parameter (clients refuse to send
    one): IAM's "must not be null" answer."""
    _organization(aws_env)
    code = (
        "import boto3, botocore.exceptions\n"
        "iam = boto3.Session().client('iam', region_name='us-east-1')\n"
        # After validation, before signing: the serialized form loses it.
        "iam.meta.events.register('before-call.iam.*', "
        # (returning None: an answer would stand for the response)
        "lambda params, **kw: "
        "params['body'].pop('GlobalEndpointTokenVersion') and None)\n"
        "try:\n"
        "    iam.set_security_token_service_preferences("
        "GlobalEndpointTokenVersion='v2Token')\n"
        "except botocore.exceptions.ClientError as e:\n"
        "    print(e.response['Error']['Code'], e.response['Error']['Message'])\n"
    )
    out = aws_env.run_python(code).check().stdout
    assert out.startswith("ValidationError ")
    assert "Value null at 'globalEndpointTokenVersion'" in out
    assert "Member must not be null" in out


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_a_member_whose_iam_calls_are_denied(aws_env: AwsEnv, kind: str) -> None:
    _organization(aws_env)
    sim = aws_env.simulator
    sim.deny("iam:*", account_id=MEMBER)
    for command in (
        ("iam", "get-account-summary"),
        (
            "iam",
            "set-security-token-service-preferences",
            "--global-endpoint-token-version",
            "v2Token",
        ),
    ):
        result = aws_env.run(kind, *command, "--profile", "member", plugin=False)
        assert result.returncode != 0
        assert "AccessDenied" in result.stderr
        # IAM's wording, naming the assumed-role session and the action.
        assert (
            f"User: arn:aws:sts::{MEMBER}:assumed-role/{MEMBER_ROLE_NAME}/"
            in result.stderr
        )
        assert "with an explicit deny in a service control policy" in result.stderr
    assert sim.token_version(MEMBER) == 1
    # The other accounts are not affected, nor is the member's STS.
    assert _summary_version(aws_env, kind, "other") == 1
    assert _summary_version(aws_env, kind, "default") == 1
    aws_env.run(
        kind, "sts", "get-caller-identity", "--profile", "member", plugin=False
    ).check()
    # A denial to everyone keeps IAM's identity-policy wording.
    sim.deny("iam:GetAccountSummary")
    denied = aws_env.run(kind, "iam", "get-account-summary", plugin=False)
    assert "because no identity-based policy allows" in denied.stderr
    with pytest.raises(ValueError):
        sim.deny("sts:*", account_id=MEMBER)


_GLOBAL_TOKEN_IN_OPT_IN_REGION = """
import sys, boto3, botocore.exceptions
session = boto3.Session()
sts = session.client("sts", region_name="aws-global")
keys = sts.assume_role(RoleArn=sys.argv[1], RoleSessionName="check")["Credentials"]
member = session.client(
    "sts",
    region_name="af-south-1",
    aws_access_key_id=keys["AccessKeyId"],
    aws_secret_access_key=keys["SecretAccessKey"],
    aws_session_token=keys["SessionToken"],
)
try:
    print(member.get_caller_identity()["Account"])
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
"""


def test_global_tokens_follow_the_issuing_accounts_version(aws_env: AwsEnv) -> None:
    """A role session from the global endpoint works in an opt-in region
    only once the role's account has v2 tokens."""
    _organization(aws_env)
    sim = aws_env.simulator
    role = f"arn:aws:iam::{MEMBER}:role/{MEMBER_ROLE_NAME}"

    def opt_in_answer() -> str:
        return (
            aws_env.run_python(_GLOBAL_TOKEN_IN_OPT_IN_REGION, args=[role])
            .check()
            .stdout.strip()
        )

    sim.set_token_version(2, account_id=OTHER)  # not the role's account
    assert opt_in_answer() == "InvalidClientTokenId"
    assume = [r for r in sim.requests if r.action == "AssumeRole"]
    assert [r.host for r in assume] == ["sts.amazonaws.com"]
    sim.set_token_version(2, account_id=MEMBER)
    assert opt_in_answer() == MEMBER


def test_state_changes_between_two_runs(aws_env: AwsEnv) -> None:
    """What drift and remediation tests change between two runs: a token
    version, a region deactivated for one account, an account added or
    suspended. None of it is a request, so the log stays empty."""
    _organization(aws_env)
    sim = aws_env.simulator
    list_accounts = ("organizations", "list-accounts", "--output", "json")

    def listed() -> dict[str, str]:
        out = aws_env.run(CLI_V1, *list_accounts, plugin=False).check().json()
        return {a["Id"]: a["Status"] for a in out["Accounts"]}

    before = listed()
    assert before == {ACCOUNT_ID: "ACTIVE", MEMBER: "ACTIVE", OTHER: "ACTIVE"}
    sim.clear_log()
    sim.set_token_version(2, account_id=OTHER)
    sim.set_region("eu-west-1", state="deactivated", account_id=MEMBER)
    sim.add_member_account("444444444444", name="new")
    assert sim.requests == []
    assert _summary_version(aws_env, CLI_V1, "other") == 2
    sim.set_account_status(OTHER, "SUSPENDED")
    assert listed() == {
        ACCOUNT_ID: "ACTIVE",
        MEMBER: "ACTIVE",
        OTHER: "SUSPENDED",
        "444444444444": "ACTIVE",
    }
    # eu-west-1 is deactivated for the member only: the management
    # account's own call still gets credentials.
    aws_env.run(
        CLI_V1, "sts", "get-session-token", "--region", "eu-west-1", plugin=False
    ).check()
    member_role = aws_env.run(
        CLI_V1,
        "sts",
        "assume-role",
        "--role-arn",
        f"arn:aws:iam::{MEMBER}:role/{MEMBER_ROLE_NAME}",
        "--role-session-name",
        "check",
        "--region",
        "eu-west-1",
        plugin=False,
    )
    assert "RegionDisabledException" in member_role.stderr
    with pytest.raises(ValueError):
        sim.set_account_status("999999999999", "ACTIVE")
    with pytest.raises(ValueError):
        sim.set_token_version(3, account_id=MEMBER)
    # reset: every account back to version 1, no denials.
    sim.reset()
    assert sim.token_version(OTHER) == 1


def test_iam_is_reached_at_each_partitions_endpoint(aws_env: AwsEnv) -> None:
    _organization(aws_env)
    sim = aws_env.simulator
    for region, host in (
        ("eu-west-1", "iam.amazonaws.com"),
        ("cn-northwest-1", "iam.cn-north-1.amazonaws.com.cn"),
        ("us-gov-east-1", "iam.us-gov.amazonaws.com"),
    ):
        sim.clear_log()
        result = aws_env.run(
            CLI_V1, "iam", "get-account-summary", "--region", region, plugin=False
        ).check()
        assert json.loads(result.stdout)["SummaryMap"]["GlobalEndpointTokenVersion"]
        assert [(r.host, r.signing_region) for r in sim.requests] == [
            (host, sim.region_of_host(host))
        ]
