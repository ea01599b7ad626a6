"""The credential_process bridge's parts that need no process: profiles
and the cache key, the cache file, the output formats, the refusals."""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import pytest

from awscli_regional_sts.bridge import store
from awscli_regional_sts.bridge.command import CHAIN_VARIABLE, _credentials
from awscli_regional_sts.bridge.formats import render
from awscli_regional_sts.bridge.model import IssuedCredentials, OutputFormat, Refusal
from awscli_regional_sts.bridge.profiles import calls_bridge, load_chain

ROLE = "arn:aws:iam::111122223333:role/deployer"
CONFIG = f"""
[default]
region = eu-west-1
[profile base]
region = us-west-2
[profile tokyo-role]
role_arn = {ROLE}
source_profile = base
sts_region = ap-northeast-1
[sso-session corp]
sso_region = eu-west-1
[profile ring-a]
role_arn = {ROLE}
source_profile = ring-b
[profile ring-b]
role_arn = {ROLE}
source_profile = ring-a
"""
CREDENTIALS = """
[base]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret-one
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Config and credentials files, a home for the cache; the environ."""
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text(CREDENTIALS)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }


def key(environ: dict[str, str], profile: str = "tokyo-role") -> str:
    return load_chain(profile, environ).cache_key(environ)


def edit(environ: dict[str, str], name: str, old: str, new: str) -> None:
    path = Path(environ[name])
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_chain_follows_source_profile_and_merges_the_credentials_file(
    files: dict[str, str],
) -> None:
    chain = load_chain("tokyo-role", files)
    assert [p.name for p in chain.profiles] == ["tokyo-role", "base"]
    assert chain.profiles[1].settings["aws_access_key_id"] == "AKIAEXAMPLE"
    assert chain.profiles[1].settings["region"] == "us-west-2"
    assert [p.name for p in load_chain("default", files).profiles] == ["default"]
    # A source_profile loop is botocore's to report; the walk just stops.
    assert [p.name for p in load_chain("ring-a", files).profiles] == [
        "ring-a",
        "ring-b",
    ]


@pytest.mark.parametrize("name", ["nope", "corp", "sso-session corp"])
def test_missing_profile_is_refused(files: dict[str, str], name: str) -> None:
    with pytest.raises(Refusal, match="no such profile"):
        load_chain(name, files)


def test_unparsable_config_is_refused(files: dict[str, str]) -> None:
    Path(files["AWS_CONFIG_FILE"]).write_text("no section header\n")
    with pytest.raises(Refusal, match="cannot read"):
        load_chain("tokyo-role", files)


