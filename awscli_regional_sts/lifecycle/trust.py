"""What ``enable`` and ``doctor`` trust before they copy or run it: a file or
folder that only the user (or root) can change, as ssh's ``StrictModes``.

``enable`` copies a package tree into ``~/.aws/cli/plugins/``, where every
later ``aws`` command imports it, and runs the CLI's Python to check the
import. If another local user could write the tree, or the Python, or any
folder above them, that user's code would run as this one. So each is
checked on the descriptor that is then used (``O_NOFOLLOW``, ``fstat``),
never on a path that is opened again afterwards, and the folders above it
are checked the same way, from ``/`` down, by the package's one rule
(``aws/ownership.py``):

- owned by the user or by root;
- not writable by others, nor by a group with anyone else in it (a group
  of the user alone, as Debian and Ubuntu give each user with umask 002, is
  fine, as in Debian's ssh). A folder above may be writable by all when it
  is sticky (``/tmp``): nobody else can then rename or delete what the user
  or root owns in it. The object itself never may;
- not a link inside a package tree. Links on the way to a Python are
  followed (a virtualenv's ``python`` is one), each target checked the same.

The copy is written with fixed modes (folders 0755, files 0644), never the
source's. A program is run by its path once checked: no folder on the way
can be changed by anyone else, so nobody can swap it in between.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from awscli_regional_sts.aws import ownership

#: Folders 0755 and files 0644 in the copy, whatever the source and umask.
FOLDER_MODE = 0o755
FILE_MODE = 0o644
#: Left out of the copy (and so not checked): bytecode of the source's Python.
_SKIPPED = ("__pycache__",)
_SKIPPED_SUFFIX = ".pyc"
#: As the kernel's limit on links followed in one path.
_MAX_LINKS = 40
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: Linux opens a path without read permission (a folder with --x only);
#: elsewhere a read-only descriptor does the job.
_LOOKUP = getattr(os, "O_PATH", os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW


class Untrusted(Exception):
    """A file or folder another user could change; one line naming it, its
    owner and mode, and the fix."""


def problem(info: os.stat_result, *, above: bool) -> str | None:
    """Why a file or folder with this ``fstat`` is not safe, or None; the
    rule is ``aws/ownership.py``'s."""
    if not ownership.trusted_owner(info.st_uid):
        return f"is owned by {ownership.owner_name(info.st_uid)}, not by you or root"
    if ownership.others_may_write(info) and not (above and ownership.shelters(info)):
        mode = stat.S_IMODE(info.st_mode)
        owner = ownership.owner_name(info.st_uid)
        return f"is writable by group or others (mode {mode:04o}, owner {owner})"
    return None


def _refuse(path: str, why: str, doing: str, fix: str) -> Untrusted:
    return Untrusted(f"refusing to {doing}: {path} {why}; {fix}")


def _open(name: str, dir_fd: int | None, flags: int) -> tuple[int | None, str]:
    """``(descriptor, "")``, or ``(None, target)`` for a link (not opened)."""
    try:
        descriptor = os.open(name, flags | _NOFOLLOW, dir_fd=dir_fd)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        return None, os.readlink(name, dir_fd=dir_fd)
    if stat.S_ISLNK(os.fstat(descriptor).st_mode):  # O_PATH opens a link itself
        os.close(descriptor)
        return None, os.readlink(name, dir_fd=dir_fd)
    return descriptor, ""


def open_checked(path: str, *, doing: str, fix: str) -> int:
    """A descriptor (``O_PATH`` on Linux) of ``path``, opened from ``/``
    down one name at a time, after checking each folder on the way and the
    object itself; links are followed, their targets walked the same way.
    Raise ``Untrusted`` (or ``OSError`` when it cannot be opened)."""
    # Not abspath: it would drop "link/.." by the text, the kernel by the link.
    absolute = path if path.startswith("/") else os.path.join(os.getcwd(), path)
    names = [n for n in absolute.split("/") if n]
    shown = "/"
    current = os.open("/", _LOOKUP)
    links = 0
    try:
        while True:
            info = os.fstat(current)
            is_last = not names
            why = problem(info, above=not is_last)
            if why:
                raise _refuse(shown, why, doing, fix)
            if is_last:
                found, current = current, -1
                return found
            name = names.pop(0)
            if name == ".":
                continue
            child, target = _open(name, current, _LOOKUP)
            if child is None:
                links += 1
                if links > _MAX_LINKS:
                    raise OSError(errno.ELOOP, "too many links", path)
                names = [n for n in target.split("/") if n] + names
                if target.startswith("/"):
                    os.close(current)
                    current, shown = os.open("/", _LOOKUP), "/"
                continue
            os.close(current)
            current = child
            shown = os.path.normpath(os.path.join(shown, name))
    finally:
        if current >= 0:
            os.close(current)


