"""``--report FILE.md``, the whole text: the counts' rows, each section's
heading, columns and rows, every value a code span (whitespace folded,
long values cut, backticks fenced, ``|`` escaped), and each section cut
at its row and character budgets with the count left out."""

from __future__ import annotations

import pytest

from awscli_regional_sts.commands.activation.fleet import report_markdown
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.report_markdown import (
    code,
    render_markdown,
)
from tests.unit.commands.fleet_world import (
    account_report,
    member,
    row,
    shard_report,
)

SHARD_TEXT = """\
## STS activation: `o-a1b2c3d4e5`, shard `2` of `4` (`aws`)

| | |
|---|---|
| Accounts | 5 |
| Accounts not checked (error) | 1 |
| Accounts skipped (not ACTIVE) | 2 |
| Regions | 3 |
| Inactive account-regions | 2 in 2 accounts |
| Unreachable account-regions | 1 |
| Unknown account-regions | 1 |
| Opt-in regions not enabled | 1 |
| Accounts on v1 tokens | 2 |
| Changes since the baseline | 3 |

### Accounts not checked (1)

| Account | Name | Error |
|---|---|---|
| `200000000003` | - | `AccessDenied <sts:AssumeRole>` |

### Regions not active (4)

| Account | Name | Region | Status | Detail |
|---|---|---|---|---|
| `200000000002` | `<b>"Ops" & 'Dev'</b>` | `eu-west-1` | `inactive` | `RegionDisabledException` |
| `200000000004` | `mixed` | `us-east-1` | `unknown` | - |
| `200000000004` | `mixed` | `eu-west-1` | `unreachable` | `timed out` |
| `200000000005` | - | `eu-west-1` | `inactive` | - |

### Accounts on v1 tokens (global endpoint) (2)

| Account | Name |
|---|---|
| `200000000002` | `<b>"Ops" & 'Dev'</b>` |
| `200000000005` | - |

### Changes since the baseline (3)

| Account | Region | Change | Before | After |
|---|---|---|---|---|
| `200000000002` | `eu-west-1` | `Status` | `active` | `inactive` |
| `200000000003` | - | `Account` | `checked` | `error` |
| `200000000009` | - | `Account` | - | `checked` |
"""  # noqa: E501


ACCOUNT_TEXT = """\
## STS activation: account `111122223333` (`aws-cn`)

| | |
|---|---|
| Accounts | 1 |
| Accounts not checked (error) | 0 |
| Accounts skipped (not ACTIVE) | 0 |
| Regions | 2 |
| Inactive account-regions | 1 in 1 account |
| Unreachable account-regions | 0 |
| Unknown account-regions | 0 |
| Opt-in regions not enabled | 0 |
| Accounts on v1 tokens | 0 |

### Regions not active (1)

| Account | Name | Region | Status | Detail |
|---|---|---|---|---|
| `111122223333` | - | `cn-northwest-1` | `inactive` | `RegionDisabledException` |
"""  # noqa: E501


def test_a_shard_with_changes_lists_what_needs_a_person() -> None:
    """Counts first, then accounts not checked, regions inactive,
    unreachable or unknown (not the opt-in region not enabled, nor a
    status no reader acts on), v1 accounts, the changes; a missing value
    is "-"."""
    assert render_markdown(ReportKind.ORGANIZATION, shard_report()) == SHARD_TEXT


def test_one_account_is_an_organization_of_one() -> None:
    assert render_markdown(ReportKind.ACCOUNT, account_report()) == ACCOUNT_TEXT


def test_nothing_to_do_counts_the_regions_not_enabled_and_says_so() -> None:
    document = account_report(
        Regions=[row("cn-north-1", "active"), row("cn-northwest-1", "not-enabled")],
        Changes=[],
    )
    text = render_markdown(ReportKind.ACCOUNT, document)
    assert text.endswith(
        "| Opt-in regions not enabled | 1 |\n"
        "| Accounts on v1 tokens | 0 |\n"
        "| Changes since the baseline | 0 |\n"
        "\n"
        "Nothing needs a person: every account checked, every region active.\n"
    )


def test_an_unnamed_organization_and_shard_fields_as_code() -> None:
    document = shard_report(
        OrganizationId=None,
        Shard={"Number": 3, "Count": 7},
        Partition="aws-us-gov",
        Changes=None,
    )
    text = render_markdown(ReportKind.ORGANIZATION, document)
    assert text.startswith(
        "## STS activation: `organization`, shard `3` of `7` (`aws-us-gov`)\n"
    )
    assert "Changes since the baseline" not in text
    unsharded = render_markdown(ReportKind.ORGANIZATION, shard_report(Shard=None))
    assert unsharded.startswith("## STS activation: `o-a1b2c3d4e5` (`aws`)\n")


@pytest.mark.parametrize(
    ("value", "span"),
    [
        (None, "-"),
        ("", "-"),
        (0, "`0`"),
        (False, "`False`"),
        ("a \n\t b\r\n", "`a b`"),
        ("x|y", "`x|y`"),
        ("`a", "`` `a ``"),
        ("a`", "`` a` ``"),
        ("`", "`` ` ``"),
        ("a``b`c", "```a``b`c```"),
        ("a" * 200, "`" + "a" * 200 + "`"),
        ("a" * 199 + "bc", "`" + "a" * 197 + "...`"),
    ],
)
def test_a_value_is_one_code_span(value: object, span: str) -> None:
    assert code(value) == span


