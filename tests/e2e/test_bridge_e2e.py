"""End to end: the ``credential_process`` bridge (``aws-regional-sts
credentials``) behind real clients that load no plugin at all.

Debian's CLI v2, CLI v1, boto3 and the AWS SDK for JavaScript v3 each run
with a config that has no ``[plugins]`` section: a profile whose
``credential_process`` is the bridge of this checkout's virtualenv. The
simulator's log shows where the bridge's AssumeRole went; the bridge's cache
is read from the throwaway home.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from testing.clients import (
    BOTO3,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    CLI_V2_KINDS,
    REPO_ROOT,
    AwsEnv,
    ClientMissing,
    Result,
)

TOKYO = "ap-northeast-1"
TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"
IRELAND_HOST = "sts.eu-west-1.amazonaws.com"
#: Where the bridge's callers send their own call (their profile's region).
CALLER_HOST = "sts.us-west-2.amazonaws.com"
BRIDGE = REPO_ROOT / ".venv" / "bin" / "aws-regional-sts"
JS_DIR = REPO_ROOT / "testing" / "js"
LABEL = "aws-regional-sts credentials"

#: What a cached call must not load: the AWS libraries, and the standard
#: modules it avoids for start-up time.
HEAVY = ("botocore", "boto3", "awscli", "typing", "hashlib", "logging", "dataclasses")
#: The bridge's console script, in-process, reporting which of HEAVY it had
#: loaded on the way out.
BRIDGE_MODULES = f"""
import json, sys
from awscli_regional_sts.cli import main
rc = main(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})),
      file=sys.stderr)
sys.exit(rc)
"""

BOTO3_CALL = """
import boto3
print(boto3.Session(profile_name="tf").client("sts").get_caller_identity()["Arn"])
"""


def bridge_command() -> str:
    if not BRIDGE.exists():
        raise ClientMissing(f"the bridge ({BRIDGE})", "run `make setup`")
    return str(BRIDGE)


@pytest.fixture
def bridged(aws_env: AwsEnv) -> AwsEnv:
    """Keys in `base`; `tokyo-role` assumes a role through it and `web` by
    web identity, both with sts_region Tokyo and failover to Ireland;
    `tf` and `tf-web` get theirs from the bridge; `mfa-role`, `loop` and
    `broken-role` are refused, and `ring` gets its source credentials from a
    bridge for itself."""
    sim = aws_env.simulator
    aws_env.add_keys("base", sim.add_user("alice"))
    role = sim.add_role("deployer")
    web_role = sim.add_role("ci", web_identity=True)
    token = aws_env.root / "web-identity-token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.")
    routed = f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\n"
    bridge = bridge_command()
    aws_env.config = (
        "[profile base]\n"
        f"[profile tokyo-role]\nrole_arn = {role}\nsource_profile = base\n{routed}"
        f"[profile web]\nrole_arn = {web_role}\n"
        f"web_identity_token_file = {token}\n{routed}"
        "[profile tf]\nregion = us-west-2\n"
        f"credential_process = {bridge} credentials --profile tokyo-role\n"
        "[profile tf-web]\nregion = us-west-2\n"
        f"credential_process = {bridge} credentials --profile web\n"
        f"[profile mfa-role]\nrole_arn = {role}\nsource_profile = base\n"
        f"mfa_serial = arn:aws:iam::111122223333:mfa/alice\n{routed}"
        "[profile loop]\nregion = us-west-2\n"
        f"credential_process = {bridge} credentials --profile loop\n"
        "[profile nokeys]\nregion = us-west-2\n"
        f"[profile broken-role]\nrole_arn = {role}\nsource_profile = nokeys\n{routed}"
        f"[profile ring]\nrole_arn = {role}\nsource_profile = ring-source\n{routed}"
        "[profile ring-source]\n"
        f"credential_process = {bridge} credentials --profile ring\n"
    )
    return aws_env


def cache_dir(env: AwsEnv) -> Path:
    return env.home / ".aws" / "cli" / "cache" / "regional-sts" / "bridge"


def cache_files(env: AwsEnv) -> list[Path]:
    directory = cache_dir(env)
    return sorted(directory.iterdir()) if directory.exists() else []


def bridge(env: AwsEnv, *args: str, extra: dict[str, str] | None = None) -> Result:
    """``aws-regional-sts ARGS`` with the env's files, from a clean log."""
    env.write_files(CLI_V2, plugin=False)
    env.simulator.clear_log()
    argv = [bridge_command(), *args]
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=env.env(extra), capture_output=True, text=True, timeout=60
    )
    seconds = time.perf_counter() - started
    return Result(argv, done.returncode, done.stdout, done.stderr, seconds)


