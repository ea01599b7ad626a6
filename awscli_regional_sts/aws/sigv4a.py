"""What a SigV4a region set is: the regions a signature is valid in.

A SigV4a request carries ``X-Amz-Region-Set``, a comma-separated list of
region names or ``*`` (every region); STS refuses a request whose set does
not cover the region that receives it. botocore takes the set from
``sigv4a_signing_region_set`` (profile key, ``AWS_SIGV4A_SIGNING_REGION_SET``
or ``Config``), else from the request's signing region, else ``*``
(botocore ``handlers.py``, ``_resolve_sigv4a_region``). Standard library
only: ``doctor`` (lifecycle/, no botocore) reads it too.
"""

from __future__ import annotations

#: The set that covers every region.
ANY_REGION = "*"

#: botocore's names of the settings, for messages.
REGION_SET_KEY = "sigv4a_signing_region_set"
REGION_SET_ENV_VAR = "AWS_SIGV4A_SIGNING_REGION_SET"
PREFERENCE_KEY = "auth_scheme_preference"
PREFERENCE_ENV_VAR = "AWS_AUTH_SCHEME_PREFERENCE"


def parse_region_set(value: object) -> tuple[str, ...]:
    """The entries of a region set as botocore sends it (a string or a
    list); empty entries dropped, spaces trimmed."""
    if isinstance(value, str):
        words = value.split(",")
    elif isinstance(value, (list, tuple)):
        words = [str(word) for word in value]
    else:
        return ()
    return tuple(word.strip() for word in words if word.strip())


def region_in_set(region: str, region_set: tuple[str, ...]) -> bool:
    """Whether a signature for ``region_set`` is valid in ``region``.

    ``*`` covers every region. An entry with ``*`` inside (``us-*``) is read
    as a wildcard, as the SigV4a specification allows; whether STS accepts
    such patterns is unconfirmed, so such a set is never widened but may be
    refused by STS.
    """
    return any(_matches(region, entry) for entry in region_set)


def _matches(region: str, pattern: str) -> bool:
    if "*" not in pattern:
        return region == pattern
    # "*" matches any run of characters; nothing else is special (fnmatch
    # is not bundled in AWS's frozen CLI).
    parts = pattern.split("*")
    if not region.startswith(parts[0]) or not region.endswith(parts[-1]):
        return False
    position = len(parts[0])
    end = len(region) - len(parts[-1])
    for part in parts[1:-1]:
        found = region.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return position <= end


def prefers_sigv4a(preference: object) -> bool:
    """Whether an ``auth_scheme_preference`` asks for SigV4a before SigV4,
    for a service (STS) that offers both; botocore then signs SigV4a where
    awscrt is installed."""
    names = [word.strip().split("#")[-1] for word in str(preference or "").split(",")]
    for name in names:
        if name == "sigv4a":
            return True
        if name == "sigv4":
            return False
    return False
