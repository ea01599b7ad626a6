"""The bridge's credential cache: one owner-only JSON file per cache key in
``~/.aws/cli/cache/regional-sts/bridge/``, next to the AWS CLI's own
assumed-role cache (``~/.aws/cli/cache``), and like it holding secrets.

No botocore here: a cached call must start as fast as Python can. Reads and
writes go through ``files.py``, which opens a file once and checks it on
that descriptor (a regular file, no symlink, owned by this user or root,
not readable or writable by group or others) and every folder above it
(owned by this user or root, not writable by others unless root's and
sticky); files 0600 in a 0700 directory, atomic replace, so two bridges at
once leave one complete file. A file that fails a check, is missing,
corrupt, of another shape, for another key, or within its refresh margin
(``refresh_margin``) of expiring is a miss: fetch again, never an error.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from awscli_regional_sts.aws.files import FileProblem, read_own_json, write_json
from awscli_regional_sts.bridge.model import IssuedCredentials

#: Written into every file; anything else is not ours.
FILE_FORMAT = "awscli-regional-sts credentials cache"
#: 2: ``FetchedAt`` added (the credentials' lifetime sets their margin).
FILE_VERSION = 2
#: botocore's ``RefreshableCredentials`` (credentials.py), which every
#: botocore-based caller of a ``credential_process`` wraps its answer in:
#: from 15 minutes before expiry (``_DEFAULT_ADVISORY_REFRESH_TIMEOUT``) it
#: asks the process again at each use and keeps what it has if that fails;
#: from 10 minutes (``_DEFAULT_MANDATORY_REFRESH_TIMEOUT``) it must get new
#: credentials, and the call fails if it cannot. 15 minutes is also
#: ``CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`` (the CLI's
#: assumed-role cache).
ADVISORY_REFRESH_SECONDS = 15 * 60
MANDATORY_REFRESH_SECONDS = 10 * 60


def refresh_margin(lifetime: float) -> float:
    """How long before they expire cached credentials are fetched again:
    a third of their ``lifetime`` (seconds from fetch to expiry), within
    botocore's two refresh times.

    Never less than the mandatory 10 minutes, so that no caller is handed
    credentials botocore would have to replace at once (the SDK for
    JavaScript v3 refreshes 5 minutes before expiry, the Go SDK v2 only
    with an ExpiryWindow set: both below that). Never more than the
    advisory 15 minutes, what the cache always used: credentials of 45
    minutes or more are kept until 15 minutes before expiry. In between, short-lived
    credentials are still cached: a role with ``duration_seconds = 900``
    (the shortest STS allows) is served from the cache for its first 5
    minutes, one AssumeRole per 5 minutes instead of one per call.
    Credentials of at most 10 minutes are never served from the cache.
    """
    return min(ADVISORY_REFRESH_SECONDS, max(MANDATORY_REFRESH_SECONDS, lifetime / 3))


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
    """The cached credentials for ``key`` if more than their refresh margin
    is left; None otherwise (the reason goes to --debug)."""
    path = cache_path(key)
    try:
        data = read_own_json(path, secret=True)
        credentials, fetched_at = _parse(data, key)
    except FileProblem as problem:
        note(f"bridge cache miss: {problem}")
        return None
    assert credentials.expires_at is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    margin = refresh_margin(credentials.expires_at - fetched_at)
    left = credentials.expires_at - (time.time() if now is None else now)
    if left <= margin:
        note(
            f"bridge cache: {path} expires in {left:.0f} s "
            f"(refresh margin {margin:.0f} s): fetching again"
        )
        return None
    note(f"bridge cache hit: {path} (expires in {left:.0f} s)")
    return credentials


def save(
    key: str,
    credentials: IssuedCredentials,
    note: Note = silent,
    now: float | None = None,
) -> None:
    """Keep ``credentials`` (only those that expire) under ``key``, with the
    time they were fetched (``now``); a cache that cannot be written is
    noted for --debug and otherwise ignored."""
    if credentials.expires_at is None:
        return
    document: dict[str, Any] = {
        "Format": FILE_FORMAT,
        "Version": FILE_VERSION,
        "Key": key,
        "FetchedAt": time.time() if now is None else now,
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


def _parse(data: Any, key: str) -> tuple[IssuedCredentials, float]:
    """The credentials of a cache document and when they were fetched;
    FileProblem for anything else."""
    if not isinstance(data, dict) or data.get("Format") != FILE_FORMAT:
        raise FileProblem("not a bridge cache file")
    if data.get("Version") != FILE_VERSION or data.get("Key") != key:
        raise FileProblem("cache file of another version or key")
    expires_at = _time(data.get("ExpiresAt"), "ExpiresAt")
    fetched_at = _time(data.get("FetchedAt"), "FetchedAt")
    body = data.get("Credentials")
    # A fetch time after the expiry, or ahead of this clock, would stretch
    # the lifetime the margin comes from, or make it negative: not ours.
    if fetched_at > expires_at or fetched_at > time.time() + 60:
        raise FileProblem("cache file without a usable FetchedAt")
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
    return IssuedCredentials(access_key_id, secret, token, expires_at), fetched_at


def _time(value: Any, name: str) -> float:
    """Epoch seconds: a finite number, not a bool; else FileProblem."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FileProblem(f"cache file without a usable {name}")
    try:
        seconds = float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise FileProblem(f"cache file without a usable {name}") from None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN
        raise FileProblem(f"cache file without a usable {name}")
    return seconds
