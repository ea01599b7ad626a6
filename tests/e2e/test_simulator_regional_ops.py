"""The regional-only STS operations with real, unpatched clients: CLI v1
1.46 (its bundled botocore 1.43 models all three), AWS's frozen CLI v2 2.38.5
and boto3. Debian's CLI v2 2.9 and the legacy CLI v1 predate them (no
`aws sts assume-root` there): not run here."""

from __future__ import annotations

import textwrap

import pytest

from testing.clients import BOTO3, CLI_V1, CLI_V2_FROZEN, AwsEnv, is_cli_v2
from testing.simulator import Simulator

MEMBER = "222233334444"
AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
KINDS = [CLI_V1, CLI_V2_FROZEN]


def _admin(env: AwsEnv, sim: Simulator, region: str | None) -> None:
    """The management account's keys, an organization with one member."""
    sim.create_organization()
    sim.add_member_account(MEMBER)
    env.add_keys("default", sim.add_user("admin"))
    env.config = "[default]\n" + (f"region = {region}\n" if region else "")


def _error_status(kind: str) -> int:
    """The exit status of a service error: 254 on CLI v2, 255 on CLI v1."""
    return 254 if is_cli_v2(kind) else 255


@pytest.mark.parametrize("kind", KINDS)
def test_assume_root_regional_and_global(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    args = (
        "sts",
        "assume-root",
        "--target-principal",
        MEMBER,
        "--task-policy-arn",
        f"arn={AUDIT}",
    )
    _admin(aws_env, simulator, "ap-northeast-1")
    out = aws_env.run(kind, *args, plugin=False).check().json()
    assert set(out["Credentials"]) >= {"AccessKeyId", "SecretAccessKey", "Expiration"}
    # No region: the global endpoint, which does not serve it.
    aws_env.config = "[default]\n"
    result = aws_env.run(kind, *args, plugin=False)
    assert result.returncode == _error_status(kind), result.output
    assert "(InvalidAction)" in result.stderr and "Unknown Operation" in result.stderr
    assert [(r.host, r.status, r.error_code) for r in simulator.requests] == [
        ("sts.ap-northeast-1.amazonaws.com", 200, None),
        ("sts.amazonaws.com", 400, "InvalidAction"),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_get_web_identity_token_until_enabled(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    aws_env.add_keys("default", simulator.add_user())
    aws_env.config = "[default]\nregion = eu-west-1\n"
    args = (
        "sts",
        "get-web-identity-token",
        # Not a URL: CLI v1 would fetch https:// values (its paramfile).
        "--audience",
        "api.example.com",
        "--signing-algorithm",
        "RS256",
    )
    result = aws_env.run(kind, *args, plugin=False)
    assert result.returncode == _error_status(kind), result.output
    assert "OutboundWebIdentityFederationDisabledException" in result.stderr
    simulator.set_outbound_web_identity_federation()
    out = aws_env.run(kind, *args, plugin=False).check().json()
    assert out["WebIdentityToken"].count(".") == 2 and out["Expiration"]


@pytest.mark.parametrize("kind", KINDS)
def test_get_delegated_access_token_and_deactivated_region(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    aws_env.add_keys("default", simulator.add_user("partner"))
    aws_env.config = "[default]\nregion = eu-west-1\n"
    role = simulator.add_role("PartnerAccess", account_id=MEMBER)
    token = simulator.issue_trade_in_token(role)
    args = ("sts", "get-delegated-access-token", "--trade-in-token", token)
    out = aws_env.run(kind, *args, plugin=False).check().json()
    assert out["AssumedPrincipal"] == role
    simulator.set_region("eu-west-1", state="deactivated", account_id=MEMBER)
    result = aws_env.run(kind, *args, plugin=False)
    assert result.returncode == _error_status(kind), result.output
    assert "(RegionDisabledException)" in result.stderr
    assert token not in result.output


def test_boto3_parses_answers_and_modelled_errors(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    """boto3 turns each modelled error into its exception class."""
    _admin(aws_env, simulator, None)
    simulator.set_region("eu-west-1", state="deactivated", account_id=MEMBER)
    code = textwrap.dedent(
        f"""
        import json, boto3
        sts = boto3.client("sts", region_name="eu-west-1")
        seen = []
        try:
            sts.assume_root(TargetPrincipal="{MEMBER}",
                            TaskPolicyArn={{"arn": "{AUDIT}"}})
        except sts.exceptions.RegionDisabledException:
            seen.append("RegionDisabledException")
        try:
            sts.get_web_identity_token(Audience=["a"], SigningAlgorithm="ES384")
        except sts.exceptions.OutboundWebIdentityFederationDisabledException:
            seen.append("OutboundWebIdentityFederationDisabledException")
        tokyo = boto3.client("sts", region_name="ap-northeast-1")
        root = tokyo.assume_root(TargetPrincipal="{MEMBER}",
                                 TaskPolicyArn={{"arn": "{AUDIT}"}})
        creds = root["Credentials"]
        who = boto3.client(
            "sts", region_name="ap-northeast-1",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        ).get_caller_identity()
        print(json.dumps({{"seen": seen, "arn": who["Arn"]}}))
        """
    )
    out = aws_env.run_python(code, kind=BOTO3).check().json()
    assert out == {
        "seen": [
            "RegionDisabledException",
            "OutboundWebIdentityFederationDisabledException",
        ],
        "arn": f"arn:aws:iam::{MEMBER}:root",
    }
