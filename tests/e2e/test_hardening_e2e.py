"""End to end, issue #12: bad input stops before anything is sent, the
timeouts clients are really given, pseudo-regions, and ``--save`` with a
role of another account; with the real AWS CLI v1 (current and 1.41), CLI
v2 (Debian's and AWS's frozen build) and boto3 against the simulator.

Timeouts are asserted on the clients the real CLIs create (recorded by
``testing/client_recorder.py``, loaded as one more CLI plugin), never
timed; "nothing sent" is the simulator's log: no request and no CONNECT.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.exit_status import Exit, exit_status
from testing.clients import (
    BOTO3,
    BOTO3_LEGACY,
    CLI_KINDS,
    AwsEnv,
    Result,
    is_cli_v2,
)
from tests.e2e.cachefiles import cache_directory
from tests.e2e.matrix import rows_by_client

ALL_KINDS = (*CLI_KINDS, BOTO3, BOTO3_LEGACY)
TOKYO = "ap-northeast-1"
#: botocore's own default, for contrast: what a mutant without our timeout gives.
BOTOCORE_DEFAULT_TIMEOUT = 60

BOTO3_CALL = """
import json, sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name="p")
awscli_regional_sts.register(session, sts_region=sys.argv[1] or None)
try:
    client = session.client("sts")
    config = client.meta.config
    print(json.dumps([config.connect_timeout, config.read_timeout]))
    client.get_caller_identity()
