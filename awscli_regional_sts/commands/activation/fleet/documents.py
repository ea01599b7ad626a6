"""Earlier ``--output json`` reports read back (``--baseline``,
``--merge``): read safely, their kind told, their shape checked.

A report file is read like the plugin's own files (``files.read_json``:
a regular file only, never a FIFO or a symlink, at most
``MAX_REPORT_BYTES``), and every field the comparison or the merge uses is
checked here, so that a corrupt or hand-edited file gets one line instead
of a traceback. Pure functions over plain dicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from awscli_regional_sts.aws.files import FileMissing, FileProblem, read_json
from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem
from awscli_regional_sts.commands.activation.model.account_facts import (
    FACT_FIELDS,
    TOKEN_VERSION_FIELD,
)

#: The largest report read back. The CLI's indented JSON takes some 400
#: bytes per region row (measured: 71 KB for 5 accounts x 35 rows, all the
#: STS regions of botocore 1.44 and the global endpoint), so 10,000
#: accounts over every region are about 140 MB; the cap leaves room for
#: more regions and long details, and still refuses a file that is no
#: report.
MAX_REPORT_BYTES = 256 * 1024 * 1024


class ReportProblem(CommandProblem, ValueError):
    """A report file that cannot be used; one line for stderr."""


class ReportKind(Word):
    #: ``aws sts activation-check`` for the caller's account.
    ACCOUNT = "account"
    #: ``--organization`` (one shard of it, or merged).
    ORGANIZATION = "organization"


def load_report(option: str, path: str) -> tuple[ReportKind, dict[str, Any]]:
    """The report in ``path`` and its kind; ReportProblem naming the option
    and the file when it is missing, unreadable, too large, not JSON, or
    not an activation-check report."""
    shown = quote(path)
    try:
        document = read_json(Path(path), MAX_REPORT_BYTES)
    except FileMissing:
        raise ReportProblem(f"{option}: there is no file {shown}") from None
    except FileProblem as problem:
        raise ReportProblem(f"{option}: {problem}") from None
    return check_report(option, shown, document), document


def report_kind(document: Any) -> ReportKind | None:
    """Which report ``document`` looks like, or None."""
    if not isinstance(document, dict):
        return None
    if "Accounts" in document and "Summary" in document:
        return ReportKind.ORGANIZATION
    if "Account" in document and "Regions" in document:
        return ReportKind.ACCOUNT
    return None


def check_report(option: str, shown: str, document: Any) -> ReportKind:
    """The kind of ``document`` once every field used later is checked."""
    kind = report_kind(document)
    where = f"{option}: {shown}"
    if kind is None:
        raise ReportProblem(
            f"{where} is not an activation-check report (write one with "
            "aws sts activation-check ... --output json > FILE)"
        )
    problem = (
        _account_problem(document)
        if kind == ReportKind.ACCOUNT
        else _organization_problem(document)
    )
    if problem:
        raise ReportProblem(f"{where} is not a usable report: {problem}")
    return kind


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _regions_problem(rows: Any, where: str) -> str | None:
    if not isinstance(rows, list):
        return f"{where}Regions is not a list"
    for row in rows:
        if not (
            isinstance(row, dict)
            and _text(row.get("Region"))
            and _text(row.get("Status"))
        ):
            return f"{where}Regions has a row without Region and Status"
    return None


def _token_problem(fields: dict[str, Any], where: str) -> str | None:
    version = fields.get(TOKEN_VERSION_FIELD)
    if version is not None and (isinstance(version, bool) or version not in (1, 2)):
        return f"{where}{TOKEN_VERSION_FIELD} is not 1, 2 or null"
    return None


def _account_problem(document: dict[str, Any]) -> str | None:
    if not (_text(document.get("Account")) and _text(document.get("Partition"))):
        return "Account or Partition is missing"
    return _regions_problem(document["Regions"], "") or _token_problem(document, "")


def _organization_problem(document: dict[str, Any]) -> str | None:
    if not _text(document.get("Partition")):
        return "Partition is missing"
    for name in ("OrganizationId", "ManagementAccountId"):
        if document.get(name) is not None and not _text(document.get(name)):
            return f"{name} is not text"
    accounts = document["Accounts"]
    if not isinstance(accounts, list):
        return "Accounts is not a list"
    for account in accounts:
        if not isinstance(account, dict) or not _text(account.get("AccountId")):
            return "Accounts has an entry without AccountId"
        where = f"account {account['AccountId'][:12]}: "
        problem = _regions_problem(account.get("Regions"), where) or _token_problem(
            account, where
        )
        if problem:
            return problem
        if account.get("Error") is not None and not _text(account.get("Error")):
            return f"{where}Error is not text"
    summary = document["Summary"]
    if not isinstance(summary, dict):
        return "Summary is not an object"
    for name in ("AccountsChecked", "AccountsWithError", "AccountsSkipped"):
        value = summary.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            return f"Summary.{name} is not a number"
    rows = summary.get("Regions")
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and _text(row.get("Region")) for row in rows
    ):
        return "Summary.Regions is not a list of regions"
    shard = document.get("Shard")
    if shard is not None:
        fields = ("Number", "Count", "AccountsSelected", "AccountsInShard")
        if not isinstance(shard, dict) or not all(
            isinstance(shard.get(name), int) and not isinstance(shard.get(name), bool)
            for name in fields
        ):
            return "Shard is not an object of " + ", ".join(fields)
    return None


def summary_regions(document: dict[str, Any]) -> list[str]:
    """An organization report's regions, in its order."""
    return [row["Region"] for row in document["Summary"]["Regions"]]


def accounts_of(kind: ReportKind, document: dict[str, Any]) -> list[dict[str, Any]]:
    """A report's accounts in the organization report's per-account shape
    (``AccountId``, ``Name``, the facts' fields (``FACT_FIELDS``),
    ``Regions``, ``Error``); a one-account report is an organization of
    one."""
    if kind == ReportKind.ORGANIZATION:
        return list(document["Accounts"])
    return [
        {
            "AccountId": document["Account"],
            "Name": None,
            **{name: document.get(name) for name in FACT_FIELDS},
            "Regions": document["Regions"],
            "Error": None,
        }
    ]


def regions_of(kind: ReportKind, document: dict[str, Any]) -> list[str]:
    """A report's regions, in its order."""
    if kind == ReportKind.ORGANIZATION:
        return summary_regions(document)
    return [row["Region"] for row in document["Regions"]]
