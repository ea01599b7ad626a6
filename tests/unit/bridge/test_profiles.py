"""The bridge's reading of the config files: profiles as botocore sees
them, the refusals' one-line reasons, and a cache key that stays the same
for the same inputs across releases."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest

from awscli_regional_sts.bridge.configfiles import config_paths
from awscli_regional_sts.bridge.model import Refusal
from awscli_regional_sts.bridge.profiles import (
    KEY_ENVIRONMENT,
    calls_bridge,
    load_chain,
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text(
        "[default]\nregion = eu-west-1\n"
        "[sso-session corp]\nsso_region = eu-west-1\n"
        "[services s]\nsts =\n  endpoint_url = https://x\n"
        "[profile role]\nrole_arn = arn:aws:iam::111122223333:role/r\n"
        "source_profile = keys\nsts_region = ap-northeast-1\n"
    )
    (tmp_path / "credentials").write_text(
        "[keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n"
    )
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }


def settings(files: dict[str, str], profile: str) -> list[dict[str, str]]:
    return [dict(p.settings) for p in load_chain(profile, files).profiles]


def test_only_profile_sections_are_profiles(files: dict[str, str]) -> None:
    assert settings(files, "default") == [{"region": "eu-west-1"}]
    for section in ("corp", "s", "sso-session corp", "services s"):
        with pytest.raises(Refusal, match="^no such profile in "):
            load_chain(section, files)


def test_a_profile_only_in_the_credentials_file(files: dict[str, str]) -> None:
    assert settings(files, "keys") == [
        {"aws_access_key_id": "AKIAKEYS", "aws_secret_access_key": "s"}
    ]


def test_a_default_section_counts_for_every_profile_as_in_botocore(
    files: dict[str, str],
) -> None:
    config = Path(files["AWS_CONFIG_FILE"])
    config.write_text("[DEFAULT]\nsts_fallback = global\n" + config.read_text())
    role, keys = settings(files, "role")
    assert role["sts_fallback"] == "global" and role["sts_region"] == "ap-northeast-1"
    assert settings(files, "default") == [
        {"sts_fallback": "global", "region": "eu-west-1"}
    ]
    with pytest.raises(Refusal, match="^no such profile"):
        load_chain("DEFAULT", files)


def test_a_repeated_section_is_refused_as_botocore_refuses_it(
    files: dict[str, str],
) -> None:
    config = Path(files["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + "[default]\nregion = us-east-1\n")
    with pytest.raises(Refusal) as caught:
        load_chain("role", files)
    assert str(caught.value) == (
        f"cannot read {config}: While reading from {str(config)!r} [line 12]: "
        "section 'default' already exists"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"region = x\n", "File contains no section headers."),
        (b"[default]\n\xff\n", "'utf-8' codec can't decode byte 0xff in position 10"),
    ],
)
def test_an_unreadable_file_is_refused_with_the_first_line_of_why(
    files: dict[str, str], content: bytes, reason: str
) -> None:
    config = Path(files["AWS_CONFIG_FILE"])
    config.write_bytes(content)
    with pytest.raises(Refusal) as caught:
        load_chain("role", files)
    assert str(caught.value).startswith(f"cannot read {config}: {reason}")
    assert "\n" not in str(caught.value)


def test_a_path_that_is_no_file_is_read_as_no_file_as_in_botocore(
    files: dict[str, str], tmp_path: Path
) -> None:
    """botocore's raw_config_parse: not os.path.isfile, ConfigNotFound,
    and the file is skipped; so is an empty variable (no file at all)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    for path in (str(folder), "", str(tmp_path / "missing")):
        environ = {**files, "AWS_SHARED_CREDENTIALS_FILE": path}
        assert settings(environ, "role") == [
            {
                "role_arn": "arn:aws:iam::111122223333:role/r",
                "source_profile": "keys",
                "sts_region": "ap-northeast-1",
            }
        ]
        with pytest.raises(Refusal, match="^no such profile"):
            load_chain("keys", environ)


