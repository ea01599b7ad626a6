"""The bridge sees the profiles botocore sees (issue 31, finding 5), and its
cache key changes with everything botocore reads to make the credentials.

Each reading is also checked against botocore's own ``full_config`` here;
tests/property/test_bridge_config.py does that for 10,000 generated files.
"""

from __future__ import annotations

from pathlib import Path

import botocore.session
import pytest

from awscli_regional_sts.bridge.configfiles import (
    nested_values,
    read_config,
    section_name,
)
from awscli_regional_sts.bridge.model import Refusal
from awscli_regional_sts.bridge.profiles import load_chain

READ_ONLY = "arn:aws:iam::111122223333:role/ReadOnly"
ADMIN = "arn:aws:iam::111122223333:role/Admin"


@pytest.fixture
def environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    files = {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    for name, value in files.items():
        monkeypatch.setenv(name, value)  # for botocore's reading
    (tmp_path / "credentials").write_text(
        "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s1\n"
    )
    return files


def write(environ: dict[str, str], text: str, name: str = "AWS_CONFIG_FILE") -> None:
    Path(environ[name]).write_text(text)


def botocore_profiles() -> dict[str, object]:
    profiles: dict[str, object] = botocore.session.Session().full_config["profiles"]
    return profiles


def key(environ: dict[str, str], profile: str = "prod") -> str:
    return load_chain(profile, environ).cache_key(environ)


BOTH_PRODS = (
    f"[profile prod]\nrole_arn = {READ_ONLY}\nsource_profile = keys\n"
    f'[profile "prod"]\nrole_arn = {ADMIN}\nsource_profile = keys\n'
)


def test_a_quoted_section_name_is_the_profile_botocore_uses(
    environ: dict[str, str],
) -> None:
    """The issue's mix-up: [profile prod] (ReadOnly) and [profile "prod"]
    (Admin); botocore uses the later one, Admin, for prod. The bridge
    read ReadOnly's section for prod and a profile named '"prod"'."""
    write(environ, BOTH_PRODS)
    assert botocore_profiles()["prod"] == {"role_arn": ADMIN, "source_profile": "keys"}
    assert load_chain("prod", environ).profile.settings["role_arn"] == ADMIN
    with pytest.raises(Refusal, match="^no such profile"):
        load_chain('"prod"', environ)


def test_removing_the_quoted_section_changes_the_key(environ: dict[str, str]) -> None:
    """Admin's credentials were served for ReadOnly's key for up to 45
    minutes after the quoted section was removed."""
    write(environ, BOTH_PRODS)
    admin = key(environ)
    write(environ, BOTH_PRODS.split('[profile "prod"]')[0])
    assert load_chain("prod", environ).profile.settings["role_arn"] == READ_ONLY
    assert key(environ) != admin


@pytest.mark.parametrize(
    ("section", "name"),
    [
        ("profile prod", "prod"),
        ('profile "prod"', "prod"),
        ("profile 'prod'", "prod"),
        ('profile "my prod"', "my prod"),
        ("profile my\\ prod", "my prod"),
        ("profile   prod  ", "prod"),
        ("profile\tprod", "prod"),
        ("profiles prod", "prod"),  # botocore matches the prefix only
        ("profile-x prod", "prod"),
        ("profile a b", None),
        ("profile", None),
        ('profile "prod', None),  # unbalanced: ignored, not an error
        ("sso-session corp", "corp"),
    ],
)
def test_section_names_are_split_like_a_shell_line(
    section: str, name: str | None
) -> None:
    assert section_name(section) == name


def test_default_profile_sections_and_the_configparser_default_section(
    environ: dict[str, str],
) -> None:
    write(
        environ,
        "[DEFAULT]\nsts_fallback = global\n"
        "[profile default]\nregion = eu-west-1\n"
        "[default]\nregion = us-east-1\n"
        "[Profile upper]\nregion = x\n"
        "[profile DEFAULT]\nregion = ap-south-1\n",
    )
    expected = botocore_profiles()
    # The later of [profile default] and [default] wins; [DEFAULT]'s keys
    # count in every section; [Profile upper] is no profile.
    assert expected["default"] == {"sts_fallback": "global", "region": "us-east-1"}
    assert "upper" not in expected and "Profile upper" not in expected
    view = read_config(environ)
    assert view.profiles == expected
    assert load_chain("DEFAULT", environ).profile.settings["region"] == "ap-south-1"
    write(
        environ,
        "[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n",
    )
    assert read_config(environ).profiles["default"] == {"region": "eu-west-1"}
    assert read_config(environ).profiles == botocore_profiles()


def test_the_credentials_file_names_profiles_by_the_raw_section(
    environ: dict[str, str],
) -> None:
    write(
        environ,
        '[profile x]\naws_access_key_id = AKIAX\n[ "y" ]\naws_access_key_id = AKIAY\n',
        "AWS_SHARED_CREDENTIALS_FILE",
    )
    write(environ, "[profile z]\nregion = eu-west-1\n")
    view = read_config(environ)
    assert view.profiles == botocore_profiles()
    assert set(view.profiles) == {"z", "profile x", ' "y" '}


def test_indented_blocks_are_parsed_one_level_deep(environ: dict[str, str]) -> None:
    write(
        environ,
        "[profile prod]\nservices = corp\n"
        "[services corp]\nsts =\n  endpoint_url = https://a = b\n\n  region=x\n",
    )
    view = read_config(environ)
    assert view.services == {
        "corp": {"sts": {"endpoint_url": "https://a = b", "region": "x"}}
    }
    assert nested_values("\n a=1\n\n a = 2 ") == {"a": "2"}
    with pytest.raises(ValueError):
        nested_values("\nno equals sign")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[profile prod]\nsts =\n  no equals sign\n", "not enough values to unpack"),
        ("[profile prod]\nregion = a\nregion = b\n", "option 'region' in section"),
        ("[profile a]\n[profile a]\n", "section 'profile a' already exists"),
    ],
)
def test_what_botocore_cannot_parse_is_refused_never_served_from_the_cache(
    environ: dict[str, str], text: str, reason: str
) -> None:
    """botocore raises ConfigParseError: the bridge refuses before it
    computes a key, so no cache entry can answer."""
    write(environ, text)
    with pytest.raises(botocore.exceptions.ConfigParseError):
        botocore_profiles()
    with pytest.raises(Refusal) as caught:
        load_chain("prod", environ)
    assert str(caught.value).startswith(f"cannot read {environ['AWS_CONFIG_FILE']}: ")
    assert reason in str(caught.value)


