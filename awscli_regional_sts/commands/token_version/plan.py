"""What ``set-global-endpoint-token-version`` does to one account, and what
it reports: plain data and pure functions, no botocore.

Per account: read IAM GetAccountSummary's ``GlobalEndpointTokenVersion``,
and call SetSecurityTokenServicePreferences only when it differs from the
version asked for (never with ``--dry-run``). A second run therefore sends
no write at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.commands.accounts.permissions import (
    GET_ACCOUNT_SUMMARY,
    SET_TOKEN_PREFERENCES,
)

#: IAM's action names, as error lines name them (accounts/permissions.py).
READ_ACTION = GET_ACCOUNT_SUMMARY
WRITE_ACTION = SET_TOKEN_PREFERENCES


class TokenVersion(Word):
    """IAM's ``GlobalEndpointTokenVersion`` values, as
    SetSecurityTokenServicePreferences takes them."""

    #: Valid only in regions enabled by default.
    V1 = "v1Token"
    #: Valid in every region; longer.
    V2 = "v2Token"

    @classmethod
    def from_summary(cls, value: Any) -> TokenVersion | None:
        """GetAccountSummary's number (1 or 2; the SummaryMap holds
        integers), or None for anything else (a bool too)."""
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return _FROM_SUMMARY.get(value)


_FROM_SUMMARY = {1: TokenVersion.V1, 2: TokenVersion.V2}


@dataclass(frozen=True)
class AccountOutcome:
    """One account's line."""

    account_id: str
    #: The version read before any change; None when it could not be read.
    before: TokenVersion | None = None
    #: The version after this run (with --dry-run: after a run without it).
    after: TokenVersion | None = None
    #: Whether this run changed the account (never with --dry-run).
    changed: bool = False
    error: str | None = None
    #: Position in the order the accounts were named or listed.
    index: int = 0

    @property
    def needs_change(self) -> bool:
        """Different before and after, whether changed or (dry run) not."""
        return self.before is not None and self.before != self.after

    def to_dict(self) -> dict[str, Any]:
        return {
            "AccountId": self.account_id,
            "Before": self.before,
            "After": self.after,
            "Changed": self.changed,
            "Error": self.error,
        }


def set_account(
    account_id: str,
    target: TokenVersion,
    dry_run: bool,
    read: Callable[[], Mapping[str, Any]],
    write: Callable[[TokenVersion], None],
    describe: Callable[[BaseException], str],
) -> AccountOutcome:
    """Read the account's version, write ``target`` only where it differs
    (and not in a dry run), and say what happened. ``read`` returns
    GetAccountSummary's ``SummaryMap``; ``describe`` makes one line of an
    error. An error ends this account only."""
    try:
        summary = read()
    except Exception as error:
        return AccountOutcome(
            account_id=account_id, error=f"{READ_ACTION}: {describe(error)}"
        )
    raw = summary.get("GlobalEndpointTokenVersion")
    before = TokenVersion.from_summary(raw)
    if before is None:
        return AccountOutcome(
            account_id=account_id,
            error=f"{READ_ACTION}: the SummaryMap has no GlobalEndpointTokenVersion "
            f"of 1 or 2 (got {raw!r})",
        )
    if before == target:
        return AccountOutcome(account_id=account_id, before=before, after=before)
    if dry_run:
        return AccountOutcome(account_id=account_id, before=before, after=target)
    try:
        write(target)
    except Exception as error:
        return AccountOutcome(
            account_id=account_id,
            before=before,
            after=before,
            error=f"{WRITE_ACTION}: {describe(error)}",
        )
    return AccountOutcome(
        account_id=account_id, before=before, after=target, changed=True
    )


class Summary:
    """Counts only, so that memory does not grow with the organization."""

    def __init__(self) -> None:
        self.accounts = 0
        self.already_set = 0
        self.changed = 0
        self.would_change = 0
        self.failed = 0
        #: Listed but not ACTIVE, and not named: no line.
        self.skipped = 0

    def add(self, outcome: AccountOutcome) -> None:
        self.accounts += 1
        if outcome.error is not None:
            self.failed += 1
        elif outcome.changed:
            self.changed += 1
        elif outcome.needs_change:
            self.would_change += 1
        else:
            self.already_set += 1

    def to_dict(self) -> dict[str, int]:
        return {
            "Accounts": self.accounts,
            "AlreadySet": self.already_set,
            "Changed": self.changed,
            "WouldChange": self.would_change,
            "WithError": self.failed,
            "Skipped": self.skipped,
        }
