"""The bridge reads the config files as botocore does: a differential test.

Hypothesis writes a config file and a credentials file full of what a
parser can trip on (quoted and spaced section names, ``[default]``,
``[profile default]`` and ``[DEFAULT]``, repeated sections and keys,
indented blocks, sso-session and services sections, comments, CRLF, odd
characters, undecodable bytes, ``$VAR`` and ``~`` in the variables, files
that are missing or folders) and compares the bridge's reading
(``bridge/configfiles.py``, no botocore) with botocore's own
``Session.full_config``, ``configloader.load_config`` and
``raw_config_parse``: the same profiles, sso-sessions, services and
sections, or an error from both.

``make test`` runs 10,000 files, derandomized (the same files every run),
as two tests of 5,000 that it runs at once on two pytest-xdist workers;
``make bridge-fuzz`` runs BRIDGE_FUZZ_EXAMPLES of them (default 200,000)
from a random seed; Hypothesis prints a difference with the
``@reproduce_failure`` line that replays it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.configloader
import botocore.session
import pytest
from botocore.exceptions import ConfigParseError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awscli_regional_sts.bridge.configfiles import read_config
from awscli_regional_sts.bridge.model import Refusal
from awscli_regional_sts.bridge.profiles import load_chain

FUZZ = os.environ.get("BRIDGE_FUZZ_EXAMPLES")
settings.register_profile(
    "make-test",
    max_examples=10_000,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=int(FUZZ or 200_000),
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = "fuzz" if FUZZ else "make-test"

#: The folder's variable for the ``$VAR`` forms of the file paths.
FOLDER_VARIABLE = "BRIDGE_CONFIG_TEST_DIR"

# Pieces a section name is made of: the prefixes botocore matches with
# startswith, in every case and spacing, and names with shell quoting.
PREFIXES = [
    "profile",
    "profile ",
    "profile  ",
    "profile\t",
    "Profile ",
    "profiles ",
    "profile-x ",
    "sso-session ",
    "sso-session",
    "sso-sessionx ",
    "services ",
    "services",
    " profile ",
    "",
]
PLAIN_NAMES = [
    "prod",
    "default",
    "DEFAULT",
    "Default",
    "dev",
    "corp",
    "s",
    "default ",
    " default",
    "plugins",
    "preview",
]
ODD = " \t\"'\\#;=:[]$~%éß\x00\x0b\x1cpd"
NAME = st.one_of(
    st.sampled_from(PLAIN_NAMES),
    st.text(alphabet=ODD, min_size=1, max_size=4),
    st.sampled_from(PLAIN_NAMES).map(lambda n: f'"{n}"'),
    st.sampled_from(PLAIN_NAMES).map(lambda n: f"'{n}'"),
    st.sampled_from(PLAIN_NAMES).map(lambda n: f'"{n} x"'),
    st.sampled_from(PLAIN_NAMES).map(lambda n: f'"{n}'),
    st.sampled_from(PLAIN_NAMES).map(lambda n: f"{n}\\ x"),
)
GOOD_HEADER = st.one_of(
    st.builds(lambda p, n: f"[{p}{n}]", st.sampled_from(PREFIXES), NAME),
    st.sampled_from(
        ["[default]", "[DEFAULT]", "[profile default]", '[profile "default"]']
    ),
    st.builds(lambda n: f"[{n}]", NAME),
)
#: Mostly headers configparser takes; now and then one it does not (drawn
#: by index, as NOISE below).
BAD_HEADERS = ("[", "[]", "[profile prod] x", " [profile prod]")
HEADER = st.integers(0, 30).flatmap(
    lambda i: st.just(BAD_HEADERS[i - 13]) if 13 <= i < 17 else GOOD_HEADER
)
KEYS = [
    "region",
    "Region",
    "REGION",
    "role_arn",
    "source_profile",
    "sso_session",
    "services",
    "sts",
    "credential_process",
    "aws_access_key_id",
    "aws_secret_access_key",
    "sts_region",
    "a b",
    "#x",
    ";y",
]
VALUE_TEXT = st.text(alphabet="ab $%~\"'#;=:\\é\t", max_size=4)
GOOD_NESTED_LINE = st.builds(
    lambda k, s, v: f"  {k}{s}{v}",
    st.sampled_from(["endpoint_url", "region", "A", " x "]),
    st.sampled_from(["=", " = ", "=="]),
    VALUE_TEXT,
)
BAD_NESTED_LINES = ("\t# comment: no =, an error", "  no equals sign")
NESTED_LINE = st.integers(0, 30).flatmap(
    lambda i: (
        st.just(BAD_NESTED_LINES[i - 14])
        if 14 <= i < 16
        else st.just("  ")
        if i == 17
        else GOOD_NESTED_LINE
    )
)
VALUE = st.one_of(
    VALUE_TEXT,
    st.sampled_from(["prod", "default", "corp", "s", '"prod"', "prod ", ""]),
    st.lists(NESTED_LINE, min_size=1, max_size=3).map(lambda ls: "\n" + "\n".join(ls)),
)
#: Lines between options: comments, blanks, an indented line (continues
#: the value above), and rarely what configparser refuses; mostly none
#: (an index past the list), drawn by index: Hypothesis favours the ends of
#: a range, and of a list to sample.
NOISE_LINES = ("", "# comment", "; comment", "  continued", "garbage", "  # indented")
NOISE = st.integers(0, 40).map(lambda i: NOISE_LINES[i] if i < 6 else None)
#: key, separator, value, the noise after it
OPTION = st.tuples(
    st.sampled_from(KEYS),
    st.sampled_from(["=", " = ", ":", " : ", "= ", "\t="]),
    VALUE,
    NOISE,
)
SECTION = st.tuples(
    HEADER,
    st.lists(OPTION, max_size=3, unique_by=lambda option: option[0].lower()),
)


def rarely(draw: Any, one_in: int) -> bool:
    """True about once in ``one_in`` draws. Not ``integers(0, n) == 0``:
    Hypothesis draws the bounds of a range far more often than 1 / n."""
    return bool(draw(st.integers(0, 2 * one_in - 2)) == one_in - 1)


@st.composite
def ini_file(draw: Any) -> bytes:
    """A config or credentials file: sections of options with noise."""
    lines = []
    if rarely(draw, 20):  # before the first section
        lines.append(draw(NOISE) or "garbage")
    sections = draw(st.lists(SECTION, max_size=5, unique_by=lambda s: s[0].strip()))
    if sections and rarely(draw, 20):
        sections.append(sections[0])  # a section twice: an error
    for header, options in sections:
        lines.append(header)
        if options and rarely(draw, 20):
            options = [*options, options[0]]  # a key twice: an error
        for key, separator, value, noise in options:
            lines.append(f"{key}{separator}{value}")
            if noise is not None:
                lines.append(noise)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = ("\ufeff" if rarely(draw, 30) else "") + newline.join(lines)
    if draw(st.booleans()):
        text += newline
    data = text.encode("utf-8")
    if rarely(draw, 30):
        data += b"\xff"  # not UTF-8: an error for both
    return data


#: How a variable names a file: as it is, through $VAR or ${VAR}, empty
#: (no file for botocore), a missing file, a folder, an unset variable
#: (kept as text), through ~.
PATH_FORMS = [
    "{folder}/{name}",
    "${var}/{name}",
    "${{{var}}}/{name}",
    "",
    "{folder}/missing",
    "{folder}",
    "$BRIDGE_CONFIG_UNSET_VARIABLE/{name}",
    "~/../{name}",
    None,  # the variable unset: ~/.aws/... under HOME
]


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # Four small writes per file pair: on a disk that is 4 ms each here
    # (160 s for 10,000 pairs), in memory (/dev/shm, Linux) 0.02 ms.
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="bridge-config-", dir=memory))
    home = path / "home"
    (home / ".aws").mkdir(parents=True)
    names = ("HOME", FOLDER_VARIABLE, "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
    saved = {k: os.environ.get(k) for k in names}
    os.environ["HOME"] = str(home)
    os.environ[FOLDER_VARIABLE] = str(path)
    try:
        yield path
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(path)


def set_path(variable: str, form: str | None, name: str, folder: Path) -> None:
    if form is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = form.format(
            folder=folder, var=FOLDER_VARIABLE, name=name
        )


#: What the bridge takes from botocore's full_config (its other sections,
#: [plugins] and the like, are no input of a profile's credentials).
PARTS = ("profiles", "sso_sessions", "services")


def botocore_reading(session: Any) -> dict[str, Any] | None:
    """botocore's full_config, or None for ConfigParseError."""
    # A fresh Session costs 14 ms (10,000 of them: 140 s); full_config
    # caches its result in _config, so one Session is reset instead.
    session._config = None
    try:
        # Without a config file full_config holds "profiles" alone.
        return {part: session.full_config.get(part, {}) for part in PARTS}
    except ConfigParseError:
        return None


