"""The one rule of who may change a file or folder (aws/ownership.py), as
ssh's StrictModes, on real owners and groups: the suite runs as root, with
a second local user and a group it is listed in (testing/local_users.py).
Each decision is also checked through the callers that take it: the
plugin's own files (aws/files.py) and what enable copies (lifecycle/trust.py)."""

from __future__ import annotations

import grp
import os
import pwd
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from awscli_regional_sts.aws import ownership
from awscli_regional_sts.aws.files import FileProblem, read_own_json, write_json
from awscli_regional_sts.lifecycle import trust
from testing.clients import ClientMissing
from testing.local_users import other_uid, shared_gid


def _needed(make: Callable[[], int]) -> int:
    try:
        return make()
    except ClientMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI runs as root", pytrace=False)
        pytest.skip(str(missing))


@pytest.fixture
def other() -> int:
    return _needed(other_uid)


@pytest.fixture
def shared(other: int) -> int:
    """A group with the other user listed in it (not its primary group)."""
    return _needed(shared_gid)


@pytest.fixture
def private_gid() -> int:
    """A group of this user (root) alone, as Debian gives each user: root's
    own group, checked to hold nobody else on this machine."""
    if os.geteuid() != 0:
        pytest.skip("the suite runs as root: root's group is then the user's own")
    assert set(grp.getgrgid(0).gr_mem) <= {"root"}
    assert {p.pw_uid for p in pwd.getpwall() if p.pw_gid == 0} == {0}
    return 0


def folder_with(tmp_path: Path, gid: int, bits: int) -> Path:
    """``tmp_path/f/sub/f.json``, a good file; ``f`` of group ``gid``, mode
    ``bits``."""
    path = tmp_path / "f" / "sub" / "f.json"
    write_json(path, {"A": 1})
    os.chown(path.parent.parent, -1, gid)
    path.parent.parent.chmod(bits)
    return path


def test_another_user_is_not_a_trusted_owner(other: int) -> None:
    assert not ownership.trusted_owner(other)
    assert ownership.trusted_owner(os.geteuid())
    assert ownership.trusted_owner(0)


def test_a_group_with_another_listed_member_may_not_write(
    tmp_path: Path, shared: int
) -> None:
    path = folder_with(tmp_path, shared, 0o770)
    assert ownership.others_may_write(os.stat(path.parent.parent))
    with pytest.raises(
        FileProblem, match=r"f is writable by group or others \(mode 0770\)"
    ):
        read_own_json(path)
    with pytest.raises(trust.Untrusted, match=r"f is writable by group or others"):
        trust.check_program(str(path), "a Python")


def test_a_group_whose_primary_member_is_another_user_may_not_write(
    tmp_path: Path, other: int
) -> None:
    path = folder_with(tmp_path, pwd.getpwuid(other).pw_gid, 0o770)
    assert ownership.others_may_write(os.stat(path.parent.parent))
    with pytest.raises(FileProblem, match="writable by group or others"):
        read_own_json(path)


def test_a_group_of_the_user_alone_may_write(tmp_path: Path, private_gid: int) -> None:
    """Debian's user-private groups with umask 002: as safe as 0700. Before
    the one rule, the plugin's own files refused this."""
    path = folder_with(tmp_path, private_gid, 0o770)
    os.chown(path, -1, private_gid)
    path.chmod(0o660)
    assert not ownership.others_may_write(os.stat(path.parent.parent))
    assert not ownership.others_may_write(os.stat(path))
    assert read_own_json(path) == {"A": 1}
    trust.check_program(str(path), "a Python")
    # A secret stays unread by the group all the same (secrecy, not ownership).
    with pytest.raises(FileProblem, match=r"readable or writable by group or others"):
        read_own_json(path, secret=True)


def test_writable_by_all_is_never_the_users_alone(
    tmp_path: Path, private_gid: int
) -> None:
    path = folder_with(tmp_path, private_gid, 0o777)
    assert ownership.others_may_write(os.stat(path.parent.parent))
    with pytest.raises(FileProblem, match=r"mode 0777"):
        read_own_json(path)


def test_a_sticky_folder_above_shelters_what_it_holds_not_itself(
    tmp_path: Path, other: int
) -> None:
    path = folder_with(tmp_path, 0, 0o1777)
    sticky = os.stat(path.parent.parent)
    assert ownership.shelters(sticky)
    assert read_own_json(path) == {"A": 1}
    # The object itself: trust.py asks about it with above=False.
    assert trust.problem(sticky, above=False) is not None
    assert trust.problem(sticky, above=True) is None
    # A sticky file is no shelter; nor is a sticky folder of another user.
    path.chmod(0o1666)
    assert not ownership.shelters(os.stat(path))
    os.chown(path.parent.parent, other, -1)
    assert not ownership.shelters(os.stat(path.parent.parent))


