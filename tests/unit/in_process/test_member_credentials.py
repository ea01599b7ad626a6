"""accounts/credentials.py with real botocore against the simulator: the
caller's credentials known to the redactor before anything is signed, a
member role assumed for STS's shortest session, clients signed with what
was issued, and the member's secrets forgotten after its calls."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest
from botocore.config import Config

from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.credentials import (
    MEMBER_SESSION_SECONDS,
    assume_member_role,
    caller_credentials,
    client_keys,
    close_client,
    secrets_known,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from testing.simulator import Simulator

ISSUED = {
    "AccessKeyId": "ASIAISSUED",
    "SecretAccessKey": "ISSUEDSECRET",
    "SessionToken": "ISSUEDTOKEN",
}


def session_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **keys: str) -> Any:
    for name in (
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    return botocore.session.Session()


def test_the_callers_secrets_are_known_before_signing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    session = session_with(
        monkeypatch,
        tmp_path,
        AWS_ACCESS_KEY_ID="AKIACALLER",
        AWS_SECRET_ACCESS_KEY="CALLERSECRET",
        AWS_SESSION_TOKEN="CALLERTOKEN",
    )
    redactor = CredentialRedactor()
    credentials, frozen = caller_credentials(session, redactor)
    assert credentials is session.get_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        "AKIACALLER",
        "CALLERSECRET",
        "CALLERTOKEN",
    )
    assert redactor.redact("AKIACALLER CALLERSECRET CALLERTOKEN") == (
        "AKIACALLER <redacted> <redacted>"
    )
    assert client_keys(frozen) == {
        "aws_access_key_id": "AKIACALLER",
        "aws_secret_access_key": "CALLERSECRET",
        "aws_session_token": "CALLERTOKEN",
    }


def test_no_credentials_at_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    redactor = CredentialRedactor()
    assert caller_credentials(session_with(monkeypatch, tmp_path), redactor) == (
        None,
        None,
    )


def test_an_sts_answers_keys() -> None:
    assert client_keys(ISSUED) == {
        "aws_access_key_id": "ASIAISSUED",
        "aws_secret_access_key": "ISSUEDSECRET",
        "aws_session_token": "ISSUEDTOKEN",
    }


def test_secrets_known_only_while_inside() -> None:
    redactor = CredentialRedactor()
    redactor.add("CALLERSECRET")
    with secrets_known(redactor, ISSUED):
        assert redactor.redact("ISSUEDSECRET ISSUEDTOKEN ASIAISSUED") == (
            "<redacted> <redacted> ASIAISSUED"
        )
    assert redactor.redact("ISSUEDSECRET ISSUEDTOKEN CALLERSECRET") == (
        "ISSUEDSECRET ISSUEDTOKEN <redacted>"
    )
    with pytest.raises(KeyError), secrets_known(redactor, ISSUED):
        raise KeyError
    assert redactor.redact("ISSUEDTOKEN") == "ISSUEDTOKEN"


def test_a_member_role_for_the_shortest_session(
    in_process_simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    simulator = in_process_simulator
    simulator.reset()
    caller = simulator.add_user("alice")
    role_arn = simulator.add_role("Audit", account_id="444455556666")
    session = session_with(monkeypatch, tmp_path)
    sts = session.create_client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=caller.access_key_id,
        aws_secret_access_key=caller.secret_access_key,
        verify=simulator.ca_bundle,
        config=Config(proxies={"https": simulator.proxy_url}),
    )
    before = datetime.datetime.now(datetime.timezone.utc)
    answer = assume_member_role(sts, role_arn, "audit-run")
    assert MEMBER_SESSION_SECONDS == 900
    lasts = answer["Credentials"]["Expiration"] - before
    assert 890 < lasts.total_seconds() <= 901
    assert answer["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::444455556666:assumed-role/Audit/audit-run"
    )
    longer = assume_member_role(sts, role_arn, "audit-run", duration=1800)
    assert longer["Credentials"]["Expiration"] - before > datetime.timedelta(
        seconds=1700
    )
    # A client signed with the member's credentials is the member.
    member = session.create_client(
        "sts",
        region_name="us-east-1",
        verify=simulator.ca_bundle,
        config=Config(proxies={"https": simulator.proxy_url}),
        **client_keys(answer["Credentials"]),
    )
    identity = member.get_caller_identity()
    assert identity["Account"] == "444455556666"
    close_client(member)
    close_client(sts)
    # So is the run's one member client, in the thread given them.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", caller.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", caller.secret_access_key)
    signers = Signers(botocore.session.Session())
    proxied = Config(proxies={"https": simulator.proxy_url})
    shared = signers.member_client("sts", "eu-west-1", simulator.ca_bundle, proxied)
    with signers.signing_as(answer["Credentials"]):
        assert shared.get_caller_identity()["Account"] == "444455556666"
    own = signers.caller_client("sts", "eu-west-1", simulator.ca_bundle, proxied)
    assert own.get_caller_identity()["Arn"].endswith(":user/alice")
    assert [
        (r.action, r.signing_region, r.access_key_id) for r in simulator.requests[-2:]
    ] == [
        ("GetCallerIdentity", "eu-west-1", answer["Credentials"]["AccessKeyId"]),
        ("GetCallerIdentity", "eu-west-1", caller.access_key_id),
    ]


def test_close_client_closes_and_tolerates_what_cannot() -> None:
    closed: list[str] = []

    def close() -> None:
        closed.append("closed")

    def fails() -> None:
        closed.append("failed")
        raise OSError("already closed")

    close_client(SimpleNamespace(close=close))
    close_client(SimpleNamespace(close=fails))
    close_client(SimpleNamespace(close="not callable"))
    close_client(object())  # botocore before close()
    assert closed == ["closed", "failed"]
