"""The plugin's own files: nothing at a file's path can hang, flood or crash
a reader; writers leave one complete, owner-only file."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from awscli_regional_sts.aws.files import FileProblem, read_json, write_json


def test_a_written_file_reads_back_and_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "d" / "state.json"
    write_json(path, {"A": [1, 2]})
    assert read_json(path) == {"A": [1, 2]}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not usable JSON"),
        (b"{", "not usable JSON"),
        (b"\xff\xfe", "not usable JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b" " * 300_000, "larger than"),
    ],
)
def test_unusable_content_is_a_file_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=problem):
        read_json(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="no file"):
        read_json(tmp_path / "none.json")


def test_a_fifo_is_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "fifo.json"
    os.mkfifo(path)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_json(path)
        except BaseException as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)  # a backstop only: the read returns at once
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert isinstance(outcome[0], FileProblem)
    assert "not a regular file" in str(outcome[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_not_read(tmp_path: Path, device: str) -> None:
    path = tmp_path / "link.json"
    path.symlink_to(device)
    with pytest.raises(FileProblem, match="symbolic link"):
        read_json(path)


def test_a_directory_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(FileProblem):
        read_json(tmp_path)


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    path = tmp_path / "f.json"

    def write(n: int) -> None:
        for i in range(50):
            write_json(path, {"Writer": n, "I": i, "Pad": "x" * 2000})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = json.loads(path.read_text())
    assert data["I"] == 49 and len(data["Pad"]) == 2000
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
