"""Failover's state file, entry by entry: which files are used, what the
later of two writers' times is, and what a write that kept losing says
(the memory across processes: test_failover_memory.py)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.plugin import failover_memory
from awscli_regional_sts.plugin.failover_memory import (
    MAX_ENTRIES,
    NOTICE_PERIOD_SECONDS,
    Failure,
    Memory,
)

LABEL = "sts_fallback in profile 'p'"


def write(path: Path, failures: dict[str, Any], notices: dict[str, Any]) -> None:
    path.write_text(
        json.dumps({"Version": 1, "Failures": failures, "Notices": notices})
    )


def failure(at: float | None = None, reason: str = "ConnectTimeoutError") -> Any:
    return {"At": time.time() if at is None else at, "Reason": reason}


def remembered(path: Path) -> bool:
    """Whether a Memory reading ``path`` knows eu-west-1's failure."""
    return Memory(path).recent_failure("eu-west-1") is not None


@pytest.mark.parametrize(
    ("notices", "used"),
    [
        ({f"p{n}": 1.0 for n in range(MAX_ENTRIES - 1)}, True),
        ({f"p{n}": 1.0 for n in range(MAX_ENTRIES)}, False),
        ({"x": 1.0}, True),  # a one-character label
        ({"": 1.0}, False),
        ({"a\x1bb": 1.0}, False),
        ({"x" * 200: 1.0}, True),
        ({"x" * 201: 1.0}, False),
        ({"x": 0}, True),  # the epoch is a time, if an old one
        ({"x": -1}, False),
        ({"x": time.time() + 3600}, False),
    ],
)
def test_which_files_are_used(
    tmp_path: Path, notices: dict[str, Any], used: bool
) -> None:
    """A file is used whole or not at all: one bad entry and nothing in it
    is remembered (the next write replaces it)."""
    path = tmp_path / "state.json"
    write(path, {"eu-west-1": failure()}, notices)
    assert remembered(path) is used


def test_the_size_limit_is_64_kib(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write(path, {"eu-west-1": failure()}, {})
    text = path.read_text()
    path.write_text(text + " " * (64 * 1024 - len(text)))
    assert remembered(path)
    path.write_text(text + " " * (64 * 1024 - len(text) + 1))
    assert not remembered(path)


def test_a_label_is_kept_printable_and_short(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    Memory(path).remember_notice("profile 'a\x1b[31mb'\n" + "x" * 300)
    (label,) = json.loads(path.read_text())["Notices"]
    assert label == ("profile 'a?[31mb'?" + "x" * 300)[:200]
    assert not Memory(path).notice_due("profile 'a\x1b[31mb'\n" + "x" * 300)


def test_the_later_failure_of_two_processes_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine = Memory(path)
    mine.remember_failure("eu-west-1", "ConnectTimeoutError")
    now = time.time()
    write(path, {"eu-west-1": failure(now + 30, "RegionDisabledException")}, {})
    found = mine.recent_failure("eu-west-1", now=now + 40)
    assert found == Failure(now + 30, "RegionDisabledException")
    write(path, {"eu-west-1": failure(now - 30, "RegionDisabledException")}, {})
    found = mine.recent_failure("eu-west-1", now=now + 40)
    assert found is not None and found.reason == "ConnectTimeoutError"


def test_the_later_notice_of_two_processes_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine = Memory(path)
    mine.remember_notice(LABEL)
    printed = time.time()
    write(path, {}, {LABEL: printed + 30})
    assert not mine.notice_due(LABEL, now=printed + NOTICE_PERIOD_SECONDS + 10)
    assert mine.notice_due(LABEL, now=printed + NOTICE_PERIOD_SECONDS + 40)


@pytest.mark.parametrize(
    ("at", "now", "text"),
    [
        (100.0, 100.4, "X 0 s ago"),
        (100.0, 130.0, "X 30 s ago"),
        (100.0, 90.0, "X 0 s ago"),
    ],
)
def test_a_failure_says_how_long_ago(at: float, now: float, text: str) -> None:
    assert Failure(at, "X").describe(now) == text


@contextlib.contextmanager
def _no_lock(path: Path, wait_seconds: float) -> Iterator[bool]:
    yield False  # as on a platform without fcntl


def test_a_notice_another_writer_keeps_dropping_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a lock, a writer whose notice keeps disappearing from the
    file tries UNLOCKED_ATTEMPTS times, then says so (for --debug)."""
    monkeypatch.setattr(failover_memory, "exclusive_lock", _no_lock)
    monkeypatch.setattr(failover_memory.time, "sleep", lambda seconds: None)
    path = tmp_path / "state.json"
    writes: list[Any] = []

    def replaced_at_once(target: Path, data: Any) -> None:
        writes.append(data)
        write(target, {}, {})

    monkeypatch.setattr(failover_memory, "write_json", replaced_at_once)
    memory = Memory(path)
    assert memory.remember_notice(LABEL) == (
        f"{path}: other processes kept replacing it; this process's entries may "
        "be missing from it"
    )
    assert len(writes) == failover_memory.UNLOCKED_ATTEMPTS
    assert not memory.notice_due(LABEL)  # known in this process all the same
