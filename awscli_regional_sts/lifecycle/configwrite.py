"""How ``enable`` and ``disable`` open and replace an AWS config file.

The file is the user's: it may be a symbolic link kept by a dotfile
manager, in any encoding, with CRLF line ends, mode 0640, edited by another
process at the same moment. So an edit here

- resolves the link and edits its target (the link stays a link), and
  never follows a link into a file that another user (not root) owns;
- refuses, in one line, a file (or a folder to create it in) that the user
  running the command does not own: root with another user's HOME would
  otherwise leave the file root's;
- holds an advisory ``flock`` on the file for the whole read-change-write,
  waiting at most ``LOCK_SECONDS``, and re-opens it if another writer
  replaced it meanwhile (the lock is on the file, not on its name);
- hands the caller bytes and writes back the bytes it returns: nothing is
  decoded and encoded again;
- writes a temporary file in the same folder with the original's owner,
  group and mode, ``fsync``s it, renames it over the original
  (``os.replace``, atomic) and ``fsync``s the folder, so that a crash
  leaves the old file or the new one, never half of one.

Standard library only: ``lifecycle/`` runs without botocore.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from awscli_regional_sts.aws import ownership

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]

#: Far above any real config file; a larger one is not read.
MAX_BYTES = 4 * 1024 * 1024
#: How long an edit waits for another writer's lock.
LOCK_SECONDS = 10.0
#: A new config file is the user's alone, as ``aws configure`` makes it.
NEW_FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: Opening a FIFO (AWS_CONFIG_FILE=/dev/stdin...) must not hang: it is then
#: refused as not a regular file.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class ConfigFileError(Exception):
    """The file cannot be read or written; the message says why."""


def read(path: Path) -> bytes | None:
    """The bytes of the config file ``path`` (None if it does not exist).

    A link is followed, but not into a file another user owns (root's is
    fine): its owner could change what every ``aws`` of this user does.
    """
    target = _resolve(path)
    try:
        descriptor = os.open(target, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {_reason(error)}") from error
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        _check_regular(path, status)
        if target != Path(os.path.abspath(path)):
            _check_link_target(path, target, status)
        return _read_all(path, handle)


def edit(
    path: Path,
    change: Callable[[bytes], bytes | None],
    *,
    wait_seconds: float = LOCK_SECONDS,
) -> bool:
    """Replace the file ``path`` (through its link) with ``change(bytes)``,
    the file locked from the read to the rename; whether it changed.

    ``change`` gets b"" for a file that does not exist yet, and returns None
    (or the same bytes) for no change. A missing file is created 0600, its
    folder 0700.
    """
    target = _resolve(path)
    folder = _folder(path, target)
    with _locked(path, target, wait_seconds) as (handle, status):
        before = _read_all(path, handle)
        after = change(before)
        if after is None or after == before:
            return False
        _replace(path, target, after, status, folder)
        return True


@contextlib.contextmanager
def locked(path: Path, wait_seconds: float = LOCK_SECONDS) -> Iterator[os.stat_result]:
    """Hold the lock ``edit`` takes on ``path``'s target for the block (for
    a writer that edits the file by other means); its status."""
    target = _resolve(path)
    _folder(path, target)
    with _locked(path, target, wait_seconds) as (_, status):
        yield status


def check_writable(path: Path) -> None:
    """Raise the error ``edit`` would raise for the file's owner or folder,
    without touching anything (for a command that checks before it acts)."""
    target = _resolve(path)
    _check_folder(path, target)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {_reason(error)}") from error
    _check_regular(path, status)
    _check_owner(path, target, status)


def _resolve(path: Path) -> Path:
    """The file that ``path`` names after every link on the way."""
    return Path(os.path.realpath(os.path.abspath(path)))


def _check_regular(path: Path, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise ConfigFileError(f"{path} is not a regular file; name a file")


def _check_link_target(path: Path, target: Path, status: os.stat_result) -> None:
    """Refuse a link into a file owned by someone other than the user or
    root."""
    euid = ownership.current_user()
    if euid is not None and not ownership.trusted_owner(status.st_uid):
        owner, user = ownership.owner_name(status.st_uid), ownership.owner_name(euid)
        raise ConfigFileError(
            f"{path} links to {target}, which belongs to {owner}, "
            f"not to {user}; make the link point at a file of your own"
        )


def _check_owner(path: Path, what: Path, status: os.stat_result) -> None:
    """Refuse to write a file (or into a folder) that the user running the
    command does not own, naming the owner and the way out."""
    euid = ownership.current_user()
    if euid is None or status.st_uid == euid:
        return
    name = ownership.user_name(status.st_uid)
    if status.st_uid == 0:
        # Root's file in a user's place, e.g. made by `sudo aws configure`.
        you = ownership.user_name(euid) or euid
        fix = f"if it is yours, take it back (sudo chown {you} {what})"
    else:
        how = f"sudo -u {name}" if name else f"sudo -u '#{status.st_uid}'"
        fix = f"run the command as its owner ({how} ...)"
    linked = "" if what == Path(os.path.abspath(path)) else f" ({path} leads there)"
    owner, user = ownership.owner_name(status.st_uid), ownership.owner_name(euid)
    raise ConfigFileError(
        f"{what} belongs to {owner}, not to {user} who "
        f"runs this{linked}; left as it is: {fix}"
    )


def _folder(path: Path, target: Path) -> Path:
    """The target's folder, checked, made 0700 if missing."""
    _check_folder(path, target)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise ConfigFileError(f"cannot create {folder}: {_reason(error)}") from error
    return folder


