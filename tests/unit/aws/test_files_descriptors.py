"""What the plugin reads and writes is in the folder it checked, not
whatever the path names a moment later (issue 31, finding 4); no
descriptor is left open; a file is 0600 from the moment it exists. The
rules themselves: test_files_trust.py."""

from __future__ import annotations

import gc
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from awscli_regional_sts.aws import files
from awscli_regional_sts.aws.files import (
    FileProblem,
    exclusive_lock,
    read_own_json,
    write_json,
)

#: "nobody" on Debian: a real user that is not this one.
OTHER_UID = 65534

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a file to another user needs root (the suite runs as root)",
)


def swapped_after_the_check(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> Callable[[], Path]:
    """Once the folders are checked, ``folder`` is moved away and another
    put in its place (what a race could do); returns where the checked one
    went."""
    checked = folder.with_name(folder.name + "-checked")
    real_open_folder = files._open_folder

    def open_then_swap(path: Path, *, create: bool) -> int | None:
        descriptor = real_open_folder(path, create=create)
        folder.rename(checked)
        folder.mkdir(mode=0o700)
        (folder / "f.json").write_text('{"Forged": true}')
        return descriptor

    monkeypatch.setattr(files, "_open_folder", open_then_swap)
    return lambda: checked


def test_a_reader_reads_from_the_folder_it_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    write_json(folder / "f.json", {"Genuine": True})
    swapped_after_the_check(monkeypatch, folder)
    assert read_own_json(folder / "f.json") == {"Genuine": True}


def test_a_writer_writes_into_the_folder_it_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    checked = swapped_after_the_check(monkeypatch, folder)
    write_json(folder / "f.json", {"A": 1})
    assert json.loads((checked() / "f.json").read_text()) == {"A": 1}
    assert json.loads((folder / "f.json").read_text()) == {"Forged": True}
    assert sorted(p.name for p in folder.iterdir()) == ["f.json"]


def test_a_lock_is_taken_in_the_folder_it_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    checked = swapped_after_the_check(monkeypatch, folder)
    with exclusive_lock(folder / "f.json.lock", 0.05) as held:
        assert held is True
    assert (checked() / "f.json.lock").is_file()
    assert not (folder / "f.json.lock").exists()


def open_descriptors() -> int:
    # Sockets and files that earlier tests left unreferenced in a cycle are
    # closed whenever the collector runs, in the middle of a test as well
    # (mutmut's clean run once saw 17 before, 15 after): collect first. A
    # raw descriptor left open here is an int, which no collection closes.
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def test_no_descriptor_is_left_open(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    path = folder / "f.json"
    write_json(path, {"A": 1})
    before = open_descriptors()
    for _ in range(20):
        write_json(path, {"A": 1})
        read_own_json(path)
        with exclusive_lock(folder / "f.json.lock", 0.05):
            pass
        folder.chmod(0o777)
        with pytest.raises(FileProblem):
            read_own_json(path)
        with pytest.raises(OSError):
            write_json(path, {})
        folder.chmod(0o700)
    assert open_descriptors() == before


def test_a_folder_that_cannot_be_tightened_says_why_and_stays_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    before = open_descriptors()

    def refuse(descriptor: int, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(files.os, "fchmod", refuse)
    with pytest.raises(PermissionError):
        write_json(folder / "f.json", {})
    assert open_descriptors() == before


def test_a_file_is_0600_from_the_moment_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not made with the umask's mode and narrowed afterwards: in between,
    # another user could open it and read it later.
    monkeypatch.setattr(files.os, "fchmod", lambda descriptor, mode: None)
    old = os.umask(0o022)
    try:
        write_json(tmp_path / "f.json", {"A": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.json").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "make", [os.mkfifo, lambda path: os.mkdir(path)], ids=["fifo", "folder"]
)
def test_what_is_no_regular_file_says_so(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    path = tmp_path / "f.json"
    make(path)
    with pytest.raises(FileProblem) as caught:
        read_own_json(path)
    assert str(caught.value) == f"{path} is not a regular file; not used"


@needs_root
def test_a_user_other_than_root_trusts_their_own_files_and_roots_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As user 65534 (its effective id, as the checks see it): its file in
    # root's folders is used; root's folder is not made 0700 by its writes.
    folder = tmp_path / "cache"
    path = folder / "f.json"
    write_json(path, {"A": 1})
    folder.chmod(0o755)
    os.chown(path, OTHER_UID, OTHER_UID)
    monkeypatch.setattr(files.os, "geteuid", lambda: OTHER_UID)
    assert read_own_json(path) == {"A": 1}
    write_json(path, {"A": 2})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    os.chown(path, OTHER_UID + 1, OTHER_UID + 1)
    with pytest.raises(FileProblem, match="belongs to user id 65535"):
        read_own_json(path)


def test_a_link_planted_at_the_temporary_name_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were the random part guessed, a link there still leads nowhere: the
    # temporary file must be new (O_EXCL), never a link followed.
    monkeypatch.setattr(files.os, "urandom", lambda size: b"\x01" * size)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    (folder / f".f.json.{'01' * 6}.tmp").symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_json(folder / "f.json", {"A": 1})
    assert victim.read_text() == "keep me"
    assert not (folder / "f.json").exists()


def test_where_folders_cannot_be_walked_the_file_is_still_written_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows has no openat: the paths are used whole, folders made 0700.
    # From an empty working folder: nothing there may be read instead.
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setattr(files, "_WALKS", False)
    old = os.umask(0o022)
    try:
        path = tmp_path / "a" / "b" / "f.json"
        write_json(path, {"A": 1})
        write_json(path, {"A": 2})
        with exclusive_lock(path.with_name("f.json.lock"), 0.05) as held:
            assert held is True
    finally:
        os.umask(old)
    assert read_own_json(path) == {"A": 2}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["f.json", "f.json.lock"]


@needs_root
def test_a_folder_of_a_user_other_than_root_is_theirs_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    path = folder / "f.json"
    write_json(path, {"A": 1})
    os.chown(folder, OTHER_UID, OTHER_UID)
    os.chown(path, OTHER_UID, OTHER_UID)
    monkeypatch.setattr(files.os, "geteuid", lambda: OTHER_UID)
    assert read_own_json(path) == {"A": 1}


def test_a_link_that_appears_after_the_path_was_resolved_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between the walk as given and the walk of the resolved path, a folder
    # became a link: refused, not followed.
    real = tmp_path / "real"
    write_json(real / "f.json", {"A": 1})
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setattr(files.os.path, "realpath", lambda path: path)
    with pytest.raises(FileProblem) as caught:
        read_own_json(link / "f.json")
    # ENOTDIR on Linux (O_DIRECTORY is checked before O_NOFOLLOW).
    assert str(caught.value) in (
        f"cannot open {link}: Not a directory",
        f"cannot open {link}: Too many levels of symbolic links",
    )


def test_through_a_linked_folder_missing_folders_are_missing_or_made(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    path = tmp_path / "link" / "new" / "f.json"
    with pytest.raises(FileProblem) as caught:
        read_own_json(path)
    assert str(caught.value) == f"no file {path}"
    write_json(path, {"A": 1})
    assert json.loads((real / "new" / "f.json").read_text()) == {"A": 1}


def test_folders_are_0700_from_the_moment_they_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files.os, "fchmod", lambda descriptor, mode: None)
    old = os.umask(0o022)
    try:
        write_json(tmp_path / "a" / "b" / "f.json", {"A": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