CONFIG_FILE = "AWS_CONFIG_FILE"
SOURCE = "source_profile = base\n"
STS = "sts_region = ap-northeast-1"
#: Edits of the files that change P's credentials: (file, old, new).
CHANGES = {
    "session-name": (CONFIG_FILE, SOURCE, SOURCE + "role_session_name = x\n"),
    "external-id": (CONFIG_FILE, SOURCE, SOURCE + "external_id = x\n"),
    "duration": (CONFIG_FILE, SOURCE, SOURCE + "duration_seconds = 7200\n"),
    "sts-region": (CONFIG_FILE, STS, "sts_region = eu-west-1"),
    "fallback": (CONFIG_FILE, STS, STS + "\nsts_fallback = global"),
    "role": (CONFIG_FILE, f"role_arn = {ROLE}\n", f"role_arn = {ROLE}x\n"),
    "token-file": (CONFIG_FILE, SOURCE, SOURCE + "web_identity_token_file = /t\n"),
    "source-keys": ("AWS_SHARED_CREDENTIALS_FILE", "AKIAEXAMPLE", "AKIAOTHER"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_what_changes_the_credentials_changes_the_key(
    files: dict[str, str], change: str
) -> None:
    before = key(files)
    edit(files, *CHANGES[change])
    assert key(files) != before


def test_secrets_do_not_change_the_key_every_other_setting_does(
    files: dict[str, str],
) -> None:
    before = key(files)
    edit(files, "AWS_SHARED_CREDENTIALS_FILE", "secret-one", "secret-two")
    assert key(files) == before
    assert key({**files, "AWS_ACCESS_KEY_ID": "AKIAENV"}) == before
    assert key({**files, "AWS_STS_REGION": "eu-west-1"}) != before
    # Every setting of the sections botocore reads counts, also one that
    # changes no credentials (sts_timeout): one more fetch, never a wrong
    # answer.
    edit(
        files,
        "AWS_CONFIG_FILE",
        "sts_region = ap-northeast-1",
        "sts_region = ap-northeast-1\nsts_timeout = 3",
    )
    assert key(files) != before


def test_credential_source_environment_keys_the_environment_keys(
    files: dict[str, str],
) -> None:
    edit(
        files,
        "AWS_CONFIG_FILE",
        "source_profile = base",
        "credential_source = Environment",
    )
    before = key(files)
    assert key({**files, "AWS_ACCESS_KEY_ID": "AKIAENV"}) != before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("aws-regional-sts credentials --profile x", True),
        ("/opt/venv/bin/aws-regional-sts credentials --profile x", True),
        ("python3 -m awscli_regional_sts.cli credentials --profile x", True),
        ("'/path with space/aws-regional-sts' credentials --profile x", True),
        ("aws-regional-sts enable", False),
        ("aws configure export-credentials --profile x --format process", False),
        ("granted credential-process --profile x", False),
        ("aws-regional-sts credentials 'unbalanced", True),
    ],
)
def test_calls_bridge(command: str, expected: bool) -> None:
    assert calls_bridge(command) is expected


def test_mfa_is_detected_on_role_profiles_only(files: dict[str, str]) -> None:
    assert load_chain("tokyo-role", files).mfa_profile() is None
    edit(
        files,
        "AWS_CONFIG_FILE",
        "region = us-west-2\n",
        "region = us-west-2\nmfa_serial = arn:x\n",
    )
    assert load_chain("tokyo-role", files).mfa_profile() is None
    edit(
        files,
        "AWS_CONFIG_FILE",
        "sts_region = ap-northeast-1",
        "sts_region = ap-northeast-1\nmfa_serial = arn:x",
    )
    mfa = load_chain("tokyo-role", files).mfa_profile()
    assert mfa is not None and mfa.name == "tokyo-role"


TEMPORARY = IssuedCredentials("ASIAEXAMPLE", "s3cret", "t0ken", time.time() + 3600)


def test_cache_round_trip_and_owner_only(files: dict[str, str]) -> None:
    notes: list[str] = []
    store.save("k" * 64, TEMPORARY, note=notes.append)
    path = store.cache_path("k" * 64)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert store.load("k" * 64, note=notes.append) == TEMPORARY
    assert store.load("j" * 64) is None  # another key, another file
    assert any("cache hit" in n for n in notes)
    assert not any("s3cret" in n or "t0ken" in n for n in notes)


def test_cache_refreshes_within_the_margin(files: dict[str, str]) -> None:
    store.save("k" * 64, TEMPORARY, now=TEMPORARY.expires_at - 3600)
    assert TEMPORARY.expires_at is not None
    # An hour's credentials: botocore's advisory 15 minutes, as before.
    just_in = TEMPORARY.expires_at - 15 * 60 - 1
    assert store.load("k" * 64, now=just_in) == TEMPORARY
    assert store.load("k" * 64, now=just_in + 2) is None


@pytest.mark.parametrize(
    ("lifetime", "margin"),
    [
        (12 * 3600, 15 * 60),  # long roles: the advisory 15 minutes
        (3600, 15 * 60),
        (45 * 60, 15 * 60),  # a third of 45 minutes is 15
        (40 * 60, 40 * 60 / 3),  # in between: a third
        (30 * 60, 10 * 60),  # a third of 30 minutes is 10
        (900, 10 * 60),  # duration_seconds = 900: the mandatory 10 minutes
        (600, 10 * 60),  # never below it
        (60, 10 * 60),
    ],
)
def test_refresh_margin_fits_the_lifetime(lifetime: float, margin: float) -> None:
    assert store.refresh_margin(lifetime) == margin
    assert (
        store.MANDATORY_REFRESH_SECONDS
        <= store.refresh_margin(lifetime)
        <= store.ADVISORY_REFRESH_SECONDS
    )