def seen(env: AwsEnv) -> list[tuple[str, str, int]]:
    return [(r.host, r.action, r.status) for r in env.simulator.requests]


def assert_no_secret(env: AwsEnv, text: str) -> None:
    leaked = [s for s in env.simulator.issued_secrets() if s in text]
    assert not leaked, "a secret reached stderr"


# -- real clients, no plugin configured ---------------------------------------


@pytest.mark.parametrize(
    ("profile", "action"),
    [("tf", "AssumeRole"), ("tf-web", "AssumeRoleWithWebIdentity")],
)
@pytest.mark.parametrize("kind", CLI_V2_KINDS)
def test_cli_v2_without_plugin_assumes_at_sts_region_and_fails_over(
    bridged: AwsEnv, kind: str, profile: str, action: str
) -> None:
    bridged.simulator.clear_log()
    result = bridged.run(
        kind, "sts", "get-caller-identity", "--profile", profile, plugin=False
    ).check()
    assert "[plugins]" not in bridged.config_file.read_text()
    assert ":assumed-role/" in result.json()["Arn"]
    assert seen(bridged) == [
        (TOKYO_HOST, action, 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]
    # AssumeRoleWithWebIdentity is unsigned; AssumeRole is signed for Tokyo.
    assert bridged.simulator.requests[0].signing_region in (TOKYO, None)

    # Tokyo deactivated: the bridge fails over to Ireland for the CLI.
    shutil.rmtree(cache_dir(bridged))
    bridged.simulator.set_region(TOKYO, state="deactivated")
    bridged.simulator.clear_log()
    bridged.run(
        kind, "sts", "get-caller-identity", "--profile", profile, plugin=False
    ).check()
    assert seen(bridged) == [
        (TOKYO_HOST, action, 403),
        (IRELAND_HOST, action, 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]
    assert bridged.simulator.requests[0].error_code == "RegionDisabledException"


@pytest.mark.parametrize("kind", [CLI_V1, BOTO3])
def test_cli_v1_and_boto3_without_plugin_use_the_bridge(
    bridged: AwsEnv, kind: str
) -> None:
    bridged.simulator.clear_log()
    if kind == BOTO3:
        result = bridged.run_python(BOTO3_CALL).check()
        arn = result.stdout.strip()
    else:
        result = bridged.run(
            kind, "sts", "get-caller-identity", "--profile", "tf", plugin=False
        ).check()
        arn = result.json()["Arn"]
    assert ":assumed-role/deployer/" in arn
    assert seen(bridged) == [
        (TOKYO_HOST, "AssumeRole", 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]


def node_command() -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise ClientMissing("Node.js (node)", "install Node.js 20 or later")
    if not (JS_DIR / "node_modules" / ".installed").exists():
        raise ClientMissing(
            f"the AWS SDK for JavaScript v3 ({JS_DIR}/node_modules)",
            "run `make setup` (npm ci)",
        )
    return [node, str(JS_DIR / "caller_identity.mjs")]


@pytest.mark.parametrize("chain", ["ini", "default"])
def test_javascript_sdk_resolves_a_bridge_profile(bridged: AwsEnv, chain: str) -> None:
    """fromIni() or the client's default chain, with AWS_PROFILE: the SDK
    runs the bridge as the profile's credential_process and signs with the
    credentials the simulator issued at the Tokyo endpoint."""
    argv = [*node_command(), chain]
    bridged.write_files(CLI_V2, plugin=False)
    bridged.simulator.clear_log()
    # The SDK for JavaScript v3 ignores AWS_CA_BUNDLE (checked: its TLS
    # then fails); Node reads extra CAs from NODE_EXTRA_CA_CERTS.
    env = bridged.env(
        {
            "AWS_PROFILE": "tf",
            "NODE_EXTRA_CA_CERTS": bridged.simulator.ca_bundle,
            "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1",
        }
    )
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    result = Result(argv, done.returncode, done.stdout, done.stderr).check()
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert ":assumed-role/deployer/" in answer["Arn"]
    assert seen(bridged) == [
        (TOKYO_HOST, "AssumeRole", 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]
    (cached,) = cache_files(bridged)
    issued = json.loads(cached.read_text())["Credentials"]["AccessKeyId"]
    assert answer["AccessKeyId"] == issued
    assert bridged.simulator.requests[1].access_key_id == issued


# -- the cache -------------------------------------------------------------------


def test_second_call_is_cached_and_loads_no_botocore(bridged: AwsEnv) -> None:
    bridged.write_files(CLI_V2, plugin=False)
    args = ["credentials", "--profile", "tokyo-role"]

    def run_in_process() -> tuple[Result, list[str]]:
        bridged.simulator.clear_log()
        result = bridged.run_python(BRIDGE_MODULES, args=args).check()
        return result, json.loads(result.stderr.strip().splitlines()[-1])

    first, first_modules = run_in_process()
    assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
    # The uncached call runs on botocore alone, never on awscli.
    assert "botocore" in first_modules
    assert not [m for m in first_modules if m.split(".")[0] in ("awscli", "boto3")]

    second, second_modules = run_in_process()
    assert seen(bridged) == []
    assert second_modules == []
    assert second.stdout == first.stdout
    document = json.loads(second.stdout)
    assert document["Version"] == 1
    assert set(document) == {
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    }

    (path,) = cache_files(bridged)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _expiring(path: Path) -> None:
    data = json.loads(path.read_text())
    data["ExpiresAt"] = time.time() + 300  # inside every refresh margin
    path.write_text(json.dumps(data))


def _other_key(path: Path) -> None:
    data = json.loads(path.read_text())
    data["Key"] = "0" * 64
    path.write_text(json.dumps(data))


def test_a_900_second_role_is_fetched_once_per_5_minutes(bridged: AwsEnv) -> None:
    """duration_seconds = 900: botocore's own 15-minute margin would fetch
    it on every call; the bridge serves it from its cache while more than
    botocore's mandatory 10 minutes are left."""
    role = bridged.simulator.add_role("short")
    bridged.config += (
        f"[profile short-role]\nrole_arn = {role}\nsource_profile = base\n"
        f"duration_seconds = 900\nsts_region = {TOKYO}\n"
    )
    first = bridge(bridged, "credentials", "--profile", "short-role").check()
    assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
    second = bridge(bridged, "credentials", "--profile", "short-role").check()
    assert seen(bridged) == []
    assert second.stdout == first.stdout
    (path,) = cache_files(bridged)
    data = json.loads(path.read_text())
    assert 899 <= data["ExpiresAt"] - data["FetchedAt"] <= 905

    # 5 minutes later (the file says so), 10 minutes are left: fetched again.
    data["FetchedAt"] -= 301
    data["ExpiresAt"] -= 301
    path.write_text(json.dumps(data))
    third = bridge(bridged, "credentials", "--profile", "short-role").check()
    assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
    assert (
        json.loads(third.stdout)["AccessKeyId"]
        != json.loads(first.stdout)["AccessKeyId"]
    )


def _linked(path: Path) -> None:
    """The good file moved aside, a symlink to it in its place."""
    path.rename(path.with_name("elsewhere"))
    path.symlink_to(path.with_name("elsewhere"))


#: "nobody" on Debian: a real user that is not this one (the suite runs as
#: root, which may give it a file).
OTHER_UID = 65534

DAMAGE = {
    "expiring": _expiring,
    "corrupt": lambda path: path.write_text("{not json"),
    "truncated": lambda path: path.write_text(path.read_text()[:40]),
    "other-key": _other_key,
    "readable-by-others": lambda path: path.chmod(0o644),
    "directory": lambda path: (path.unlink(), path.mkdir()),
    # Issue 31, finding 4: still good credentials, but not to be trusted.
    "another-users-file": lambda path: os.chown(path, OTHER_UID, OTHER_UID),
    "symlink": _linked,
    "folder-writable-by-all": lambda path: path.parent.chmod(0o777),
}
#: Where nothing is written again: the cache stays unused.
UNUSED = ("directory", "folder-writable-by-all")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_unusable_cache_is_fetched_again(bridged: AwsEnv, damage: str) -> None:
    first = bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    (path,) = cache_files(bridged)
    DAMAGE[damage](path)
    again = bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
    assert (
        json.loads(again.stdout)["AccessKeyId"]
        != (json.loads(first.stdout)["AccessKeyId"])
    )
    third = bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    if damage in UNUSED:  # nothing read, nothing written: fetched each time
        assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
        return
    # Replaced (a link replaced, never written through): the next is cached.
    assert not path.is_symlink() and path.stat().st_uid == os.geteuid()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seen(bridged) == []
    assert third.stdout == again.stdout


def test_two_bridges_at_once_leave_one_valid_file(bridged: AwsEnv) -> None:
    bridged.write_files(CLI_V2, plugin=False)
    argv = [bridge_command(), "credentials", "--profile", "tokyo-role"]
    processes = [
        subprocess.Popen(
            argv,
            env=bridged.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    documents = [json.loads(out) for out, _ in outputs]
    (path,) = cache_files(bridged)  # no temporary file left either
    cached = json.loads(path.read_text())["Credentials"]["AccessKeyId"]
    assert cached in {d["AccessKeyId"] for d in documents}
    bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    assert seen(bridged) == []


def test_profile_settings_change_the_cache_key(bridged: AwsEnv) -> None:
    bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    bridged.config = bridged.config.replace(
        "source_profile = base\n",
        "source_profile = base\nrole_session_name = other\n",
        1,
    )
    bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    assert seen(bridged) == [(TOKYO_HOST, "AssumeRole", 200)]
    assert len(cache_files(bridged)) == 2
    bridge(
        bridged,
        "credentials",
        "--profile",
        "tokyo-role",
        extra={"AWS_STS_REGION": "eu-west-1"},
    ).check()
    assert seen(bridged) == [(IRELAND_HOST, "AssumeRole", 200)]


# -- formats, --debug, refusals ---------------------------------------------------


def test_env_format_and_debug_carry_no_secret_on_stderr(bridged: AwsEnv) -> None:
    result = bridge(
        bridged, "credentials", "--profile", "tokyo-role", "--format", "env", "--debug"
    ).check()
    names = [line.split("=", 1)[0] for line in result.stdout.splitlines()]
    assert names == [
        "export AWS_ACCESS_KEY_ID",
        "export AWS_SECRET_ACCESS_KEY",
        "export AWS_SESSION_TOKEN",
        "export AWS_CREDENTIAL_EXPIRATION",
    ]
    shell = subprocess.run(
        ["sh", "-c", 'eval "$0"; printf %s "$AWS_SESSION_TOKEN"', result.stdout],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert shell.stdout in bridged.simulator.issued_secrets()
    assert "Routing STS AssumeRole to https://sts.ap-northeast-1" in result.stderr
    assert "bridge cache written" in result.stderr
    assert_no_secret(bridged, result.stderr)


REFUSALS = {
    "missing": ("nope", {}, "no such profile"),
    "loop": ("loop", {}, "loop: its own credential_process"),
    "loop-through-environment": (
        "tokyo-role",
        {"AWS_REGIONAL_STS_BRIDGE_PROFILES": "tf,tokyo-role"},
        "loop: its credentials are already being fetched",
    ),
    # A real loop: botocore runs ring-source's bridge, which meets `ring`
    # in the environment the outer bridge set.
    "loop-through-source": ("ring", {}, "already being fetched by the bridge"),
    "mfa": ("mfa-role", {}, "needs an MFA code"),
    "cannot-load": ("broken-role", {}, "nokeys"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refusals(bridged: AwsEnv, case: str) -> None:
    profile, extra, cause = REFUSALS[case]
    result = bridge(bridged, "credentials", "--profile", profile, extra=extra)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{LABEL}: profile {profile!r}: "), line
    assert cause in line
    assert seen(bridged) == []
    assert cache_files(bridged) == []


def test_all_sts_regions_failing_is_refused(bridged: AwsEnv) -> None:
    bridged.simulator.set_region(TOKYO, state="deactivated")
    bridged.simulator.set_region("eu-west-1", state="deactivated")
    result = bridge(bridged, "credentials", "--profile", "tokyo-role")
    assert result.returncode == 1
    assert result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"{LABEL}: profile 'tokyo-role': "), result.stderr
    assert "RegionDisabledException" in last
    assert "tried: ap-northeast-1" in last
    assert "Traceback" not in result.stderr
    assert_no_secret(bridged, result.stderr)
    assert [r.host for r in bridged.simulator.requests] == [TOKYO_HOST, IRELAND_HOST]
    assert cache_files(bridged) == []


@pytest.mark.parametrize("kind", CLI_V2_KINDS)
def test_a_cli_v2_caller_sees_the_refusal(bridged: AwsEnv, kind: str) -> None:
    """The CLI shows the bridge's stderr line when the process fails."""
    result = bridged.run(
        kind, "sts", "get-caller-identity", "--profile", "loop", plugin=False
    )
    assert result.returncode != 0
    assert "loop" in result.stderr
    assert seen(bridged) == []


def test_javascript_sdk_ignores_aws_ca_bundle(bridged: AwsEnv) -> None:
    """Why the test above sets NODE_EXTRA_CA_CERTS: with AWS_CA_BUNDLE alone
    (what every other client here gets) the SDK's TLS fails."""
    argv = [*node_command(), "ini"]
    bridged.write_files(CLI_V2, plugin=False)
    env = bridged.env({"AWS_PROFILE": "tf"})
    assert env["AWS_CA_BUNDLE"] == bridged.simulator.ca_bundle
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "certificate" in done.stderr
    assert [r.host for r in bridged.simulator.requests] == [TOKYO_HOST]


def test_auto_region_is_chosen_for_the_bridge(bridged: AwsEnv) -> None:
    """``sts_region = auto`` on the bridged profile: the bridge measures,
    assumes the role in the fastest region, and next time (its own cache
    gone) uses the saved measurements without probing."""
    from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS

    fastest = "eu-north-1"
    host = f"sts.{fastest}.amazonaws.com"
    for name in DEFAULT_ENABLED_REGIONS["aws"]:
        bridged.simulator.set_region(name, latency=0.0 if name == fastest else 0.3)
    bridged.config = bridged.config.replace(
        f"sts_region = {TOKYO}\nsts_fallback = eu-west-1\n",
        "sts_region = auto\n",
        1,
    )
    bridged.simulator.clear_log()
    bridged.run(
        CLI_V2_FROZEN, "sts", "get-caller-identity", "--profile", "tf", plugin=False
    ).check()
    assumed = [r for r in bridged.simulator.requests if r.action == "AssumeRole"]
    assert [(r.host, r.status) for r in assumed] == [(host, 200)]

    shutil.rmtree(cache_dir(bridged))
    bridge(bridged, "credentials", "--profile", "tokyo-role").check()
    assert seen(bridged) == [(host, "AssumeRole", 200)]