def test_the_files_default_to_the_home_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = (f"{tmp_path}/.aws/config", f"{tmp_path}/.aws/credentials")
    assert config_paths({}) == expected
    # Set but empty is set, for botocore: no file, not the default.
    assert config_paths({"AWS_CONFIG_FILE": "", "AWS_SHARED_CREDENTIALS_FILE": ""}) == (
        "",
        "",
    )
    assert config_paths(
        {"AWS_CONFIG_FILE": "~/c", "AWS_SHARED_CREDENTIALS_FILE": "/k"}
    ) == (f"{tmp_path}/c", "/k")
    with pytest.raises(Refusal) as caught:
        load_chain("p", {})
    assert str(caught.value) == (f"no such profile in {expected[0]} or {expected[1]}")


def test_variables_in_the_file_variables_are_expanded_as_in_botocore(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """botocore expands $VAR, ${VAR} and ~ in AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE; the bridge read the literal path."""
    monkeypatch.setenv("BRIDGE_TEST_DIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    environ = {
        "AWS_CONFIG_FILE": "$BRIDGE_TEST_DIR/config",
        "AWS_SHARED_CREDENTIALS_FILE": "~/credentials",
    }
    assert [p.name for p in load_chain("role", environ).profiles] == ["role", "keys"]
    assert load_chain("role", environ).cache_key(environ) == (
        load_chain("role", files).cache_key(files)
    )
    braces = {**environ, "AWS_CONFIG_FILE": "${BRIDGE_TEST_DIR}/config"}
    assert settings(braces, "role") == settings(files, "role")
    # An unset variable stays as it is, as in os.path.expandvars.
    unset = {**environ, "AWS_CONFIG_FILE": "$BRIDGE_TEST_UNSET/config"}
    assert config_paths(unset)[0] == "$BRIDGE_TEST_UNSET/config"
    with pytest.raises(Refusal, match="^no such profile in .BRIDGE_TEST_UNSET/"):
        load_chain("role", unset)


def key_of(inputs: object) -> str:
    """The documented key: SHA-256 of the inputs as compact, sorted JSON."""
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return sha256(text.encode("utf-8")).hexdigest()


def test_the_cache_key_of_given_inputs_never_changes(files: dict[str, str]) -> None:
    """Files cached by an earlier release are found again: the key is the
    same for the same inputs (else KEY_VERSION must be bumped)."""
    environ = {**files, "AWS_STS_REGION": "eu-west-1", "AWS_PROFILE": "x"}
    inputs = {
        "version": 2,
        "files": [files["AWS_CONFIG_FILE"], files["AWS_SHARED_CREDENTIALS_FILE"]],
        "chain": [
            {
                "name": "role",
                "config": {
                    "role_arn": "arn:aws:iam::111122223333:role/r",
                    "source_profile": "keys",
                    "sts_region": "ap-northeast-1",
                },
                "credentials": None,
                "sso-session": None,
                "services": None,
            },
            {
                "name": "keys",
                "config": None,
                # The secret is left out; the key's id stays.
                "credentials": {"aws_access_key_id": "AKIAKEYS"},
                "sso-session": None,
                "services": None,
            },
        ],
        "environment": {"AWS_STS_REGION": "eu-west-1"},
    }
    assert load_chain("role", environ).cache_key(environ) == key_of(inputs)


def test_with_credential_source_environment_all_variables_still_count(
    files: dict[str, str],
) -> None:
    config = Path(files["AWS_CONFIG_FILE"])
    config.write_text(
        config.read_text().replace(
            "source_profile = keys", "credential_source = environment"
        )
    )
    chain = load_chain("role", files)
    base = chain.cache_key(files)
    for name in (*KEY_ENVIRONMENT, "AWS_ACCESS_KEY_ID"):
        assert chain.cache_key({**files, name: "x"}) != base, name


@pytest.mark.parametrize(
    "command",
    [
        "/usr/bin/aws-regional-sts credentials --profile p",
        "python -m awscli_regional_sts.cli credentials --profile p",
    ],
)
def test_the_bridge_is_recognised_by_path_or_module(command: str) -> None:
    assert calls_bridge(command)
    assert not calls_bridge(command.replace(" credentials", " enable"))


@pytest.mark.parametrize(
    "command",
    [
        "aws-regional-stsx credentials",
        "/usr/bin/other-tool credentials",
        "python -m awscli_regional credentials",
    ],
)
def test_other_commands_named_credentials_are_not_the_bridge(command: str) -> None:
    assert not calls_bridge(command)
