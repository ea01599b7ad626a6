"""How one account's own facts are signed, and by whom the account is
told: the caller's credentials (the caller's own account) or a member's
(an organization's member account, through its member role).

``AccountCheck`` (``account_check.py``) asks its ``Signer`` only these
questions; it never asks which kind of account it checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor


@dataclass(frozen=True)
class Issued:
    """Credentials that sign the account's facts (None: the caller's own,
    which its clients already hold), and the ARN the report names."""

    credentials: Mapping[str, Any] | None
    arn: str

    @classmethod
    def from_answer(cls, answer: Any) -> Issued | None:
        """The member credentials an AssumeRole answer brought, if any."""
        if not isinstance(answer, Mapping) or "Credentials" not in answer:
            return None
        return cls(
            credentials=answer["Credentials"],
            arn=str(answer["AssumedRoleUser"]["Arn"]),
        )


class Signer(Protocol):
    """What an account's check needs to know about its credentials."""

    def at_start(self) -> Issued | None:
        """Credentials that may sign the facts before any probe answers."""

    def from_probe(self, answer: Any) -> Issued | None:
        """Credentials a probe's answer brought that may sign the facts."""

    def assume(self) -> Issued | None:
        """Obtain credentials once more when no probe brought any (raises
        the account's error)."""

    def signing(self, issued: Issued) -> AbstractContextManager[Any]:
        """Held around each fact's call."""

    def forget(self, issued: Issued) -> None:
        """The account's check ended: drop what ``issued`` holds."""


@dataclass(frozen=True)
class CallerSigner:
    """The caller's own account: its clients sign with the caller's
    credentials, which are there from the start."""

    arn: str

    def at_start(self) -> Issued | None:
        return Issued(credentials=None, arn=self.arn)

    def from_probe(self, answer: Any) -> Issued | None:
        # A probe's answer (GetSessionToken, AssumeRole of --role-arn) is
        # discarded: the caller's own clients sign the facts.
        return None

    def assume(self) -> Issued | None:
        return self.at_start()

    def signing(self, issued: Issued) -> AbstractContextManager[Any]:
        return nullcontext()

    def forget(self, issued: Issued) -> None:
        return None


@dataclass(frozen=True)
class MemberSigner:
    """A member account, reached through its member role: the first probe
    that assumed the role brings the credentials of the facts; when none
    did, the role is assumed once more through the CLI's own STS path."""

    role_arn: str
    signers: Signers
    redactor: CredentialRedactor
    #: AssumeRole of a role ARN through the CLI's own STS path.
    assume_role: Callable[[str], Mapping[str, Any]]

    def at_start(self) -> Issued | None:
        return None

    def from_probe(self, answer: Any) -> Issued | None:
        return self._known(Issued.from_answer(answer))

    def assume(self) -> Issued | None:
        return self._known(Issued.from_answer(self.assume_role(self.role_arn)))

    def signing(self, issued: Issued) -> AbstractContextManager[Any]:
        assert issued.credentials is not None  # nosec B101  # from_answer sets it
        return self.signers.signing_as(issued.credentials)

    def forget(self, issued: Issued) -> None:
        if issued.credentials is not None:
            self.redactor.discard(
                issued.credentials["SecretAccessKey"],
                issued.credentials["SessionToken"],
            )

    def _known(self, issued: Issued | None) -> Issued | None:
        # Known to the log filter before anything is signed with them.
        if issued is not None and issued.credentials is not None:
            self.redactor.add(
                issued.credentials["SecretAccessKey"],
                issued.credentials["SessionToken"],
            )
        return issued
