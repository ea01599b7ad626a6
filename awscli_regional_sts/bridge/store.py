"""The bridge's credential cache: one owner-only JSON file per cache key in
``~/.aws/cli/cache/regional-sts/bridge/``, next to the AWS CLI's own
assumed-role cache (``~/.aws/cli/cache``), and like it holding secrets.

No botocore here: a cached call must start as fast as Python can. Reads and
writes go through ``files.py`` (regular files only, size capped; 0600 in a
0700 directory, atomic replace), so two bridges at once leave one complete
file. A file that is missing, corrupt, of another shape, for another key,
not owned by this user, readable by others, or expiring within
``REFRESH_MARGIN_SECONDS`` is a miss: fetch again, never an error.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from awscli_regional_sts.aws.files import FileProblem, read_json, write_json
from awscli_regional_sts.bridge.model import IssuedCredentials

#: Written into every file; anything else is not ours.
FILE_FORMAT = "awscli-regional-sts credentials cache"
FILE_VERSION = 1
#: Credentials expiring within this many seconds are fetched again: 15
#: minutes, botocore's ``CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS``
#: (the CLI's assumed-role cache) and its advisory refresh
#: (``_DEFAULT_ADVISORY_REFRESH_TIMEOUT``), so a botocore-based caller never
#: gets credentials it already wants to refresh.
REFRESH_MARGIN_SECONDS = 15 * 60

# Not `from typing import ...` at run time: a cached call would pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    #: Where the store says what it decided (--debug); not ``logging``,
    #: which a cached call would otherwise import just to stay silent.
    Note = Callable[[str], None]


def silent(message: str) -> None:
    """The default ``Note``: say nothing."""


def cache_directory() -> Path:
    """``~/.aws/cli/cache/regional-sts/bridge``."""
    home = Path(os.path.expanduser("~"))
    return home / ".aws" / "cli" / "cache" / "regional-sts" / "bridge"


def cache_path(key: str) -> Path:
    return cache_directory() / f"{key}.json"


def load(
    key: str, now: float | None = None, note: Note = silent
) -> IssuedCredentials | None:
    """The cached credentials for ``key`` if usable for at least the
    refresh margin; None otherwise (the reason goes to --debug)."""
    path = cache_path(key)
    try:
        _check_owner(path)
        data = read_json(path)
        credentials = _parse(data, key)
    except FileProblem as problem:
        note(f"bridge cache miss: {problem}")
        return None
    assert credentials.expires_at is not None
    left = credentials.expires_at - (time.time() if now is None else now)
    if left < REFRESH_MARGIN_SECONDS:
        note(
            f"bridge cache: {path} expires in {left:.0f} s "
            f"(< {REFRESH_MARGIN_SECONDS} s): fetching again"
        )
        return None
    note(f"bridge cache hit: {path} (expires in {left:.0f} s)")
    return credentials


def save(key: str, credentials: IssuedCredentials, note: Note = silent) -> None:
    """Keep ``credentials`` (only those that expire) under ``key``; a cache
    that cannot be written is noted for --debug and otherwise ignored."""
    if credentials.expires_at is None:
        return
    document: dict[str, Any] = {
        "Format": FILE_FORMAT,
        "Version": FILE_VERSION,
        "Key": key,
        "ExpiresAt": credentials.expires_at,
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "SessionToken": credentials.session_token,
            "Expiration": credentials.expiration,
        },
    }
    path = cache_path(key)
    try:
        write_json(path, document)
    except OSError as error:
        note(f"bridge cache not written ({path}): {error.strerror or error}")
        return
    note(f"bridge cache written: {path}")


def _check_owner(path: Path) -> None:
    """FileProblem unless ``path`` is this user's and nobody else's to read:
    a file someone else could have written is not trusted."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise FileProblem(f"no file {path}") from None
    except OSError as error:
        raise FileProblem(f"cannot stat {path}: {error.strerror}") from None
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise FileProblem(f"{path} belongs to another user; not used")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise FileProblem(f"{path} is readable or writable by others; not used")


def _parse(data: Any, key: str) -> IssuedCredentials:
    """The credentials of a cache document; FileProblem for anything else."""
    if not isinstance(data, dict) or data.get("Format") != FILE_FORMAT:
        raise FileProblem("not a bridge cache file")
    if data.get("Version") != FILE_VERSION or data.get("Key") != key:
        raise FileProblem("cache file of another version or key")
    expires_at = data.get("ExpiresAt")
    body = data.get("Credentials")
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        raise FileProblem("cache file without a usable ExpiresAt")
    if not isinstance(body, dict):
        raise FileProblem("cache file without Credentials")
    access_key_id = body.get("AccessKeyId")
    secret = body.get("SecretAccessKey")
    token = body.get("SessionToken")
    if not (isinstance(access_key_id, str) and access_key_id):
        raise FileProblem("cache file without an AccessKeyId")
    if not (isinstance(secret, str) and secret):
        raise FileProblem("cache file without a SecretAccessKey")
    if token is not None and not isinstance(token, str):
        raise FileProblem("cache file with a malformed SessionToken")
    return IssuedCredentials(access_key_id, secret, token, float(expires_at))
