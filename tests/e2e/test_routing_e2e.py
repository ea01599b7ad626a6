"""End to end: real AWS CLI v1/v2 (Debian's and AWS's frozen build) and boto3
processes against the simulator.

Each test runs the real client in a child process (testing/clients.py) and
reads the simulator's log: which hosts were CONNECTed to, which requests
arrived, for which region they were signed, and whether SigV4 checked out.
"""

from __future__ import annotations

import base64
import shutil
import ssl
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from testing.clients import (
    BOTO3,
    BOTO3_LEGACY,
    CLI_KINDS,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    error_line,
)
from testing.simulator import LoggedRequest
from tests.e2e.matrix import rows_by_client

ALL_KINDS = (*CLI_KINDS, BOTO3, BOTO3_LEGACY)
TOKYO = "ap-northeast-1"
TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"

#: The profile cases of issue 3: what else the opted-in profile says.
CASES = {
    "no-region": "",
    "region-us-east-1": "region = us-east-1\n",
    "legacy": "region = us-east-1\nsts_regional_endpoints = legacy\n",
}

#: boto3 counterpart of `aws sts get-caller-identity --profile P`.
BOTO3_CALL = """
import json, sys
import boto3
session = boto3.Session(profile_name={profile!r})
if {plugin!r}:
    import awscli_regional_sts
    awscli_regional_sts.register(session)
try:
    print(json.dumps(session.client("sts").get_caller_identity()["Arn"]))
except Exception as error:
    print(f"{{type(error).__name__}}: {{error}}", file=sys.stderr)
    sys.exit(255)
"""


@dataclass
class Calls:
    """One client run and what reached the simulator."""

    result: Result
    requests: list[LoggedRequest]
    connects: list[str]

    @property
    def seen(self) -> list[tuple[str, str, str | None, int]]:
        return [(r.host, r.action, r.signing_region, r.status) for r in self.requests]

    def only_to(self, host: str, region: str) -> None:
        """Assert every request went to ``host``, signed for ``region``, OK."""
        self.result.check()
        assert self.connects and set(self.connects) == {host}, self.connects
        assert self.requests, "no request reached the simulator"
        for request in self.requests:
            assert request.host == host, self.seen
            assert request.status == 200, (request.error_code, self.seen)
            assert request.signing_region in (region, None), self.seen


@pytest.fixture
def world(aws_env: AwsEnv) -> AwsEnv:
    """A user `base` with keys, a role it may assume, a web identity role."""
    sim = aws_env.simulator
    user = sim.add_user("alice")
    aws_env.add_keys("base", user)
    token = aws_env.root / "web-identity-token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.")
    aws_env.extra_env["TEST_ROLE_ARN"] = sim.add_role("deployer")
    aws_env.extra_env["TEST_WEB_ROLE_ARN"] = sim.add_role("ci", web_identity=True)
    aws_env.extra_env["TEST_TOKEN_FILE"] = str(token)
    return aws_env


def configure(env: AwsEnv, extra: str = "", sts_region: str | None = TOKYO) -> None:
    """Profiles `base` (keys), `assumer` (role_arn) and `web` (web identity),
    each with ``extra`` and, unless None, ``sts_region``."""
    common = extra
    if sts_region is not None:
        common += f"sts_region = {sts_region}\n"
    x = env.extra_env
    env.config = (
        f"[profile base]\n{common}"
        f"[profile assumer]\nrole_arn = {x['TEST_ROLE_ARN']}\n"
        f"source_profile = base\n{common}"
        f"[profile web]\nrole_arn = {x['TEST_WEB_ROLE_ARN']}\n"
        f"web_identity_token_file = {x['TEST_TOKEN_FILE']}\n{common}"
    )


