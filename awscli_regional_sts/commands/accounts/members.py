"""The accounts a command works on: an organization's accounts as
Organizations lists them, which of them to take, and each member's role.
Plain data and pure functions (``list_accounts`` takes any client with
``list_accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.identifiers import (
    AccountId,
    IdentifierError,
    RoleArn,
    parse_organization_account_arn,
)

#: The role AWS Organizations creates in the accounts it creates: what
#: ``--organization`` assumes in each member account unless told otherwise.
DEFAULT_MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"
DEFAULT_MAX_ACCOUNTS_IN_FLIGHT = 4
MAX_ACCOUNTS_IN_FLIGHT = 64

#: ListAccounts' largest page.
LIST_ACCOUNTS_PAGE_SIZE = 20
#: Organizations' account state that the check runs on by default.
ACTIVE_ACCOUNT = "ACTIVE"


@dataclass(frozen=True)
class MemberAccount:
    account_id: str
    name: str | None
    #: ``State`` where the model has it (it supersedes the deprecated
    #: ``Status``), else ``Status``: ACTIVE, SUSPENDED, ...; None when the
    #: account was named in ``--accounts`` but not listed.
    status: str | None
    #: The organization's id (``o-...``) and management account, read from
    #: the account's ARN (arn:PARTITION:organizations::MANAGEMENT:account/
    #: o-ID/ACCOUNT, as Organizations documents it); None if not given.
    organization_id: str | None = None
    management_account_id: str | None = None

    @classmethod
    def from_listing(cls, entry: Mapping[str, Any]) -> MemberAccount:
        status = entry.get("State") or entry.get("Status")
        try:
            arn = parse_organization_account_arn(entry.get("Arn"))
        except IdentifierError:  # no ARN, or not Organizations' shape
            arn = None
        return cls(
            account_id=str(entry["Id"]),
            name=entry.get("Name"),
            status=status and str(status),
            organization_id=arn.organization if arn else None,
            management_account_id=str(arn.management) if arn else None,
        )


def list_accounts(organizations: Any) -> Iterator[MemberAccount]:
    """Every account of the organization, fetching each page of ListAccounts
    only when the previous one has been used up."""
    params: dict[str, Any] = {"MaxResults": LIST_ACCOUNTS_PAGE_SIZE}
    while True:
        page = organizations.list_accounts(**params)
        for entry in page.get("Accounts", []):
            yield MemberAccount.from_listing(entry)
        token = page.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


@dataclass(frozen=True)
class Selected:
    """One listed account and what to do with it."""

    account: MemberAccount
    #: Why the account gets no check but an ``Error`` line (e.g. it was named
    #: in ``--accounts`` but is suspended or not in the organization).
    error: str | None = None
    #: Left out without a line (a suspended account nobody asked for); only
    #: counted in the summary.
    skipped: bool = False


def select_accounts(
    listed: Iterable[MemberAccount],
    wanted: tuple[str, ...] | None,
    include_suspended: bool,
) -> Iterator[Selected]:
    """What to do with each listed account: check it, report why it was not
    checked (only for accounts named in ``wanted``), or skip it silently.
    Accounts named in ``wanted`` that the listing lacks come last, with an
    error: an audit must not lose an account without saying so."""
    remaining = dict.fromkeys(wanted) if wanted else None
    for account in listed:
        if remaining is not None:
            if account.account_id not in remaining:
                continue
            del remaining[account.account_id]
        if account.status != ACTIVE_ACCOUNT and not include_suspended:
            if remaining is None:
                yield Selected(account, skipped=True)
            else:
                yield Selected(
                    account,
                    error=f"not checked: the account is {account.status} "
                    "(pass --include-suspended to try it)",
                )
        else:
            yield Selected(account)
    for account_id in remaining or ():
        yield Selected(
            MemberAccount(account_id=account_id, name=None, status=None),
            error="not checked: ListAccounts does not list this account",
        )


def member_role_arn(partition: str, account_id: str, role_name: str) -> str:
    """The member role's ARN, in the shape identifiers.RoleArn gives."""
    return str(
        RoleArn(
            partition=partition,
            account=AccountId(value=account_id),
            path="/",
            name=role_name,
        )
    )
