"""accounts/clients.py with a real botocore: the plain sessions read what
the CLI's session reads (profile, retries, FIPS, CA bundle, what the
command line set, the default client config), sign as the caller or as the
calling thread's member, and never as anyone else."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import awscli  # noqa: F401 - first, so that botocore is the CLI's bundled one
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import NoCredentialsError

from awscli_regional_sts.commands.accounts.clients import Signers, user_agent

MEMBER = {"AccessKeyId": "ASIAMEMBER", "SecretAccessKey": "s", "SessionToken": "t"}


@pytest.fixture
def cli_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A botocore session as the CLI leaves it: a profile from a config
    file, a region and profile set as --region and --profile set them, a
    default client config as --cli-connect-timeout sets it."""
    config = tmp_path / "config"
    config.write_text(
        "[profile audit]\n"
        "region = eu-west-1\n"
        "retry_mode = standard\n"
        "max_attempts = 7\n"
        "use_fips_endpoint = true\n"
        f"ca_bundle = {tmp_path / 'ca.pem'}\n"
        "aws_access_key_id = AKIACALLER\n"
        "aws_secret_access_key = secret\n"
    )
    for name in ("AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    session = botocore.session.Session()
    session.set_config_variable("profile", "audit")
    session.set_config_variable("region", "us-west-2")
    session.set_default_client_config(Config(connect_timeout=17))
    return session


def test_clients_read_what_the_cli_session_reads(cli_session: Any) -> None:
    signers = Signers(cli_session)
    iam = signers.member_client("iam", None, None, Config(read_timeout=3))
    assert iam.meta.endpoint_url == "https://iam-fips.amazonaws.com"
    config = iam.meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 7}
    assert (config.connect_timeout, config.read_timeout) == (17, 3)
    assert config.user_agent == user_agent(cli_session)
    assert "awscli-regional-sts/" in config.user_agent
    sts = signers.caller_client("sts", None, None, None)
    assert sts.meta.region_name == "us-west-2"  # as --region set it
    assert sts.meta.endpoint_url == "https://sts-fips.us-west-2.amazonaws.com"
    # The profile's ca_bundle, where botocore puts it.
    assert str(sts._endpoint.http_session._verify).endswith("ca.pem")


def test_caller_clients_sign_with_the_cli_sessions_credentials(
    cli_session: Any,
) -> None:
    signers = Signers(cli_session)
    sts = signers.caller_client("sts", "us-east-1", None, None)
    credentials = sts._request_signer._credentials
    assert credentials is cli_session.get_credentials()
    assert credentials.get_frozen_credentials().access_key == "AKIACALLER"


def test_member_clients_sign_only_as_this_threads_member(cli_session: Any) -> None:
    signers = Signers(cli_session)
    iam = signers.member_client("iam", "us-east-1", None, None)
    credentials = iam._request_signer._credentials
    with pytest.raises(NoCredentialsError):
        credentials.get_frozen_credentials()
    seen: dict[str, Any] = {}

    def other_thread() -> None:
        try:
            credentials.get_frozen_credentials()
        except NoCredentialsError as error:
            seen["other"] = error

    with signers.signing_as(MEMBER):
        assert credentials.get_frozen_credentials().access_key == "ASIAMEMBER"
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert isinstance(seen["other"], NoCredentialsError)
    with pytest.raises(NoCredentialsError):
        credentials.get_frozen_credentials()
    # A member call without credentials fails before anything is sent.
    with pytest.raises(NoCredentialsError):
        iam.get_account_summary()
