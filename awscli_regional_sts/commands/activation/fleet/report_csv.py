"""``--report FILE.csv``: one row per account and region, for a
spreadsheet or a script.

Columns: AccountId, Name, Region, Status, Verified, LatencyMs, Detail,
then the account's facts (``account_facts.FACT_FIELDS``:
GlobalEndpointTokenVersion). An account that could not be checked has one
row, with Status ``error`` and its ``Error`` as the Detail.

Account names are anyone's to choose (each member account's admin), so
every cell is safe whatever separator the spreadsheet splits on (``,`` in
English locales, ``;`` in German or French ones, a tab): every cell is
quoted, and text that a spreadsheet would run as a formula gets a ``'``
before it, as OWASP's CSV injection advice says, both at the start of the
cell (``=``, ``+``, ``-``, ``@``, a tab, a carriage return or line feed)
and after each ``,``, ``;``, tab or line break inside it (there a ``"``
starts a formula too: a spreadsheet splitting on ``;`` sees
``x;=1+1;@SUM(1+1)`` as three cells, and reads a quoted part as a quoted
cell). Nothing else changes: a reader strips that one ``'`` to get the
text back.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    accounts_of,
)
from awscli_regional_sts.commands.activation.model.account_facts import FACT_FIELDS

COLUMNS = (
    "AccountId",
    "Name",
    "Region",
    "Status",
    "Verified",
    "LatencyMs",
    "Detail",
    *FACT_FIELDS,
)
#: The Status of an account's single row when it has an Error.
ERROR_STATUS = "error"
#: What makes a spreadsheet run a cell (or a part of one) as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r\n")
#: Where a spreadsheet with another separator may start a cell inside ours.
INNER_SEPARATORS = frozenset(",;\t\r\n")
#: After such a separator a quote starts a quoted cell, which may be a
#: formula; a tab or line break there is the next separator, checked in turn.
_INNER_STARTS = frozenset('=+-@"')
_NOTHING: frozenset[str] = frozenset()


def defuse(text: str) -> str:
    """``text`` with a ``'`` before its start and before each part after an
    inner separator that a spreadsheet would take for a formula."""
    out: list[str] = []
    starts = FORMULA_STARTS
    for char in text:
        if char in starts:
            out.append("'")
        out.append(char)
        starts = _INNER_STARTS if char in INNER_SEPARATORS else _NOTHING
    return "".join(out)


def cell(value: Any) -> str:
    """One CSV cell: null as empty, booleans as true/false, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return defuse(str(value))


def render_csv(kind: ReportKind, document: dict[str, Any]) -> str:
    stream = io.StringIO()
    # Every cell quoted: a spreadsheet keeps a quoted cell whole, whatever
    # separators it holds.
    writer = csv.writer(stream, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for account in accounts_of(kind, document):
        base = (account["AccountId"], account.get("Name"))
        facts = tuple(account.get(name) for name in FACT_FIELDS)
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
                    *facts,
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
                *facts,
            )
            writer.writerow(cell(v) for v in values)
    return stream.getvalue()
