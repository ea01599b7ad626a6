"""The plugin's own files: nothing at a file's path can hang, flood or crash
a reader; writers leave one complete, owner-only file."""

from __future__ import annotations

import errno
import fcntl
import io
import json
import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from awscli_regional_sts.aws import files
from awscli_regional_sts.aws.files import (
    FileProblem,
    exclusive_lock,
    read_json,
    write_json,
)


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
    assert str(outcome[0]) == f"{path} is not a regular file; not read"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_not_read(tmp_path: Path, device: str) -> None:
    path = tmp_path / "link.json"
    path.symlink_to(device)
    with pytest.raises(FileProblem, match="symbolic link"):
        read_json(path)


def test_a_directory_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as caught:
        read_json(tmp_path)
    assert str(caught.value) == f"{tmp_path} is not a regular file; not read"


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


def test_a_file_is_written_as_indented_json(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_json(path, {"A": [1, "\u00e9"]})
    assert path.read_text() == '{\n "A": [\n  1,\n  "\\u00e9"\n ]\n}'


def test_the_temporary_file_is_made_beside_the_file_whatever_tmpdir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A temporary file elsewhere could be on another file system, where
    # os.replace cannot move it.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    path = tmp_path / "d" / "state.json"
    write_json(path, [1])
    assert read_json(path) == [1]


def test_a_failed_write_raises_its_error_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "state.json"
    target.mkdir()  # os.replace cannot put a file there
    with pytest.raises(IsADirectoryError):
        write_json(target, {"A": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    with pytest.raises(TypeError):
        write_json(tmp_path / "other.json", {"A": object()})
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_file_of_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text('{"A": "xxxx"}')
    assert read_json(path, max_bytes=13) == {"A": "xxxx"}
    with pytest.raises(FileProblem) as caught:
        read_json(path, max_bytes=12)
    assert str(caught.value) == f"{path} is larger than 12 bytes; not read"


def test_a_file_whose_size_says_nothing_is_still_cut_at_the_limit() -> None:
    # /proc files are regular files of size 0 with content.
    path = Path("/proc/self/status")
    with pytest.raises(FileProblem) as caught:
        read_json(path, max_bytes=10)
    assert str(caught.value) == f"{path} is larger than 10 bytes; not read"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "Expecting value: line 1 column 1 (char 0)"),
        (
            b"\xff",
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_unusable_json_says_why(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        read_json(path, max_bytes=300_000)
    assert str(caught.value) == f"{path} is not usable JSON: {reason}"


def test_a_path_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("{}")
    path = tmp_path / "file" / "state.json"
    with pytest.raises(FileProblem) as caught:
        read_json(path)
    assert str(caught.value) == f"cannot open {path}: Not a directory"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "file")
    with pytest.raises(FileProblem) as caught:
        read_json(link)
    assert str(caught.value) == f"{link} is a symbolic link; not read"


def test_a_read_error_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.json"
    path.write_text("{}")

    class FailingDisk(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

    real_fdopen = os.fdopen

    def fdopen(descriptor: int, *args: object, **kwargs: object) -> object:
        real_fdopen(descriptor).close()
        return FailingDisk()

    monkeypatch.setattr(files.os, "fdopen", fdopen)
    with pytest.raises(FileProblem) as caught:
        read_json(path)
    assert str(caught.value) == f"cannot read {path}: Input/output error"


def test_a_free_lock_is_held(tmp_path: Path) -> None:
    lock = tmp_path / "d" / "state.json.lock"
    with exclusive_lock(lock, 1.0) as held:
        assert held is True
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock.parent.stat().st_mode) == 0o700
    with exclusive_lock(lock, 1.0) as held:  # released with the block
        assert held is True


def test_a_lock_held_elsewhere_is_given_up_after_the_wait(tmp_path: Path) -> None:
    lock = tmp_path / "state.json.lock"
    with exclusive_lock(lock, 1.0) as first:
        assert first is True
        with exclusive_lock(lock, 0.05) as second:
            assert second is False


def test_a_file_system_without_locks_holds_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with exclusive_lock(tmp_path / "state.json.lock", 1.0) as held:
        assert held is False


def test_a_lock_path_that_is_no_regular_file_holds_none(tmp_path: Path) -> None:
    (tmp_path / "dir.lock").mkdir()
    with exclusive_lock(tmp_path / "dir.lock", 0.05) as held:
        assert held is False
    link = tmp_path / "link.lock"
    link.symlink_to(tmp_path / "elsewhere")
    with exclusive_lock(link, 0.05) as held:
        assert held is False
    assert not (tmp_path / "elsewhere").exists()
    os.mkfifo(tmp_path / "fifo.lock")
    with exclusive_lock(tmp_path / "fifo.lock", 0.05) as held:
        assert held is False
