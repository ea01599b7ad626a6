"""End to end: failover (sts_fallback) and sts_region = auto, with the real
AWS CLI v1 (current and legacy), CLI v2 and boto3 against the simulator.

Request counts come from the simulator's log: a region that answers
(RegionDisabledException) costs exactly one logged request more per hop; a
refused or hung region costs one CONNECT and no request.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from testing.clients import (
    BOTO3,
    BOTO3_LEGACY,
    CLI_KINDS,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    aws_command,
)
from testing.simulator import LoggedRequest
from tests.e2e.cachefiles import (
    cache_files,
    cache_path,
    cache_text,
    region_entry,
    write_cache,
)
from tests.e2e.matrix import rows_by_client

ALL_KINDS = (*CLI_KINDS, BOTO3, BOTO3_LEGACY)
TOKYO = "ap-northeast-1"
TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"
EU = "eu-west-1"
EU_HOST = "sts.eu-west-1.amazonaws.com"
WARNING = "awscli-regional-sts: "
#: Short, so that a hung region costs about a second per call.
TIMEOUT = 1

BOTO3_CALL = """
import json, sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name={profile!r})
awscli_regional_sts.register(session)
try:
    print(json.dumps(getattr(session.client("sts"), {operation!r})(), default=str))
except Exception as error:
    print(f"{{type(error).__name__}}: {{error}}", file=sys.stderr)
    sys.exit(255)