def bridge_reading() -> dict[str, Any] | None:
    """The bridge's reading, shaped as botocore's full_config."""
    try:
        view = read_config(os.environ)
    except Refusal:
        return None
    return {part: getattr(view, part) for part in PARTS}


def raw_or_none(load: Any, path: str) -> Any:
    try:
        return load(path)
    except botocore.exceptions.ConfigNotFound:
        return "not found"
    except ConfigParseError:
        return None


#: Half of the profile's examples for each of two tests (each its own
#: derandomized sequence, as Hypothesis seeds it from the test's name and
#: source): `make test` runs them on two pytest-xdist workers at once,
#: 10,000 files in half the wall time.
HALF = settings(
    settings.get_profile(PROFILE),
    max_examples=settings.get_profile(PROFILE).max_examples // 2,
)
CONFIG_PAIRS = given(
    config=ini_file(),
    credentials=ini_file(),
    config_form=st.sampled_from(PATH_FORMS),
    credentials_form=st.sampled_from(PATH_FORMS),
)


@HALF
@CONFIG_PAIRS
def test_the_bridge_reads_every_profile_as_botocore_does(
    folder: Path,
    config: bytes,
    credentials: bytes,
    config_form: str | None,
    credentials_form: str | None,
) -> None:
    check_reading(folder, config, credentials, config_form, credentials_form)


