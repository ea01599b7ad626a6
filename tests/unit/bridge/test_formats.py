"""What the bridge prints on stdout, exactly, in its two formats; and that
the credentials' own repr keeps the secrets out of logs and tracebacks."""

from __future__ import annotations

import calendar

from awscli_regional_sts.bridge.formats import render
from awscli_regional_sts.bridge.model import IssuedCredentials, OutputFormat

EXPIRES = calendar.timegm((2026, 11, 28, 23, 15, 0))
SESSION = IssuedCredentials("ASIAKEY", "s3cret", "t0ken", EXPIRES)
KEYS = IssuedCredentials("AKIAKEY", "it's $ecret", None, None)


def test_the_credential_process_document() -> None:
    assert render(SESSION, OutputFormat.PROCESS) == (
        "{\n"
        '  "Version": 1,\n'
        '  "AccessKeyId": "ASIAKEY",\n'
        '  "SecretAccessKey": "s3cret",\n'
        '  "SessionToken": "t0ken",\n'
        '  "Expiration": "2026-11-28T23:15:00Z"\n'
        "}\n"
    )
    assert render(KEYS, OutputFormat.PROCESS) == (
        '{\n  "Version": 1,\n  "AccessKeyId": "AKIAKEY",\n'
        '  "SecretAccessKey": "it\'s $ecret"\n}\n'
    )


def test_the_export_lines() -> None:
    assert render(SESSION, OutputFormat.ENV) == (
        "export AWS_ACCESS_KEY_ID=ASIAKEY\n"
        "export AWS_SECRET_ACCESS_KEY=s3cret\n"
        "export AWS_SESSION_TOKEN=t0ken\n"
        "export AWS_CREDENTIAL_EXPIRATION=2026-11-28T23:15:00Z\n"
    )
    assert render(KEYS, OutputFormat.ENV) == (
        "export AWS_ACCESS_KEY_ID=AKIAKEY\n"
        "export AWS_SECRET_ACCESS_KEY='it'\"'\"'s $ecret'\n"
    )


def test_the_repr_shows_no_secret() -> None:
    assert (
        repr(SESSION) == f"IssuedCredentials('ASIAKEY', <secret>, <token>, {EXPIRES!r})"
    )
    assert repr(KEYS) == "IssuedCredentials('AKIAKEY', <secret>, None, None)"


def test_equal_credentials_are_one() -> None:
    again = IssuedCredentials("ASIAKEY", "s3cret", "t0ken", EXPIRES)
    assert again == SESSION and len({again, SESSION, KEYS}) == 2
    assert IssuedCredentials("ASIAKEY", "s3cret", "other", EXPIRES) != SESSION
    assert SESSION != "ASIAKEY"