def run(
    env: AwsEnv,
    kind: str,
    profile: str,
    *args: str,
    plugin: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Calls:
    """`aws sts get-caller-identity --profile P` (or ARGS) of one client kind,
    with a clean simulator log and no cached assumed-role credentials."""
    env.simulator.clear_log()
    shutil.rmtree(env.home / ".aws" / "cli" / "cache", ignore_errors=True)
    if kind in (BOTO3, BOTO3_LEGACY):
        assert not args, "boto3 runs only GetCallerIdentity"
        code = BOTO3_CALL.format(profile=profile, plugin=plugin)
        result = env.run_python(code, kind=kind, env=extra_env)
    else:
        argv = args or ("sts", "get-caller-identity")
        result = env.run(
            kind, *argv, "--profile", profile, plugin=plugin, env=extra_env
        )
    return Calls(result, env.simulator.requests, env.simulator.connects)


# -- the matrix of issue 3 ----------------------------------------------------


@pytest.mark.parametrize("profile", ["base", "assumer"])
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_routes_only_to_sts_region(
    world: AwsEnv, kind: str, case: str, profile: str
) -> None:
    configure(world, CASES[case])
    without = run(world, kind, profile, plugin=False)
    without.result.check()
    routed = run(world, kind, profile)
    routed.only_to(TOKYO_HOST, TOKYO)
    assert len(routed.requests) == len(without.requests)
    expected = ["GetCallerIdentity"]
    if profile == "assumer":
        expected.insert(0, "AssumeRole")
    assert [r.action for r in routed.requests] == expected


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_profile_without_key_is_unchanged(world: AwsEnv, kind: str, case: str) -> None:
    configure(world, CASES[case], sts_region=None)
    without = run(world, kind, "assumer", plugin=False)
    with_plugin = run(world, kind, "assumer")
    with_plugin.result.check()
    assert with_plugin.seen == without.seen
    assert with_plugin.connects == without.connects
    assert len(with_plugin.requests) == 2


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_environment_variable_overrides_profile(world: AwsEnv, kind: str) -> None:
    configure(world)
    calls = run(world, kind, "assumer", extra_env={"AWS_STS_REGION": "eu-west-1"})
    calls.only_to("sts.eu-west-1.amazonaws.com", "eu-west-1")
    assert len(calls.requests) == 2


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_web_identity_is_routed(world: AwsEnv, kind: str) -> None:
    configure(world)
    calls = run(world, kind, "web")
    calls.only_to(TOKYO_HOST, TOKYO)
    assert [r.action for r in calls.requests] == [
        "AssumeRoleWithWebIdentity",
        "GetCallerIdentity",
    ]


@pytest.mark.parametrize(
    ("extra", "sts_region", "host"),
    [
        ("use_fips_endpoint = true\n", "us-west-2", "sts-fips.us-west-2.amazonaws.com"),
        ("use_dualstack_endpoint = true\n", TOKYO, "sts.ap-northeast-1.api.aws"),
        # Another partition's STS region needs a region of that partition.
        ("region = cn-northwest-1\n", "cn-north-1", "sts.cn-north-1.amazonaws.com.cn"),
        (
            "region = us-gov-east-1\n",
            "us-gov-west-1",
            "sts.us-gov-west-1.amazonaws.com",
        ),
    ],
    ids=["fips", "dualstack", "cn-north-1", "us-gov-west-1"],
)
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_endpoint_variants_and_partitions(
    world: AwsEnv, kind: str, extra: str, sts_region: str, host: str
) -> None:
    configure(world, extra, sts_region=sts_region)
    calls = run(world, kind, "assumer")
    calls.only_to(host, sts_region)
    assert len(calls.requests) == 2


# -- configured endpoints win ---------------------------------------------------

EU_URL = "https://sts.eu-west-1.amazonaws.com"
EU_HOST = "sts.eu-west-1.amazonaws.com"
ENDPOINT_CONFIGS = {
    "AWS_ENDPOINT_URL_STS": ("", {"AWS_ENDPOINT_URL_STS": EU_URL}),
    "AWS_ENDPOINT_URL": ("", {"AWS_ENDPOINT_URL": EU_URL}),
    "services-section": ("services = eu\n", {}),
    "profile-endpoint_url": (f"endpoint_url = {EU_URL}\n", {}),
}


@pytest.mark.parametrize("how", list(ENDPOINT_CONFIGS))
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_configured_endpoint_wins(world: AwsEnv, kind: str, how: str) -> None:
    if kind == CLI_V2:
        pytest.skip(
            "Debian's CLI v2 2.9 predates service-specific endpoints (2.13): "
            "it has no configured endpoint but --endpoint-url"
        )
    extra, extra_env = ENDPOINT_CONFIGS[how]
    configure(world, "region = eu-west-1\n" + extra)
    world.config += f"[services eu]\nsts =\n  endpoint_url = {EU_URL}\n"
    calls = run(world, kind, "assumer", extra_env=extra_env)
    calls.only_to(EU_HOST, "eu-west-1")
    assert len(calls.requests) == 2


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_endpoint_url_option_wins_for_the_command_only(
    world: AwsEnv, kind: str
) -> None:
    """`--endpoint-url` is the command's client's; the credential provider's
    AssumeRole client has none and is routed."""
    configure(world, "region = eu-west-1\n")
    calls = run(
        world, kind, "assumer", "sts", "get-caller-identity", "--endpoint-url", EU_URL
    )
    calls.result.check()
    assert calls.seen == [
        (TOKYO_HOST, "AssumeRole", TOKYO, 200),
        (EU_HOST, "GetCallerIdentity", "eu-west-1", 200),
    ]


# -- presigned URLs: aws eks get-token -----------------------------------------


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_eks_token_is_presigned_for_sts_region(world: AwsEnv, kind: str) -> None:
    configure(world)
    calls = run(world, kind, "base", "eks", "get-token", "--cluster-name", "x")
    calls.result.check()
    assert calls.requests == []  # presigning sends nothing
    token = calls.result.json()["status"]["token"]
    assert token.startswith("k8s-aws-v1.")
    encoded = token[len("k8s-aws-v1.") :]
    url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    parts = urlsplit(url)
    assert parts.hostname == TOKYO_HOST
    assert parse_qs(parts.query)["X-Amz-Credential"][0].split("/")[2] == TOKYO

    # What the EKS authenticator does with the token: GET it, with the
    # cluster name header that the URL signs.
    sim = world.simulator
    proxy = sim.client_env()["HTTPS_PROXY"]
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": proxy}),
        urllib.request.HTTPSHandler(
            context=ssl.create_default_context(cafile=sim.client_env()["AWS_CA_BUNDLE"])
        ),
    )
    request = urllib.request.Request(url, headers={"x-k8s-aws-id": "x"})
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
    (fetched,) = sim.requests
    assert (fetched.host, fetched.action, fetched.signing_region) == (
        TOKYO_HOST,
        "GetCallerIdentity",
        TOKYO,
    )
    assert fetched.presigned


