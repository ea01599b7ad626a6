"""A second local user for the tests of what another user could change
(issue 31): the suite runs as root, which may create that user and hand it
files (``os.chown``); a check that reads the owner from ``fstat`` then sees
a real other uid.

``useradd --system --no-create-home``: no home, no login shell, no
password; created once per machine, again harmlessly by a parallel worker.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess

from testing.clients import ClientMissing

#: The user the tests hand files to.
OTHER_USER = "regional-sts-other"


def other_uid() -> int:
    """The uid of ``OTHER_USER``, created if missing. ``ClientMissing``
    (a skip, a failure on CI) when this is not root or there is no
    ``useradd``."""
    try:
        return pwd.getpwnam(OTHER_USER).pw_uid
    except KeyError:
        pass
    useradd = shutil.which("useradd") or shutil.which("/usr/sbin/useradd")
    if os.geteuid() != 0 or useradd is None:
        raise ClientMissing(
            f"a second local user ({OTHER_USER})",
            "run the tests as root (as make test does), with useradd (Debian's passwd)",
        )
    done = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        + [OTHER_USER],
        capture_output=True,
        text=True,
    )
    try:  # a parallel worker may have made it first (useradd then says so)
        return pwd.getpwnam(OTHER_USER).pw_uid
    except KeyError:
        raise RuntimeError(f"useradd {OTHER_USER} failed: {done.stderr}") from None


#: A group that holds ``OTHER_USER`` as a listed member (not its primary
#: group): writable by that group means writable by another user.
SHARED_GROUP = "regional-sts-shared"


def shared_gid() -> int:
    """The gid of ``SHARED_GROUP`` with ``OTHER_USER`` listed in it, both
    created if missing (``groupadd --system``, ``gpasswd -a``); as
    ``other_uid``, ``ClientMissing`` when that cannot be done here."""
    other_uid()
    try:
        group = grp.getgrnam(SHARED_GROUP)
        if OTHER_USER in group.gr_mem:
            return group.gr_gid
    except KeyError:
        _run_tool("groupadd", "--system", SHARED_GROUP)
    _run_tool("gpasswd", "-a", OTHER_USER, SHARED_GROUP)
    group = grp.getgrnam(SHARED_GROUP)
    if OTHER_USER not in group.gr_mem:
        raise RuntimeError(f"{OTHER_USER} is not in {SHARED_GROUP} after gpasswd -a")
    return group.gr_gid


def _run_tool(name: str, *arguments: str) -> None:
    """Run a shadow tool; its failure is fine when a parallel worker did
    the same first (the caller looks again)."""
    tool = shutil.which(name) or shutil.which(f"/usr/sbin/{name}")
    if os.geteuid() != 0 or tool is None:
        raise ClientMissing(
            f"a shared group ({SHARED_GROUP})",
            f"run the tests as root (as make test does), with {name} (Debian's passwd)",
        )
    subprocess.run([tool, *arguments], capture_output=True, text=True)
