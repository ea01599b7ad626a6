"""Keep issued credentials out of the ``--debug`` log.

botocore's debug log prints every response body (GetSessionToken and
AssumeRole bodies carry credentials) and the session token of every signed
request; the check installs this filter on every log handler while it runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

#: Each pattern's secret lies between its ``start`` and ``end`` groups,
#: which are kept.
_SECRET_PATTERNS = (
    # Response bodies of GetSessionToken/AssumeRole (XML) and JSON services.
    re.compile(r"(?P<start><(SecretAccessKey|SessionToken)>)[^<]*(?P<end></\2>)"),
    re.compile(
        r"""(?P<start>["']"""
        r"""(?:SecretAccessKey|SessionToken|secretAccessKey|sessionToken)"""
        r"""["']\s*:\s*b?["'])[^"']*(?P<end>["'])"""
    ),
    # The session token sent with a request: canonical request, headers,
    # presigned query strings.
    re.compile(
        r"""(?P<start>(?i:x-amz-security-token)(?:["']?\s*[:=]\s*b?["']?))"""
        r"""[^\s&'"]+(?P<end>)"""
    ),
)


class CredentialRedactor(logging.Filter):
    """Blank out secrets in log records: botocore's --debug log prints every
    response body (GetSessionToken and AssumeRole bodies carry credentials)
    and the session token of every signed request."""

    def __init__(self) -> None:
        super().__init__()
        self._known: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Also blank out these exact values (e.g. the caller's token)."""
        self._known.update(s for s in secrets if s and len(s) >= 8)

    def discard(self, *secrets: str | None) -> None:
        """Forget values whose credentials are no longer used (an
        organization check drops each member account's after its check, so
        the set does not grow with the organization)."""
        self._known.difference_update(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(r"\g<start><redacted>\g<end>", text)
        for secret in self._known:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


@contextmanager
def credentials_redacted_in_logs() -> Iterator[CredentialRedactor]:
    """Install a redacting filter on every log handler for the duration."""
    redactor = CredentialRedactor()
    handlers = set(logging.getLogger().handlers)
    for candidate in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(candidate, logging.Logger):
            handlers.update(candidate.handlers)
    for handler in handlers:
        handler.addFilter(redactor)
    try:
        yield redactor
    finally:
        for handler in handlers:
            handler.removeFilter(redactor)
