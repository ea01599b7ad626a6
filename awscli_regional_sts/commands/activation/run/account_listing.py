"""Where an organization run's accounts come from: Organizations
ListAccounts, a page at a time; or ``--accounts-from``'s listing, once
Organizations DescribeOrganization says the caller's organization is the
listing's (before anything else of the run is sent, so before any member
role is assumed). And ``--list-accounts``: the whole listing, for the
shards' ``--accounts-from``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Callable

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.runner import start_in_background
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.credentials import caller_credentials
from awscli_regional_sts.commands.accounts.members import (
    MemberAccount,
    Selected,
    list_accounts,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.fleet.listing import (
    RELIST,
    AccountListing,
    ListingProblem,
    listed,
)
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.run.throttled_organizations import (
    ThrottledOrganizations,
)
from awscli_regional_sts.plugin.endpoints import probe_config


def organization_accounts(
    organizations: Any, listing: AccountListing | None
) -> Iterator[MemberAccount]:
    """The organization's accounts, lazily: ListAccounts' pages, or
    ``listing``'s accounts once its organization is the caller's."""
    if listing is None:
        yield from list_accounts(organizations)
        return
    check_organization(organizations, listing)
    yield from listing.members()


def check_organization(organizations: Any, listing: AccountListing) -> None:
    """ListingProblem unless DescribeOrganization names the listing's
    organization and management account (one request)."""
    answer = organizations.describe_organization().get("Organization") or {}
    found = (answer.get("Id"), answer.get("MasterAccountId"))
    if found != (listing.organization_id, listing.management_account_id):
        raise ListingProblem(
            f"--accounts-from: the listing is of organization "
            f"{listing.organization_id} (management account "
            f"{listing.management_account_id}), but DescribeOrganization says "
            f"the caller is in {quote(found[0])} (management account "
            f"{quote(found[1])}); no member role was assumed; {RELIST} with "
            "these credentials"
        )


def checked_only(
    selected: Iterator[Selected], on_skip: Callable[[], None]
) -> Iterator[Selected]:
    """The selected accounts that get a line; the skipped ones are counted."""
    for item in selected:
        if item.skipped:
            on_skip()
        else:
            yield item


def list_organization(
    session: Any, options: CheckOptions, redactor: CredentialRedactor
) -> AccountListing:
    """``--list-accounts``: every page of ListAccounts, on the caller's
    client of the organization run (nothing of the CLI's handlers): one
    attempt per call, a throttled page retried through a ``Throttle``, as
    the organization run lists (``organization_run._one_attempt`` says why
    not botocore's retries)."""
    caller_credentials(session, redactor)
    client = Signers(session).caller_client(
        "organizations",
        options.profile_region or "us-east-1",
        options.verify,
        probe_config(options.timeout),
    )
    organizations = ThrottledOrganizations(
        client, Throttle(options.max_concurrency, options.throttle_budget)
    )
    started = time.time()
    # On a daemon thread, as the organization run lists: Ctrl-C lands in
    # the wait, never inside http.client.
    return start_in_background(  # type: ignore[no-any-return]
        lambda: listed(list_accounts(organizations), options.partition, started),
        name="org-listing",
    )()
