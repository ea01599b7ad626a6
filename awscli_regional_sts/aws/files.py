"""The plugin's own small files (the ``auto`` cache, state kept between
processes): read so that no file can hang, flood or crash a command, and
written so that readers never see half a file and nobody else can read it.

Every reader goes through ``read_json``: it opens only a regular file (not
a FIFO, a device or a symlink to one), without blocking, reads at most
``max_bytes``, and turns anything unexpected into ``FileProblem``, which
callers treat as "no file". Writers go through ``write_json``: owner-only
(0600 in a 0700 directory), a temporary file in the same directory, then an
atomic ``os.replace``, so two processes at once leave one complete file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from pathlib import Path

# Not `from typing import ...` at run time: a cached call would pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
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
