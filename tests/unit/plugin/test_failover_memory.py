"""Unit tests of failover's memory (failover_memory.py): failing endpoints are
remembered for FAILURE_MEMORY_SECONDS, notices for NOTICE_PERIOD_SECONDS,
across Memory objects sharing the file (as processes do), and a hostile
state file is "nothing remembered" and gets replaced."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.plugin import failover_memory
from awscli_regional_sts.plugin.failover_memory import (
    FAILURE_MEMORY_SECONDS,
    NOTICE_PERIOD_SECONDS,
    Memory,
)

LABEL = "sts_fallback in profile 'p'"


def test_a_failure_is_remembered_across_processes_then_expires(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert (
        Memory(path).remember_failure("ap-northeast-1", "ConnectTimeoutError") is None
    )
    other = Memory(path)  # another process: knows only the file
    found = other.recent_failure("ap-northeast-1")
    assert found is not None and found.reason == "ConnectTimeoutError"
    assert other.recent_failure("eu-west-1") is None
    assert (
        other.recent_failure("ap-northeast-1", now=found.at + FAILURE_MEMORY_SECONDS)
        is None
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_an_old_timestamp_in_the_file_means_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    Memory(path).remember_failure("ap-northeast-1", "RegionDisabledException")
    data = json.loads(path.read_text())
    data["Failures"]["ap-northeast-1"]["At"] -= FAILURE_MEMORY_SECONDS + 1
    path.write_text(json.dumps(data))
    assert Memory(path).recent_failure("ap-northeast-1") is None


def test_notice_once_per_period(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    memory = Memory(path)
    assert memory.notice_due(LABEL)
    memory.remember_notice(LABEL)
    assert not Memory(path).notice_due(LABEL)
    assert Memory(path).notice_due("sts_fallback in profile 'other'")
    data = json.loads(path.read_text())
    data["Notices"][LABEL] -= NOTICE_PERIOD_SECONDS + 1
    path.write_text(json.dumps(data))
    assert Memory(path).notice_due(LABEL)


def test_the_process_remembers_when_the_file_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    memory = Memory(blocker / "state.json")  # its directory cannot exist
    problem = memory.remember_failure("eu-west-1", "ConnectTimeoutError")
    assert problem is not None and "not written" in problem
    assert memory.recent_failure("eu-west-1") is not None


def good() -> dict[str, Any]:
    return {
        "Version": 1,
        "Failures": {"ap-northeast-1": {"At": time.time(), "Reason": "Boom"}},
        "Notices": {LABEL: time.time()},
    }


def with_(**changes: Any) -> str:
    data = good()
    data.update(changes)
    return json.dumps(data)


HOSTILE = {
    "not-json": "{",
    "nested": "[" * 100_000 + "]" * 100_000,
    "list": "[]",
    "version": with_(Version=2),
    "extra-key": with_(Token="x"),
    "failures-list": with_(Failures=[]),
    "failure-int": with_(Failures={"ap-northeast-1": 5}),
    "failure-future": with_(Failures={"ap-northeast-1": {"At": 4e9, "Reason": "B"}}),
    "failure-nan": '{"Version": 1, "Notices": {}, '
    '"Failures": {"ap-northeast-1": {"At": NaN, "Reason": "B"}}}',
    "notice-inf": '{"Version": 1, "Failures": {}, "Notices": {"p": -Infinity}}',
    "failure-huge": with_(Failures={"ap-northeast-1": {"At": 10**400, "Reason": "B"}}),
    "failure-reason": with_(Failures={"ap-northeast-1": {"At": 1.0, "Reason": "a b"}}),
    "endpoint-name": with_(Failures={"evil.example.com": {"At": 1.0, "Reason": "B"}}),
    "notice-future": with_(Notices={LABEL: 4e9}),
    "notice-text": with_(Notices={LABEL: "now"}),
    "notice-bool": with_(Notices={LABEL: True}),
    "notice-control": with_(Notices={"a\x1b[2J": 1.0}),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_nothing_remembered_and_is_replaced(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(HOSTILE[name])
    memory = Memory(path)
    assert memory.recent_failure("ap-northeast-1") is None
    assert memory.notice_due(LABEL)
    assert memory.remember_failure("eu-west-1", "ConnectTimeoutError") is None
    assert failover_memory.parse(json.loads(path.read_text())).failures.keys() == {
        "eu-west-1"
    }


def test_a_fifo_or_device_link_is_nothing_remembered(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for make in (lambda: os.mkfifo(path), lambda: path.symlink_to("/dev/urandom")):
        make()
        memory = Memory(path)
        assert memory.notice_due(LABEL)
        assert memory.remember_notice(LABEL) is None
        assert not Memory(path).notice_due(LABEL)
        path.unlink()


def test_nothing_secret_is_written(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    memory = Memory(path)
    memory.remember_failure("ap-northeast-1", "AKIA/secret with spaces")
    assert (
        json.loads(path.read_text())["Failures"]["ap-northeast-1"]["Reason"] == "Error"
    )


def test_a_profile_name_with_control_characters_keeps_the_file_readable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    label = "sts_fallback in profile 'a\x1b[2Jb'" + "x" * 500
    Memory(path).remember_failure("eu-west-1", "ConnectTimeoutError")
    assert Memory(path).remember_notice(label) is None
    other = Memory(path)
    assert not other.notice_due(label)
    assert other.recent_failure("eu-west-1") is not None


# -- two writers at once lose nothing (#16) --------------------------------------

WRITERS = 8


def _race(path: Path, writes: int = 5) -> list[str | None]:
    """WRITERS Memory objects (each a process, as far as the file and its
    lock can tell: its own descriptor) writing at once from a barrier, each
    its own endpoints and its own notice; what each write returned."""
    barrier = threading.Barrier(WRITERS)
    problems: list[str | None] = []

    def writer(number: int) -> None:
        memory = Memory(path)
        barrier.wait()
        for write in range(writes):
            problems.append(memory.remember_failure(f"region-{number}-{write}", "Boom"))
        problems.append(memory.remember_notice(f"profile {number}"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return problems


def _expected(writes: int = 5) -> tuple[set[str], set[str]]:
    return (
        {f"region-{n}-{w}" for n in range(WRITERS) for w in range(writes)},
        {f"profile {n}" for n in range(WRITERS)},
    )


def test_writers_at_once_under_the_lock_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert set(_race(path)) == {None}
    found = failover_memory.parse(json.loads(path.read_text()))
    assert (set(found.failures), set(found.notices)) == _expected()
    assert oct((tmp_path / "state.json.lock").stat().st_mode & 0o777) == "0o600"


@contextlib.contextmanager
def _no_lock(path: Path, wait_seconds: float) -> Iterator[bool]:
    yield False  # as on a platform without fcntl


def test_without_a_lock_a_writer_merges_again_when_its_entry_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No lock (as without fcntl): another process replaces the file right
    after this one wrote it, with what it had read before; this writer sees
    its entry gone and merges again, keeping both."""
    monkeypatch.setattr(failover_memory, "exclusive_lock", _no_lock)
    path = tmp_path / "state.json"
    other = {
        "Version": 1,
        "Failures": {"eu-west-1": {"At": time.time(), "Reason": "Boom"}},
        "Notices": {},
    }
    real_write = failover_memory.write_json
    writes: list[Any] = []

    def write_then_replaced(target: Path, data: Any) -> None:
        real_write(target, data)
        writes.append(data)
        if len(writes) == 1:
            real_write(target, other)

    monkeypatch.setattr(failover_memory, "write_json", write_then_replaced)
    assert Memory(path).remember_failure("ap-northeast-1", "Boom") is None
    assert len(writes) == 2
    found = failover_memory.parse(json.loads(path.read_text()))
    assert set(found.failures) == {"ap-northeast-1", "eu-west-1"}


