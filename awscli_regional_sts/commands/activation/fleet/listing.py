"""The organization's account listing that ``--list-accounts`` writes and
``--accounts-from`` reads, so that a sharded run lists the accounts once
(one ListAccounts per run) instead of once per shard.

A listing is JSON: its ``Format`` and ``FormatVersion``, the
``Partition``, the ``OrganizationId`` and ``ManagementAccountId``, when
it was listed (``ListedAt``, UTC), the ``Accounts`` (``Id``, ``Name``,
``Status`` as ListAccounts gave them) and a ``Digest``: the SHA-256 of
the other fields in a canonical form (``canonical_bytes``: keys sorted,
no spaces, ASCII only), so that indentation or key order do not matter.

What the digest proves: the file is the one the listing job wrote, not
corrupted nor edited by someone who did not recompute it. It is not a
signature: whoever can rewrite the file can rewrite its digest, so the
listing is as trusted as the place it is kept (in GitHub Actions, the
run's artifacts, which that run's jobs write). An edit that keeps the
digest right is still held to the checks below, and the run asks
Organizations which organization the caller is in before any member role
is assumed (``run/organization_run.py``).

Pure functions over plain data; the account names are kept as text
nobody vouches for (quoted in every line here, defused where printed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from awscli_regional_sts.aws.identifiers import (
    IdentifierError,
    is_partition_name,
    parse_account_id,
    parse_organization_id,
)
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem
from awscli_regional_sts.commands.accounts.members import MemberAccount

FORMAT = "awscli-regional-sts/organization-accounts"
FORMAT_VERSION = 1
#: ``--accounts-max-age``'s default, in minutes: a scheduled run's shard
#: jobs start within minutes of the listing job; six hours leave room for
#: queued runners and still refuse yesterday's listing, which would miss
#: the accounts created since.
DEFAULT_MAX_AGE_MINUTES = 360
#: ``--accounts-max-age``'s largest value: one week.
MAX_MAX_AGE_MINUTES = 7 * 24 * 60
#: How far in the future a listing's time may be (two machines' clocks).
CLOCK_SKEW_SECONDS = 300
#: The largest listing read: some 110 bytes an account, so 10,000
#: accounts are about 1.1 MB.
MAX_LISTING_BYTES = 64 * 1024 * 1024
#: Organizations' account names are at most 50 characters; more is no listing.
MAX_NAME_CHARACTERS = 256
_STATUS = re.compile(r"[A-Z][A-Z_]{0,31}", re.ASCII)
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", re.ASCII)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
#: How to write a listing again: every refusal's fix.
RELIST = (
    "list the accounts again (aws sts activation-check --organization "
    "--list-accounts > FILE)"
)


class ListingProblem(CommandProblem, ValueError):
    """A listing that cannot be used; one line for stderr."""


@dataclass(frozen=True)
class AccountListing:
    partition: str
    organization_id: str
    management_account_id: str
    #: Epoch seconds, whole.
    listed_at: int
    #: As ListAccounts gave them (organization ids not repeated per account).
    accounts: tuple[MemberAccount, ...]

    def members(self) -> Iterator[MemberAccount]:
        """The accounts as a ListAccounts listing gives them to the run."""
        for account in self.accounts:
            yield replace(
                account,
                organization_id=self.organization_id,
                management_account_id=self.management_account_id,
            )


def listed(
    accounts: Iterable[MemberAccount], partition: str, now: float
) -> AccountListing:
    """The listing of ``accounts`` (ListAccounts' whole answer, started at
    ``now``); ListingProblem when their ARNs do not name one organization."""
    kept = tuple(accounts)
    organizations = {(a.organization_id, a.management_account_id) for a in kept}
    organization_id, management = (
        next(iter(organizations)) if len(organizations) == 1 else (None, None)
    )
    if organization_id is None or management is None:
        raise ListingProblem(
            "--list-accounts: ListAccounts did not name one organization in "
            "its accounts' ARNs; the listing was not written"
        )
    return AccountListing(
        partition=partition,
        organization_id=organization_id,
        management_account_id=management,
        listed_at=int(now),
        accounts=tuple(
            replace(a, organization_id=None, management_account_id=None) for a in kept
        ),
    )


def canonical_bytes(content: dict[str, Any]) -> bytes:
    """The form the digest is taken over: keys sorted, no whitespace, every
    character beyond ASCII escaped (so the bytes do not depend on how a
    file was indented or encoded)."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def digest_of(content: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical_bytes(content)).hexdigest()


