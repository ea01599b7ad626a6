"""The plugin's own files are trusted as ssh's StrictModes trusts
``authorized_keys`` (issue 31, finding 4): the file and every folder above
it are owned by this user or root and writable by nobody else, checked on
the descriptor that is read; writers make folders 0700 and files 0600
whatever the umask, and never write through a link or into a folder
someone else controls.

The suite runs as root, so "another user" is a real one: ``nobody``
(65534, present on Debian), given files with ``os.chown``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from awscli_regional_sts.aws.files import (
    FileMissing,
    FileProblem,
    UnsafePath,
    exclusive_lock,
    read_json,
    read_own_json,
    write_json,
)

#: "nobody" on Debian: a real user that is not this one.
OTHER_UID = 65534
#: "nogroup" on Debian, nobody's own group: a group that holds another
#: user, so that a group-write bit lets someone else write (a group of this
#: user alone may: aws/ownership.py).
OTHER_GID = 65534

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a file to another user needs root (the suite runs as root)",
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of this user's, 0700: a good place for the plugin's files."""
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def good_file(folder: Path, name: str = "f.json") -> Path:
    path = folder / name
    write_json(path, {"A": 1})
    return path


def refusal(path: Path, *, secret: bool = False) -> str:
    with pytest.raises(FileProblem) as caught:
        read_own_json(path, secret=secret)
    assert not isinstance(caught.value, FileMissing)
    return str(caught.value)


def test_a_file_of_this_user_in_good_folders_is_read(folder: Path) -> None:
    path = good_file(folder)
    assert read_own_json(path) == {"A": 1}
    assert read_own_json(path, secret=True) == {"A": 1}


@needs_root
def test_a_file_of_another_user_is_not_used(folder: Path) -> None:
    path = good_file(folder)
    os.chown(path, OTHER_UID, OTHER_UID)
    assert refusal(path) == (
        f"{path} belongs to user id {OTHER_UID}, not to you or root; not used"
    )


@needs_root
@pytest.mark.parametrize("bits", [0o620, 0o602, 0o666])
def test_a_file_others_can_write_is_not_used(folder: Path, bits: int) -> None:
    path = good_file(folder)
    os.chown(path, -1, OTHER_GID)
    path.chmod(bits)
    assert refusal(path) == (
        f"{path} is writable by group or others (mode {bits:04o}); not used"
    )


def test_a_secret_others_can_read_is_not_used_and_other_files_are(
    folder: Path,
) -> None:
    path = good_file(folder)
    path.chmod(0o644)
    assert read_own_json(path) == {"A": 1}  # nothing secret in it
    assert refusal(path, secret=True) == (
        f"{path} is readable or writable by group or others (mode 0644); not used"
    )


def test_a_symlink_to_a_good_file_is_not_followed(folder: Path) -> None:
    target = good_file(folder, "real.json")
    link = folder / "f.json"
    link.symlink_to(target)
    assert refusal(link) == f"{link} is a symbolic link; not read"


def test_a_missing_file_or_folder_is_missing(folder: Path) -> None:
    for path in (folder / "none.json", folder / "no" / "folder" / "f.json"):
        with pytest.raises(FileMissing) as caught:
            read_own_json(path)
        assert str(caught.value) == f"no file {path}"


@needs_root
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_a_folder_of_another_user_anywhere_above_is_not_used(
    folder: Path, depth: int
) -> None:
    path = good_file(folder / "a" / "b")
    owned = [folder / "a" / "b", folder / "a", folder][depth]
    os.chown(owned, OTHER_UID, OTHER_UID)
    assert refusal(path) == (
        f"{owned} belongs to user id {OTHER_UID}, not to you or root; not used"
    )


@needs_root
@pytest.mark.parametrize("bits", [0o770, 0o707, 0o777, 0o2777])
def test_a_folder_others_can_write_is_not_used(folder: Path, bits: int) -> None:
    path = good_file(folder / "sub")
    os.chown(folder / "sub", -1, OTHER_GID)
    os.chown(folder, -1, OTHER_GID)
    (folder / "sub").chmod(bits)
    folder.chmod(bits)
    # The first one from / down is named.
    assert refusal(path) == (
        f"{folder} is writable by group or others (mode {bits:04o}); not used"
    )


@needs_root
def test_a_sticky_folder_others_can_write_is_used_only_if_roots(
    folder: Path,
) -> None:
    # Like /tmp: in a root-owned sticky folder nobody else can rename or
    # remove what this user put there.
    path = good_file(folder / "sub")
    folder.chmod(0o1777)
    assert read_own_json(path) == {"A": 1}
    os.chown(folder, OTHER_UID, OTHER_UID)
    assert refusal(path) == (
        f"{folder} belongs to user id {OTHER_UID}, not to you or root; not used"
    )