except Exception as error:
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(255)
"""


@pytest.fixture
def env(aws_env: AwsEnv) -> AwsEnv:
    aws_env.add_keys("p", aws_env.simulator.add_user("alice"))
    return aws_env


def call(
    env: AwsEnv,
    kind: str,
    profile_keys: str,
    *,
    extra_env: dict[str, str] | None = None,
    override: str = "",
) -> Result:
    """`aws sts get-caller-identity` (or boto3's) with profile p."""
    env.config = f"[profile p]\n{profile_keys}"
    env.simulator.clear_log()
    if kind in (BOTO3, BOTO3_LEGACY):
        return env.run_python(BOTO3_CALL, kind=kind, env=extra_env, args=[override])
    return env.run(kind, "sts", "get-caller-identity", "--profile", "p", env=extra_env)


def assert_stopped_before_sending(env: AwsEnv, result: Result, status: int) -> str:
    """One error line, the CLI's usual status, no traceback, nothing sent;
    returns the line."""
    assert result.returncode == status, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert env.simulator.requests == []
    assert env.simulator.connects == []
    return lines[0]


# -- items 3, 4, 6, 7, 9: bad settings stop the first STS client --------------

HUGE = "eu-west-1 " * 10_000
BAD_SETTINGS = {
    "unknown-region": (
        "sts_region = ap-northeast-11\n",
        "'ap-northeast-11' is not a region that this botocore lists for partition "
        "aws; did you mean ap-northeast-1?; if it is a region newer than the "
        "installed botocore, upgrade",
    ),
    "typo-in-pattern": ("sts_region = eu-we0t-1\n", "did you mean eu-west-1?"),
    "unknown-us-foo": ("sts_region = us-foo-1\n", "upgrade the AWS CLI or botocore"),
    "long-name": (
        f"sts_region = us-{'a' * 70}-1\n",
        "...' (75 characters) is not a region that this botocore lists",
    ),
    "fallback-typo": (
        f"sts_region = {TOKYO}\nsts_fallback = eu-wset-1\n",
        "sts_fallback in profile 'p': 'eu-wset-1' is not a region that this "
        "botocore lists for partition aws; did you mean eu-west-1?",
    ),
    "fallback-fips": (
        "sts_region = us-west-2\nuse_fips_endpoint = true\n"
        "sts_fallback = eu-west-1 global\n",
        "sts_fallback in profile 'p': 'eu-west-1' has no FIPS STS endpoint, and "
        "use_fips_endpoint asks for FIPS; expected a region of partition aws with "
        "a FIPS STS endpoint: us-east-1, us-east-2, us-west-1, us-west-2",
    ),
    "fallback-global-fips": (
        "sts_region = us-west-2\nuse_fips_endpoint = true\n"
        "sts_fallback = us-east-1 global\n",
        "'global' names the global endpoint, which has no FIPS variant",
    ),
    "fallback-comma": (f"sts_region = {TOKYO}\nsts_fallback = ,\n", "',' is empty"),
    "fallback-huge": (
        f"sts_region = {TOKYO}\nsts_fallback = {HUGE.strip()}, eu-wset-1\n",
        "'eu-wset-1'",
    ),
    "region-huge": (
        f"sts_region = {'x' * 100_000}\n",
        "...' (100000 characters) is not a region name",
    ),
    "timeout-tiny": (
        f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\nsts_timeout = 1e-300\n",
        "'1e-300' is not a usable number of seconds; expected a number from 0.1 to 300",
    ),
    "timeout-below-bound": (
        f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\nsts_timeout = 0.05\n",
        "'0.05' is not a usable number of seconds",
    ),
    "timeout-superscript": (
        f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\nsts_timeout = ²\n",
        "'\\xb2' is not a usable number of seconds",
    ),
    # Issue 31, finding 10b: an ISO region with no region configured.
    "fallback-iso-no-region": (
        "sts_fallback = us-iso-east-1\n",
        "sts_fallback in profile 'p': 'us-iso-east-1' is in partition aws-iso, but "
        "no region is configured",
    ),
    "pseudo-region-profile": (
        "region = aws-cn-global\nsts_region = eu-west-1\n",
        "'eu-west-1' is in partition aws, but the configured region "
        "'aws-cn-global' is in partition aws-cn",
    ),
}


@pytest.mark.parametrize(("kind", "bad"), rows_by_client(ALL_KINDS, list(BAD_SETTINGS)))
def test_bad_settings_stop_before_anything_is_sent(
    env: AwsEnv, kind: str, bad: str
) -> None:
    keys, message = BAD_SETTINGS[bad]
    line = assert_stopped_before_sending(env, call(env, kind, keys), 255)
    assert "Invalid STS" in line and message in line, line
    # A short quote, whatever the size of the value.
    assert len(line) < 1_500


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_unknown_region_from_the_environment(env: AwsEnv, kind: str) -> None:
    result = call(env, kind, "", extra_env={"AWS_STS_REGION": "eu-we0t-1"})
    line = assert_stopped_before_sending(env, result, 255)
    assert "environment variable AWS_STS_REGION: 'eu-we0t-1'" in line
    assert "did you mean eu-west-1?" in line


@pytest.mark.parametrize("kind", [BOTO3, BOTO3_LEGACY])
def test_unknown_region_given_to_register(env: AwsEnv, kind: str) -> None:
    result = call(env, kind, "", override="ap-northeast-11")
    line = assert_stopped_before_sending(env, result, 255)
    assert line.startswith(
        "InvalidStsRegionError: Invalid STS region in "
        "register(sts_region=...): 'ap-northeast-11'"
    )
    assert "did you mean ap-northeast-1?" in line


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_fips_from_the_environment_applies_to_every_fallback_entry(
    env: AwsEnv, kind: str
) -> None:
    result = call(
        env,
        kind,
        "sts_region = us-west-2\nsts_fallback = us-east-1, eu-west-1\n",
        extra_env={"AWS_USE_FIPS_ENDPOINT": "true"},
    )
    line = assert_stopped_before_sending(env, result, 255)
    assert "'eu-west-1' has no FIPS STS endpoint" in line


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_fips_fallback_with_fips_endpoints_fails_over_to_them(
    env: AwsEnv, kind: str
) -> None:
    """The check refuses only what cannot work: FIPS entries still fail over."""
    env.simulator.set_region("us-west-2", state="refused")
    result = call(
        env,
        kind,
        "sts_region = us-west-2\nuse_fips_endpoint = true\nsts_fallback = us-east-1\n"
        "sts_timeout = 2\n",
    )
    assert result.returncode == 0, result.output
    hosts = [r.host for r in env.simulator.requests]
    assert hosts == ["sts-fips.us-east-1.amazonaws.com"]


# -- item 9: a client created for another partition's pseudo-region ------------


BOTO3_PSEUDO_REGION = """
import sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name="p")
if sys.argv[1] == "plugin":
    awscli_regional_sts.register(session)
try:
    session.client("sts", region_name="aws-cn-global").get_caller_identity()
except Exception as error:
    print(f"{type(error).__name__}", file=sys.stderr)
"""


@pytest.mark.parametrize("kind", [BOTO3, BOTO3_LEGACY])
def test_client_for_aws_cn_global_is_left_alone(env: AwsEnv, kind: str) -> None:
    """A session opted in to eu-west-1; a client created for aws-cn-global
    goes where it goes without the plugin, not to eu-west-1."""
    env.config = "[profile p]\nsts_region = eu-west-1\n"
    seen = []
    for plugin in ("none", "plugin"):
        env.simulator.clear_log()
        # One attempt: boto3 1.39 sends to sts.aws-cn-global.amazonaws.com.cn,
        # which the simulator does not serve, and would retry it for 9 s;
        # where the first attempt goes is what is compared.
        env.run_python(
            BOTO3_PSEUDO_REGION,
            kind=kind,
            args=[plugin],
            env={"AWS_MAX_ATTEMPTS": "1"},
        )
        seen.append(env.simulator.connects)
    without, with_plugin = seen
    assert with_plugin == without
    assert without and all(h.endswith(".amazonaws.com.cn") for h in without)


@pytest.mark.parametrize("region", ["cn-north-1", "aws-cn-global"])
@pytest.mark.parametrize("kind", CLI_KINDS)
def test_cli_region_of_another_partition_is_refused(
    env: AwsEnv, kind: str, region: str
) -> None:
    """--region aws-cn-global is refused exactly as --region cn-north-1."""
    env.config = "[profile p]\nsts_region = eu-west-1\n"
    env.simulator.clear_log()
    result = env.run(
        kind, "sts", "get-caller-identity", "--profile", "p", "--region", region
    )
    line = assert_stopped_before_sending(env, result, 255)
    assert (
        f"'eu-west-1' is in partition aws, but the configured region '{region}' "
        "is in partition aws-cn"
    ) in line


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_no_region_is_still_routed(env: AwsEnv, kind: str) -> None:
    """aws-global, botocore's region when none is configured, stays routed."""
    result = call(env, kind, "sts_region = eu-west-1\n")
    assert result.returncode == 0, result.output
    assert [r.host for r in env.simulator.requests] == ["sts.eu-west-1.amazonaws.com"]


# -- tests with teeth: the timeouts clients really get -------------------------


def sts_timeouts(env: AwsEnv) -> set[tuple[Any, Any]]:
    return {
        (c["connect_timeout"], c["read_timeout"])
        for c in env.recorded_clients()
        if c["service"] == "sts"
    }


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        # sts_fallback and no sts_timeout: the 10 s default.
        (f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\n", (10, 10)),
        (
            f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\nsts_timeout = 2.5\n",
            (2.5, 2.5),
        ),
        # Control: without failover, botocore's own timeouts stay.
        (
            f"sts_region = {TOKYO}\n",
            (BOTOCORE_DEFAULT_TIMEOUT, BOTOCORE_DEFAULT_TIMEOUT),
        ),
    ],
    ids=["fallback-default", "sts-timeout", "no-fallback"],
)
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_sts_clients_get_the_profiles_timeout(
    env: AwsEnv, kind: str, keys: str, expected: tuple[float, float]
) -> None:
    if kind in (BOTO3, BOTO3_LEGACY):
        result = call(env, kind, keys)
        assert result.returncode == 0, result.output
        assert tuple(json.loads(result.stdout.splitlines()[0])) == expected
        return
    env.record_clients()
    result = call(env, kind, keys)
    assert result.returncode == 0, result.output
    assert sts_timeouts(env) == {expected}


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_activation_check_timeout_is_what_its_clients_get(
    env: AwsEnv, kind: str
) -> None:
    env.config = "[profile p]\nregion = us-east-1\n"
    env.record_clients()
    result = env.run(
        kind,
        "sts",
        "activation-check",
        "--profile",
        "p",
        "--regions",
        "eu-west-1",
        "ap-south-1",
        "global",
        "--samples",
        "1",
        "--timeout",
        "2.5",
    )
    assert result.returncode == 0, result.output
    clients = env.recorded_clients()
    # GetCallerIdentity, one probe client per region, IAM, Account.
    assert len([c for c in clients if c["service"] == "sts"]) == 4, clients
    assert {c["service"] for c in clients} >= {"sts", "iam"}
    assert {(c["connect_timeout"], c["read_timeout"]) for c in clients} == {(2.5, 2.5)}
    # Backstop only: the real bound is the timeouts above.
    assert result.seconds < 60


