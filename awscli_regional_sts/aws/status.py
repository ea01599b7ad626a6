"""The closed sets of words the plugin writes into reports, cache files and
messages, as enums.

Each member is also its own string (``RegionStatus.ACTIVE == "active"``), so
that JSON output, cache files and ``--query`` expressions see plain words.
"""

from __future__ import annotations

from enum import Enum, IntEnum


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


class CheckExit(IntEnum):
    """Exit statuses of ``aws sts activation-check`` and ``aws sts
    set-global-endpoint-token-version`` (documented in their help and the
    README)."""

    OK = 0
    #: ``--require-active``: a required region is not active.
    NOT_ACTIVE = 1
    #: ``--require-active``: none inactive, but one's activation cannot be
    #: told (``unknown``: session credentials without ``--role-arn``).
    UNDETERMINED = 3
    #: ``--organization``: a selected account could not be checked; for
    #: set-global-endpoint-token-version: an account has an ``Error``.
    ACCOUNTS_FAILED = 4
    #: ``--baseline``: something changed since the baseline report.
    CHANGED = 5
    #: An invalid option value, nothing sent: AWS CLI v2's own status for
    #: a bad parameter (PARAM_VALIDATION_ERROR_RC) ...
    INVALID_V2 = 252
    #: ... and AWS CLI v1's (ParamValidationError, unknown options).
    INVALID_V1 = 255
    #: ``--save`` could not write: the CLI's general error status.
    SAVE_FAILED = 255
    #: ``--report`` could not write the file: the same.
    REPORT_FAILED = 255