def test_a_symlinked_folder_is_checked_where_it_leads(
    tmp_path: Path, folder: Path
) -> None:
    # A home reached through a link (/home -> /usr/home, macOS's /var) is
    # still used: the link sits in a folder its owner trusts, and the folders
    # it leads to are the ones checked.
    path = good_file(folder / "sub")
    link = tmp_path / "home"
    link.symlink_to(folder)
    assert read_own_json(link / "sub" / "f.json") == {"A": 1}
    (folder / "sub").chmod(0o777)
    assert refusal(link / "sub" / "f.json") == (
        f"{path.parent} is writable by group or others (mode 0777); not used"
    )


def test_a_file_in_place_of_a_folder_says_so(folder: Path) -> None:
    (folder / "sub").write_text("")
    assert refusal(folder / "sub" / "f.json") == (
        f"cannot open {folder / 'sub'}: Not a directory"
    )


def test_a_named_file_is_read_wherever_it_is(folder: Path) -> None:
    # read_json is for a file the user names (a report): its folder is the
    # user's choice; the file itself is still checked.
    path = good_file(folder)
    folder.chmod(0o777)
    assert read_json(path) == {"A": 1}


@needs_root
def test_a_named_file_is_checked_for_its_owner_only_when_asked(folder: Path) -> None:
    # A report (fleet/documents.py) is read whoever wrote it and whoever may
    # write it; a listing (owned=True: fleet_arguments.py) must be the user's.
    path = good_file(folder)
    path.chmod(0o666)
    os.chown(path, OTHER_UID, -1)
    assert read_json(path) == {"A": 1}
    with pytest.raises(FileProblem) as caught:
        read_json(path, owned=True)
    assert str(caught.value) == (
        f"{path} belongs to user id {OTHER_UID}, not to you or root; not read"
    )


@pytest.mark.usefixtures("umask_022")
def test_folders_are_made_0700_and_files_0600_whatever_the_umask(
    tmp_path: Path,
) -> None:
    path = tmp_path / "home" / ".aws" / "cli" / "cache" / "regional-sts" / "f.json"
    write_json(path, {"A": 1})
    assert mode(path) == 0o600
    for made in list(path.parents)[:5]:
        assert mode(made) == 0o700, made
    os.umask(0o277)  # a umask that would leave the folders unwritable
    write_json(tmp_path / "other" / "deeper" / "f.json", {"A": 1})
    assert mode(tmp_path / "other") == 0o700
    assert mode(tmp_path / "other" / "deeper") == 0o700
    assert mode(tmp_path / "other" / "deeper" / "f.json") == 0o600


def test_a_writer_tightens_its_own_folder_made_by_an_older_version(
    folder: Path,
) -> None:
    sub = folder / "regional-sts"
    sub.mkdir(mode=0o755)
    sub.chmod(0o755)
    write_json(sub / "state.json", {})
    assert mode(sub) == 0o700


@needs_root
@pytest.mark.parametrize("bits", [0o775, 0o777])
def test_nothing_is_written_into_a_folder_others_can_write(
    folder: Path, bits: int
) -> None:
    sub = folder / "regional-sts"
    sub.mkdir()
    os.chown(sub, -1, OTHER_GID)
    sub.chmod(bits)
    with pytest.raises(UnsafePath) as caught:
        write_json(sub / "f.json", {"A": 1})
    assert str(caught.value) == (
        f"{sub} is writable by group or others (mode {bits:04o}); not used"
    )
    assert list(sub.iterdir()) == []
    assert mode(sub) == bits  # refused, not "fixed": something may be planted
    with exclusive_lock(sub / "f.json.lock", 0.05) as held:
        assert held is False
    assert list(sub.iterdir()) == []


@needs_root
def test_nothing_is_written_into_a_folder_of_another_user(folder: Path) -> None:
    sub = folder / "regional-sts"
    sub.mkdir(mode=0o700)
    os.chown(sub, OTHER_UID, OTHER_UID)
    with pytest.raises(UnsafePath):
        write_json(sub / "f.json", {"A": 1})
    assert list(sub.iterdir()) == []


def test_a_link_at_the_files_name_is_replaced_not_written_through(
    folder: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = folder / "f.json"
    link.symlink_to(victim)
    write_json(link, {"A": 1})
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and json.loads(link.read_text()) == {"A": 1}
    assert sorted(p.name for p in folder.iterdir()) == ["f.json"]


@needs_root
def test_a_lock_file_of_another_user_is_not_held(folder: Path) -> None:
    lock = folder / "state.json.lock"
    lock.write_text("")
    os.chown(lock, OTHER_UID, OTHER_UID)
    with exclusive_lock(lock, 0.05) as held:
        assert held is False