"""

OPERATIONS = {
    "get-caller-identity": "get_caller_identity",
    "get-session-token": "get_session_token",
}


@dataclass
class Calls:
    result: Result
    requests: list[LoggedRequest]
    connects: list[str]

    @property
    def seconds(self) -> float:
        return self.result.seconds

    @property
    def seen(self) -> list[tuple[str, str, str | None, int]]:
        return [(r.host, r.action, r.signing_region, r.status) for r in self.requests]

    @property
    def warnings(self) -> list[str]:
        return [
            line for line in self.result.stderr.splitlines() if line.startswith(WARNING)
        ]


@pytest.fixture
def world(aws_env: AwsEnv) -> AwsEnv:
    sim = aws_env.simulator
    user = sim.add_user("alice")
    aws_env.add_keys("base", user)
    aws_env.extra_env["TEST_ROLE_ARN"] = sim.add_role("deployer")
    aws_env.extra_env["TEST_LOCKED_ARN"] = sim.add_role(
        "locked", trusted=("999999999999",)
    )
    return aws_env


def configure(env: AwsEnv, keys: str) -> None:
    """Profiles `base` (keys), `assumer` (role_arn) and `locked` (a role that
    does not trust the caller), each with ``keys``."""
    x = env.extra_env
    env.config = (
        f"[profile base]\n{keys}"
        f"[profile assumer]\nrole_arn = {x['TEST_ROLE_ARN']}\n"
        f"source_profile = base\n{keys}"
        f"[profile locked]\nrole_arn = {x['TEST_LOCKED_ARN']}\n"
        f"source_profile = base\n{keys}"
    )


FAILOVER = (
    f"sts_region = {TOKYO}\nsts_fallback = {EU}, global\nsts_timeout = {TIMEOUT}\n"
)


def run(
    env: AwsEnv,
    kind: str,
    profile: str,
    command: str = "get-caller-identity",
    *,
    keep_cache: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Calls:
    env.simulator.clear_log()
    cache = env.home / ".aws" / "cli" / "cache"
    if not keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    elif cache.exists():
        # The CLI's assumed-role credentials go; auto's measurements stay.
        for path in cache.glob("*.json"):
            path.unlink()
    if kind in (BOTO3, BOTO3_LEGACY):
        code = BOTO3_CALL.format(profile=profile, operation=OPERATIONS[command])
        result = env.run_python(code, kind=kind, env=extra_env)
    else:
        result = env.run(kind, "sts", command, "--profile", profile, env=extra_env)
    return Calls(result, env.simulator.requests, env.simulator.connects)


# -- failover ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_deactivated_region_fails_over_with_one_more_request(
    world: AwsEnv, kind: str
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="deactivated")
    calls = run(world, kind, "base", "get-session-token")
    calls.result.check()
    assert calls.seen == [
        (TOKYO_HOST, "GetSessionToken", TOKYO, 403),
        (EU_HOST, "GetSessionToken", EU, 200),
    ]
    (warning,) = calls.warnings
    assert f"STS in {TOKYO} answered RegionDisabledException; used {EU}" in warning
    assert "sts_fallback in profile 'base'" in warning


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_role_profile_keeps_working_when_its_sts_region_is_deactivated(
    world: AwsEnv, kind: str
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="deactivated")
    calls = run(world, kind, "assumer")
    calls.result.check()
    # AssumeRole fails over, and Tokyo is remembered: the command's own
    # GetCallerIdentity (whose endpoint was resolved before the role's
    # credentials were loaded) skips it without a request.
    assert sorted(calls.seen) == sorted(
        [
            (TOKYO_HOST, "AssumeRole", TOKYO, 403),
            (EU_HOST, "AssumeRole", EU, 200),
            (EU_HOST, "GetCallerIdentity", EU, 200),
        ]
    )
    assert len(calls.warnings) == 1


@pytest.mark.parametrize("state", ["refused", "hang"])
@pytest.mark.parametrize("profile", ["base", "assumer"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_unreachable_or_hung_region_fails_over(
    world: AwsEnv, kind: str, profile: str, state: str
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state=state)
    calls = run(world, kind, profile)
    calls.result.check()
    expected = ["GetCallerIdentity"]
    if profile == "assumer":
        expected.insert(0, "AssumeRole")
    # No request reached Tokyo; every call went on to eu-west-1, once.
    assert [r.action for r in calls.requests] == expected
    assert {(r.host, r.signing_region, r.status) for r in calls.requests} == {
        (EU_HOST, EU, 200)
    }
    # One CONNECT to Tokyo in all: the first call remembers it, and the
    # second (a role profile's own call) skips it; one to eu-west-1 per call.
    assert calls.connects.count(TOKYO_HOST) == 1
    assert calls.connects.count(EU_HOST) == len(expected)
    (warning,) = calls.warnings
    if state == "hang":
        assert f"STS in {TOKYO} did not answer within {TIMEOUT} s" in warning
        # Cut at sts_timeout per call, not botocore's 60 s (coarse bound).
        assert calls.seconds < 30
    else:
        assert f"STS in {TOKYO} could not be reached" in warning


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_access_denied_does_not_fail_over(world: AwsEnv, kind: str) -> None:
    configure(world, FAILOVER)
    calls = run(world, kind, "locked")
    assert calls.result.returncode != 0
    assert "AccessDenied" in calls.result.stderr
    assert calls.seen == [(TOKYO_HOST, "AssumeRole", TOKYO, 403)]
    assert calls.warnings == []
    assert "Traceback" not in calls.result.stderr


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN, BOTO3])
def test_no_failover_when_the_region_answers(world: AwsEnv, kind: str) -> None:
    configure(world, FAILOVER)
    calls = run(world, kind, "assumer")
    calls.result.check()
    assert calls.seen == [
        (TOKYO_HOST, "AssumeRole", TOKYO, 200),
        (TOKYO_HOST, "GetCallerIdentity", TOKYO, 200),
    ]
    assert calls.warnings == []


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN, BOTO3])
def test_last_error_lists_what_was_tried(world: AwsEnv, kind: str) -> None:
    configure(world, FAILOVER)
    sim = world.simulator
    sim.set_region(TOKYO, state="deactivated")
    sim.set_region(EU, state="refused")
    sim.set_global(state="refused")
    calls = run(world, kind, "base", "get-session-token")
    assert calls.result.returncode != 0
    assert "Traceback" not in calls.result.stderr
    assert (
        "awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException), "
        "eu-west-1 (" in calls.result.stderr
    )
    assert "global (" in calls.result.stderr
    assert calls.seen[0] == (TOKYO_HOST, "GetSessionToken", TOKYO, 403)
    assert calls.warnings == []


BAD_FALLBACKS = {
    "name": (
        "sts_fallback = eu-west-1, tokyo\n",
        "Invalid STS region in sts_fallback in profile 'base': 'tokyo' is not a "
        "region name; expected ",
    ),
    "path": (
        "sts_fallback = us-east-1/../x\n",
        "Invalid STS region in sts_fallback in profile 'base': 'us-east-1/../x' "
        "is not a region name; expected ",
    ),
    "other-partition": (
        "sts_fallback = cn-north-1\n",
        "Invalid STS region in sts_fallback in profile 'base': 'cn-north-1' is in "
        "partition aws-cn",
    ),
    "global-without-one": (
        "region = cn-north-1\nsts_region = cn-north-1\nsts_fallback = global\n",
        "Invalid STS region in sts_fallback in profile 'base': 'global' names no "
        "endpoint: partition aws-cn has no global STS endpoint; expected ",
    ),
    "timeout": (
        "sts_fallback = eu-west-1\nsts_timeout = soon\n",
        "Invalid STS timeout in sts_timeout in profile 'base': 'soon' is not a "
        "usable number of seconds; expected ",
    ),
}


@pytest.mark.parametrize(
    ("kind", "bad"), rows_by_client(ALL_KINDS, list(BAD_FALLBACKS))
)
def test_bad_failover_setting_stops_before_any_request(
    world: AwsEnv, kind: str, bad: str
) -> None:
    extra, message = BAD_FALLBACKS[bad]
    keys = extra if "sts_region" in extra else f"sts_region = {TOKYO}\n" + extra
    configure(world, keys)
    calls = run(world, kind, "base")
    result = calls.result
    assert result.returncode == 255, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if "Invalid STS" in line]
    assert message in line
    assert calls.requests == []
    assert calls.connects == []


# -- sts_region = auto -----------------------------------------------------------

FASTEST = "eu-north-1"


def make_fastest(env: AwsEnv, region: str) -> None:
    """Every region slow (1 s per request) but ``region``: a gap that the
    load of a shared 2-core machine does not close (0.3 s did, at times)."""
    from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS

    for name in DEFAULT_ENABLED_REGIONS["aws"]:
        env.simulator.set_region(name, latency=0.0 if name == region else 1.0)


@pytest.mark.parametrize("profile", ["base", "assumer"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_auto_picks_the_fastest_region_then_keeps_it_without_probing(
    world: AwsEnv, kind: str, profile: str
) -> None:
    configure(world, "sts_region = auto\n")
    make_fastest(world, FASTEST)
    first = run(world, kind, profile)
    first.result.check()
    host = f"sts.{FASTEST}.amazonaws.com"
    signed = [r for r in first.requests if r.signing_region is not None]
    assert {r.host for r in signed} == {host}, first.seen
    assert cache_files(world) == ["aws-111122223333.json"]
    # The first-use measurement is bounded (3 s budget; coarse bound here).
    assert first.seconds < 30

    again = run(world, kind, profile, keep_cache=True)
    again.result.check()
    expected = ["GetCallerIdentity"]
    if profile == "assumer":
        expected.insert(0, "AssumeRole")
    # Fresh cache: exactly the requests of a fixed sts_region, no probe.
    assert [(r.host, r.action) for r in again.requests] == [
        (host, action) for action in expected
    ]
    assert set(again.connects) == {host}


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_auto_uses_measurements_saved_by_activation_check(
    world: AwsEnv, kind: str
) -> None:
    configure(world, "sts_region = auto\n")
    make_fastest(world, "ca-central-1")
    write_cache(
        world,
        cache_text(
            [
                region_entry("ap-south-1", "active", 5.0),
                region_entry("eu-west-2", "inactive", 1.0),
            ]
        ),
    )
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    # The saved facts win: eu-west-2 is faster but inactive.
    assert calls.seen == [
        ("sts.ap-south-1.amazonaws.com", "GetCallerIdentity", "ap-south-1", 200)
    ]


CORRUPT = {
    "truncated": '{"Version": 1, "Partition": "aws", "Acc',
    "not-json": "\x00\x01garbage",
    "bad-region": cache_text(
        [region_entry("evil.example.com/x", "active", 1.0)], MeasuredAt=4102444800
    ),
}


# What a damaged cache file is the plugin's code alone (plugin/auto_measurements.py).
@pytest.mark.parametrize(
    ("kind", "corrupt"),
    rows_by_client([CLI_V1, CLI_V2, CLI_V2_FROZEN, BOTO3], list(CORRUPT)),
)
def test_corrupt_cache_is_measured_again_with_a_debug_note(
    world: AwsEnv, kind: str, corrupt: str
) -> None:
    configure(world, "sts_region = auto\n")
    make_fastest(world, FASTEST)
    role = world.extra_env["TEST_ROLE_ARN"]
    account = role.split(":")[4]
    path = write_cache(world, CORRUPT[corrupt], account)
    calls = run(world, kind, "assumer", keep_cache=True)
    calls.result.check()
    assert "Traceback" not in calls.result.stderr
    signed = {r.host for r in calls.requests if r.signing_region}
    assert signed == {f"sts.{FASTEST}.amazonaws.com"}
    assert "evil" not in " ".join(calls.connects)
    # The measurement replaced the bad file with a good one.
    assert json.loads(path.read_text())["Account"] == account
    if kind != BOTO3:
        path.write_text(CORRUPT[corrupt])
        debug = world.run(
            kind, "sts", "get-caller-identity", "--profile", "assumer", "--debug"
        )
        debug.check()
        assert "ignoring unusable cache file" in debug.stderr


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_unwritable_cache_still_routes_to_the_fastest(world: AwsEnv, kind: str) -> None:
    """A cache directory that cannot be created or written (a read-only
    home; modelled by a file in its place, which stops root too)."""
    configure(world, "sts_region = auto\n")
    make_fastest(world, FASTEST)
    cache = world.home / ".aws" / "cli" / "cache"
    cache.mkdir(parents=True)
    (cache / "regional-sts").write_text("not a directory")
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    assert "Traceback" not in calls.result.stderr
    assert {r.host for r in calls.requests if r.signing_region} == {
        f"sts.{FASTEST}.amazonaws.com"
    }
    debug = world.run(
        kind, "sts", "get-caller-identity", "--profile", "base", "--debug"
    )
    debug.check()
    assert "measurements not saved" in debug.stderr


def test_two_processes_at_once_leave_one_good_cache(world: AwsEnv) -> None:
    """Two `aws` processes measuring and writing at the same time."""
    configure(world, "sts_region = auto\n")
    make_fastest(world, FASTEST)
    world.write_files(CLI_V1, plugin=True)
    argv = aws_command(CLI_V1) + ["sts", "get-caller-identity", "--profile"]
    env = world.env()
    procs = [
        subprocess.Popen(
            argv + [profile],
            env=env,
            cwd=env["HOME"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for profile in ("base", "assumer")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert cache_files(world) == ["aws-111122223333.json"]
    data = json.loads(cache_path(world).read_text())
    assert data["Account"] == "111122223333"
    # Nothing secret in the cache.
    text = cache_path(world).read_text()
    for secret in world.simulator.issued_secrets():
        assert secret not in text
    # The role's account is known from its ARN: the file is used as is, no
    # probe. (Which region won depends on the two measurements, made under
    # load at the same time; the file's own fastest region is used.)
    saved = load_cache(world)
    assert saved.fastest() is not None
    again = run(world, CLI_V1, "assumer", keep_cache=True)
    again.result.check()
    assert {r.host for r in again.requests} == {
        f"sts.{saved.fastest().region}.amazonaws.com"  # type: ignore[union-attr]
    }
    assert len(again.requests) == 2


def load_cache(env: AwsEnv) -> Any:
    from awscli_regional_sts.aws.partitions import default_partitions
    from awscli_regional_sts.plugin.auto_measurements import load

    return load(cache_path(env), default_partitions())


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_activation_check_save_feeds_auto(world: AwsEnv, kind: str) -> None:
    configure(world, "sts_region = auto\n")
    sim = world.simulator
    make_fastest(world, "eu-west-2")
    sim.set_region("eu-west-2", state="deactivated")  # fastest, but inactive
    sim.set_region("ca-central-1", latency=0.05)
    check = world.run(
        kind,
        "sts",
        "activation-check",
        "--regions",
        "eu-west-2",
        "ca-central-1",
        "ap-south-1",
        "--samples",
        "1",
        "--save",
        "--profile",
        "base",
    )
    check.check()
    assert cache_files(world) == ["aws-111122223333.json"]
    saved = json.loads(cache_path(world).read_text())
    assert saved["Method"] == "activation-check"
    assert saved["Profiles"] == ["base"]
    assert {r["Region"]: r["Status"] for r in saved["Regions"]} == {
        "eu-west-2": "inactive",
        "ca-central-1": "active",
        "ap-south-1": "active",
    }
    for secret in sim.issued_secrets():
        assert secret not in json.dumps(saved)
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    assert calls.seen == [
        ("sts.ca-central-1.amazonaws.com", "GetCallerIdentity", "ca-central-1", 200)
    ]
