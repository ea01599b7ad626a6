"""The plugin's own small files (the ``auto`` cache, state kept between
processes): read so that no file can hang, flood or crash a command, and
written so that readers never see half a file and nobody else can read it.

Every reader goes through ``read_json``: it opens only a regular file (not
a FIFO, a device or a symlink to one), without blocking, reads at most
``max_bytes``, and turns anything unexpected into ``FileProblem``, which
callers treat as "no file". Writers go through ``write_json``: owner-only
(0600 in a 0700 directory), a temporary file in the same directory, then an
atomic ``os.replace``, so two processes at once leave one complete file.
A writer that merges into a file (read, change, replace) holds
``exclusive_lock`` around it, so that two at once lose nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import time
from pathlib import Path

# Not `from typing import ...` at run time: a cached call would pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

#: Far above any file the plugin writes (a few KiB), far below trouble.
DEFAULT_MAX_BYTES = 256 * 1024

#: Flags that keep ``open`` from following a final symlink or blocking on
#: a FIFO; absent on some systems, where the checks after opening remain.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class FileProblem(Exception):
    """A file cannot be used; the message says why (for --debug)."""


class FileMissing(FileProblem):
    """There is no file: the usual case before the first write, worth no
    warning-like note."""


def read_json(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """The parsed JSON of a small regular file; raise FileProblem if the
    file is missing, not a regular file, larger than ``max_bytes``, not
    UTF-8, not JSON, or nested too deep to parse."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileMissing(f"no file {path}") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileProblem(f"{path} is a symbolic link; not read") from None
        raise FileProblem(f"cannot open {path}: {error.strerror}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise FileProblem(f"{path} is not a regular file; not read")
    with os.fdopen(descriptor, "rb") as stream:
        if info.st_size > max_bytes:
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


def write_json(path: Path, data: Any) -> None:
    """Replace ``path`` atomically with ``data`` as JSON, owner-only.

    Raises OSError (e.g. a read-only home): callers note it and go on.
    """
    # Deferred: tempfile pulls in shutil and random, and readers (a cached
    # credential_process call among them) never write.
    import tempfile

    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600: readable by the owner only.
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def exclusive_lock(path: Path, wait_seconds: float) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on the lock file ``path`` for the block:
    True when held, False when it could not be had within ``wait_seconds``
    or not at all (no ``fcntl`` on this platform, a file system without
    locks, ``path`` not a regular file); the caller then goes on without.

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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), 0o600)
    except OSError:
        yield False
        return
    try:
        held = stat.S_ISREG(os.fstat(descriptor).st_mode) and _flock(
            fcntl, descriptor, time.monotonic() + wait_seconds
        )
        yield held
    finally:
        os.close(descriptor)  # releases the lock


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
