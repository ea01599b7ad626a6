"""The profile keys the plugin reads, as data for the life-cycle commands.

``doctor`` and ``disable`` run on any Python 3.9+, also one without
botocore (the README's recipe for AWS's frozen CLI v2), so they cannot
import settings.py, which reads the keys at run time and needs botocore.
tests/unit/test_lifecycle.py keeps these names equal to settings.py's.
"""

from __future__ import annotations

import enum


class ProfileKey(str, enum.Enum):
    """A key of a profile in ~/.aws/config that the plugin reads."""

    STS_REGION = "sts_region"
    STS_FALLBACK = "sts_fallback"
    STS_TIMEOUT = "sts_timeout"


#: ``sts_region = auto``: the fastest region measured.
AUTO = "auto"

#: Every key's name, in the order the README lists them.
NAMES: tuple[str, ...] = tuple(key.value for key in ProfileKey)