def test_a_sticky_folder_of_the_user_shelters_the_plugins_files(
    tmp_path: Path, other: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own sticky folder, not only root's (the plugin's files
    used to ask for root's): its owner is trusted with the file anyway."""
    path = folder_with(tmp_path, 0, 0o1777)
    os.chown(path.parent.parent, other, -1)
    monkeypatch.setattr(ownership, "_GROUPS", {})
    monkeypatch.setattr(os, "geteuid", lambda: other)  # the other user runs it
    assert read_own_json(path) == {"A": 1}
    path.parent.parent.chmod(0o777)
    with pytest.raises(FileProblem, match=r"mode 0777"):
        read_own_json(path)


def test_groups_are_looked_up_only_for_a_group_write_bit_once_each(
    tmp_path: Path, private_gid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plugin's cached paths (0700 folders, 0600 files) never read the
    user list; a group-writable one reads it once per group."""
    calls: list[int] = []
    real = pwd.getpwall

    def counted() -> list[pwd.struct_passwd]:
        calls.append(1)
        return real()

    monkeypatch.setattr(ownership, "_GROUPS", {})
    monkeypatch.setattr(pwd, "getpwall", counted)
    folder = tmp_path / "g"
    folder.mkdir(mode=0o755)
    os.chown(folder, -1, private_gid)
    assert not ownership.others_may_write(os.stat(folder))
    assert calls == []
    folder.chmod(0o775)
    assert not ownership.others_may_write(os.stat(folder))
    assert not ownership.others_may_write(os.stat(folder))
    assert calls == [1]


def test_owner_names_for_messages() -> None:
    assert ownership.owner_name(0) == "root (uid 0)"
    unknown = 3_999_999
    with pytest.raises(KeyError):
        pwd.getpwuid(unknown)
    assert ownership.owner_name(unknown) == f"uid {unknown}"
    assert ownership.user_name(unknown) is None


# -- who is in a group, on a user database the test writes --


class _Users:
    """A user database for ``grp`` and ``pwd``: the machine's cannot be
    given a group of exactly the user and root, or root's group as
    another's primary group, without changing it for every process."""

    def __init__(self, users: dict[int, tuple[str, int]], groups: dict[int, list[str]]):
        self.users, self.groups = users, groups

    def getgrgid(self, gid: int) -> SimpleNamespace:
        if gid not in self.groups:
            raise KeyError(gid)
        return SimpleNamespace(gr_mem=self.groups[gid])

    def getpwuid(self, uid: int) -> SimpleNamespace:
        if uid not in self.users:
            raise KeyError(uid)
        return SimpleNamespace(pw_name=self.users[uid][0])

    def getpwall(self) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(pw_name=name, pw_uid=uid, pw_gid=gid)
            for uid, (name, gid) in self.users.items()
        ]


ALICE = 1000  # the user running the command


def group_writable(gid: int) -> os.stat_result:
    """An fstat of a 0770 folder of group ``gid``, owned by the user."""
    return os.stat_result((0o40770, 1, 1, 2, ALICE, gid, 4096, 0, 0, 0))


@pytest.mark.parametrize(
    ("gid", "alone"),
    [
        (100, True),  # alice and root listed: the user and root only
        (101, True),  # alice listed, root's primary group
        (102, False),  # daemon listed (uid 1: neither the user nor root)
        (103, False),  # mallory's primary group, nobody listed
        (104, False),  # mallory listed, nobody's primary group
        (999, False),  # no such group: not known to hold only the user
    ],
)
def test_a_group_holds_only_the_user_and_root(
    gid: int, alone: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = _Users(
        {
            0: ("root", 101),
            1: ("daemon", 1),
            ALICE: ("alice", ALICE),
            1001: ("mallory", 103),
        },
        {
            100: ["alice", "root"],
            101: ["alice"],
            102: ["daemon"],
            103: [],
            104: ["mallory"],
        },
    )
    monkeypatch.setattr(ownership, "_GROUPS", {})
    monkeypatch.setattr(ownership, "grp", users)
    monkeypatch.setattr(ownership, "pwd", users)
    monkeypatch.setattr(os, "geteuid", lambda: ALICE)
    assert ownership.others_may_write(group_writable(gid)) is not alone


@pytest.mark.parametrize("missing", ["grp", "pwd", "geteuid"])
def test_without_a_user_database_a_group_is_never_the_users_alone(
    missing: str, private_gid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no grp, pwd nor geteuid: a group-write bit counts as
    others'."""
    monkeypatch.setattr(ownership, "_GROUPS", {})
    if missing == "geteuid":
        monkeypatch.delattr(os, "geteuid")
    else:
        monkeypatch.setattr(ownership, missing, None)
    assert ownership.others_may_write(group_writable(private_gid))