def test_a_900_second_role_is_served_for_its_first_5_minutes(
    files: dict[str, str],
) -> None:
    fetched = time.time()
    short = IssuedCredentials("ASIAEXAMPLE", "s3cret", "t0ken", fetched + 900)
    store.save("k" * 64, short, now=fetched)
    notes: list[str] = []
    assert store.load("k" * 64, now=fetched + 1) == short
    assert store.load("k" * 64, now=fetched + 299) == short
    # 10 minutes left: botocore would have to replace it at once.
    assert store.load("k" * 64, now=fetched + 300, note=notes.append) is None
    assert "refresh margin 600 s" in notes[-1]


def test_credentials_of_at_most_10_minutes_are_never_served(
    files: dict[str, str],
) -> None:
    fetched = time.time()
    brief = IssuedCredentials("ASIAEXAMPLE", "s3cret", "t0ken", fetched + 600)
    store.save("k" * 64, brief, now=fetched)
    assert store.load("k" * 64, now=fetched) is None


@pytest.mark.parametrize(
    "content",
    ["", "{", "[]", '{"Format": "other"}', "null", '"text"'],
)
def test_unusable_cache_file_is_a_miss(files: dict[str, str], content: str) -> None:
    store.save("k" * 64, TEMPORARY)
    path = store.cache_path("k" * 64)
    path.write_text(content)
    assert store.load("k" * 64) is None


def test_cache_file_of_the_wrong_shape_is_a_miss(files: dict[str, str]) -> None:
    store.save("k" * 64, TEMPORARY)
    path = store.cache_path("k" * 64)
    good = json.loads(path.read_text())
    for field, value in [
        ("ExpiresAt", "soon"),
        ("ExpiresAt", True),
        ("ExpiresAt", 10**400),
        ("ExpiresAt", float("nan")),
        ("FetchedAt", None),
        ("FetchedAt", "now"),
        ("FetchedAt", good["ExpiresAt"] + 1),  # fetched after it expired
        ("FetchedAt", time.time() + 3600),  # ahead of this clock
        ("Version", 1),  # before FetchedAt: fetched again once
        ("Credentials", []),
    ]:
        path.write_text(json.dumps({**good, field: value}))
        assert store.load("k" * 64) is None, field
    path.write_text(json.dumps(good))
    path.chmod(0o640)
    assert store.load("k" * 64) is None


def test_long_term_keys_are_never_cached(files: dict[str, str]) -> None:
    store.save("k" * 64, IssuedCredentials("AKIA", "secret", None, None))
    assert not store.cache_directory().exists()


def test_formats() -> None:
    document = json.loads(render(TEMPORARY, OutputFormat.PROCESS))
    assert document["Version"] == 1
    assert document["SessionToken"] == "t0ken"
    assert document["Expiration"].endswith("Z")
    keys = json.loads(
        render(IssuedCredentials("AKIA", "s", None, None), OutputFormat.PROCESS)
    )
    assert set(keys) == {"Version", "AccessKeyId", "SecretAccessKey"}
    quoted = IssuedCredentials("AKIA", "a'b $c", None, None)
    lines = render(quoted, OutputFormat.ENV).splitlines()
    assert lines[1] == "export AWS_SECRET_ACCESS_KEY=" + shlex.quote("a'b $c")


def test_a_cached_answer_needs_no_fetch(files: dict[str, str]) -> None:
    store.save(key(files), TEMPORARY)
    assert _credentials("tokyo-role", dict(files), store.silent) == TEMPORARY


def test_the_environment_guard_stops_a_loop(files: dict[str, str]) -> None:
    environ = {**files, CHAIN_VARIABLE: "tf,tokyo-role"}
    with pytest.raises(Refusal, match="tf -> tokyo-role -> tokyo-role"):
        _credentials("tokyo-role", environ, store.silent)
