"""The plugin's own small files (the ``auto`` cache, the failover memory,
the bridge's credentials): read so that no file can hang, flood or crash a
command, nor be slipped in by another local user; written so that readers
never see half a file and nobody else can read or replace it.

The plugin's own files are read with ``read_own_json`` and written with
``write_json``, the one place that decides whether such a file is trusted,
as ssh's ``StrictModes`` decides for ``authorized_keys``:

- every folder from ``/`` down to the file's own (after ``realpath``: a
  symlink in a folder you trust is your choice) is opened one by one, each
  relative to the one above it (``openat``) and never through a symlink,
  and checked on its descriptor: a folder, owned by you or root, that
  nobody else may write unless it is sticky (``/tmp``);
- the file is opened once, in that checked folder, never through a symlink
  and without blocking, and checked on the same descriptor it is read
  from: a regular file, owned by you or root, that nobody else may write
  (for secrets: not readable nor writable by group or others at all).

Who is a trusted owner and who else may write is decided in
``aws/ownership.py``, the one rule of the package (a group that holds
only you may write).

So no path component can be swapped between the check and the read. A file
or folder that fails is ``FileProblem``, which readers treat as "no file"
(the message says why, for --debug). Writers create missing folders 0700
and tighten the file's own folder to 0700 if it is theirs, whatever the
umask; write a temporary file 0600 in the checked folder, fsync it, and
rename it over the file relative to that folder: a symlink at the file's
name is replaced, never written through, and nothing is written into a
folder someone else controls (``UnsafePath``, an OSError). A writer that
merges into a file (read, change, replace) holds ``exclusive_lock`` around
it, so that two at once lose nothing.

``read_json`` reads a file the user named (a report given to ``--merge``):
its place is the user's choice, so only the file itself is checked (a
regular file, no symlink, size capped); with ``owned``, also that it is
owned by the user or root and nobody else may write it (a file the run
trusts to choose what it does: ``--accounts-from``'s listing).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import time
from pathlib import Path

from awscli_regional_sts.aws import ownership

# Not `from typing import ...` at run time: a cached call would pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

#: Far above any file the plugin writes (a few KiB), far below trouble.
DEFAULT_MAX_BYTES = 256 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: Flags that keep ``open`` from following a final symlink or blocking on
#: a FIFO; absent on some systems, where the checks after opening remain.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW | _CLOEXEC
#: A folder on the way to a file: a directory, never a symlink.
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
#: Where folders can be walked with ``openat`` and owners compared (Linux,
#: macOS); elsewhere (Windows) only the file itself is checked.
_WALKS = (
    hasattr(os, "O_DIRECTORY")
    and hasattr(os, "geteuid")
    and os.open in os.supports_dir_fd
)
#: Group or others may read or write: secrets someone else has seen.
_OTHERS_ANY = 0o077


class FileProblem(Exception):
    """A file cannot be used; the message says why (for --debug)."""


class FileMissing(FileProblem):
    """There is no file: the usual case before the first write, worth no
    warning-like note."""


class UnsafePath(OSError):
    """A writer's folder is not trusted (its message says why): nothing is
    written there. An OSError, as every other reason a write fails."""


def read_json(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, owned: bool = False
) -> Any:
    """The parsed JSON of a small regular file the user named; raise
    FileProblem if the file is missing, not a regular file, larger than
    ``max_bytes``, not UTF-8, not JSON, or nested too deep to parse; with
    ``owned``, also unless the file (not its folders) passes the checks
    above, on the descriptor it is read from."""
    descriptor = _open_file(None, str(path), path)
    info = os.fstat(descriptor)
    problem = (
        _file_problem(info, False)
        if owned
        else None
        if stat.S_ISREG(info.st_mode)
        else "is not a regular file"
    )
    if problem:
        os.close(descriptor)
        raise FileProblem(f"{path} {problem}; not read")
    return _load(descriptor, info.st_size, path, max_bytes)


def read_own_json(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, secret: bool = False
) -> Any:
    """As ``read_json``, for one of the plugin's own files: also
    FileProblem unless the file and every folder above it pass the checks
    above (``secret``: nor may group or others read the file)."""
    folder = _open_folder(path, create=False)
    try:
        name = path.name if folder is not None else str(path)
        descriptor = _open_file(folder, name, path)
    finally:
        if folder is not None:
            os.close(folder)
    info = os.fstat(descriptor)
    problem = _file_problem(info, secret)
    if problem:
        os.close(descriptor)
        raise FileProblem(f"{path} {problem}; not used")
    return _load(descriptor, info.st_size, path, max_bytes)


def _open_file(folder: int | None, name: str, path: Path) -> int:
    try:
        return os.open(name, _OPEN_FLAGS, dir_fd=folder)
    except FileNotFoundError:
        raise FileMissing(f"no file {path}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileProblem(f"{path} is a symbolic link; not read") from None
        raise FileProblem(f"cannot open {path}: {error.strerror}") from None


def _load(descriptor: int, size: int, path: Path, max_bytes: int) -> Any:
    """The JSON read from ``descriptor`` (closed here), of ``size`` bytes
    as fstat said."""
    with os.fdopen(descriptor, "rb") as stream:
        if size > max_bytes:
            raise FileProblem(f"{path} is larger than {max_bytes} bytes; not read")
        try:
            data = stream.read(max_bytes + 1)
        except OSError as error:
            raise FileProblem(f"cannot read {path}: {error.strerror}") from None
    if len(data) > max_bytes:
        raise FileProblem(f"{path} is larger than {max_bytes} bytes; not read")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else error
        raise FileProblem(f"{path} is not usable JSON: {reason}") from None


def _file_problem(info: os.stat_result, secret: bool) -> str | None:
    """Why the opened file is not to be trusted, or None."""
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if not _WALKS:  # no owners to compare; Windows reports any file 0666
        return None
    if not ownership.trusted_owner(info.st_uid):
        return f"belongs to user id {info.st_uid}, not to you or root"
    # Secrets: nobody else may even read them (secrecy, not ownership).
    if (secret and stat.S_IMODE(info.st_mode) & _OTHERS_ANY) or (
        not secret and ownership.others_may_write(info)
    ):
        who = "readable or writable" if secret else "writable"
        return f"is {who} by group or others (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def _folder_problem(info: os.stat_result) -> str | None:
    """Why the opened folder (a folder: O_DIRECTORY, always one above the
    file) is not to be trusted, or None."""
    if not ownership.trusted_owner(info.st_uid):
        return f"belongs to user id {info.st_uid}, not to you or root"
    if ownership.others_may_write(info) and not ownership.shelters(info):
        return f"is writable by group or others (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


class _Link(Exception):
    """A folder on the way is a symlink: walk the path it resolves to."""


def _open_folder(path: Path, *, create: bool) -> int | None:
    """A descriptor of ``path``'s folder, every folder from ``/`` down to it
    opened relative to the one above and checked on its descriptor; None
    where folders cannot be walked (then only created if ``create``).
    Missing folders are FileMissing, or with ``create`` made 0700."""
    if not _WALKS:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return None
    # The path as given first (no symlink on the way: the usual case, and
    # realpath's lstat of each folder saved); through a symlink, the
    # folders it leads to. A link that appears between the two is refused.
    folder = os.path.abspath(path.parent)
    try:
        return _walk(folder, path, create, resolved=False)
    except _Link:
        return _walk(os.path.realpath(folder), path, create, resolved=True)


def _walk(folder: str, path: Path, create: bool, *, resolved: bool) -> int:
    names = folder.split("/")  # absolute: names[0] is ""
    descriptor = os.open("/", _FOLDER_FLAGS)
    try:
        for index in range(len(names)):
            if index:
                if not names[index]:  # folder is "/"
                    continue
                child = _open_child(descriptor, names, index, path, create, resolved)
                os.close(descriptor)
                descriptor = child
            problem = _folder_problem(os.fstat(descriptor))
            if problem:
                shown = "/".join(names[: index + 1]) or "/"
                raise FileProblem(f"{shown} {problem}; not used")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _open_child(
    parent: int, names: list[str], index: int, path: Path, create: bool, resolved: bool
) -> int:
    name = names[index]
    try:
        return os.open(name, _FOLDER_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise FileMissing(f"no file {path}") from None
    except OSError as error:
        shown = "/".join(names[: index + 1])
        # A symlink is ELOOP, or ENOTDIR where O_DIRECTORY is checked first
        # (Linux); once resolved, a link or a file in the way is refused.
        if error.errno in (errno.ELOOP, errno.ENOTDIR) and not resolved:
            raise _Link from None
        raise FileProblem(f"cannot open {shown}: {error.strerror}") from None
    try:
        os.mkdir(name, 0o700, dir_fd=parent)
        made = True
    except FileExistsError:  # another writer made it
        made = False
    child = os.open(name, _FOLDER_FLAGS, dir_fd=parent)
    # Only a folder this call made (mkdir's mode went through the umask):
    # a fault that reached here for an existing one must not chmod it.
    if made:
        os.fchmod(child, 0o700)
    return child


def _writable_folder(path: Path) -> int | None:
    """``path``'s folder for a writer: checked, created 0700 if missing,
    tightened to 0700 if it is yours; UnsafePath if it is not trusted."""
    try:
        folder = _open_folder(path, create=True)
    except FileProblem as problem:
        raise UnsafePath(str(problem)) from None
    if folder is None:
        return None
    try:
        info = os.fstat(folder)
        # Yours, and the file's own folder by its path too: a fault in the
        # walk must not tighten another folder (as root, "/").
        if info.st_uid == os.geteuid() and os.path.samestat(info, os.stat(path.parent)):
            os.fchmod(folder, 0o700)
    except BaseException:
        os.close(folder)
        raise
    return folder


def write_json(path: Path, data: Any) -> None:
    """Replace the plugin's file ``path`` atomically with ``data`` as JSON,
    owner-only, in a folder that passes ``read_own_json``'s checks.

    Raises OSError (UnsafePath for an untrusted folder, or e.g. a read-only
    home): callers note it and go on.
    """
    folder = _writable_folder(path)
    # Names relative to the checked folder (or whole paths without one); a
    # temporary name no other writer picks (no tempfile: it pulls in random).
    prefix, target = (
        ("", path.name) if folder is not None else (f"{path.parent}/", str(path))
    )
    temporary = f"{prefix}.{path.name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    try:
        # 0600 from the start: no moment when another user could open it.
        handle = os.open(temporary, flags, 0o600, dir_fd=folder)
        try:
            os.fchmod(handle, 0o600)  # whatever the umask
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=1)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):  # only this writer's file
                os.unlink(temporary, dir_fd=folder)
            raise
    finally:
        if folder is not None:
            os.close(folder)


@contextlib.contextmanager
def exclusive_lock(path: Path, wait_seconds: float) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on the lock file ``path`` for the block:
    True when held, False when it could not be had within ``wait_seconds``
    or not at all (no ``fcntl`` on this platform, a file system without
    locks, ``path`` not a regular file of yours, its folder not trusted);
    the caller then goes on without.

    Waits are bounded: a lock held by a stopped process must not hang a
    command. A lock dies with its holder (the kernel drops it when the file
    is closed), so there is no stale lock file to clean up; the file stays,
    owner-only (0600, never followed if it is a symbolic link).
    """
    try:
        # Deferred: only writers lock, and a cached credential_process call
        # never writes. Absent on Windows.
        import fcntl
    except ImportError:
        yield False
        return
    descriptor = _open_lock(path)
    if descriptor is None:
        yield False
        return
    try:
        held = _file_problem(os.fstat(descriptor), False) is None and _flock(
            fcntl, descriptor, time.monotonic() + wait_seconds
        )
        yield held
    finally:
        os.close(descriptor)  # releases the lock


def _open_lock(path: Path) -> int | None:
    """The lock file, created 0600 in its checked folder; None if the
    folder is not trusted or the file cannot be opened."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC
    try:
        folder = _writable_folder(path)
    except OSError:
        return None
    try:
        name = path.name if folder is not None else str(path)
        return os.open(name, flags, 0o600, dir_fd=folder)
    except OSError:
        return None
    finally:
        if folder is not None:
            os.close(folder)


def _flock(fcntl: Any, descriptor: int, deadline: float) -> bool:
    """Try the lock without blocking until ``deadline`` (monotonic)."""
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        except OSError:  # no locks on this file system
            return False
