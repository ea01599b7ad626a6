"""An account's own facts, besides its regions, in one table: the token
version the global endpoint issues (IAM GetAccountSummary) and every
region's opt-in status (Account Management ListRegions).

Each ``AccountFact`` says how it is read (the service and the reader,
given a client signed as the account), the IAM action that needs, what
the report shows of it (``field``: the value and ``field + "Detail"``,
why it is null), and what its refusal is called. The requests
(``run/account_check.py``), the member role's permissions
(``MEMBER_ROLE_ACTIONS``, checked against ``deploy/member-role.yaml`` by
a unit test), the denials (``denials.py``) and the report
(``report.py``, ``organization_report.py``) are all read from ``FACTS``.
Readers call only the client they are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS
from awscli_regional_sts.commands.accounts.permissions import Action

#: Why the opt-in statuses are not asked when the probed role is in another
#: account than the credentials ListRegions would answer for.
OTHER_ACCOUNT = "ListRegions not asked: the role is in another account"


#: Account Management's opt-in statuses (ListRegions' RegionOptStatus).
OPT_IN_ENABLED = frozenset({"ENABLED", "ENABLED_BY_DEFAULT"})
OPT_IN_DISABLED = frozenset({"DISABLED", "DISABLING"})
#: The opt-in status that settles a region without a probe: the account has
#: not enabled it (while DISABLING, STS may still answer: probed).
OPT_IN_NOT_ENABLED = "DISABLED"


class _Unavailable(Exception):
    """The call cannot be made with this botocore (nothing was sent). Its
    name is in the reason a report gives, as it always was."""


def read_token_version(iam: Any) -> int | None:
    summary = iam.get_account_summary().get("SummaryMap", {})
    version = summary.get("GlobalEndpointTokenVersion")
    return int(version) if version is not None else None


def lists_regions(account: Any) -> bool:
    """Whether this botocore's Account Management model has ListRegions
    (CLI v2 2.9's has not)."""
    return "ListRegions" in account.meta.service_model.operation_names


def read_opt_in_statuses(account: Any) -> dict[str, str]:
    """Every region's opt-in status, from Account Management ListRegions."""
    if not lists_regions(account):
        raise _Unavailable("this AWS CLI's botocore has no ListRegions")
    statuses: dict[str, str] = {}
    params: dict[str, Any] = {"MaxResults": 50}
    while True:
        page = account.list_regions(**params)
        for entry in page.get("Regions", []):
            statuses[entry["RegionName"]] = entry["RegionOptStatus"]
        token = page.get("NextToken")
        if not token:
            return statuses
        params["NextToken"] = token


def has_opt_in_regions(partition: str) -> bool:
    """Opt-in regions (and Account Management's ListRegions) exist only
    where the partition has regions enabled by default."""
    return partition in DEFAULT_ENABLED_REGIONS


@dataclass(frozen=True)
class AccountFact:
    #: The fact's name among an account's outcomes.
    key: str
    #: The service of the client that reads it, signed as the account.
    service: str
    read: Callable[[Any], Any]
    #: The IAM action ``read`` needs (member role, denials).
    action: Action
    #: How a missing value is named in its reason.
    call: str
    #: The report's field for the value (None: the fact feeds the rows'
    #: classification only); ``field + "Detail"`` says why it is null.
    field: str | None
    #: Only in partitions with opt-in regions, and only for the account the
    #: caller's credentials answer for (ListRegions answers for them).
    opt_in_only: bool = False


#: The report's field of the token version the global endpoint issues
#: (1 or 2): the fleet reports count and show the accounts on v1 by it.
TOKEN_VERSION_FIELD = "GlobalEndpointTokenVersion"  # nosec B105  # a report column, no secret
TOKEN_VERSION = AccountFact(
    key="token-version",
    service="iam",
    read=read_token_version,
    action=Action.GET_ACCOUNT_SUMMARY,
    call=Action.GET_ACCOUNT_SUMMARY.value,
    field=TOKEN_VERSION_FIELD,
)
OPT_IN = AccountFact(
    key="opt-in",
    service="account",
    read=read_opt_in_statuses,
    action=Action.LIST_REGIONS,
    call="ListRegions",
    field=None,
    opt_in_only=True,
)
#: Every fact, in the order the report and the denials list them.
FACTS = (TOKEN_VERSION, OPT_IN)
#: The suffix of the field that says why a fact's value is null.
DETAIL = "Detail"
#: The report's value field of every fact that has one, in FACTS' order:
#: an account's fields in the fleet reports (CSV columns, baseline changes).
FACT_FIELDS = tuple(fact.field for fact in FACTS if fact.field is not None)
#: Every report field of the facts: the value, then why it is null.
REPORT_FIELDS = tuple(
    name
    for fact in FACTS
    if fact.field is not None
    for name in (fact.field, fact.field + DETAIL)
)
#: What the member role needs besides being assumed: the facts' actions.
MEMBER_ROLE_ACTIONS = tuple(fact.action for fact in FACTS)


def asked(fact: AccountFact, partition: str) -> bool:
    """Whether ``fact`` exists in ``partition`` at all."""
    return not fact.opt_in_only or has_opt_in_regions(partition)


def fact_value(
    fact: AccountFact, outcome: Any, partition: str, same_account: bool = True
) -> tuple[Any, str | None]:
    """A fact's value, or None and the reason it is missing (no reason
    where the partition does not have the fact)."""
    if not asked(fact, partition):
        return None, None
    if fact.opt_in_only and not same_account:
        return None, OTHER_ACCOUNT
    if outcome is None:
        return None, f"{fact.call}: no answer in time"
    value, error = outcome
    if error is not None:
        return None, f"{fact.call}: {CallError.from_exception(error).describe()}"
    return value, None


def fact_values(
    outcomes: Mapping[str, Any], partition: str, same_account: bool = True
) -> dict[str, tuple[Any, str | None]]:
    """Every fact's value and reason, by key."""
    return {
        fact.key: fact_value(fact, outcomes.get(fact.key), partition, same_account)
        for fact in FACTS
    }
