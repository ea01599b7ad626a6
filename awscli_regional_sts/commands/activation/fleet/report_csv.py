"""``--report FILE.csv``: one row per account and region, for a
spreadsheet or a script.

Columns: AccountId, Name, Region, Status, Verified, LatencyMs, Detail,
GlobalEndpointTokenVersion. An account that could not be checked has one
row, with Status ``error`` and its ``Error`` as the Detail. Text that a
spreadsheet would run as a formula (a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return: an account name is anyone's to
choose) gets a leading ``'``, as OWASP's CSV injection advice says.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    accounts_of,
)

COLUMNS = (
    "AccountId",
    "Name",
    "Region",
    "Status",
    "Verified",
    "LatencyMs",
    "Detail",
    "GlobalEndpointTokenVersion",
)
#: The Status of an account's single row when it has an Error.
ERROR_STATUS = "error"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One CSV cell: null as empty, booleans as true/false, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def render_csv(kind: ReportKind, document: dict[str, Any]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for account in accounts_of(kind, document):
        base = (account["AccountId"], account.get("Name"))
        version = account.get("GlobalEndpointTokenVersion")
        if account.get("Error") is not None:
            writer.writerow(
                cell(v)
                for v in (
                    *base,
                    None,
                    ERROR_STATUS,
                    None,
                    None,
                    account["Error"],
                    version,
                )
            )
            continue
        for row in account.get("Regions") or ():
            values = (
                *base,
                row["Region"],
                row["Status"],
                row.get("Verified"),
                row.get("LatencyMs"),
                row.get("Detail"),
                version,
            )
            writer.writerow(cell(v) for v in values)
    return stream.getvalue()