def test_a_pipe_is_escaped_in_a_table_cell() -> None:
    document = account_report(Regions=[row("cn-north-1", "unknown", "a|b `c`")])
    text = render_markdown(ReportKind.ACCOUNT, document)
    cells = "| `111122223333` | - | `cn-north-1` | `unknown` | `` a\\|b `c` `` |"
    assert text.endswith(cells + "\n")


def v1_accounts(count: int) -> dict[str, object]:
    """An organization of ``count`` accounts, all active, all on v1 tokens:
    one section, whose rows are 28 characters with their line break."""
    return shard_report(
        Accounts=[
            member(f"2000000000{i:02d}", "calm", 1, [row("us-east-1", "active")])
            for i in range(count)
        ],
        Shard=None,
        Changes=None,
    )


def v1_section(text: str) -> str:
    return text[text.index("### ") :]


def test_a_section_stops_at_its_character_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header = "| Account | Name |\n|---|---|\n"  # 29 characters
    first = "| `200000000000` | `calm` |\n"  # 28
    assert (len(header), len(first)) == (29, 28)
    monkeypatch.setattr(report_markdown, "SECTION_BUDGET", 29 + 28)
    text = render_markdown(ReportKind.ORGANIZATION, v1_accounts(2))
    assert v1_section(text) == (
        "### Accounts on v1 tokens (global endpoint) (2)\n\n"
        + header
        + first
        + "\n... and 1 more account not listed here (the JSON, CSV and HTML "
        "reports have them all).\n"
    )
    monkeypatch.setattr(report_markdown, "SECTION_BUDGET", 29 + 28 - 1)
    text = render_markdown(ReportKind.ORGANIZATION, v1_accounts(3))
    assert v1_section(text) == (
        "### Accounts on v1 tokens (global endpoint) (3)\n\n"
        + header
        + "\n... and 3 more accounts not listed here (the JSON, CSV and HTML "
        "reports have them all).\n"
    )


def test_a_section_stops_at_its_row_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_markdown, "MAX_ROWS", 2)
    text = render_markdown(ReportKind.ORGANIZATION, v1_accounts(2))
    assert v1_section(text) == (
        "### Accounts on v1 tokens (global endpoint) (2)\n\n"
        "| Account | Name |\n|---|---|\n"
        "| `200000000000` | `calm` |\n"
        "| `200000000001` | `calm` |\n"
    )
    text = render_markdown(ReportKind.ORGANIZATION, v1_accounts(1_002))
    assert v1_section(text).startswith(
        "### Accounts on v1 tokens (global endpoint) (1,002)\n"
    )
    assert text.endswith(
        "| `200000000001` | `calm` |\n\n... and 1,000 more accounts not listed "
        "here (the JSON, CSV and HTML reports have them all).\n"
    )


def test_each_section_says_how_many_it_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One row a section: each says what it left out in its own noun. The
    accounts not checked are named but count nowhere else (their rows and
    token version are not this run's)."""
    monkeypatch.setattr(report_markdown, "MAX_ROWS", 1)
    broken = [row("us-east-1", "inactive"), row("eu-west-1", "not-enabled")]
    document = shard_report(
        Shard=None,
        Accounts=[
            member("200000000001", "first", None, broken, error="denied"),
            member("200000000002", "second", 1, broken, error="throttled"),
            member("200000000003", "third", 1, broken),
            member("200000000004", "fourth", 1, broken),
        ],
    )
    assert render_markdown(ReportKind.ORGANIZATION, document) == CUT_TEXT


CUT_TEXT = """\
## STS activation: `o-a1b2c3d4e5` (`aws`)

| | |
|---|---|
| Accounts | 4 |
| Accounts not checked (error) | 2 |
| Accounts skipped (not ACTIVE) | 2 |
| Regions | 3 |
| Inactive account-regions | 2 in 2 accounts |
| Unreachable account-regions | 0 |
| Unknown account-regions | 0 |
| Opt-in regions not enabled | 2 |
| Accounts on v1 tokens | 2 |
| Changes since the baseline | 3 |

### Accounts not checked (2)

| Account | Name | Error |
|---|---|---|
| `200000000001` | `first` | `denied` |

... and 1 more account not listed here (the JSON, CSV and HTML reports have them all).

### Regions not active (2)

| Account | Name | Region | Status | Detail |
|---|---|---|---|---|
| `200000000003` | `third` | `us-east-1` | `inactive` | - |

... and 1 more account-region not listed here (the JSON, CSV and HTML reports have them all).

### Accounts on v1 tokens (global endpoint) (2)

| Account | Name |
|---|---|
| `200000000003` | `third` |

... and 1 more account not listed here (the JSON, CSV and HTML reports have them all).

### Changes since the baseline (3)

| Account | Region | Change | Before | After |
|---|---|---|---|---|
| `200000000002` | `eu-west-1` | `Status` | `active` | `inactive` |

... and 2 more changes not listed here (the JSON, CSV and HTML reports have them all).
"""  # noqa: E501


def test_each_row_counts_against_the_budget_with_its_line_break(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(report_markdown, "SECTION_BUDGET", 29 + 28 * 2)
    two = v1_section(render_markdown(ReportKind.ORGANIZATION, v1_accounts(3)))
    assert two.endswith(
        "| `200000000001` | `calm` |\n\n... and 1 more account not listed here "
        "(the JSON, CSV and HTML reports have them all).\n"
    )
    monkeypatch.setattr(report_markdown, "SECTION_BUDGET", 29 + 28 * 2 - 1)
    one = v1_section(render_markdown(ReportKind.ORGANIZATION, v1_accounts(3)))
    assert one.endswith(
        "| `200000000000` | `calm` |\n\n... and 2 more accounts not listed here "
        "(the JSON, CSV and HTML reports have them all).\n"
    )
