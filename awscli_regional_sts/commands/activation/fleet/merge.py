"""``--merge FILE ...``: shard reports (``--shard K/N``) back into one
organization report, shaped as an unsharded run's, so that ``--baseline``,
``--report``, ``--output`` and ``--query`` treat both alike.

The shards must fit: every file a shard of the same run (organization,
partition, member role, probe, regions, N and the number of accounts the
run selected), each K of 1..N exactly once, no account in two shards, and
the shards' accounts adding up to the selection. Anything else is one
line naming the shards or the account (a report silently missing a shard
would be an audit that lost accounts). The merged accounts are in account
id order (ListAccounts promises no order, so no other order is more right);
the summary is counted again from them. Pure functions over plain dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportProblem,
    summary_regions,
)
from awscli_regional_sts.commands.activation.fleet.shards import MAX_SHARDS
from awscli_regional_sts.commands.activation.model.organization_report import (
    SUMMARY_COLUMNS,
)

#: Fields every shard of one run has alike, and the merged report keeps.
_SAME = (
    "Partition",
    "OrganizationId",
    "ManagementAccountId",
    "MemberRoleName",
    "Probe",
)


def merge_shards(shards: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One organization report from ``(shown file name, shard report)``
    pairs, each already checked by ``documents.check_report``."""
    _check_one_run(shards)
    first = shards[0][1]
    accounts, skipped = _accounts_once_each(shards)
    accounts.sort(key=lambda account: str(account["AccountId"]))
    merged = {field: first.get(field) for field in _SAME}
    merged["Accounts"] = accounts
    merged["Summary"] = summarize(accounts, summary_regions(first), skipped)
    return merged


def _check_one_run(shards: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Every file a shard report, all cut alike from one run."""
    if not shards:
        raise ReportProblem("--merge: name the shard reports to merge")
    for shown, document in shards:
        if document.get("Shard") is None:
            raise ReportProblem(
                f"--merge: {shown} is not a shard report (it was not written "
                "with --shard K/N)"
            )
    first_name, first = shards[0]
    first_shard = first["Shard"]
    count = first_shard["Count"]
    for shown, document in shards[1:]:
        for field in _SAME:
            if document.get(field) != first.get(field):
                raise ReportProblem(
                    f"--merge: {shown} and {first_name} are not shards of one run "
                    f"({field} differs)"
                )
        if summary_regions(document) != summary_regions(first):
            raise ReportProblem(
                f"--merge: {shown} and {first_name} checked different regions"
            )
        shard = document["Shard"]
        if shard["Count"] != count:
            raise ReportProblem(
                f"--merge: {shown} is shard {shard['Number']}/{shard['Count']} but "
                f"{first_name} is {first_shard['Number']}/{count}: the runs were "
                "cut differently"
            )
        if shard["AccountsSelected"] != first_shard["AccountsSelected"]:
            raise ReportProblem(
                f"--merge: {shown} and {first_name} were cut from different "
                f"account lists ({shard['AccountsSelected']} and "
                f"{first_shard['AccountsSelected']} accounts): the organization "
                "changed between the runs; run the shards again"
            )
    if not 1 <= count <= MAX_SHARDS:
        raise ReportProblem(f"--merge: {first_name} has a shard count of {count}")


def _accounts_once_each(
    shards: Sequence[tuple[str, dict[str, Any]]],
) -> tuple[list[dict[str, Any]], int]:
    """The shards' accounts and how many accounts they skipped, each shard
    K of N given once and present, each account in one shard, and the
    accounts adding up to the run's selection."""
    first = shards[0][1]
    count = first["Shard"]["Count"]
    by_number: dict[int, str] = {}
    owner: dict[str, str] = {}
    accounts: list[dict[str, Any]] = []
    in_shards = 0
    skipped = 0
    for shown, document in shards:
        number = document["Shard"]["Number"]
        if number in by_number:
            raise ReportProblem(
                f"--merge: shard {number}/{count} is given twice ({by_number[number]} "
                f"and {shown})"
            )
        by_number[number] = shown
        in_shards += document["Shard"]["AccountsInShard"]
        skipped += document["Summary"]["AccountsSkipped"]
        for account in document["Accounts"]:
            account_id = account["AccountId"]
            if account_id in owner:
                raise ReportProblem(
                    f"--merge: account {account_id} is in both {owner[account_id]} "
                    f"and {shown}"
                )
            owner[account_id] = shown
            accounts.append(account)
    missing = [f"{n}/{count}" for n in range(1, count + 1) if n not in by_number]
    if missing:
        shown_missing = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ReportProblem(f"--merge: shards missing: {shown_missing}")
    selected = first["Shard"]["AccountsSelected"]
    if in_shards != selected:
        raise ReportProblem(
            f"--merge: the shards hold {in_shards} accounts but the run selected "
            f"{selected}: the organization changed between the runs; run the "
            "shards again"
        )
    return accounts, skipped


def summarize(
    accounts: Sequence[dict[str, Any]], regions: Sequence[str], skipped: int
) -> dict[str, Any]:
    """An organization report's ``Summary``, counted from its accounts as
    ``organization.OrganizationSummary`` counts them during a run."""
    counts = {region: dict.fromkeys(SUMMARY_COLUMNS, 0) for region in regions}
    checked = failed = 0
    for account in accounts:
        if account.get("Error") is not None:
            failed += 1
            continue
        checked += 1
        for row in account.get("Regions") or ():
            region_counts = counts.get(row["Region"])
            try:
                status = RegionStatus(row["Status"])
            except ValueError:
                continue
            if region_counts is not None and status in region_counts:
                region_counts[status] += 1
    return {
        "AccountsChecked": checked,
        "AccountsWithError": failed,
        "AccountsSkipped": skipped,
        "Regions": [
            {"Region": region, **{SUMMARY_COLUMNS[s]: n for s, n in c.items()}}
            for region, c in counts.items()
        ],
    }
