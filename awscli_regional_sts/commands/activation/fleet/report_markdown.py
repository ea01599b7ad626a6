"""``--report FILE.md``: a Markdown summary for a CI job's step summary, a
pull-request comment or a wiki page.

The counts come first (the HTML page's, ``report_html.summary_counts``),
then only what needs a person, each section only when it has something:
accounts not checked, regions not active (inactive, unreachable, unknown;
an opt-in region the account has not enabled is its owner's choice, so it
is counted, not listed), accounts on v1 tokens, and the changes against
``--baseline``.

Bounded for any organization: each section lists at most
``MAX_ROWS`` entries and ``SECTION_BUDGET`` characters, then one line says
how many were left out; every cell is shortened to ``MAX_CELL``
characters. The whole stays under GitHub's 65,536 characters for a
comment (step summaries take up to 1 MiB).

Every value from the report is written as a code span: inside one,
Markdown, HTML, autolinks, @mentions and #references are all plain text
(an account's name is anyone's to choose). A backtick in a value gets a
longer fence, and ``|`` is escaped in tables, as GitHub's tables need even
inside a code span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    accounts_of,
)
from awscli_regional_sts.commands.activation.fleet.report_html import summary_counts
from awscli_regional_sts.commands.activation.model.account_facts import (
    TOKEN_VERSION_FIELD,
)

MAX_ROWS = 100
SECTION_BUDGET = 12_000
MAX_CELL = 200
#: Statuses a person must look at; not-enabled opt-in regions are counted.
NEEDS_A_PERSON = (
    str(RegionStatus.INACTIVE),
    str(RegionStatus.UNREACHABLE),
    str(RegionStatus.UNKNOWN),
)


#: A baseline change's fields, in the order of its section's columns.
_CHANGE_KEYS = ("AccountId", "Region", "Change", "Before", "After")


def code(value: Any) -> str:
    """``value`` as a code span that renders as its text, whatever it
    holds; "-" for nothing."""
    if value is None or value == "":
        return "-"
    text = " ".join(str(value).split())
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 3] + "..."
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _cell(value: Any) -> str:
    return code(value).replace("|", "\\|")


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows)
    return lines


def _section(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], noun: str
) -> list[str]:
    """A heading and a table of at most MAX_ROWS rows and SECTION_BUDGET
    characters, then how many were left out."""
    if not rows:
        return []
    lines = ["", f"### {title} ({len(rows):,})", ""]
    table = _table(header, [])
    used = sum(len(line) + 1 for line in table)
    shown = 0
    for row in rows[:MAX_ROWS]:
        line = _table(header, [row])[-1]
        if used + len(line) + 1 > SECTION_BUDGET:
            break
        table.append(line)
        used += len(line) + 1
        shown += 1
    lines.extend(table)
    if shown < len(rows):
        left = len(rows) - shown
        lines += [
            "",
            f"... and {left:,} more {noun}{'' if left == 1 else 's'} "
            "not listed here (the JSON, CSV and HTML reports have them all).",
        ]
    return lines


def render_markdown(kind: ReportKind, document: dict[str, Any]) -> str:
    accounts = accounts_of(kind, document)
    checked = [a for a in accounts if a.get("Error") is None]
    sections = [
        _section(
            "Accounts not checked",
            ("Account", "Name", "Error"),
            [
                (a.get("AccountId"), a.get("Name"), a.get("Error"))
                for a in accounts
                if a.get("Error") is not None
            ],
            "account",
        ),
        _section(
            "Regions not active",
            ("Account", "Name", "Region", "Status", "Detail"),
            _regions_not_active(checked),
            "account-region",
        ),
        _section(
            "Accounts on v1 tokens (global endpoint)",
            ("Account", "Name"),
            [
                (a.get("AccountId"), a.get("Name"))
                for a in checked
                if a.get(TOKEN_VERSION_FIELD) == 1
            ],
            "account",
        ),
        _section(
            "Changes since the baseline",
            ("Account", "Region", "Change", "Before", "After"),
            [
                tuple(c.get(key) for key in _CHANGE_KEYS)
                for c in document.get("Changes") or ()
            ],
            "change",
        ),
    ]
    lines = _summary(kind, document, checked)
    lines += [line for section in sections for line in section]
    if not any(sections):
        lines += [
            "",
            "Nothing needs a person: every account checked, every region active.",
        ]
    return "\n".join(lines) + "\n"


def _summary(
    kind: ReportKind, document: dict[str, Any], checked: list[dict[str, Any]]
) -> list[str]:
    """The heading and the table of counts (``checked``: the accounts
    without an error, whose not-enabled opt-in regions are counted)."""
    counts = summary_counts(kind, document)
    if kind == ReportKind.ORGANIZATION:
        subject = code(document.get("OrganizationId") or "organization")
        shard = document.get("Shard")
        if shard:
            subject += (
                f", shard {code(shard.get('Number'))} of {code(shard.get('Count'))}"
            )
        skipped = document["Summary"]["AccountsSkipped"]
    else:
        subject = "account " + code(document.get("Account"))
        skipped = 0
    not_enabled = sum(
        1
        for account in checked
        for row in account.get("Regions") or ()
        if row.get("Status") == str(RegionStatus.NOT_ENABLED)
    )
    changes = document.get("Changes")
    lines = [
        f"## STS activation: {subject} ({code(document.get('Partition'))})",
        "",
        "| | |",
        "|---|---|",
        f"| Accounts | {counts['Accounts']:,} |",
        f"| Accounts not checked (error) | {counts['AccountsWithError']:,} |",
        f"| Accounts skipped (not ACTIVE) | {skipped:,} |",
        f"| Regions | {counts['Regions']:,} |",
        f"| Inactive account-regions | {counts['Inactive']:,} in "
        f"{_accounts(counts['AccountsWithInactive'])} |",
        f"| Unreachable account-regions | {counts['Unreachable']:,} |",
        f"| Unknown account-regions | {counts['Unknown']:,} |",
        f"| Opt-in regions not enabled | {not_enabled:,} |",
        f"| Accounts on v1 tokens | {counts['OnV1Tokens']:,} |",
    ]
    if changes is not None:
        lines.append(f"| Changes since the baseline | {len(changes):,} |")
    return lines


def _regions_not_active(checked: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Every account-region a person must look at (NEEDS_A_PERSON)."""
    return [
        (
            a.get("AccountId"),
            a.get("Name"),
            row.get("Region"),
            row.get("Status"),
            row.get("Detail"),
        )
        for a in checked
        for row in a.get("Regions") or ()
        if row.get("Status") in NEEDS_A_PERSON
    ]


def _accounts(number: int) -> str:
    """One account, 2 accounts: as the HTML page counts them."""
    return f"{number:,} account" + ("" if number == 1 else "s")
