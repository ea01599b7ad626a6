"""The organization's listing as a run consumes it: ListAccounts through
the run's ``Throttle`` (Organizations throttles it first at scale), and
the accounts skipped without a line counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.commands.accounts.members import Selected

#: The throttle's endpoint for Organizations (one per partition's run).
ORGANIZATIONS = "organizations"


class ThrottledListing:
    """What ``members.list_accounts`` calls, in place of the Organizations
    client: each page asked through the run's ``Throttle``, so that a
    throttled page is retried, never the end of the run."""

    def __init__(self, organizations: Any, throttle: Throttle) -> None:
        self._organizations = organizations
        self._throttle = throttle

    def list_accounts(self, **params: Any) -> Any:
        client = self._organizations
        return self._throttle.call(
            ORGANIZATIONS, lambda: client.list_accounts(**params)
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
