"""An account's own facts, besides its regions: the token version the
global endpoint issues (IAM GetAccountSummary) and every region's opt-in
status (Account Management ListRegions), each read with a client signed as
that account, and why one is missing when it is."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS
from awscli_regional_sts.commands.accounts.permissions import GET_ACCOUNT_SUMMARY

#: How a missing ListRegions is named in a row's Detail.
LIST_REGIONS_NAME = "ListRegions"
#: Why the opt-in statuses are not asked when the probed role is in another
#: account than the credentials ListRegions would answer for.
OTHER_ACCOUNT = "ListRegions not asked: the role is in another account"


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


def unpack(
    outcome: tuple[Any, BaseException | None] | None, action: str
) -> tuple[Any, str | None]:
    """A fact's value, or None and the reason it is missing."""
    if outcome is None:
        return None, f"{action}: no answer in time"
    value, error = outcome
    if error is not None:
        return None, f"{action}: {CallError.from_exception(error).describe()}"
    return value, None


def token_version_fact(
    outcome: tuple[Any, BaseException | None] | None,
) -> tuple[int | None, str | None]:
    """The token version, or None and why (GlobalEndpointTokenVersionDetail)."""
    value, reason = unpack(outcome, GET_ACCOUNT_SUMMARY)
    return value, reason


def opt_in_fact(
    outcome: tuple[Any, BaseException | None] | None,
    partition: str,
    asked: bool,
) -> tuple[dict[str, str], str | None]:
    """The opt-in statuses (empty when unknown) and why they are unknown:
    None where the partition has no opt-in regions."""
    if not has_opt_in_regions(partition):
        return {}, None
    if not asked:
        return {}, OTHER_ACCOUNT
    value, reason = unpack(outcome, LIST_REGIONS_NAME)
    return (value if value is not None else {}), reason
