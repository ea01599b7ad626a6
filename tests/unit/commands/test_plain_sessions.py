"""accounts/clients.py's plain sessions in detail: what they take from the
CLI's session (its variables, data loader, default config), the exact
User-Agent, and the member credentials each thread signs with, down to a
request the simulator receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awscli  # noqa: F401 - first, so that botocore is the CLI's bundled one
import botocore.session
import pytest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import NoCredentialsError

from awscli_regional_sts.commands.accounts.clients import (
    Signers,
    ThreadCredentials,
    plain_session,
    user_agent,
)
from awscli_regional_sts.plugin.version import __version__

MEMBER = {"AccessKeyId": "ASIAMEMBER", "SecretAccessKey": "s", "SessionToken": "t"}


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-central-1\n")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SDK_UA_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACALLER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    return botocore.session.Session()


def test_the_user_agent_is_the_clis_then_the_plugins(
    session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert user_agent(session) == (
        f"{session.user_agent()} awscli-regional-sts/{__version__}"
    )
    monkeypatch.setenv("AWS_SDK_UA_APP_ID", "audit-job")
    assert user_agent(session) == (
        f"{session.user_agent()} awscli-regional-sts/{__version__} app/audit-job"
    )


class OldSession:
    """A botocore from before app ids: no such config variable."""

    def user_agent(self) -> str:
        return "aws-cli/1.0 botocore/1.20"

    def get_config_variable(self, name: str) -> Any:
        raise KeyError(name)


def test_a_botocore_without_app_ids() -> None:
    assert user_agent(OldSession()) == (
        f"aws-cli/1.0 botocore/1.20 awscli-regional-sts/{__version__}"
    )


def test_a_plain_session_reads_what_the_clis_reads(session: Any) -> None:
    # A variable the CLI adds to its session (as awscli does for its own).
    session.session_var_map["cli_custom"] = (None, "AWS_CLI_CUSTOM", "kept", None)
    session.set_config_variable("region", "ap-south-1")
    session.set_default_client_config(Config(connect_timeout=9))
    given = Credentials("AKIAGIVEN", "given-secret")
    plain = plain_session(session, given)
    assert plain.get_config_variable("cli_custom") == "kept"
    assert plain.get_config_variable("region") == "ap-south-1"
    assert plain.get_default_client_config().connect_timeout == 9
    assert plain.get_component("data_loader") is session.get_component("data_loader")
    assert plain.get_credentials() is given
    # Without a default config the session keeps botocore's none.
    bare = botocore.session.Session()
    assert plain_session(bare, given).get_default_client_config() is None


def test_clients_without_a_config_still_carry_the_user_agent(session: Any) -> None:
    signers = Signers(session)
    for client in (
        signers.caller_client("sts", None, None, None),
        signers.member_client("sts", None, None, None),
    ):
        assert client.meta.config.user_agent == user_agent(session)
        assert client.meta.region_name == "eu-central-1"
    with_config = signers.caller_client(
        "sts", "us-west-1", False, Config(read_timeout=2)
    )
    assert with_config.meta.region_name == "us-west-1"
    assert with_config.meta.config.read_timeout == 2
    assert with_config.meta.config.user_agent == user_agent(session)
    assert with_config._endpoint.http_session._verify is False


def test_a_member_signs_with_every_part_of_its_credentials(session: Any) -> None:
    credentials = ThreadCredentials()
    assert credentials.method == "assume-role"
    with credentials.signing_as(MEMBER):
        frozen = credentials.get_frozen_credentials()
        assert (frozen.access_key, frozen.secret_key, frozen.token) == (
            "ASIAMEMBER",
            "s",
            "t",
        )
    with pytest.raises(KeyError), credentials.signing_as(MEMBER):
        raise KeyError
    with pytest.raises(NoCredentialsError):
        credentials.get_frozen_credentials()
