"""The credentials a command signs with: the caller's, and a member
account's from AssumeRole of its member role. Their secrets are known to the
log redactor while they are in use, and forgotten after, so that neither
``--debug`` nor memory keeps them longer than one account's calls.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor

#: The shortest session STS issues: member credentials serve one account's
#: few calls.
MEMBER_SESSION_SECONDS = 900


def caller_credentials(session: Any, redactor: CredentialRedactor) -> tuple[Any, Any]:
    """The session's credentials and their frozen form (None, None without
    any), loaded first so that their secrets are known to the log redactor
    before any request is signed with them."""
    credentials = session.get_credentials()
    frozen = credentials.get_frozen_credentials() if credentials else None
    if frozen is not None:
        redactor.add(frozen.secret_key, frozen.token)
    return credentials, frozen


def client_keys(credentials: Any) -> dict[str, Any]:
    """``create_client`` arguments that sign with ``credentials`` (frozen
    botocore credentials, or an STS ``Credentials`` answer)."""
    if isinstance(credentials, Mapping):
        return {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
    return {
        "aws_access_key_id": credentials.access_key,
        "aws_secret_access_key": credentials.secret_key,
        "aws_session_token": credentials.token,
    }


def assume_member_role(
    sts: Any,
    role_arn: str,
    session_name: str,
    duration: int = MEMBER_SESSION_SECONDS,
) -> dict[str, Any]:
    """AssumeRole of a member account's role with ``sts`` (the caller's
    client, through the CLI's own STS path). Errors are the caller's to
    report."""
    response: dict[str, Any] = sts.assume_role(
        RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration
    )
    return response


@contextlib.contextmanager
def secrets_known(
    redactor: CredentialRedactor, credentials: Mapping[str, Any]
) -> Iterator[None]:
    """While inside: ``credentials``' (an STS ``Credentials`` answer)
    secrets are blanked out of the log; after: forgotten again."""
    secrets = (credentials["SecretAccessKey"], credentials["SessionToken"])
    redactor.add(*secrets)
    try:
        yield
    finally:
        redactor.discard(*secrets)


def close_client(client: Any) -> None:
    """Close a client's connections now (botocore >= 1.23 has close())."""
    close = getattr(client, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()
