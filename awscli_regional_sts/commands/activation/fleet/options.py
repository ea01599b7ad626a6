"""What the fleet options asked for (``--baseline``, ``--report``,
``--shard``, ``--merge``, ``--list-accounts``, ``--accounts-from``),
checked: ``cli/fleet_arguments.py`` builds it, the run and its outputs
read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.listing import AccountListing
from awscli_regional_sts.commands.activation.fleet.report_file import ReportTarget
from awscli_regional_sts.commands.activation.fleet.shards import Shard


@dataclass(frozen=True)
class FleetArguments:
    #: The baseline report and its kind, or None.
    baseline: tuple[ReportKind, dict[str, Any]] | None = None
    #: The files of ``--report``, in the order named (none: empty).
    reports: tuple[ReportTarget, ...] = ()
    shard: Shard | None = None
    #: The merged report of ``--merge``, or None (a check runs).
    merged: dict[str, Any] | None = None
    #: ``--list-accounts``: write the organization's listing, check nothing.
    list_accounts: bool = False
    #: ``--accounts-from``'s listing, checked whole: the run lists nothing.
    listing: AccountListing | None = None
