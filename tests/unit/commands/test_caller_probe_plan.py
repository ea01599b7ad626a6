"""How the caller's own account is probed (run/caller_account.py's
``_plan``): with the caller's keys, or a role_arn profile's source
credentials (source_profile or credential_source), which the log filter
then knows; when those do not load, GetCallerIdentity only, saying why."""

from __future__ import annotations

from typing import Any, ClassVar

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore import credentials
from botocore.credentials import Credentials

from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.model.observation import ProbeOperation
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
)
from awscli_regional_sts.commands.activation.run.caller_account import (
    CallerAccount,
    _arn_account,
    _credential_source,
    _plan,
)

ROLE = "arn:aws:iam::111122223333:role/ops"
SOURCE_SECRET = "source-secret-key-0123"
SOURCE_TOKEN = "source-session-token-4567"


class Session:
    """A botocore session's two calls ``_plan`` makes: the profile's
    config, and a session of another profile (``type(session)(profile=)``)."""

    credentials: ClassVar[dict[str, Credentials | None]] = {}

    def __init__(self, profile: str | None = None, config: Any = None) -> None:
        self.profile, self.config = profile, config

    def get_scoped_config(self) -> Any:
        if isinstance(self.config, Exception):
            raise self.config
        return self.config

    def get_credentials(self) -> Credentials | None:
        return self.credentials.get(str(self.profile))


def plan(config: Any, frozen: Any = None, role_arn: str | None = None) -> Any:
    redactor = CredentialRedactor()
    caller = CallerAccount(
        session=Session(config=config),
        options=CheckOptions(
            regions=("us-east-1",),
            partition="aws",
            profile="ops",
            profile_region="us-east-1",
            role_arn=role_arn,
        ),
        redactor=redactor,
        ask_identity=lambda: lambda: {},
    )
    chosen, keys = _plan(caller, frozen)
    return chosen, keys, redactor


def keys(access: str, token: str | None = None) -> Any:
    return Credentials(access, "caller-secret", token).get_frozen_credentials()


def test_the_callers_keys_choose_the_probe() -> None:
    user = keys("AKIAUSER")
    chosen, signing, _ = plan({}, user)
    assert chosen.method.operation == ProbeOperation.GET_SESSION_TOKEN
    assert signing is user
    chosen, signing, _ = plan({}, keys("AKIAUSER", "a-token"))
    assert chosen.method.operation == ProbeOperation.GET_CALLER_IDENTITY
    chosen, signing, _ = plan({}, None)
    assert chosen.method.operation == ProbeOperation.GET_CALLER_IDENTITY
    assert signing is None
    # A profile whose config cannot be read is a profile without role_arn.
    chosen, _, _ = plan(ValueError("bad config"), user)
    assert chosen.method.operation == ProbeOperation.GET_SESSION_TOKEN
    # --role-arn: the caller's keys sign the AssumeRole probes.
    chosen, signing, _ = plan({"role_arn": "arn:aws:iam::1:role/x"}, user, ROLE)
    assert (chosen.method.role_arn, chosen.credentials) == (
        ROLE,
        CredentialSource.CALLER,
    )
    assert signing is user


def test_a_source_profiles_keys_sign_the_profiles_own_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = Credentials("AKIABASE", SOURCE_SECRET, SOURCE_TOKEN)
    monkeypatch.setattr(Session, "credentials", {"base": base})
    caller = keys("ASIAROLE", "role-token")
    chosen, signing, redactor = plan(
        {"role_arn": ROLE, "source_profile": "base"}, caller
    )
    assert chosen.method.operation == ProbeOperation.ASSUME_ROLE
    assert chosen.method.role_arn == ROLE
    assert chosen.credentials == CredentialSource.SOURCE
    assert (signing.access_key, signing.secret_key) == ("AKIABASE", SOURCE_SECRET)
    assert redactor.redact(f"{SOURCE_SECRET} {SOURCE_TOKEN}") == (
        "<redacted> <redacted>"
    )


@pytest.mark.parametrize(
    ("config", "why"),
    [
        ({"source_profile": "nobody"}, "no credentials found"),
        ({"credential_source": "Bogus"}, "unsupported credential_source 'Bogus'"),
        ({"credential_source": "EcsContainer"}, "no credentials found"),
    ],
)
def test_source_credentials_that_do_not_load_leave_identity_only(
    config: dict[str, str], why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    caller = keys("ASIAROLE", "role-token")
    chosen, signing, _ = plan({"role_arn": ROLE, **config}, caller)
    reason = f"the profile's source credentials did not load ({why})"
    assert chosen.method.operation == ProbeOperation.GET_CALLER_IDENTITY
    assert chosen.method.reason == reason
    assert signing is caller


def test_the_environment_as_credential_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SOURCE_SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    chosen, signing, redactor = plan(
        {"role_arn": ROLE, "credential_source": "Environment"}, keys("ASIAROLE", "t")
    )
    assert chosen.credentials == CredentialSource.SOURCE
    assert signing.access_key == "AKIAENVIRONMENT"
    assert redactor.redact(SOURCE_SECRET) == "<redacted>"


def test_instance_metadata_as_credential_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[dict[str, Any]] = []

    class Fetcher(credentials.InstanceMetadataFetcher):
        def __init__(self, **kwargs: Any) -> None:
            made.append(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(credentials, "InstanceMetadataFetcher", Fetcher)
    # Metadata disabled: nothing is sent, no credentials come back.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert _credential_source("Ec2InstanceMetadata") is None
    # One attempt of at most 2 s: off EC2, the check must not wait long.
    assert made == [{"timeout": 2, "num_attempts": 1}]


def test_the_account_of_a_role_arn() -> None:
    assert _arn_account(ROLE) == "111122223333"
    assert _arn_account("arn:aws:iam::12:role/x") is None
    assert _arn_account(None) is None
