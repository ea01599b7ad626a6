"""What enable copies and runs, checked on the descriptor (issue 31,
findings 1 and 2): files another user owns or can write are refused, with a
real other uid (testing/local_users.py); the copy's modes are fixed."""

from __future__ import annotations

import os
import pwd
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle import detection, trust
from testing.clients import ClientMissing
from testing.local_users import OTHER_USER, other_uid


@pytest.fixture
def other() -> int:
    try:
        return other_uid()
    except ClientMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI runs as root", pytrace=False)
        pytest.skip(str(missing))


@pytest.fixture
def no_umask() -> Iterator[None]:
    """umask 0: the copy's modes must not come from the umask either."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def package(root: Path) -> Path:
    """A small package tree: a folder, a subfolder, a file in each."""
    tree = root / "pkg"
    (tree / "sub").mkdir(parents=True)
    (tree / "__init__.py").write_text("x = 1\n")
    (tree / "sub" / "mod.py").write_text("y = 2\n")
    return tree


def copy(tree: Path, tmp_path: Path) -> Path:
    destination = Path(tempfile.mkdtemp(dir=tmp_path)) / "copy"
    trust.copy_tree(tree, destination)
    return destination


def test_the_owner_is_read_from_the_descriptor(tmp_path: Path, other: int) -> None:
    path = tmp_path / "f"
    path.write_text("")
    os.chown(path, other, -1)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        why = trust.problem(os.fstat(descriptor), above=False)
    finally:
        os.close(descriptor)
    assert why == f"is owned by {OTHER_USER} (uid {other}), not by you or root"


def test_a_tree_another_user_owns_is_refused(tmp_path: Path, other: int) -> None:
    tree = package(tmp_path)
    os.chown(tree / "sub" / "mod.py", other, -1)
    with pytest.raises(trust.Untrusted) as refused:
        copy(tree, tmp_path)
    line = str(refused.value)
    assert "\n" not in line
    assert f"{tree}/sub/mod.py is owned by {OTHER_USER} (uid {other})" in line
    assert 'dir=$(mktemp -d); python3 -m pip install --target "$dir"' in line


def test_a_folder_above_owned_by_another_user_is_refused(
    tmp_path: Path, other: int
) -> None:
    tree = package(tmp_path / "planted")
    os.chown(tmp_path / "planted", other, -1)
    with pytest.raises(trust.Untrusted, match=f"{tmp_path}/planted is owned by"):
        copy(tree, tmp_path)


@pytest.mark.parametrize("where", ["pkg", "pkg/sub", "pkg/sub/mod.py"])
def test_a_tree_others_can_write_is_refused(tmp_path: Path, where: str) -> None:
    tree = package(tmp_path)
    (tmp_path / where).chmod(0o777)
    mode = r"writable by group or others \(mode 0777, owner root \(uid 0\)\)"
    with pytest.raises(trust.Untrusted, match=mode):
        copy(tree, tmp_path)


@pytest.mark.parametrize("where", ["pkg", "pkg/sub/mod.py"])
def test_a_group_with_another_member_may_not_write(
    tmp_path: Path, other: int, where: str
) -> None:
    """Group-writable is fine only for a group of the user (and root)
    alone: Debian and Ubuntu give each user one, with umask 002."""
    tree = package(tmp_path)
    (tmp_path / where).chmod(0o775)
    copy(tree, tmp_path)  # group root: nobody but root in it
    os.chown(tmp_path / where, -1, pwd.getpwuid(other).pw_gid)
    with pytest.raises(trust.Untrusted, match=f"{tmp_path / where} is writable"):
        copy(tree, tmp_path)


def test_a_folder_above_others_can_write_needs_the_sticky_bit(tmp_path: Path) -> None:
    """Without it anyone may rename the package folder away and put theirs
    in its place; with it (as /tmp) only its owner (the user or root) may."""
    shared = tmp_path / "shared"
    shared.mkdir()
    tree = package(shared)
    shared.chmod(0o777)
    with pytest.raises(trust.Untrusted, match=f"{shared} is writable"):
        copy(tree, tmp_path)
    shared.chmod(0o1777)
    assert (copy(tree, tmp_path) / "sub" / "mod.py").read_text() == "y = 2\n"
    tree.chmod(0o1777)  # the sticky bit excuses a folder above, never the tree
    with pytest.raises(trust.Untrusted, match=f"{tree} is writable"):
        copy(tree, tmp_path)


def test_the_copy_has_fixed_modes_whatever_the_source_and_umask(
    tmp_path: Path, no_umask: None
) -> None:
    """Finding 2: the copy was made with the source's modes. The source here
    is as odd as a safe one may be (0700 folders, 0755 and 0400 files)."""
    tree = package(tmp_path)
    (tree / "sub").chmod(0o700)
    tree.chmod(0o700)
    (tree / "__init__.py").chmod(0o755)
    (tree / "sub" / "mod.py").chmod(0o400)
    copied = copy(tree, tmp_path)
    modes = {
        str(path.relative_to(copied)): stat.S_IMODE(path.stat().st_mode)
        for path in [copied, *copied.rglob("*")]
    }
    assert modes == {
        ".": 0o755,
        "sub": 0o755,
        "__init__.py": 0o644,
        "sub/mod.py": 0o644,
    }
    assert (copied / "__init__.py").read_text() == "x = 1\n"


def test_links_and_bytecode_in_the_tree(tmp_path: Path) -> None:
    tree = package(tmp_path)
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (tree / "stray.pyc").write_bytes(b"\0")
    assert sorted(os.listdir(copy(tree, tmp_path))) == ["__init__.py", "sub"]
    (tree / "sub" / "link.py").symlink_to("/etc/passwd")
    with pytest.raises(trust.Untrusted, match="link.py is a symbolic link"):
        copy(tree, tmp_path)


def test_a_link_on_the_way_is_followed_and_its_target_checked(tmp_path: Path) -> None:
    tree = package(tmp_path / "real")
    (tmp_path / "via").symlink_to(tmp_path / "real")
    assert (copy(tmp_path / "via" / "pkg", tmp_path) / "__init__.py").is_file()
    (tmp_path / "real").chmod(0o777)
    with pytest.raises(trust.Untrusted, match=f"{tmp_path}/real is writable"):
        copy(tmp_path / "via" / "pkg", tmp_path)
    del tree


def test_a_python_others_can_change_is_not_run(tmp_path: Path) -> None:
    trust.check_program(sys.executable, "this Python")  # the test's own: fine
    folder = tmp_path / "bin"
    folder.mkdir()
    python = folder / "python3"
    python.symlink_to(sys.executable)
    trust.check_program(str(python), "a link to it")
    folder.chmod(0o777)
    with pytest.raises(trust.Untrusted) as refused:
        trust.check_program(str(python), "the Python that aws runs on")
    assert str(refused.value).startswith(
        f"refusing to run {python} (the Python that aws runs on): {folder} is "
        "writable by group or others (mode 0777, owner root (uid 0))"
    )


def test_a_python_another_user_owns_is_not_run(tmp_path: Path, other: int) -> None:
    python = tmp_path / "python3"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    os.chown(python, other, -1)
    with pytest.raises(trust.Untrusted, match=f"is owned by {OTHER_USER}"):
        trust.check_program(str(python), "the Python that aws runs on")


@pytest.mark.parametrize(
    "path", [":/usr/bin", "/usr/bin:", "/usr/bin::/bin", ".:/usr/bin", "bin:/usr/bin"]
)
def test_empty_and_relative_path_entries_are_not_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """Finding 7: an empty PATH entry is the current folder, whose ./aws
    ran first."""
    (tmp_path / "bin").mkdir()
    for planted in (tmp_path / "aws", tmp_path / "bin" / "aws"):
        planted.write_text("#!/bin/sh\n")
        planted.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    assert detection.search_path(path) == [e for e in path.split(":") if e[:1] == "/"]
    found = detection.which("aws", path)
    assert found is None or found.startswith("/usr/bin/")
    assert all(aws.startswith("/") for aws in detection.all_on_path(path))
    monkeypatch.setenv("PATH", path)
    assert not detection.find_aws(None).startswith(str(tmp_path))
    assert detection.find_aws("./aws") == "./aws"  # named by the user: taken
