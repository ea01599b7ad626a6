"""The Organizations client as a run uses it: ListAccounts' pages and
``--accounts-from``'s DescribeOrganization asked through the run's
``Throttle`` (Organizations throttles first at scale), so that a throttled
answer is retried within the budget, never the end of the run. A run
cannot go on without them: once a call's budget is spent, the run ends
with ``OrganizationsThrottled``, the command's one error line, and sends
nothing more (a throttled probe or fact of one account is that account's
``unknown`` row instead: ``model/classify.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.errors import CallError, RetryBudgetSpent, shorten
from awscli_regional_sts.aws.untrusted import printable
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem, Exit

#: The throttle's endpoint for Organizations (one per partition's run).
ORGANIZATIONS = "organizations"
#: The longest error code an error line shows (AWS's are far shorter).
CODE_LIMIT = 64


class OrganizationsThrottled(CommandProblem):
    """An Organizations call the run cannot go on without answered only
    throttling until its retry budget was spent."""

    exit = Exit.THROTTLED


def spent_line(operation: str, spent: RetryBudgetSpent, budget: float) -> str:
    """The error line: the call, how often it was throttled and with what,
    the budget, and the fix."""
    count = spent.throttled_answers
    times = "once" if count == 1 else f"{count} times"
    # The code is AWS's text: shown defused, and short.
    code = printable(
        shorten(CallError.from_exception(spent.last_error).code, CODE_LIMIT)
    )
    return (
        f"organizations {operation} was throttled {times} ({code}) until the "
        f"retry budget (--throttle-budget {budget:g} s) was spent; retry later "
        "or raise --throttle-budget"
    )


class ThrottledOrganizations:
    """What ``members.list_accounts`` and ``account_listing`` call, in place
    of the Organizations client."""

    def __init__(self, organizations: Any, throttle: Throttle) -> None:
        self._organizations = organizations
        self._throttle = throttle

    def list_accounts(self, **params: Any) -> Any:
        client = self._organizations
        return self._call("ListAccounts", lambda: client.list_accounts(**params))

    def describe_organization(self) -> Any:
        return self._call(
            "DescribeOrganization", self._organizations.describe_organization
        )

    def _call(self, operation: str, fn: Callable[[], Any]) -> Any:
        try:
            return self._throttle.call(ORGANIZATIONS, fn)
        except RetryBudgetSpent as spent:
            raise OrganizationsThrottled(
                spent_line(operation, spent, self._throttle.budget)
            ) from spent