# -- bad values ----------------------------------------------------------------

BAD_VALUES = {
    "name": ("sts_region = tokyo\n", {}, "'tokyo' is not a region name"),
    "path": (
        "sts_region = us-east-1/../x\n",
        {},
        "'us-east-1/../x' is not a region name",
    ),
    "other-partition": (
        "region = us-east-1\nsts_region = cn-north-1\n",
        {},
        "'cn-north-1' is in partition aws-cn, but the configured region "
        "'us-east-1' is in partition aws",
    ),
    # Issue 31, finding 10b: no region configured, so the client is an aws
    # client: its aws-signed request must not reach aws-cn's host.
    "other-partition-no-region": (
        "",
        {"AWS_STS_REGION": "cn-north-1"},
        "'cn-north-1' is in partition aws-cn, but no region is configured, so "
        "the client is in partition aws and its credentials are aws's",
    ),
    "empty": ("sts_region =\n", {}, "'' is empty"),
    "whitespace": (
        "sts_region = ap-northeast-1\n",
        {"AWS_STS_REGION": "ap-northeast-1 "},
        "'ap-northeast-1 ' contains white space",
    ),
}


@pytest.mark.parametrize(("kind", "bad"), rows_by_client(ALL_KINDS, list(BAD_VALUES)))
def test_bad_value_stops_before_any_request(world: AwsEnv, kind: str, bad: str) -> None:
    extra, extra_env, problem = BAD_VALUES[bad]
    configure(world, extra, sts_region=None)
    calls = run(world, kind, "assumer", extra_env=extra_env)
    result = calls.result
    assert result.returncode == 255, result.output
    assert "Traceback" not in result.output
    source = (
        "environment variable AWS_STS_REGION"
        if extra_env
        else "sts_region in profile 'assumer'"
    )
    (line,) = [
        line for line in result.stderr.splitlines() if "Invalid STS region" in line
    ]
    if kind in (BOTO3, BOTO3_LEGACY):
        line = line.removeprefix("InvalidStsRegionError: ")
    line = error_line(line)
    assert line.startswith(f"Invalid STS region in {source}: {problem}; expected ")
    assert calls.requests == []
    assert calls.connects == []


# -- --debug --------------------------------------------------------------------


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_debug_shows_one_line_per_rerouted_request(world: AwsEnv, kind: str) -> None:
    configure(world)
    calls = run(world, kind, "assumer", "sts", "get-caller-identity", "--debug")
    calls.only_to(TOKYO_HOST, TOKYO)
    lines = [
        line
        for line in calls.result.stderr.splitlines()
        if " - awscli_regional_sts - DEBUG - Routing STS " in line
    ]
    assert len(lines) == len(calls.requests) == 2
    # The command's own request resolves its endpoint first; its signing
    # then loads the role's credentials (AssumeRole). One line each.
    by_operation = {line.split("Routing STS ")[1].split()[0]: line for line in lines}
    assert set(by_operation) == {"AssumeRole", "GetCallerIdentity"}
    for line in by_operation.values():
        assert f"to https://{TOKYO_HOST} instead of https://sts.amazonaws.com" in line
        assert line.endswith("sts_region in profile 'assumer' is 'ap-northeast-1'")


def test_matrix_covers_every_client() -> None:
    assert set(ALL_KINDS) == {
        CLI_V1,
        CLI_V1_LEGACY,
        CLI_V2,
        CLI_V2_FROZEN,
        BOTO3,
        BOTO3_LEGACY,
    }
