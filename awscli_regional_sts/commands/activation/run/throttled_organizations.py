"""The Organizations client as a run uses it: ListAccounts' pages and
``--accounts-from``'s DescribeOrganization asked through the run's
``Throttle`` (Organizations throttles first at scale), so that a throttled
answer is retried within the budget, never the end of the run."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.aws.backoff import Throttle

#: The throttle's endpoint for Organizations (one per partition's run).
ORGANIZATIONS = "organizations"


class ThrottledOrganizations:
    """What ``members.list_accounts`` and ``account_listing`` call, in place
    of the Organizations client."""

    def __init__(self, organizations: Any, throttle: Throttle) -> None:
        self._organizations = organizations
        self._throttle = throttle

    def list_accounts(self, **params: Any) -> Any:
        client = self._organizations
        return self._throttle.call(
            ORGANIZATIONS, lambda: client.list_accounts(**params)
        )

    def describe_organization(self) -> Any:
        client = self._organizations
        return self._throttle.call(ORGANIZATIONS, client.describe_organization)