ROLE = (
    f"[profile prod]\nrole_arn = {READ_ONLY}\nsource_profile = base\n"
    "sso_session = corp\nservices = corp\n"
    "[profile base]\nrole_arn = arn:aws:iam::111122223333:role/Base\n"
    "source_profile = keys\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
    "[services corp]\nsts =\n  endpoint_url = https://sts.corp.example\n"
    "[profile other]\nregion = eu-west-1\n"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # The source profile's section, and its own source's.
        ("role/Base\n", "role/Base\nrole_session_name = x\n"),
        ("source_profile = keys\n", "source_profile = keys\nregion = eu-west-1\n"),
        # The sso-session and services sections the profile names.
        ("https://corp.awsapps.com/start", "https://evil.awsapps.com/start"),
        ("https://sts.corp.example", "https://sts.other.example"),
        # Any setting, not only known ones.
        ("services = corp\n", "services = corp\nsome_future_setting = 1\n"),
    ],
)
def test_a_change_botocore_would_see_is_a_miss(
    environ: dict[str, str], old: str, new: str
) -> None:
    write(environ, ROLE)
    before = key(environ)
    write(environ, ROLE.replace(old, new, 1))
    assert key(environ) != before


def test_what_botocore_does_not_read_for_the_profile_keeps_the_key(
    environ: dict[str, str],
) -> None:
    write(environ, ROLE)
    before = key(environ)
    write(environ, ROLE.replace("[profile other]\nregion = eu-west-1\n", ""))
    assert key(environ) == before
    # Secrets are no input of the key (only the key's id is).
    credentials = Path(environ["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text(credentials.read_text().replace("s1", "s2"))
    assert key(environ) == before
    credentials.write_text(credentials.read_text().replace("AKIAKEYS", "AKIAOTHER"))
    assert key(environ) != before


def test_adding_a_missing_source_or_sso_session_is_a_miss(
    environ: dict[str, str],
) -> None:
    text = (
        f"[profile prod]\nrole_arn = {READ_ONLY}\nsource_profile = base\n"
        "sso_session = corp\n"
    )
    write(environ, text)
    before = key(environ)
    write(environ, text + "[sso-session corp]\nsso_region = eu-west-1\n")
    with_session = key(environ)
    write(environ, text + "[profile base]\nregion = eu-west-1\n")
    assert len({before, with_session, key(environ)}) == 3


def test_the_same_content_in_another_file_is_another_key(
    environ: dict[str, str], tmp_path: Path
) -> None:
    write(environ, ROLE)
    (tmp_path / "copy").write_text(ROLE)
    assert key({**environ, "AWS_CONFIG_FILE": str(tmp_path / "copy")}) != key(environ)


def test_an_indented_block_where_a_section_name_belongs_names_no_section(
    environ: dict[str, str],
) -> None:
    """sso_session and services are looked up only when they are text; an
    indented block there is kept in the profile's section (botocore keeps
    it too) and names no section."""
    text = (
        f"[profile prod]\nrole_arn = {READ_ONLY}\nsource_profile = keys\n"
        "sso_session =\n  a = b\nservices =\n  c = d\n"
    )
    write(environ, text)
    before = key(environ)
    assert load_chain("prod", environ).profile.settings["services"] == {"c": "d"}
    write(environ, text.replace("c = d", "c = e"))
    assert key(environ) != before