def test_without_a_lock_a_writer_gives_up_after_its_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(failover_memory, "exclusive_lock", _no_lock)
    monkeypatch.setattr(failover_memory, "write_json", lambda target, data: None)
    memory = Memory(tmp_path / "state.json")
    problem = memory.remember_failure("ap-northeast-1", "Boom")
    assert problem is not None and "other processes kept replacing it" in problem
    assert memory.recent_failure("ap-northeast-1") is not None  # in the process


def test_a_lock_that_is_never_released_delays_a_write_boundedly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder that is stopped (kill -STOP) keeps its lock: the writer waits
    LOCK_WAIT_SECONDS, then writes without it."""
    monkeypatch.setattr(failover_memory, "LOCK_WAIT_SECONDS", 0.2)
    path = tmp_path / "state.json"
    holder = os.open(tmp_path / "state.json.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        assert Memory(path).remember_failure("eu-west-1", "Boom") is None
        waited = time.monotonic() - started
    finally:
        os.close(holder)
    assert 0.2 <= waited < 10  # at least the wait; the ceiling is a backstop
    assert Memory(path).recent_failure("eu-west-1") is not None


def test_a_lock_file_that_is_a_symlink_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "state.json.lock").symlink_to(target)
    assert Memory(tmp_path / "state.json").remember_failure("eu-west-1", "B") is None
    assert not target.exists()


def test_entries_another_writer_dropped_are_merged_back(tmp_path: Path) -> None:
    """What a writer without the lock does to the others: it replaced the
    file with its own view; the next write of each process puts back what
    that process learned."""
    path = tmp_path / "state.json"
    first, second = Memory(path), Memory(path)
    first.remember_failure("ap-northeast-1", "Boom")
    path.unlink()  # as if replaced by a writer that had not read it
    second.remember_failure("eu-west-1", "Boom")
    first.remember_notice(LABEL)
    found = failover_memory.parse(json.loads(path.read_text()))
    assert set(found.failures) == {"ap-northeast-1", "eu-west-1"}