# -- items 5, 6, 7, 4: activation-check's numbers and regions -------------------

BAD_ARGUMENTS = {
    "concurrency-superscript": (
        ["--max-concurrency", "²"],
        "--max-concurrency: expected a whole number from 1 to 64 (digits 0-9), "
        "got '\\xb2'",
    ),
    "samples-superscript": (
        ["--samples", "¹⁰"],
        "--samples: expected a whole number from 1 to 20 (digits 0-9), "
        "got '\\xb9\\u2070'",
    ),
    "concurrency-5000-digits": (
        ["--max-concurrency", "9" * 5000],
        "got '9999999999999999999999999999999999999999...' (5000 characters)",
    ),
    "timeout-tiny": (
        ["--timeout", "1e-300"],
        "--timeout: expected a number of seconds from 0.1 to 300",
    ),
    "timeout-below-bound": (["--timeout", "0.05"], "got '0.05'"),
    "timeout-arabic-digits": (["--timeout", "٥"], "got '\\u0665'"),
    "in-flight-superscript": (
        ["--organization", "--max-accounts-in-flight", "²"],
        "--max-accounts-in-flight: expected a whole number from 1 to 64",
    ),
    "regions-typo": (
        ["--regions", "eu-wset-1"],
        "--regions: 'eu-wset-1' is not an STS region of partition aws; did you mean "
        "eu-west-1?; if it is a region newer than the installed botocore, upgrade",
    ),
    "require-active-typo": (
        ["--require-active", "ap-northeast-11"],
        "--require-active: 'ap-northeast-11' is not an STS region of partition aws; "
        "did you mean ap-northeast-1?",
    ),
    "regions-huge": (["--regions", "x" * 100_000], "(100000 characters)"),
}


