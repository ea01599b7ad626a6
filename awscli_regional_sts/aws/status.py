"""The closed sets of words the plugin writes into reports, cache files and
messages, as enums.

Each member is also its own string (``RegionStatus.ACTIVE == "active"``), so
that JSON output, cache files and ``--query`` expressions see plain words.
"""

from __future__ import annotations

from enum import Enum


class Word(str, Enum):
    """A str enum that prints as its value (Python 3.9 has no StrEnum)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class RegionStatus(Word):
    """One region's STS, for an account: exactly one per region."""

    ACTIVE = "active"
    #: STS deactivated in the region (RegionDisabledException).
    INACTIVE = "inactive"
    #: An opt-in region not enabled for the account.
    NOT_ENABLED = "not-enabled"
    #: No connection, or no answer in time.
    UNREACHABLE = "unreachable"
    #: The answer cannot tell (the detail says why).
    UNKNOWN = "unknown"
    #: A latency-only measurement (``sts_region = auto``'s first use): it
    #: answered, which says nothing about activation.
    REACHABLE = "reachable"


#: The statuses activation-check reports, in the order its summary lists them.
CHECK_STATUSES = (
    RegionStatus.ACTIVE,
    RegionStatus.INACTIVE,
    RegionStatus.NOT_ENABLED,
    RegionStatus.UNREACHABLE,
    RegionStatus.UNKNOWN,
)


class MeasurementMethod(Word):
    """How the measurements behind ``sts_region = auto`` were taken."""

    #: ``aws sts activation-check --save``: verified where the probe could.
    ACTIVATION_CHECK = "activation-check"
    #: ``auto``'s own latency-only measurement.
    FIRST_USE = "first use"
