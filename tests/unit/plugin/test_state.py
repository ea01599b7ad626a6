"""Unit tests of failover's memory (state.py): failing endpoints are
remembered for FAILURE_MEMORY_SECONDS, notices for NOTICE_PERIOD_SECONDS,
across Memory objects sharing the file (as processes do), and a hostile
state file is "nothing remembered" and gets replaced."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.plugin import state
from awscli_regional_sts.plugin.state import (
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
    assert state.parse(json.loads(path.read_text())).failures.keys() == {"eu-west-1"}


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