def check_program(path: str, what: str) -> None:
    """Raise ``Untrusted`` unless ``path`` (a Python, or a frozen ``aws``
    with its Python inside), the folders above it and every link on the way
    are the user's or root's and writable by nobody else."""
    doing = f"run {path} ({what})"
    fix = (
        "run an interpreter that only you or root can change, or fix its "
        "owner and mode (chown, chmod go-w)"
    )
    try:
        descriptor = open_checked(path, doing=doing, fix=fix)
    except OSError as error:
        raise Untrusted(f"cannot check {path} ({what}): {error.strerror}") from error
    os.close(descriptor)


#: How a refusal of the package tree ends: the recipe that avoids it.
TREE_FIX = (
    "install it into a folder only you can write and enable from there: "
    'dir=$(mktemp -d); python3 -m pip install --target "$dir" --no-deps '
    "/path/to/awscli-regional-sts; "
    'PYTHONPATH="$dir" python3 -m awscli_regional_sts.cli enable '
    "(docs/install.md)"
)


@contextmanager
def _readable(descriptor: int) -> Iterator[int]:
    """A readable descriptor of the folder ``descriptor`` names (``O_PATH``
    lists nothing): ``.`` opened through it, the same folder."""
    folder = os.open(".", os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
    try:
        yield folder
    finally:
        os.close(folder)


def copy_tree(source: Path, destination: Path) -> None:
    """Copy the package folder ``source`` to ``destination`` (which must
    not exist), checking every file and folder on the descriptor it is read
    through; the copy has modes 0755/0644. Raise ``Untrusted`` for anything
    another user could have changed, a link or a special file."""
    doing = f"copy the plugin from {source}"
    root = open_checked(str(source), doing=doing, fix=TREE_FIX)
    try:
        if not stat.S_ISDIR(os.fstat(root).st_mode):
            raise Untrusted(f"refusing to {doing}: it is not a folder")
        with _readable(root) as folder:
            _copy_folder(folder, str(source), destination, doing)
    finally:
        os.close(root)


def _copy_folder(folder: int, shown: str, destination: Path, doing: str) -> None:
    os.mkdir(destination, FOLDER_MODE)
    os.chmod(destination, FOLDER_MODE)  # the umask may have taken bits off
    for name in sorted(os.listdir(folder)):
        if name in _SKIPPED or name.endswith(_SKIPPED_SUFFIX):
            continue
        path = f"{shown}/{name}"
        child, _ = _open(name, folder, _READ)
        if child is None:
            raise _refuse(path, "is a symbolic link", doing, TREE_FIX)
        try:
            info = os.fstat(child)
            why = problem(info, above=False)
            if why:
                raise _refuse(path, why, doing, TREE_FIX)
            if stat.S_ISDIR(info.st_mode):
                _copy_folder(child, path, destination / name, doing)
            elif stat.S_ISREG(info.st_mode):
                _copy_file(child, destination / name)
            else:
                raise _refuse(path, "is not a file or folder", doing, TREE_FIX)
        finally:
            os.close(child)


def _copy_file(source: int, destination: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    target = os.open(destination, flags, FILE_MODE)
    try:
        os.fchmod(target, FILE_MODE)
        while True:
            chunk = memoryview(os.read(source, 1 << 16))
            if not chunk:
                break
            while chunk:
                chunk = chunk[os.write(target, chunk) :]
    finally:
        os.close(target)
