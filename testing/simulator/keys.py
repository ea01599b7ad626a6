"""Key ids, secrets and session tokens shaped like AWS's, freshly random."""

from __future__ import annotations

import base64
import secrets
import string

_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def _random(alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet``, uniformly: one read of the
    system's random source per key, where a ``secrets.choice`` per character
    made one each (some 60 per AssumeRole, the simulator's largest CPU cost
    at 10,000 accounts). Uniform because each alphabet's size divides 256."""
    assert 256 % len(alphabet) == 0, "a byte would favour some characters"
    return "".join(
        alphabet[byte % len(alphabet)] for byte in secrets.token_bytes(length)
    )


def new_access_key_id(prefix: str) -> str:
    """A 20-character key id: AKIA for long-term keys, ASIA for temporary."""
    return prefix + _random(_KEY_ALPHABET, 16)


def new_unique_id(prefix: str) -> str:
    """A 21-character IAM unique id (AIDA users, AROA roles)."""
    return prefix + _random(_KEY_ALPHABET, 17)


def new_secret() -> str:
    """A 40-character secret access key."""
    return _random(_SECRET_ALPHABET, 40)


def new_session_token() -> str:
    """An opaque session token, shaped like real ones (long base64)."""
    return "IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(300)).decode()
