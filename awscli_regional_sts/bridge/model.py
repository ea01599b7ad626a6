"""What the bridge hands around: credentials, output formats, refusals."""

from __future__ import annotations

import enum
import time


class OutputFormat(str, enum.Enum):
    """How ``credentials`` prints: the ``credential_process`` JSON document,
    or ``export`` lines for shells and CI."""

    PROCESS = "process"
    ENV = "env"


class Refusal(Exception):
    """The bridge will not print credentials for a profile; the message is
    the cause, one line, never a secret (the command adds the profile)."""


class IssuedCredentials:
    """Credentials as the bridge prints and caches them.

    A plain class: a dataclass or NamedTuple would cost a cached call
    milliseconds of class building; its repr leaves the secrets out.
    """

    __slots__ = ("access_key_id", "secret_access_key", "session_token", "expires_at")

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: str | None,
        expires_at: float | None,
    ) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token
        #: Epoch seconds; None for long-term keys (printed without
        #: Expiration, never cached).
        self.expires_at = expires_at

    def _fields(self) -> tuple[str, str, str | None, float | None]:
        return (
            self.access_key_id,
            self.secret_access_key,
            self.session_token,
            self.expires_at,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IssuedCredentials):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"IssuedCredentials({self.access_key_id!r}, <secret>, "
            f"{'<token>' if self.session_token else None}, {self.expires_at!r})"
        )

    @property
    def expiration(self) -> str | None:
        """``Expiration`` as ISO 8601 UTC (``2026-11-28T23:15:00Z``)."""
        if self.expires_at is None:
            return None
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.expires_at))
