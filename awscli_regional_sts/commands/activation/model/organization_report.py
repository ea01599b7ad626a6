"""The organization-wide activation check's data: one line per account, and
the summary. Plain data and pure functions; ``run/organization_run.py`` runs
the check (the accounts themselves come from ``commands/accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.status import CHECK_STATUSES, RegionStatus
from awscli_regional_sts.commands.accounts.members import MemberAccount
from awscli_regional_sts.commands.activation.model.account_facts import REPORT_FIELDS
from awscli_regional_sts.commands.activation.model.report import Report

#: Summary column of each status, in the CLI's PascalCase.
SUMMARY_COLUMNS: dict[RegionStatus, str] = {
    status: "".join(word.capitalize() for word in status.value.split("-"))
    for status in CHECK_STATUSES
}


@dataclass
class AccountResult:
    """One account's line: the per-account report, or why there is none."""

    account: MemberAccount
    report: Report | None = None
    error: str | None = None
    #: Position in the ListAccounts order (the document keeps that order).
    index: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The same keys for every account, checked or not, so that
        ``--query`` and the table/text formats see one shape."""
        report = self.report.to_dict() if self.report else {}
        recommendation = report.get("Recommendation")
        if recommendation:
            # The command names the caller's profile, which does not reach
            # the member account: no usable command can be given.
            recommendation = {k: v for k, v in recommendation.items() if k != "Command"}
        return {
            "AccountId": self.account.account_id,
            "Name": self.account.name,
            "AccountStatus": self.account.status,
            "Arn": report.get("Arn"),
            **{name: report.get(name) for name in REPORT_FIELDS},
            "Probe": report.get("Probe"),
            "Fastest": report.get("Fastest"),
            "Recommendation": recommendation,
            "Regions": report.get("Regions", []),
            "Warnings": report.get("Warnings", []),
            "Error": self.error,
        }


class OrganizationSummary:
    """Counts only: accounts checked, failed and skipped, and per region how
    many checked accounts have each status."""

    def __init__(self, regions: Iterable[str]) -> None:
        self.counts: dict[str, dict[RegionStatus, int]] = {
            region: dict.fromkeys(SUMMARY_COLUMNS, 0) for region in regions
        }
        self.checked = 0
        self.failed = 0
        self.skipped = 0

    def add(self, result: AccountResult) -> None:
        if result.report is None:
            self.failed += 1
            return
        self.checked += 1
        for row in result.report.regions:
            counts = self.counts.get(row.region)
            if counts is not None:
                # Every status a row can have is a column, counted from 0.
                counts[row.status] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "AccountsChecked": self.checked,
            "AccountsWithError": self.failed,
            "AccountsSkipped": self.skipped,
            "Regions": [
                {
                    "Region": region,
                    **{SUMMARY_COLUMNS[s]: n for s, n in counts.items()},
                }
                for region, counts in self.counts.items()
            ],
        }
