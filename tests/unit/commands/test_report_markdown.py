"""``--report FILE.md``: counts first, only what needs a person, bounded
for 10,000 accounts, every value inert. Rendered with cmark-gfm (GitHub's
own Markdown renderer, PyPI's cmarkgfm) to check what a reader sees."""

from __future__ import annotations

import re

import cmarkgfm

from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.report_markdown import (
    MAX_ROWS,
    code,
    render_markdown,
)
from tests.unit.commands.test_fleet import ACTIVE, IDS, account, organization

HOSTILE = (
    "<img src=x onerror=alert(1)> **bold** [link](https://evil.example) "
    "@security-team #1 | `tick` ``two``"
)


def html(text: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(text))


def test_counts_come_first_then_only_what_needs_a_person() -> None:
    document = organization(
        [
            account(IDS[0], ACTIVE, version=2),
            account(IDS[1], {**ACTIVE, "eu-west-1": "inactive"}, version=2),
            account(IDS[2], {**ACTIVE, "eu-west-1": "not-enabled"}, version=1),
            account(IDS[3], error="AccessDenied: iam:GetAccountSummary"),
        ],
        Changes=[
            {
                "AccountId": IDS[1],
                "Region": "eu-west-1",
                "Change": "Status",
                "Before": "active",
                "After": "inactive",
            }
        ],
    )
    text = render_markdown(ReportKind.ORGANIZATION, document)
    headings = re.findall(r"^#+ (.*)$", text, re.M)
    assert headings[0].startswith("STS activation: `o-a1b2c3d4e5`")
    assert headings[1:] == [
        "Accounts not checked (1)",
        "Regions not active (1)",
        "Accounts on v1 tokens (global endpoint) (1)",
        "Changes since the baseline (1)",
    ]
    assert text.index("| Accounts | 4 |") < text.index("### Accounts not checked")
    assert "| Opt-in regions not enabled | 1 |" in text
    # A not-enabled opt-in region is counted, not listed.
    assert f"| `{IDS[2]}` | `n02` | `eu-west-1`" not in text
    page = html(text)
    assert page.count("<table>") == 5


def test_nothing_to_do_says_so() -> None:
    text = render_markdown(
        ReportKind.ORGANIZATION, organization([account(IDS[0], ACTIVE, version=2)])
    )
    assert "Nothing needs a person" in text
    assert "###" not in text


def test_no_value_can_inject_markdown_or_html() -> None:
    document = organization(
        [
            account(IDS[0], {**ACTIVE, "eu-west-1": "inactive"}, name=HOSTILE),
            account(IDS[1], error=HOSTILE),
        ]
    )
    page = html(render_markdown(ReportKind.ORGANIZATION, document))
    assert "<img" not in page and "<a " not in page
    assert "<strong>" not in page and "<em>" not in page
    # Each value is one code element showing its text (escaped for HTML).
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 3
    listed = page[page.index("<h3>") :]  # after the counts
    for cell in re.findall(r"<td>(.*?)</td>", listed):
        assert re.fullmatch(r"<code>[^<]*</code>|-", cell), cell
    # The table keeps its columns: the value's "|" did not split a cell.
    rows = re.findall(r"<tr>(.*?)</tr>", listed, re.S)
    assert all(row.count("<td>") in (0, 2, 3, 5) for row in rows)


def test_a_code_span_survives_any_backticks() -> None:
    for value in ("`", "a``b", "```", "` x `"):
        rendered = html(code(value))
        assert re.fullmatch(r"<p><code>(.*)</code></p>\n", rendered), rendered


def test_bounded_for_ten_thousand_accounts() -> None:
    long_name = "n" * 50
    accounts = [
        account(
            f"{300000000000 + i:012d}",
            {region: "inactive" for region in ACTIVE},
            name=long_name,
        )
        if i % 2
        else account(f"{300000000000 + i:012d}", error="AccessDenied: " + "x" * 300)
        for i in range(10_000)
    ]
    text = render_markdown(ReportKind.ORGANIZATION, organization(accounts))
    assert len(text) < 65_536  # GitHub's limit for a comment
    assert "| Accounts | 10,000 |" in text
    left_out = re.findall(r"\.\.\. and ([\d,]+) more (\S+)", text)
    assert ("4,950", "accounts") in [
        (n, w) for n, w in left_out if n == "4,950"
    ] or any(int(n.replace(",", "")) >= 5_000 - MAX_ROWS for n, _ in left_out)
    assert len(left_out) == 3  # not checked, not active, v1 tokens