@pytest.mark.parametrize(
    ("kind", "bad"), rows_by_client(CLI_KINDS, list(BAD_ARGUMENTS))
)
def test_activation_check_refuses_bad_numbers_and_regions(
    env: AwsEnv, kind: str, bad: str
) -> None:
    args, message = BAD_ARGUMENTS[bad]
    env.config = "[profile p]\nregion = us-east-1\n"
    env.simulator.clear_log()
    result = env.run(kind, "sts", "activation-check", "--profile", "p", *args)
    # Each CLI's own status for a bad parameter: 252 on CLI v2, 255 on v1.
    status = exit_status(Exit.BAD_PARAMETER, cli_major="2" if is_cli_v2(kind) else "1")
    line = assert_stopped_before_sending(env, result, status)
    assert line.startswith("aws sts activation-check: error: "), line
    assert message in line, line
    assert len(line) < 1_500


# -- item 2: --save with a role of another account -----------------------------

OTHER_ACCOUNT = "444455556666"


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_save_with_a_role_of_another_account_saves_under_the_roles_account(
    env: AwsEnv, kind: str
) -> None:
    sim = env.simulator
    role = sim.add_role("prober", account_id=OTHER_ACCOUNT)
    # Deactivated for the role's account only: the caller's is active there.
    sim.set_region("eu-west-1", state="deactivated", account_id=OTHER_ACCOUNT)
    env.config = "[profile p]\nregion = us-east-1\n"
    result = env.run(
        kind,
        "sts",
        "activation-check",
        "--profile",
        "p",
        "--role-arn",
        role,
        "--regions",
        "eu-west-1",
        "ap-south-1",
        "--samples",
        "1",
        "--save",
    )
    assert result.returncode == 0, result.output
    report = result.json()
    assert report["Account"] != OTHER_ACCOUNT  # the caller's
    folder = cache_directory(env)
    assert sorted(p.name for p in folder.iterdir()) == [f"aws-{OTHER_ACCOUNT}.json"]
    saved = json.loads((folder / f"aws-{OTHER_ACCOUNT}.json").read_text())
    assert saved["Account"] == OTHER_ACCOUNT
    assert {r["Region"]: r["Status"] for r in saved["Regions"]} == {
        "eu-west-1": "inactive",
        "ap-south-1": "active",
    }
    # Profile p's own calls are issued by the caller's account: not listed.
    assert saved["Profiles"] == []
