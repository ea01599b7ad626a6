"""The fleet options of ``aws sts activation-check``: ``--baseline``,
``--report``, ``--shard``, ``--merge``, ``--list-accounts`` and
``--accounts-from``, checked (files read and their
kind told) before anything is sent. Each problem is one
``ArgumentProblem`` line."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from awscli_regional_sts.aws.files import FileMissing, FileProblem, read_json
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.arguments import (
    ArgumentProblem,
    whole_number,
)
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    ReportProblem,
    load_report,
)
from awscli_regional_sts.commands.activation.fleet.drift import (
    check_baseline,
    check_identity,
)
from awscli_regional_sts.commands.activation.fleet.listing import (
    DEFAULT_MAX_AGE_MINUTES,
    MAX_LISTING_BYTES,
    MAX_MAX_AGE_MINUTES,
    RELIST,
    AccountListing,
    ListingProblem,
    read_listing,
)
from awscli_regional_sts.commands.activation.fleet.merge import merge_shards
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.report_file import (
    ReportTarget,
    report_target,
)
from awscli_regional_sts.commands.activation.fleet.shards import (
    MAX_SHARDS,
    Shard,
    ShardProblem,
    parse_shard,
)
from awscli_regional_sts.commands.activation.model.options import OutputFormat

#: What --merge cannot be given: it runs no check.
_NOT_WITH_MERGE = (
    ("organization", "--organization"),
    ("regions", "--regions"),
    ("role_arn", "--role-arn"),
    ("require_active", "--require-active"),
    ("save", "--save"),
    ("shard", "--shard"),
    ("timeout", "--timeout"),
    ("max_concurrency", "--max-concurrency"),
    ("samples", "--samples"),
    ("throttle_budget", "--throttle-budget"),
)


def fleet_arguments(
    parsed_args: Any,
    organization: bool,
    output_format: OutputFormat | None,
    partition: str,
) -> FleetArguments:
    """Run after the other arguments are checked (``organization``: whether
    ``--organization`` was given; ``output_format``: its output format)."""
    try:
        fleet = _fleet_arguments(parsed_args, organization, output_format, partition)
        listing = _listing(parsed_args, organization, partition)
    except (ReportProblem, ShardProblem, ListingProblem) as problem:
        raise ArgumentProblem(str(problem)) from None
    list_accounts = _given(parsed_args, "list_accounts")
    return replace(fleet, list_accounts=list_accounts, listing=listing)


def _refuse_given(
    parsed_args: Any, conflicts: Sequence[tuple[str, str]], mode: str
) -> None:
    """ArgumentProblem naming the first option of ``conflicts`` given with
    ``mode`` (the option and why it runs no check)."""
    for dest, option in conflicts:
        if _given(parsed_args, dest):
            raise ArgumentProblem(f"{option} cannot be used with {mode}")


def _given(parsed_args: Any, dest: str) -> bool:
    return getattr(parsed_args, dest, None) not in (None, False)


def _fleet_arguments(
    parsed_args: Any,
    organization: bool,
    output_format: OutputFormat | None,
    partition: str,
) -> FleetArguments:
    merge: Sequence[str] | None = getattr(parsed_args, "merge", None)
    if merge is not None:
        _refuse_given(
            parsed_args,
            _NOT_WITH_MERGE,
            "--merge (it merges earlier reports and runs no check)",
        )
    raw_shard = getattr(parsed_args, "shard", None)
    shard = None
    if raw_shard is not None:
        if not organization:
            raise ArgumentProblem("--shard needs --organization")
        shard = parse_shard(raw_shard)
    if output_format == OutputFormat.JSONL:
        for dest, option in (("baseline", "--baseline"), ("report", "--report")):
            if _given(parsed_args, dest):
                raise ArgumentProblem(
                    f"{option} needs the whole report: use --output-format "
                    "document (the default), not jsonl"
                )
    reports = _report_targets(getattr(parsed_args, "report", None))
    merged = None if merge is None else _merged(merge)
    kind = (
        ReportKind.ORGANIZATION
        if organization or merged is not None
        else ReportKind.ACCOUNT
    )
    baseline = None
    if getattr(parsed_args, "baseline", None) is not None:
        baseline = _baseline(parsed_args.baseline, kind, merged, partition, shard)
    return FleetArguments(
        baseline=baseline, reports=tuple(reports), shard=shard, merged=merged
    )


def _report_targets(names: Any) -> list[ReportTarget]:
    """``--report``'s files, each named once."""
    reports: list[ReportTarget] = []
    for name in _as_list(names):
        target = report_target(name)
        if any(t.path.resolve() == target.path.resolve() for t in reports):
            raise ArgumentProblem(f"--report: {quote(name)} is named twice")
        reports.append(target)
    return reports


