"""The bridge's credential cache: where its files are, what they hold, and
the ``--debug`` note that says why a file was not used."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from awscli_regional_sts.bridge import store
from awscli_regional_sts.bridge.model import IssuedCredentials

KEY = "a" * 64
NOW = time.time()
CREDENTIALS = IssuedCredentials("ASIAKEY", "s3cret", "t0ken", NOW + 3600)
#: "nobody" on Debian: a real user that is not this one.
OTHER_UID = 65534


def test_the_cache_is_beside_the_clis_own(own_home: Path) -> None:
    folder = own_home / ".aws" / "cli" / "cache" / "regional-sts" / "bridge"
    assert store.cache_directory() == folder
    assert store.cache_path(KEY) == folder / f"{KEY}.json"


def test_the_file_holds_the_credentials_their_key_and_times() -> None:
    notes: list[str] = []
    store.save(KEY, CREDENTIALS, note=notes.append, now=NOW - 5)
    path = store.cache_path(KEY)
    assert json.loads(path.read_text()) == {
        "Format": "awscli-regional-sts credentials cache",
        "Version": 2,
        "Key": KEY,
        "FetchedAt": NOW - 5,
        "ExpiresAt": NOW + 3600,
        "Credentials": {
            "AccessKeyId": "ASIAKEY",
            "SecretAccessKey": "s3cret",
            "SessionToken": "t0ken",
            "Expiration": CREDENTIALS.expiration,
        },
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert notes == [f"bridge cache written: {path}"]


def test_without_a_time_given_the_fetch_is_now() -> None:
    store.save(KEY, CREDENTIALS)
    fetched = json.loads(store.cache_path(KEY).read_text())["FetchedAt"]
    assert abs(fetched - time.time()) < 60


def test_a_hit_says_so_and_how_long_is_left() -> None:
    store.save(KEY, CREDENTIALS, now=NOW)
    notes: list[str] = []
    assert store.load(KEY, now=NOW + 600, note=notes.append) == CREDENTIALS
    assert notes == [f"bridge cache hit: {store.cache_path(KEY)} (expires in 3000 s)"]


def test_credentials_within_their_margin_are_fetched_again() -> None:
    store.save(KEY, CREDENTIALS, now=NOW)
    notes: list[str] = []
    assert store.load(KEY, now=NOW + 2700, note=notes.append) is None
    assert notes == [
        f"bridge cache: {store.cache_path(KEY)} expires in 900 s (refresh margin "
        "900 s): fetching again"
    ]


def test_an_unwritable_cache_is_a_note(own_home: Path) -> None:
    (own_home / ".aws").write_text("a file where the folder should be")
    notes: list[str] = []
    store.save(KEY, CREDENTIALS, note=notes.append)
    assert notes == [
        f"bridge cache not written ({store.cache_path(KEY)}): "
        f"cannot open {own_home / '.aws'}: Not a directory"
    ]


def good() -> dict[str, Any]:
    store.save(KEY, CREDENTIALS, now=NOW)
    data: dict[str, Any] = json.loads(store.cache_path(KEY).read_text())
    return data


def miss(data: Any) -> str:
    """Write ``data`` as the cache file; the note of the miss."""
    path = store.cache_path(KEY)
    path.write_text(json.dumps(data))
    notes: list[str] = []
    assert store.load(KEY, now=NOW, note=notes.append) is None
    (note,) = notes
    assert note.startswith("bridge cache miss: ")
    return note[len("bridge cache miss: ") :]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Format": "other"}, "not a bridge cache file"),
        ({"Version": 1}, "cache file of another version or key"),
        ({"Key": "b" * 64}, "cache file of another version or key"),
        ({"ExpiresAt": "soon"}, "cache file without a usable ExpiresAt"),
        ({"ExpiresAt": True}, "cache file without a usable ExpiresAt"),
        ({"ExpiresAt": 10**400}, "cache file without a usable ExpiresAt"),
        ({"FetchedAt": None}, "cache file without a usable FetchedAt"),
        ({"FetchedAt": NOW + 3601}, "cache file without a usable FetchedAt"),
        ({"Credentials": []}, "cache file without Credentials"),
    ],
)
def test_a_file_of_another_shape_is_a_miss_that_says_why(
    change: dict[str, Any], reason: str
) -> None:
    assert miss({**good(), **change}) == reason


def test_a_fetch_time_up_to_a_minute_ahead_is_a_clocks_skew() -> None:
    data = good()
    data["ExpiresAt"] = time.time() + 7200
    data["FetchedAt"] = time.time() + 59
    store.cache_path(KEY).write_text(json.dumps(data))
    assert store.load(KEY, now=NOW) is not None
    data["FetchedAt"] = time.time() + 60.5
    assert miss(data) == "cache file without a usable FetchedAt"


def test_a_fetch_time_equal_to_the_expiry_is_a_miss_by_margin_only() -> None:
    data = good()
    data["FetchedAt"] = data["ExpiresAt"] = time.time() + 30
    store.cache_path(KEY).write_text(json.dumps(data))
    notes: list[str] = []
    assert store.load(KEY, now=NOW, note=notes.append) is None
    assert notes[0].startswith(f"bridge cache: {store.cache_path(KEY)} expires in ")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_times_that_are_no_numbers_are_a_miss(value: float) -> None:
    data = good()
    data["ExpiresAt"] = value
    assert miss(data) == "cache file without a usable ExpiresAt"


@pytest.mark.parametrize(
    ("credentials", "reason"),
    [
        ({"AccessKeyId": ""}, "cache file without an AccessKeyId"),
        ({"AccessKeyId": 5}, "cache file without an AccessKeyId"),
        ({"SecretAccessKey": ""}, "cache file without a SecretAccessKey"),
        ({"SecretAccessKey": ["s"]}, "cache file without a SecretAccessKey"),
        ({"SessionToken": 5}, "cache file with a malformed SessionToken"),
    ],
)
def test_credentials_of_another_shape_are_a_miss(
    credentials: dict[str, Any], reason: str
) -> None:
    data = good()
    data["Credentials"].update(credentials)
    assert miss(data) == reason


def test_keys_without_a_token_are_served() -> None:
    data = good()
    data["Credentials"]["SessionToken"] = None
    store.cache_path(KEY).write_text(json.dumps(data))
    found = store.load(KEY, now=NOW)
    assert found is not None and found.session_token is None


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")
def test_a_file_others_can_read_or_another_user_owns_is_not_used() -> None:
    store.save(KEY, CREDENTIALS, now=NOW)
    path = store.cache_path(KEY)
    notes: list[str] = []
    os.chown(path, OTHER_UID, OTHER_UID)
    assert store.load(KEY, now=NOW, note=notes.append) is None
    os.chown(path, 0, 0)
    path.chmod(0o640)  # readable by the group: secrets someone else saw
    assert store.load(KEY, now=NOW, note=notes.append) is None
    path.chmod(0o600)
    assert store.load(KEY, now=NOW, note=notes.append) == CREDENTIALS
    assert notes[:2] == [
        f"bridge cache miss: {path} belongs to user id {OTHER_UID}, "
        "not to you or root; not used",
        f"bridge cache miss: {path} is readable or writable by group or others "
        "(mode 0640); not used",
    ]


def test_a_missing_or_unreachable_file_is_a_miss(own_home: Path) -> None:
    notes: list[str] = []
    assert store.load(KEY, note=notes.append) is None
    (own_home / ".aws").write_text("not a folder")
    assert store.load(KEY, note=notes.append) is None
    path = store.cache_path(KEY)
    assert notes == [
        f"bridge cache miss: no file {path}",
        f"bridge cache miss: cannot open {own_home / '.aws'}: Not a directory",
    ]
