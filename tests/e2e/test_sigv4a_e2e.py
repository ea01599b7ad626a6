"""End to end: routing and failover of SigV4a-signed STS requests
(``auth_scheme_preference = sigv4a``), on every client that signs SigV4a for
STS, against the simulator, which verifies each signature (ECDSA P-256 with
the key derived from the secret) and refuses a region outside the signed
``X-Amz-Region-Set``.

Clients: AWS's frozen CLI v2 2.38.5 (ships awscrt), CLI v1 1.46 and boto3
in .venv (awscrt from requirements/awscrt.txt, on their path here only).
CLI v1 1.41 and boto3 1.39 (.venv-legacy, botocore 1.39.17) and Debian's
CLI v2 2.9 have no SigV4a in STS's model (botocore added it in 1.42.91):
they sign SigV4 whatever the preference, which the rest of the suite
covers; they are skipped here.
"""

from __future__ import annotations

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
from testing.simulator import LoggedRequest
from tests.e2e.test_bridge_e2e import bridge_command
from tests.e2e.test_installer import helper
from tests.e2e.test_organization_cli import (
    ORG,
    REGIONS,
    assert_mixed_organization,
    build_organization,
    some_failed,
)

SIGV4A = "AWS4-ECDSA-P256-SHA256"
TOKYO = "ap-northeast-1"
EU = "eu-west-1"
OREGON = "us-west-2"
WARNING = "awscli-regional-sts: "
NO_SIGV4A = (
    "no SigV4a for STS in this client's botocore model (added in botocore "
    "1.42.91); it signs SigV4 whatever auth_scheme_preference says"
)
#: The clients that sign SigV4a.
SIGV4A_KINDS = [CLI_V2_FROZEN, CLI_V1, BOTO3]
#: The same, and the others, skipped with the reason (in two tests only).
KINDS = [
    CLI_V2_FROZEN,
    CLI_V1,
    BOTO3,
    *(
        pytest.param(kind, marks=pytest.mark.skip(reason=f"{kind}: {NO_SIGV4A}"))
        for kind in (CLI_V2, CLI_V1_LEGACY, BOTO3_LEGACY)
    ),
]
CLI_KINDS_WITH_SIGV4A = [
    CLI_V2_FROZEN,
    CLI_V1,
    *(
        pytest.param(kind, marks=pytest.mark.skip(reason=f"{kind}: {NO_SIGV4A}"))
        for kind in (CLI_V2, CLI_V1_LEGACY)
    ),
]

BOTO3_CALL = """
import json, sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name=sys.argv[1])
awscli_regional_sts.register(session)
try:
    print(json.dumps(getattr(session.client("sts"), sys.argv[2])(), default=str))
except Exception as error:
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(255)
"""


def host(region: str) -> str:
    return f"sts.{region}.amazonaws.com"


@pytest.fixture(autouse=True)
def awscrt_for_venv_clients(aws_env: AwsEnv) -> None:
    """CLI v1 and boto3 of .venv sign SigV4a only with awscrt, which the
    rest of the suite's clients start without (requirements/awscrt.txt)."""
    aws_env.use_awscrt()


@pytest.fixture
def world(aws_env: AwsEnv) -> AwsEnv:
    """`base` (keys) and `assumer` (a role_arn profile through `base`)."""
    sim = aws_env.simulator
    aws_env.add_keys("base", sim.add_user("alice"))
    aws_env.extra_env["TEST_ROLE_ARN"] = sim.add_role("deployer")
    return aws_env


def configure(env: AwsEnv, keys: str) -> None:
    role = env.extra_env["TEST_ROLE_ARN"]
    signed = f"region = us-east-1\nauth_scheme_preference = sigv4a\n{keys}"
    env.config = (
        f"[profile base]\n{signed}"
        f"[profile assumer]\nrole_arn = {role}\nsource_profile = base\n{signed}"
    )


def call(env: AwsEnv, kind: str, profile: str, command: str) -> Result:
    env.simulator.clear_log()
    if kind in (BOTO3, BOTO3_LEGACY):
        return env.run_python(
            BOTO3_CALL, kind=kind, args=[profile, command.replace("-", "_")]
        )
    return env.run(kind, "sts", command, "--profile", profile)


def seen(requests: list[LoggedRequest]) -> list[tuple[Any, ...]]:
    """(host, action, algorithm, region set, status) of each STS request."""
    return [
        (r.host, r.action, r.algorithm, r.region_set, r.status)
        for r in requests
        if r.service == "sts"
    ]


