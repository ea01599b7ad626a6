"""End to end: failover remembers a failing endpoint (#12 item 8) and prints
its notice once per profile per hour (#11 point 4), with the real CLIs and
boto3; and ``sts_region = auto`` never picks a candidate that refused or
hung on first use (a mutant that survived #12's mutation run).

Counts come from the simulator's log (CONNECTs to a refused or hung host,
requests to one that answers); no wall-clock assertion.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from testing.clients import BOTO3, BOTO3_LEGACY, CLI_KINDS, CLI_V1, AwsEnv
from tests.e2e.test_failover_e2e import (
    ALL_KINDS,
    EU,
    EU_HOST,
    FAILOVER,
    TOKYO,
    TOKYO_HOST,
    configure,
    make_fastest,
    run,
    world,  # noqa: F401  (the fixture)
)

STATE = Path(".aws/cli/cache/regional-sts/state.json")
NOTICE = "awscli-regional-sts: STS in ap-northeast-1"
DEBUG_SKIP = (
    "ap-northeast-1 skipped without a request: it did not answer or refused "
    "within the last 300 s"
)


def state_file(env: AwsEnv) -> Path:
    return env.home / STATE


def age(env: AwsEnv, section: str, seconds: float) -> None:
    """Move every time of one section of the state file ``seconds`` back:
    how the tests let the memory's period pass without sleeping."""
    path = state_file(env)
    data = json.loads(path.read_text())
    for key, value in data[section].items():
        if isinstance(value, dict):
            value["At"] -= seconds
        else:
            data[section][key] = value - seconds
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("state", ["hang", "refused", "deactivated"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_next_process_skips_a_failed_region_then_tries_it_again(
    world: AwsEnv,  # noqa: F811
    kind: str,
    state: str,
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state=state)
    command = "get-session-token" if state == "deactivated" else "get-caller-identity"

    first = run(world, kind, "base", command, keep_cache=True)
    first.result.check()
    tokyo_tries = first.connects.count(TOKYO_HOST) + sum(
        r.host == TOKYO_HOST for r in first.requests
    )
    assert tokyo_tries >= 1
    saved = json.loads(state_file(world).read_text())
    assert set(saved["Failures"]) == {TOKYO}
    assert oct(state_file(world).stat().st_mode & 0o777) == "0o600"
    for secret in world.simulator.issued_secrets():
        assert secret not in json.dumps(saved)

    # A second process: Tokyo is not contacted at all.
    second = run(world, kind, "base", command, keep_cache=True)
    second.result.check()
    assert TOKYO_HOST not in second.connects
    assert [(r.host, r.signing_region, r.status) for r in second.requests] == [
        (EU_HOST, EU, 200)
    ]

    # Five minutes later (the file says so), Tokyo is tried first again.
    age(world, "Failures", 301)
    third = run(world, kind, "base", command, keep_cache=True)
    third.result.check()
    assert TOKYO_HOST in third.connects


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_debug_says_a_region_is_skipped_and_why(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="refused")
    run(world, kind, "base", keep_cache=True).result.check()
    world.simulator.clear_log()
    debug = world.run(
        kind, "sts", "get-caller-identity", "--profile", "base", "--debug"
    )
    debug.check()
    assert DEBUG_SKIP in debug.stderr
    assert TOKYO_HOST not in world.simulator.connects
    # The skip is one line of ours, not botocore's "Exception received when
    # sending HTTP request." with a traceback (#16).
    assert "Traceback" not in debug.stderr
    assert "SkippedEndpoint" not in debug.stderr


@pytest.mark.skipif(
    os.geteuid() != 0, reason="giving a file to another user needs root"
)
@pytest.mark.parametrize("planted", ["another-users-file", "folder-writable-by-all"])
@pytest.mark.parametrize("kind", CLI_KINDS)
def test_a_memory_another_user_could_have_written_is_not_used(
    world: AwsEnv,  # noqa: F811
    kind: str,
    planted: str,
) -> None:
    """Issue 31, finding 4: the failover memory had no owner check, so
    another user could make every process skip a region. A file of another
    user (``nobody``), or one in a folder anyone can write, is not used, and
    --debug says why."""
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="refused")
    run(world, kind, "base", keep_cache=True).result.check()
    path = state_file(world)
    assert set(json.loads(path.read_text())["Failures"]) == {TOKYO}
    if planted == "another-users-file":
        os.chown(path, 65534, 65534)
        why = "belongs to user id 65534, not to you or root"
    else:
        path.parent.chmod(0o777)
        why = f"{path.parent} is writable by group or others (mode 0777)"
    world.simulator.clear_log()
    debug = world.run(
        kind, "sts", "get-caller-identity", "--profile", "base", "--debug"
    )
    debug.check()
    assert TOKYO_HOST in world.simulator.connects  # not skipped: not remembered
    assert DEBUG_SKIP not in debug.stderr
    (line,) = [x for x in debug.stderr.splitlines() if "failover memory" in x]
    assert f"failover memory {path} not used: " in line and why in line


BOTO3_LOOP = """
import sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name="base")
awscli_regional_sts.register(session)
client = session.client("sts")
for _ in range(int(sys.argv[1])):
    client.get_caller_identity()
"""


@pytest.mark.parametrize("kind", [BOTO3, BOTO3_LEGACY])
def test_one_process_tries_a_hung_region_once(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="hang")
    world.simulator.clear_log()
    world.run_python(BOTO3_LOOP, kind=kind, args=["6"]).check()
    assert world.simulator.connects.count(TOKYO_HOST) == 1
    assert [r.host for r in world.simulator.requests] == [EU_HOST] * 6


def remembered(env: AwsEnv, *regions: str) -> None:
    path = state_file(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time()
    path.write_text(
        json.dumps(
            {
                "Version": 1,
                "Failures": {
                    name: {"At": now, "Reason": "ConnectTimeoutError"}
                    for name in regions
                },
                "Notices": {},
            }
        )
    )


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_only_region_left_is_never_skipped(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    """Every entry failed lately (and has recovered since): the call goes to
    the first, as without the memory."""
    configure(world, f"sts_region = {TOKYO}\nsts_fallback = {EU}\nsts_timeout = 1\n")
    remembered(world, TOKYO, EU)
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    assert [r.host for r in calls.requests] == [TOKYO_HOST]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_skipped_region_is_still_tried_when_the_others_fail(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    configure(world, f"sts_region = {TOKYO}\nsts_fallback = {EU}\nsts_timeout = 1\n")
    remembered(world, TOKYO)  # but it has recovered, and eu-west-1 is down
    world.simulator.set_region(EU, state="refused")
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    assert calls.connects.count(EU_HOST) >= 1
    assert [r.host for r in calls.requests] == [TOKYO_HOST]


# -- the failover notice: once per profile per hour ------------------------------


def notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(NOTICE)]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_notice_is_printed_once_per_profile_per_hour(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    configure(world, FAILOVER)
    world.simulator.set_region(TOKYO, state="deactivated")
    first = run(world, kind, "base", "get-session-token", keep_cache=True)
    first.result.check()
    assert len(notices(first.result.stderr)) == 1

    second = run(world, kind, "base", "get-session-token", keep_cache=True)
    second.result.check()
    assert notices(second.result.stderr) == []
    # The request went to eu-west-1: the failover happened, unannounced.
    assert [r.host for r in second.requests] == [EU_HOST]
    # Another profile has its own notice.
    other = run(world, kind, "assumer", keep_cache=True)
    other.result.check()
    assert len(notices(other.result.stderr)) == 1

    if kind not in (BOTO3, BOTO3_LEGACY):
        debug = world.run(
            kind, "sts", "get-session-token", "--profile", "base", "--debug"
        )
        debug.check()
        assert notices(debug.stderr) == []
        assert NOTICE in debug.stderr  # in the debug log
        assert "failover notice not repeated on stderr" in debug.stderr

    # An hour later (the file says so), it is printed again.
    age(world, "Notices", 3601)
    later = run(world, kind, "base", "get-session-token", keep_cache=True)
    later.result.check()
    assert len(notices(later.result.stderr)) == 1


# -- sts_region = auto never counts a refused or hung candidate ------------------


@pytest.mark.parametrize("kind", [*CLI_KINDS, BOTO3])
def test_auto_never_picks_a_candidate_that_refused_or_hung(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    """A refused candidate fails at once: counted as a latency, it would be
    the fastest. The hung one is cut at the probe timeout."""
    configure(world, "sts_region = auto\n")
    make_fastest(world, "eu-north-1")
    world.simulator.set_region("eu-west-3", state="refused")
    world.simulator.set_region("ca-central-1", state="hang")
    calls = run(world, kind, "base")
    calls.result.check()
    saved = load_auto_cache(world)
    statuses = {r["Region"]: r["Status"] for r in saved["Regions"]}
    latencies = {r["Region"]: r["LatencyMs"] for r in saved["Regions"]}
    assert statuses["eu-west-3"] == statuses["ca-central-1"] == "unreachable"
    assert latencies["eu-west-3"] is None and latencies["ca-central-1"] is None
    # The region used is one that answered (eu-north-1 unless the machine's
    # load slowed its answer past the others' 1 s).
    (host,) = {r.host for r in calls.requests if r.signing_region}
    region = host.split(".")[1]
    assert statuses[region] == "reachable"
    assert region not in ("eu-west-3", "ca-central-1")


@pytest.mark.parametrize("kind", [CLI_V1, BOTO3])
def test_auto_with_every_candidate_refused_or_hung_leaves_botocores_endpoint(
    world: AwsEnv,  # noqa: F811
    kind: str,
) -> None:
    """Nothing answered: neither the refused (instant) candidates nor the
    hung ones may be chosen; the call goes where botocore sends it."""
    from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS

    configure(world, "sts_region = auto\nsts_timeout = 1\n")
    for index, name in enumerate(DEFAULT_ENABLED_REGIONS["aws"]):
        world.simulator.set_region(name, state="refused" if index % 2 else "hang")
    calls = run(world, kind, "base")
    calls.result.check()
    assert [r.host for r in calls.requests if r.signing_region] == ["sts.amazonaws.com"]


def load_auto_cache(env: AwsEnv) -> Any:
    path = env.home / ".aws/cli/cache/regional-sts/aws-111122223333.json"
    return json.loads(path.read_text())