def listing_document(listing: AccountListing) -> dict[str, Any]:
    """The JSON document of ``listing``, its ``Digest`` last."""
    content: dict[str, Any] = {
        "Format": FORMAT,
        "FormatVersion": FORMAT_VERSION,
        "Partition": listing.partition,
        "OrganizationId": listing.organization_id,
        "ManagementAccountId": listing.management_account_id,
        "ListedAt": datetime.fromtimestamp(listing.listed_at, timezone.utc).strftime(
            _TIME_FORMAT
        ),
        "Accounts": [
            {"Id": a.account_id, "Name": a.name, "Status": a.status}
            for a in listing.accounts
        ],
    }
    return {**content, "Digest": digest_of(content)}


def read_listing(
    document: Any, shown: str, partition: str, now: float, max_age_minutes: int
) -> AccountListing:
    """The listing in ``document`` (the file ``shown``, already quoted),
    checked whole: its format, its digest, every field, its partition and
    its age. ListingProblem with one line naming what is wrong and how to
    fix it."""
    where = f"--accounts-from: {shown}"
    if not isinstance(document, dict) or document.get("Format") != FORMAT:
        raise ListingProblem(f"{where} is not an account listing; {RELIST}")
    if document.get("FormatVersion") != FORMAT_VERSION:
        raise ListingProblem(
            f"{where} has FormatVersion {quote(document.get('FormatVersion'))}, "
            f"this plugin reads {FORMAT_VERSION}; {RELIST} with this plugin"
        )
    content = {key: value for key, value in document.items() if key != "Digest"}
    if document.get("Digest") != digest_of(content):
        raise ListingProblem(
            f"{where} does not match its Digest: it was changed or corrupted "
            f"after it was listed; {RELIST}"
        )
    try:
        listing = _fields(content)
    except (ValueError, TypeError, KeyError) as error:
        reason = (
            str(error)
            if isinstance(error, IdentifierError)
            else f"{quote(error.args[0])} is missing"
            if isinstance(error, KeyError)
            else "a field is malformed"
        )
        raise ListingProblem(
            f"{where} is not a usable listing: {reason}; {RELIST}"
        ) from None
    if listing.partition != partition:
        raise ListingProblem(
            f"{where} lists partition {listing.partition}, but the check runs in "
            f"partition {partition} (the profile's region); {RELIST} in this partition"
        )
    _check_age(where, listing.listed_at, now, max_age_minutes)
    return listing


def _fields(content: dict[str, Any]) -> AccountListing:
    partition = content["Partition"]
    if not is_partition_name(partition):
        raise IdentifierError(f"Partition {quote(partition)} is not a partition name")
    text = content["ListedAt"]
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        raise IdentifierError(
            f"ListedAt {quote(text)} is not a UTC time (YYYY-MM-DDThh:mm:ssZ)"
        )
    listed_at = datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=timezone.utc)
    rows = content["Accounts"]
    if not isinstance(rows, list) or not rows:
        raise IdentifierError("Accounts is not a list of accounts")
    accounts = tuple(_account(row) for row in rows)
    if len({a.account_id for a in accounts}) != len(accounts):
        raise IdentifierError("an account is listed twice")
    return AccountListing(
        partition=partition,
        organization_id=parse_organization_id(content["OrganizationId"]),
        management_account_id=parse_account_id(content["ManagementAccountId"]).value,
        listed_at=int(listed_at.timestamp()),
        accounts=accounts,
    )


def _account(row: Any) -> MemberAccount:
    if not isinstance(row, dict) or set(row) != {"Id", "Name", "Status"}:
        raise IdentifierError("an account is not an object of Id, Name and Status")
    name, status = row["Name"], row["Status"]
    if name is not None and not (
        isinstance(name, str) and len(name) <= MAX_NAME_CHARACTERS
    ):
        raise IdentifierError("an account's Name is not text")
    if not (isinstance(status, str) and _STATUS.fullmatch(status)):
        raise IdentifierError(f"Status {quote(status)} is not an account status")
    return MemberAccount(
        account_id=parse_account_id(row["Id"]).value, name=name, status=status
    )


def _check_age(where: str, listed_at: int, now: float, max_age_minutes: int) -> None:
    shown = datetime.fromtimestamp(listed_at, timezone.utc).strftime(_TIME_FORMAT)
    if listed_at > now + CLOCK_SKEW_SECONDS:
        raise ListingProblem(
            f"{where} was listed at {shown}, in the future of this machine's "
            f"clock; check the clocks, or {RELIST}"
        )
    age_minutes = (now - listed_at) / 60
    if age_minutes > max_age_minutes:
        raise ListingProblem(
            f"{where} was listed at {shown}, {int(age_minutes)} minutes ago, "
            f"more than --accounts-max-age ({max_age_minutes} minutes) allows: "
            f"accounts created since would be missed; {RELIST}, or pass a "
            "larger --accounts-max-age"
        )
