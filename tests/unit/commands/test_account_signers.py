"""Who signs an account's facts (run/signing.py): the caller's own
credentials from the start, or a member's, brought by the first probe
that assumed its role, else by one more AssumeRole; the log filter knows
a member's secrets while they are in use, and forgets them after."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.run.signing import (
    CallerSigner,
    Issued,
    MemberSigner,
)

ROLE = "arn:aws:iam::444455556666:role/Member"
ASSUMED = "arn:aws:sts::444455556666:assumed-role/Member/probe"
SECRET = "secret-of-the-member-0123"
TOKEN = "token-of-the-member-4567"


def answer(secret: str = SECRET, token: str = TOKEN) -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": "ASIAMEMBER",
            "SecretAccessKey": secret,
            "SessionToken": token,
        },
        "AssumedRoleUser": {"Arn": ASSUMED},
    }


class Signers:
    """Records the credentials each signing block holds."""

    def __init__(self) -> None:
        self.held: list[Mapping[str, Any]] = []

    @contextmanager
    def signing_as(self, credentials: Mapping[str, Any]) -> Iterator[str]:
        self.held.append(credentials)
        yield "signing"


def member(assume_role: Any = None) -> tuple[MemberSigner, Signers, CredentialRedactor]:
    signers, redactor = Signers(), CredentialRedactor()
    signer = MemberSigner(
        role_arn=ROLE,
        signers=signers,  # type: ignore[arg-type]
        redactor=redactor,
        assume_role=assume_role or (lambda arn: {}),
    )
    return signer, signers, redactor


def test_issued_from_an_answer_only_with_credentials() -> None:
    issued = Issued.from_answer(answer())
    assert issued == Issued(credentials=answer()["Credentials"], arn=ASSUMED)
    assert Issued.from_answer({"Account": "1"}) is None
    assert Issued.from_answer(None) is None
    assert Issued.from_answer(["Credentials"]) is None


def test_the_callers_own_clients_sign_from_the_start() -> None:
    signer = CallerSigner("arn:aws:iam::111122223333:user/alice")
    mine = Issued(credentials=None, arn="arn:aws:iam::111122223333:user/alice")
    assert signer.at_start() == mine
    assert signer.assume() == mine
    assert signer.from_probe(answer()) is None
    with signer.signing(mine) as held:
        assert held is None
    signer.forget(mine)  # nothing to forget: the caller's own


def test_a_members_probe_brings_the_credentials_known_to_the_log_filter() -> None:
    signer, signers, redactor = member()
    assert signer.at_start() is None
    assert signer.from_probe({"Account": "1"}) is None
    issued = signer.from_probe(answer())
    assert issued is not None and issued.arn == ASSUMED
    assert redactor.redact(f"a {SECRET} b {TOKEN}") == "a <redacted> b <redacted>"
    with signer.signing(issued) as held:
        assert held == "signing"
    assert signers.held == [answer()["Credentials"]]
    signer.forget(issued)
    assert redactor.redact(f"{SECRET} {TOKEN}") == f"{SECRET} {TOKEN}"
    # Credentials-less (the caller's): nothing to forget.
    signer.forget(Issued(credentials=None, arn=ASSUMED))


def test_a_member_assumes_its_role_once_more_when_no_probe_did() -> None:
    asked: list[str] = []

    def assume_role(arn: str) -> Mapping[str, Any]:
        asked.append(arn)
        return answer()

    signer, _, redactor = member(assume_role)
    issued = signer.assume()
    assert asked == [ROLE]
    assert issued is not None and issued.credentials == answer()["Credentials"]
    assert redactor.redact(TOKEN) == "<redacted>"
