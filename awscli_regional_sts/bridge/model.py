"""What the bridge hands around: credentials, output formats, refusals."""

from __future__ import annotations

import enum
import time
from typing import NamedTuple


class OutputFormat(str, enum.Enum):
    """How ``credentials`` prints: the ``credential_process`` JSON document,
    or ``export`` lines for shells and CI."""

    PROCESS = "process"
    ENV = "env"


class Refusal(Exception):
    """The bridge will not print credentials for a profile; the message is
    the cause, one line, never a secret (the command adds the profile)."""


class IssuedCredentials(NamedTuple):
    """Credentials as the bridge prints and caches them (a NamedTuple, not
    a dataclass: ``dataclasses`` costs a cached call a few milliseconds)."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None
    #: Epoch seconds; None for long-term keys (printed without Expiration,
    #: never cached).
    expires_at: float | None

    @property
    def expiration(self) -> str | None:
        """``Expiration`` as ISO 8601 UTC (``2026-11-28T23:15:00Z``)."""
        if self.expires_at is None:
            return None
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.expires_at))
