"""Who may change a file or folder: the one rule, as ssh's ``StrictModes``,
for the plugin's own files (``aws/files.py``), for what ``enable`` copies
or runs (``lifecycle/trust.py``) and for the config file ``enable`` edits
(``lifecycle/configwrite.py``). Callers word their own messages; the
decisions are made here, on an ``fstat`` they took.

- A trusted owner is the user running the command, or root (who can do
  anything anyway).
- Others may write when the mode lets everyone write, or lets the group
  write and that group holds anyone but the user and root (as a primary
  group or listed in it). A group of the user alone, as Debian and Ubuntu
  give each user (user-private groups, umask 002), is as safe as 0700 and
  is accepted, as Debian's ssh accepts it.
- A folder above may be writable by others when it is sticky (``/tmp``)
  and owned by the user or root: nobody else can then rename or remove
  what the user or root owns in it. The object itself never may.

Where the three callers differed, this is the one rule now: ``files.py``
refused every group-writable file or folder and excused a sticky folder
above only when root owned it; ``trust.py`` accepted a user-private group
and a sticky folder of the user's. The user-private-group rule and a sticky
folder above owned by the user or root are kept everywhere: such a group
holds nobody else, and a sticky folder's owner can only be one of the two
owners already trusted with the file itself.

The group look-up (``grp``, ``pwd.getpwall``) runs only when a group-write
bit is set, once per group in a process: the plugin's cached paths see
0700 folders and 0600 files and never pay for it.
"""

from __future__ import annotations

import os
import stat

try:
    import grp
    import pwd
except ImportError:  # Windows: no owners to compare
    grp = None  # type: ignore[assignment]
    pwd = None  # type: ignore[assignment]

#: Whether a group holds nobody but the user and root, per (gid, euid).
_GROUPS: dict[tuple[int, int | None], bool] = {}


def current_user() -> int | None:
    """The effective uid, or None where there are no owners (Windows)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def trusted_owner(uid: int) -> bool:
    """The user running the command, or root."""
    return uid in (current_user(), 0)


def others_may_write(info: os.stat_result) -> bool:
    """Whether anyone but the owner, the user and root may write it."""
    if info.st_mode & stat.S_IWOTH:
        return True
    return bool(info.st_mode & stat.S_IWGRP) and not _group_of_user_alone(info.st_gid)


def shelters(info: os.stat_result) -> bool:
    """Whether a folder above (never the object itself) keeps others from
    renaming or removing what it holds however its mode reads: a sticky
    folder owned by the user or root."""
    return (
        stat.S_ISDIR(info.st_mode)
        and bool(info.st_mode & stat.S_ISVTX)
        and trusted_owner(info.st_uid)
    )


def user_name(uid: int) -> str | None:
    """The login name of ``uid``, or None if it has none (or no ``pwd``)."""
    if pwd is None:
        return None
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def owner_name(uid: int) -> str:
    """A user, for messages: ``name (uid N)``, or ``uid N``."""
    name = user_name(uid)
    return f"{name} (uid {uid})" if name else f"uid {uid}"


def _group_of_user_alone(gid: int) -> bool:
    """Whether everyone in group ``gid`` (as their primary group or listed
    in it) is the user or root; a group that cannot be looked up is not."""
    euid = current_user()
    key = (gid, euid)
    known = _GROUPS.get(key)
    if known is None:
        known = _GROUPS[key] = _members_trusted(gid, euid)
    return known


def _members_trusted(gid: int, euid: int | None) -> bool:
    if grp is None or pwd is None or euid is None:
        return False
    try:
        listed = grp.getgrgid(gid).gr_mem
    except KeyError:
        return False
    names = {user_name(euid), user_name(0)} - {None}
    primary = (entry.pw_uid for entry in pwd.getpwall() if entry.pw_gid == gid)
    return set(listed) <= names and all(uid in (euid, 0) for uid in primary)
