"""Extract members of a downloaded tar archive without trusting it.

``TarFile.extractall(filter="data")`` exists only from Python 3.12 and the
3.11.4 / 3.10.12 / 3.9.17 backports: Debian 12's /usr/bin/python3 (3.11.2)
and older 3.9s do not have it, and without a filter ``extractall`` writes
wherever a member's name, link or device entry says. So this module checks
every member itself and writes only directories and regular files, on every
Python, the same way: a name that is absolute or climbs out with ``..``, a
symbolic or hard link, a device or a FIFO is refused before anything is
written, and no owner, set-id bit or write permission for others is taken from the
archive (files are 0644, or 0755 when the owner may run them).
"""

from __future__ import annotations

import re
import shutil
import tarfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafeMember(Exception):
    """A member that extraction would write outside its folder or that is
    not a plain directory or regular file."""


def check_member(member: tarfile.TarInfo) -> PurePosixPath:
    """The member's relative path, or UnsafeMember saying why it is refused."""
    name = member.name
    if "\x00" in name:
        raise UnsafeMember(f"{name!r}: a NUL byte in the name")
    path = PurePosixPath(name)
    # A Windows drive or a backslash-rooted name is absolute somewhere too.
    if path.is_absolute() or name.startswith("\\") or _DRIVE.match(name):
        raise UnsafeMember(f"{name!r}: an absolute path")
    if ".." in path.parts or ".." in name.split("\\"):
        raise UnsafeMember(f"{name!r}: '..' climbs out of the folder")
    if member.issym() or member.islnk():
        raise UnsafeMember(f"{name!r}: a link (to {member.linkname!r})")
    if not (member.isfile() or member.isdir()):
        raise UnsafeMember(f"{name!r}: not a regular file or directory")
    parts = [part for part in path.parts if part != "."]
    if not parts:
        raise UnsafeMember(f"{name!r}: no name")
    return PurePosixPath(*parts)


def extract_members(
    tar: tarfile.TarFile, members: Iterable[tarfile.TarInfo], destination: Path
) -> list[Path]:
    """Write ``members`` of ``tar`` under ``destination`` (an existing,
    empty folder this process made). Every member is checked first, so an
    archive with one unsafe member leaves nothing behind. Returns the
    regular files written."""
    chosen = list(members)
    checked = [(member, check_member(member)) for member in chosen]
    root = destination.resolve()
    written: list[Path] = []
    for member, relative in checked:
        target = root.joinpath(*relative.parts)
        # Only directories and files made here are on the way, so this
        # holds unless something else writes into the folder meanwhile.
        if root not in target.resolve().parents:
            raise UnsafeMember(f"{member.name!r}: resolves outside {root}")
        if member.isdir():
            target.mkdir(mode=0o755, parents=True, exist_ok=True)
            continue
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:  # pragma: no cover - isfile() members have data
            raise UnsafeMember(f"{member.name!r}: no data")
        with source, open(target, "xb") as out:
            shutil.copyfileobj(source, out)
        target.chmod(0o755 if member.mode & 0o100 else 0o644)
        written.append(target)
    return written
