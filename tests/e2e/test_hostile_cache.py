"""End to end: a hostile or corrupt ``sts_region = auto`` cache file never
breaks a command (#12 item 1), with the real CLIs and boto3: the command
succeeds, and the file is replaced by a good one when a measurement is
saved (by ``auto``'s first use or by ``activation-check --save``).
Field-by-field checks: tests/unit/plugin/test_auto_measurements.py."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from testing.clients import BOTO3, CLI_KINDS, AwsEnv
from tests.e2e.cachefiles import ACCOUNT, cache_path, cache_text, region_entry
from tests.e2e.matrix import rows_by_client
from tests.e2e.test_failover_e2e import (
    configure,
    make_fastest,
    run,
    world,  # noqa: F401  (the fixture)
)

FASTEST = "eu-north-1"


def good_file(**changes: object) -> str:
    # LatencyMs 5, not 5.0: the "latency-401-digits" case rewrites it.
    return cache_text([region_entry("ap-south-1", latency_ms=5)], **changes)


def text(content: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(content)

    return write


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def another_users_file(path: Path) -> None:
    """A good file, but of ``nobody`` (65534 on Debian): not to be trusted
    (issue 31, finding 4). The suite runs as root, which may give it away."""
    path.write_text(good_file())
    os.chown(path, 65534, 65534)


HOSTILE: dict[str, Callable[[Path], None]] = {
    "profiles-5": text(good_file(Profiles=5)),
    "latency-401-digits": text(
        good_file().replace('"LatencyMs": 5', '"LatencyMs": ' + "9" * 401)
    ),
    "nested-100k": text("[" * 100_000 + "]" * 100_000),
    "fifo": fifo,
    "symlink-dev-zero": link_to_zero,
    "another-users-file": another_users_file,
}


def prepare(env: AwsEnv, name: str) -> Path:
    path = cache_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    HOSTILE[name](path)
    return path


def assert_good(path: Path) -> dict[str, Any]:
    assert path.is_file() and not path.is_symlink()
    # Replaced, not used: another user's file gives way to this user's.
    assert path.stat().st_uid == os.geteuid()
    data = json.loads(path.read_text())
    assert data["Account"] == ACCOUNT and data["Version"] == 1
    return data  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("kind", "name"), rows_by_client([*CLI_KINDS, BOTO3], list(HOSTILE))
)
def test_auto_over_a_hostile_cache_measures_and_replaces_it(
    world: AwsEnv,  # noqa: F811
    kind: str,
    name: str,
) -> None:
    configure(world, "sts_region = auto\n")
    make_fastest(world, FASTEST)
    path = prepare(world, name)
    # "base" has no role_arn: its account is found by reading every file.
    calls = run(world, kind, "base", keep_cache=True)
    calls.result.check()
    assert "Traceback" not in calls.result.stderr
    # Which region measures fastest depends on the load of the machine (the
    # simulator shares its cores); the one used is the new file's fastest.
    (host,) = {r.host for r in calls.requests if r.signing_region}
    data = assert_good(path)
    assert data["Profiles"] == ["base"]
    assert host == f"sts.{fastest(data)}.amazonaws.com"
    # The next command uses the new file: no measurement.
    again = run(world, kind, "base", keep_cache=True)
    again.result.check()
    assert [r.host for r in again.requests] == [host]


def fastest(data: dict[str, Any]) -> str:
    answered = [r for r in data["Regions"] if r["LatencyMs"] is not None]
    return str(min(answered, key=lambda r: (r["LatencyMs"], r["Region"]))["Region"])


@pytest.mark.parametrize(("kind", "name"), rows_by_client(CLI_KINDS, list(HOSTILE)))
def test_activation_check_save_over_a_hostile_cache(
    world: AwsEnv,  # noqa: F811
    kind: str,
    name: str,
) -> None:
    configure(world, "")
    path = prepare(world, name)
    check = world.run(
        kind,
        "sts",
        "activation-check",
        "--regions",
        "eu-west-2",
        "ca-central-1",
        "--samples",
        "1",
        "--save",
        "--profile",
        "base",
    )
    check.check()
    assert "Traceback" not in check.stderr
    assert "not saved" not in check.stderr
    data = assert_good(path)
    assert data["Method"] == "activation-check"
    assert data["Profiles"] == ["base"]