def _check_folder(path: Path, target: Path) -> None:
    """Refuse a folder that neither the user nor root owns (another user
    could swap the file in it), or the first folder above that exists,
    before anything is made in it."""
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        status = os.stat(existing)
    except OSError as error:
        raise ConfigFileError(f"cannot read {existing}: {_reason(error)}") from error
    if status.st_uid != 0:
        _check_owner(path, existing, status)


@contextlib.contextmanager
def _locked(
    path: Path, target: Path, wait_seconds: float
) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """The target, opened (created if missing), checked and locked: the
    open file and its status. Re-opened if another writer replaced it
    while this one waited for the lock."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            descriptor = os.open(
                target,
                os.O_RDONLY | os.O_CREAT | _NOFOLLOW | _CLOEXEC | _NONBLOCK,
                NEW_FILE_MODE,
            )
        except OSError as error:
            raise ConfigFileError(f"cannot open {path}: {_reason(error)}") from error
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            _check_regular(path, status)
            _check_owner(path, target, status)
            _lock(path, descriptor, deadline, wait_seconds)
            try:
                now = os.stat(target, follow_symlinks=False)
            except FileNotFoundError:
                now = None  # removed while we waited: open it again
            if now is not None and (now.st_dev, now.st_ino) == (
                status.st_dev,
                status.st_ino,
            ):
                yield handle, status
                return
            # Replaced while we waited: the lock is on the old file.


def _lock(path: Path, descriptor: int, deadline: float, wait_seconds: float) -> None:
    """``flock`` the file, waiting until ``deadline`` at most."""
    if fcntl is None:
        return
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise ConfigFileError(
                    f"{path} is being edited by another process (still locked "
                    f"after {wait_seconds:g} s); try again when it is done"
                ) from None
            time.sleep(0.02)
        except OSError as error:
            if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                return  # a file system without locks: edit as before
            raise ConfigFileError(f"cannot lock {path}: {_reason(error)}") from error


def _read_all(path: Path, handle: BinaryIO) -> bytes:
    data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ConfigFileError(f"{path} is larger than {MAX_BYTES} bytes")
    return data


def _replace(
    path: Path, target: Path, data: bytes, status: os.stat_result, folder: Path
) -> None:
    """Write ``data`` next to ``target`` with its owner and mode, then
    rename it over ``target``; both synced to disk."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=str(folder)
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchown"):
                new = os.fstat(descriptor)
                if (new.st_uid, new.st_gid) != (status.st_uid, status.st_gid):
                    os.fchown(descriptor, status.st_uid, status.st_gid)
            # After fchown, which clears set-id bits.
            os.fchmod(descriptor, stat.S_IMODE(status.st_mode))
            os.fsync(descriptor)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ConfigFileError(f"cannot write {path}: {_reason(error)}") from error
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (where folders can be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
