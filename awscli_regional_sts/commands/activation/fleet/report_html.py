"""``--report FILE.html``: one self-contained page for people.

The summary comes first (accounts, regions, how many account-regions are
inactive, unknown or unreachable, how many accounts' global endpoint issues
v1 tokens, and the changes when ``--baseline`` was given), then a grid of
accounts by regions, each cell coloured by status *and* lettered, with a
legend, so that colour is never the only sign.

Self-contained: no script, no font, no image, no style sheet from anywhere
(inline CSS only, and a Content-Security-Policy that forbids fetching
anything), and every value from the report HTML-escaped (an account name
is anyone's to choose). Readable at 1,000 accounts: compact cells, and the
header row and the account column stay in view (``position: sticky``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    accounts_of,
    regions_of,
)
from awscli_regional_sts.commands.activation.model.account_facts import (
    TOKEN_VERSION_FIELD,
)

#: Per status: the cell's letter, background and text colour, and the
#: legend's words. Red for inactive is the one a reader looks for.
STYLES: dict[str, tuple[str, str, str, str]] = {
    str(RegionStatus.ACTIVE): ("A", "#b9e4c0", "#0b3d16", "active"),
    str(RegionStatus.INACTIVE): ("I", "#d62828", "#ffffff", "inactive (deactivated)"),
    str(RegionStatus.NOT_ENABLED): ("N", "#c9c9c9", "#222222", "opt-in not enabled"),
    str(RegionStatus.UNREACHABLE): ("X", "#f4a261", "#3d1d00", "unreachable"),
    str(RegionStatus.UNKNOWN): ("?", "#ffe066", "#3d3300", "unknown"),
}
#: An account that could not be checked: its row says so across the grid.
ERROR_STYLE = ("E", "#6a4c93", "#ffffff", "account not checked (error)")

_CSS = """
body{font:13px/1.35 system-ui,sans-serif;margin:12px;color:#111;background:#fff}
h1{font-size:18px;margin:0 0 8px}
h2{font-size:15px;margin:14px 0 6px}
.summary{border-collapse:collapse;margin-bottom:8px}
.summary th,.summary td{border:1px solid #bbb;padding:3px 8px;text-align:left}
.summary td{font-weight:600}
.legend span{display:inline-block;margin:0 10px 4px 0}
.legend b{display:inline-block;width:18px;text-align:center;margin-right:4px}
.wrap{overflow:auto;max-height:90vh;border:1px solid #999}
table.grid{border-collapse:separate;border-spacing:0}
.grid th,.grid td{border-right:1px solid #fff;border-bottom:1px solid #fff;
padding:1px 3px;white-space:nowrap;font-size:12px}
.grid thead th{position:sticky;top:0;background:#333;color:#fff;z-index:2;
vertical-align:bottom}
.grid thead th.region{writing-mode:vertical-rl;transform:rotate(180deg);
padding:4px 1px;font-weight:400}
.grid tbody th{position:sticky;left:0;background:#f2f2f2;text-align:left;
font-weight:400;z-index:1;max-width:260px;overflow:hidden;text-overflow:ellipsis}
.grid thead th.corner{left:0;z-index:3}
.grid td{text-align:center;min-width:18px;font-weight:700}
.grid td.note{text-align:left;font-weight:400;max-width:480px;overflow:hidden;
text-overflow:ellipsis}
.changes{border-collapse:collapse}
.changes th,.changes td{border:1px solid #bbb;padding:2px 6px}
"""


def _style(status: str | None) -> tuple[str, str, str, str]:
    if status is None:
        return ("", "#ffffff", "#000000", "not checked")
    return STYLES.get(status, ("?", "#ffe066", "#3d3300", status))


def _cell(status: str | None, region: str, detail: str | None) -> str:
    letter, background, colour, words = _style(status)
    title = f"{region}: {status or 'not checked'}"
    if detail and status != str(RegionStatus.ACTIVE):
        title += f" ({detail})"
    return (
        f'<td style="background:{background};color:{colour}" '
        f'title="{escape(title)}">{escape(letter)}</td>'
    )


def summary_counts(kind: ReportKind, document: dict[str, Any]) -> dict[str, int]:
    """The figures the page opens with."""
    accounts = accounts_of(kind, document)
    counts = {
        "Accounts": len(accounts),
        "AccountsWithError": 0,
        "Regions": len(regions_of(kind, document)),
        "Inactive": 0,
        "AccountsWithInactive": 0,
        "Unknown": 0,
        "Unreachable": 0,
        "OnV1Tokens": 0,
    }
    for account in accounts:
        if account.get("Error") is not None:
            counts["AccountsWithError"] += 1
            continue
        statuses = [row["Status"] for row in account.get("Regions") or ()]
        inactive = statuses.count(str(RegionStatus.INACTIVE))
        counts["Inactive"] += inactive
        counts["AccountsWithInactive"] += 1 if inactive else 0
        counts["Unknown"] += statuses.count(str(RegionStatus.UNKNOWN))
        counts["Unreachable"] += statuses.count(str(RegionStatus.UNREACHABLE))
        if account.get(TOKEN_VERSION_FIELD) == 1:
            counts["OnV1Tokens"] += 1
    return counts


def render_html(kind: ReportKind, document: dict[str, Any]) -> str:
    subject = _subject(kind, document)
    changes = document.get("Changes")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Nothing may be fetched: no script, font, image or style sheet.
        '<meta http-equiv="Content-Security-Policy" content="default-src '
        "'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width">',
        f"<title>STS activation: {escape(subject)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>STS activation: {escape(subject)} ({escape(str(document['Partition']))})"
        "</h1>",
        '<table class="summary" id="summary">',
    ]
    for label, value in _summary_rows(kind, document):
        out.append(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
    out.append("</table>")
    out.extend(_legend())
    if changes:
        out.extend(_changes_table(changes))
    out.extend(_grid(regions_of(kind, document), accounts_of(kind, document)))
    out.append("</tbody></table></div></body></html>")
    return "\n".join(out) + "\n"


def _subject(kind: ReportKind, document: dict[str, Any]) -> str:
    """What the page is about: the organization (and shard), or the account."""
    if kind != ReportKind.ORGANIZATION:
        return f"account {document['Account']}"
    subject = str(document.get("OrganizationId") or "organization")
    shard = document.get("Shard")
    if shard:
        subject += f", shard {shard['Number']}/{shard['Count']}"
    return subject


def _summary_rows(kind: ReportKind, document: dict[str, Any]) -> list[tuple[str, str]]:
    """The summary table's label and value per row."""
    counts = summary_counts(kind, document)
    skipped = (
        document["Summary"]["AccountsSkipped"] if kind == ReportKind.ORGANIZATION else 0
    )
    rows = [
        ("Accounts", _count(counts["Accounts"], "account")),
        (
            "Accounts not checked (error)",
            _count(counts["AccountsWithError"], "account"),
        ),
        ("Accounts skipped (not ACTIVE)", _count(skipped, "account")),
        ("Regions", _count(counts["Regions"], "region")),
        (
            "Inactive",
            f"{_count(counts['Inactive'], 'account-region')} in "
            f"{_count(counts['AccountsWithInactive'], 'account')}",
        ),
        ("Unknown", _count(counts["Unknown"], "account-region")),
        ("Unreachable", _count(counts["Unreachable"], "account-region")),
        ("On v1 tokens", _count(counts["OnV1Tokens"], "account")),
    ]
    changes = document.get("Changes")
    if changes is not None:
        rows.append(("Changes since the baseline", f"{len(changes)}"))
    return rows


def _legend() -> list[str]:
    """Every cell letter with its colours and words."""
    out = ['<div class="legend">']
    for letter, background, colour, words in (*STYLES.values(), ERROR_STYLE):
        out.append(
            f'<span><b style="background:{background};color:{colour}">'
            f"{escape(letter)}</b>{escape(words)}</span>"
        )
    out.append("</div>")
    return out


def _changes_table(changes: list[dict[str, Any]]) -> list[str]:
    """The changes since the baseline, one row each."""
    out = [
        "<h2>Changes since the baseline</h2>",
        '<table class="changes" id="changes"><tr><th>Account</th>',
        "<th>Region</th><th>Change</th><th>Before</th><th>After</th></tr>",
    ]
    for change in changes:
        values = (
            change.get("AccountId"),
            change.get("Region") or "",
            change.get("Change"),
            _shown(change.get("Before")),
            _shown(change.get("After")),
        )
        out.append(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in values) + "</tr>"
        )
    out.append("</table>")
    return out


def _grid(regions: list[str], accounts: list[dict[str, Any]]) -> list[str]:
    """The accounts-by-regions grid, up to its last row (the caller closes
    the table)."""
    out = [
        "<h2>Accounts by region</h2>",
        "<p>Accounts with an error or a region not active first, then the "
        "others, each in the report's order.</p>",
        '<div class="wrap"><table class="grid" id="grid"><thead><tr>',
        '<th class="corner">Account</th><th>Token</th>',
    ]
    for region in regions:
        out.append(f'<th class="region">{escape(region)}</th>')
    out.append("</tr></thead><tbody>")
    for account in sorted(accounts, key=_all_active):
        out.extend(_account_row(account, regions))
    return out


def _account_row(account: dict[str, Any], regions: list[str]) -> list[str]:
    """One account's row: its id and name, token version, then a cell per
    region, or one cell across the grid with its error."""
    name = account.get("Name")
    label = str(account["AccountId"]) + (f" {name}" if name else "")
    version = account.get(TOKEN_VERSION_FIELD)
    token = f"v{version}" if version in (1, 2) else "?"
    out = [
        f'<tr><th title="{escape(label)}">{escape(label)}</th><td>{escape(token)}</td>'
    ]
    error = account.get("Error")
    if error is not None:
        letter, background, colour, _ = ERROR_STYLE
        out.append(
            f'<td class="note" colspan="{max(len(regions), 1)}" '
            f'title="{escape(str(error))}" '
            f'style="background:{background};color:{colour}">'
            f"{escape(letter)}: {escape(str(error))}</td></tr>"
        )
        return out
    by_region = {row["Region"]: row for row in account.get("Regions") or ()}
    for region in regions:
        row = by_region.get(region)
        out.append(_cell(row and row["Status"], region, row and row.get("Detail")))
    out.append("</tr>")
    return out


def _all_active(account: dict[str, Any]) -> bool:
    """False (sorted first) for an account a reader must look at."""
    if account.get("Error") is not None:
        return False
    active = str(RegionStatus.ACTIVE)
    return all(row["Status"] == active for row in account.get("Regions") or ())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)