def assert_probes_signed_for_their_region(requests: list[LoggedRequest]) -> None:
    """Every STS request SigV4a; each probe of another region than the
    profile's own (a client aimed at it) signed for that region. The calls
    on the CLI's own path (the caller's GetCallerIdentity, the AssumeRole of
    a member no probe could check), which no sts_region routes, keep
    botocore's set, ``*``, at the profile's region."""
    sts = [r for r in requests if r.service == "sts"]
    assert {r.algorithm for r in sts} == {SIGV4A}
    assert any(r.host != host("us-east-1") for r in sts)
    for request in sts:
        region = request.host.split(".")[1]
        allowed = {region, "*"} if region == "us-east-1" else {region}
        assert request.region_set in allowed, request


def warnings(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(WARNING)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_role_profile_is_signed_sigv4a_for_the_sts_region(
    world: AwsEnv, kind: str
) -> None:
    """The role's AssumeRole (the credential provider's own client) and the
    command's call both go to Tokyo, signed SigV4a for Tokyo, and the
    simulator's verification accepts both."""
    configure(world, f"sts_region = {TOKYO}\n")
    result = call(world, kind, "assumer", "get-caller-identity").check()
    assert ":assumed-role/deployer/" in result.json()["Arn"]
    assert seen(world.simulator.requests) == [
        (host(TOKYO), "AssumeRole", SIGV4A, TOKYO, 200),
        (host(TOKYO), "GetCallerIdentity", SIGV4A, TOKYO, 200),
    ]


@pytest.mark.parametrize("kind", SIGV4A_KINDS)
def test_each_failover_hop_is_signed_for_its_own_region(
    world: AwsEnv, kind: str
) -> None:
    configure(world, f"sts_region = {TOKYO}\nsts_fallback = {EU}\n")
    world.simulator.set_region(TOKYO, state="deactivated")
    call(world, kind, "base", "get-session-token").check()
    assert seen(world.simulator.requests) == [
        (host(TOKYO), "GetSessionToken", SIGV4A, TOKYO, 403),
        (host(EU), "GetSessionToken", SIGV4A, EU, 200),
    ]
    assert world.simulator.requests[0].error_code == "RegionDisabledException"


@pytest.mark.parametrize("kind", SIGV4A_KINDS)
def test_a_users_region_set_is_never_widened(world: AwsEnv, kind: str) -> None:
    """eu-west-1 is outside the user's set: skipped with one line, and the
    call goes on to us-west-2, signed for the user's set as it was."""
    configure(
        world,
        f"sts_region = {TOKYO}\nsts_fallback = {EU} {OREGON}\n"
        f"sigv4a_signing_region_set = {TOKYO},{OREGON}\n",
    )
    world.simulator.set_region(TOKYO, state="deactivated")
    result = call(world, kind, "base", "get-session-token").check()
    pair = f"{TOKYO},{OREGON}"
    assert seen(world.simulator.requests) == [
        (host(TOKYO), "GetSessionToken", SIGV4A, pair, 403),
        (host(OREGON), "GetSessionToken", SIGV4A, pair, 200),
    ]
    skipped = [line for line in warnings(result) if "skipped" in line]
    assert skipped == [
        f"awscli-regional-sts: sts_fallback entry {EU} skipped: SigV4a requests "
        f"are signed for sigv4a_signing_region_set = {pair}, which STS in {EU} "
        f"would refuse; add {EU} to sigv4a_signing_region_set to use it."
    ]


@pytest.mark.parametrize("kind", SIGV4A_KINDS)
def test_nothing_is_sent_when_no_endpoint_is_inside_the_set(
    world: AwsEnv, kind: str
) -> None:
    configure(world, f"sts_region = {TOKYO}\nsigv4a_signing_region_set = {EU}\n")
    result = call(world, kind, "base", "get-caller-identity")
    assert result.returncode == 255, result.output
    assert "Traceback" not in result.stderr
    assert f"sigv4a_signing_region_set = {EU}, and no sts_fallback" in result.stderr
    assert world.simulator.requests == []


@pytest.mark.parametrize("kind", CLI_KINDS_WITH_SIGV4A)
def test_activation_check_signs_each_probe_for_its_region(
    world: AwsEnv, kind: str
) -> None:
    configure(world, "")
    world.simulator.set_region(EU, state="deactivated")
    world.simulator.clear_log()
    result = world.run(
        kind,
        "sts",
        "activation-check",
        "--profile",
        "base",
        "--regions",
        "us-east-1",
        EU,
        TOKYO,
    ).check()
    statuses = {row["Region"]: row["Status"] for row in result.json()["Regions"]}
    assert statuses == {"us-east-1": "active", EU: "inactive", TOKYO: "active"}
    assert_probes_signed_for_their_region(world.simulator.requests)
    assert {r.error_code for r in world.simulator.requests} == {
        None,
        "RegionDisabledException",
    }


@pytest.mark.parametrize("kind", [CLI_V2_FROZEN, CLI_V1])
def test_organization_check_signs_sigv4a(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    aws_env.config += "auth_scheme_preference = sigv4a\n"
    aws_env.simulator.clear_log()
    result = some_failed(aws_env.run(kind, *ORG, *REGIONS))
    document = result.json()
    accounts = {a["AccountId"]: a for a in document["Accounts"]}
    assert_mixed_organization(accounts, document["Summary"], kind)
    assert_probes_signed_for_their_region(aws_env.simulator.requests)
    for request in aws_env.simulator.requests:
        assert request.error_code in (
            None,
            "RegionDisabledException",
            "AccessDenied",  # the locked member's role
            "InvalidClientTokenId",  # dev's not-enabled opt-in region
        ), request


def test_the_bridge_signs_sigv4a_for_the_sts_region_and_fails_over(
    world: AwsEnv,
) -> None:
    """``aws-regional-sts credentials`` (botocore of .venv, with awscrt) as
    the credential_process of a frozen CLI v2 without the plugin: its
    AssumeRole is SigV4a for Tokyo, and for Ireland after failing over."""
    configure(world, f"sts_region = {TOKYO}\nsts_fallback = {EU}\n")
    world.config += (
        "[profile tf]\nregion = us-west-2\n"
        f"credential_process = {bridge_command()} credentials --profile assumer\n"
    )
    world.simulator.set_region(TOKYO, state="deactivated")
    world.simulator.clear_log()
    result = world.run(
        CLI_V2_FROZEN, "sts", "get-caller-identity", "--profile", "tf", plugin=False
    ).check()
    assert ":assumed-role/deployer/" in result.json()["Arn"]
    assert seen(world.simulator.requests)[:2] == [
        (host(TOKYO), "AssumeRole", SIGV4A, TOKYO, 403),
        (host(EU), "AssumeRole", SIGV4A, EU, 200),
    ]
    # The CLI's own call, with the bridge's credentials, as its profile says.
    assert seen(world.simulator.requests)[2][:2] == (
        host(OREGON),
        "GetCallerIdentity",
    )


@pytest.mark.parametrize("kind", [CLI_V2_FROZEN, CLI_V1])
def test_resolve_endpoint_and_doctor_show_the_scheme_and_skipped_entries(
    world: AwsEnv, kind: str
) -> None:
    """Each CLI's own client configuration decides the scheme: what
    resolve-endpoint reports is what the hops above sent; doctor names the
    entry outside the set, with the set that covers it. Nothing is sent."""
    configure(
        world,
        f"sts_region = {TOKYO}\nsts_fallback = {EU} {OREGON}\n"
        f"sigv4a_signing_region_set = {TOKYO},{OREGON}\n",
    )
    world.simulator.clear_log()
    report = world.run(kind, "sts", "resolve-endpoint", "--profile", "base").check()
    got = report.json()
    pair = f"{TOKYO},{OREGON}"
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4a", pair)
    hops = {hop["Entry"]: hop for hop in got["Fallback"]}
    assert (hops[OREGON]["Scheme"], hops[OREGON]["Skipped"]) == ("sigv4a", None)
    assert hops[EU]["Skipped"].startswith(
        f"awscli-regional-sts: sts_fallback entry {EU} skipped"
    )
    assert got["Warnings"] == [hops[EU]["Skipped"]]

    (aws,) = aws_command(kind)
    doctor = helper(world, "doctor", "--aws", aws, "--profile", "base")
    (line,) = [x for x in doctor.stdout.splitlines() if "region set:" in x]
    assert line.startswith(f"PROBLEM  region set: sts_fallback entry {EU} is outside")
    assert line.endswith(
        f"fix: aws configure set sigv4a_signing_region_set {pair},{EU} --profile base"
    )
    assert world.simulator.requests == []
    assert world.simulator.connects == []