@HALF
@CONFIG_PAIRS
def test_the_bridge_reads_every_profile_as_botocore_does_second_half(
    folder: Path,
    config: bytes,
    credentials: bytes,
    config_form: str | None,
    credentials_form: str | None,
) -> None:
    check_reading(folder, config, credentials, config_form, credentials_form)


def check_reading(
    folder: Path,
    config: bytes,
    credentials: bytes,
    config_form: str | None,
    credentials_form: str | None,
) -> None:
    """The bridge's reading of one pair of files is botocore's."""
    (folder / "config").write_bytes(config)
    (folder / "credentials").write_bytes(credentials)
    (folder / "home" / ".aws" / "config").write_bytes(credentials)
    (folder / "home" / ".aws" / "credentials").write_bytes(config)
    set_path("AWS_CONFIG_FILE", config_form, "config", folder)
    set_path("AWS_SHARED_CREDENTIALS_FILE", credentials_form, "credentials", folder)

    expected = botocore_reading(_SESSION)
    assert bridge_reading() == expected
    if expected is None:
        return
    # The two files apart, as the key uses them.
    view = read_config(os.environ)
    loaded = raw_or_none(botocore.configloader.load_config, view.config_path)
    assert view.config_profiles == ({} if loaded == "not found" else loaded["profiles"])
    raw = raw_or_none(botocore.configloader.raw_config_parse, view.credentials_path)
    assert view.credentials_profiles == ({} if raw == "not found" else raw)
    # Every profile through the bridge's own entry point.
    for name, settings_ in expected["profiles"].items():
        chain = load_chain(name, os.environ)
        assert chain.profile.name == name
        assert chain.profile.settings == settings_


_SESSION = botocore.session.Session()
