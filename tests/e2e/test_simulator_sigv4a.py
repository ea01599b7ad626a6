"""SigV4a as real, unpatched clients send it, verified by the simulator.

With ``auth_scheme_preference = sigv4a`` the frozen CLI v2 (2.38.5 ships
awscrt), CLI v1 and boto3 (awscrt from requirements/awscrt.txt) sign STS calls
``AWS4-ECDSA-P256-SHA256``; the simulator verifies each and logs the
algorithm and region set. Debian's CLI v2 2.9 and the legacy CLI v1 have no
SigV4a in STS's model (botocore added it in 1.42.91): not run here.
"""

from __future__ import annotations

import textwrap

import pytest

from testing.clients import BOTO3, CLI_V1, CLI_V2_FROZEN, AwsEnv
from testing.simulator import Simulator

ECDSA = "AWS4-ECDSA-P256-SHA256"


@pytest.fixture(autouse=True)
def awscrt_for_venv_clients(aws_env: AwsEnv) -> None:
    """CLI v1 and boto3 of .venv sign SigV4a only with awscrt, which the
    rest of the suite's clients start without (requirements/awscrt.txt)."""
    aws_env.use_awscrt()


def _profile(env: AwsEnv, sim: Simulator, config: str) -> None:
    env.add_keys("default", sim.add_user())
    env.config = "[default]\nauth_scheme_preference = sigv4a\n" + config


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2_FROZEN])
def test_stock_cli_signs_sigv4a_and_is_verified(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    _profile(aws_env, simulator, "region = ap-northeast-1\n")
    result = aws_env.run(kind, "sts", "get-caller-identity", plugin=False).check()
    assert result.json()["Account"] == "111122223333"
    [request] = simulator.requests
    assert request.host == "sts.ap-northeast-1.amazonaws.com"
    assert (request.algorithm, request.status) == (ECDSA, 200)
    # botocore's set: the profile's sigv4a_signing_region_set, else a
    # signing region pinned in the request context (the plugin's), else "*"
    # (docs/sts-facts.md): a stock client with a region sends "*".
    assert request.region_set == "*"
    assert request.signing_region == "*"


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2_FROZEN])
def test_region_set_without_the_endpoint_is_refused(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    """A ``sigv4a_signing_region_set`` that leaves out the endpoint's region
    makes a signature the endpoint refuses."""
    _profile(
        aws_env,
        simulator,
        "region = ap-northeast-1\nsigv4a_signing_region_set = eu-west-1,eu-central-1\n",
    )
    result = aws_env.run(kind, "sts", "get-caller-identity", plugin=False)
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    assert {(r.algorithm, r.region_set, r.error_code) for r in simulator.requests} == {
        (ECDSA, "eu-west-1,eu-central-1", "SignatureDoesNotMatch")
    }


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2_FROZEN])
def test_global_endpoint_is_signed_sigv4_even_when_sigv4a_is_preferred(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    """No region: the global endpoint, whose endpoint rules name SigV4 only,
    so ``auth_scheme_preference = sigv4a`` changes nothing there (seen on
    CLI v1 1.46 and the frozen CLI 2.38.5)."""
    _profile(aws_env, simulator, "")
    aws_env.run(kind, "sts", "get-caller-identity", plugin=False).check()
    [request] = simulator.requests
    assert (request.host, request.algorithm, request.signing_region) == (
        "sts.amazonaws.com",
        "AWS4-HMAC-SHA256",
        "us-east-1",
    )
    assert request.region_set is None


def test_boto3_signs_sigv4a_with_awscrt(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator, "")
    code = textwrap.dedent(
        """
        import json, boto3, botocore.compat
        assert botocore.compat.HAS_CRT, "awscrt is missing from this virtualenv"
        sts = boto3.client("sts", region_name="eu-west-1")
        print(json.dumps(sts.get_caller_identity()["Arn"]))
        """
    )
    out = aws_env.run_python(code, kind=BOTO3).check().json()
    assert out == "arn:aws:iam::111122223333:user/alice"
    [request] = simulator.requests
    assert (request.host, request.algorithm, request.status) == (
        "sts.eu-west-1.amazonaws.com",
        ECDSA,
        200,
    )