def _merged(files: Sequence[str]) -> dict[str, Any]:
    """``--merge``'s shard reports read and merged into one."""
    if len(files) > MAX_SHARDS:
        raise ArgumentProblem(f"--merge: at most {MAX_SHARDS} files")
    shards = []
    for name in files:
        file_kind, document = load_report("--merge", name)
        if file_kind != ReportKind.ORGANIZATION:
            raise ArgumentProblem(
                f"--merge: {quote(name)} is a report of one account, not a shard "
                "of --organization"
            )
        shards.append((quote(name), document))
    return merge_shards(shards)


def _baseline(
    name: str,
    kind: ReportKind,
    merged: dict[str, Any] | None,
    partition: str,
    shard: Shard | None,
) -> tuple[ReportKind, dict[str, Any]]:
    """``--baseline``'s report, read and checked against this run."""
    baseline_kind, document = load_report("--baseline", name)
    check_baseline(
        baseline_kind,
        document,
        kind,
        merged["Partition"] if merged is not None else partition,
        shard,
    )
    if merged is not None:
        # A merge knows its organization: all is checked before output.
        check_identity(kind, document, merged.get("OrganizationId"))
    return (baseline_kind, document)


#: What --list-accounts cannot be given: it writes the whole listing and
#: checks nothing.
_NOT_WITH_LIST_ACCOUNTS = (
    ("accounts_from", "--accounts-from"),
    ("shard", "--shard"),
    ("accounts", "--accounts"),
    ("include_suspended", "--include-suspended"),
    ("baseline", "--baseline"),
    ("report", "--report"),
    ("output_format", "--output-format"),
)


def _listing(
    parsed_args: Any, organization: bool, partition: str
) -> AccountListing | None:
    """``--list-accounts``' companions checked, and ``--accounts-from``'s
    listing read and checked whole (ListingProblem): nothing is sent."""
    for option in ("list_accounts", "accounts_from"):
        if _given(parsed_args, option) and not organization:
            raise ArgumentProblem(f"--{option.replace('_', '-')} needs --organization")
    if _given(parsed_args, "list_accounts"):
        _refuse_given(
            parsed_args,
            _NOT_WITH_LIST_ACCOUNTS,
            "--list-accounts (it writes the organization's whole listing and "
            "checks nothing)",
        )
    name = getattr(parsed_args, "accounts_from", None)
    if name is None:
        if _given(parsed_args, "accounts_max_age"):
            raise ArgumentProblem("--accounts-max-age needs --accounts-from")
        return None
    max_age = whole_number(
        "--accounts-max-age",
        getattr(parsed_args, "accounts_max_age", None),
        DEFAULT_MAX_AGE_MINUTES,
        MAX_MAX_AGE_MINUTES,
    )
    shown = quote(name)
    try:
        # Owned by you or root, nobody else may write it, no link: the
        # listing decides which accounts are checked.
        document = read_json(Path(name), MAX_LISTING_BYTES, owned=True)
    except FileMissing:
        raise ListingProblem(
            f"--accounts-from: there is no file {shown}; {RELIST}"
        ) from None
    except FileProblem as problem:
        raise ListingProblem(f"--accounts-from: {problem}; {RELIST}") from None
    return read_listing(document, shown, partition, time.time(), max_age)


def _as_list(value: Any) -> list[str]:
    """``--report``'s names (a list; one name from a caller that passes a
    string)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
