"""`--report FILE.html` rendered in a real browser: Debian's chromium,
headless (testing/browser.py; `make setup` installs it as root). The test
reads what the page shows: the summary's counts and the grid's inactive
cell in the DOM chromium built, and the inactive cell's colour in the
screenshot. Without chromium it skips, saying why (on CI it fails).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.merge import summarize
from awscli_regional_sts.commands.activation.fleet.report_html import (
    STYLES,
    render_html,
)
from testing.browser import dump_dom, read_png, screenshot
from testing.clients import CLI_KINDS, AwsEnv
from tests.e2e.matrix import EVERY_ROW_ON
from tests.e2e.test_organization_cli import DEV, ORG, PROD, build_organization
from tests.unit.commands.test_fleet import account, organization

REGIONS = ("--regions", "us-east-1", "eu-west-1", "ap-east-1")
#: The size the page is shot at (CSS pixels; the PNG has as many).
WIDTH, HEIGHT = 1000, 700


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16, (value >> 8) & 0xFF, value & 0xFF)


INACTIVE_RGB = _rgb(STYLES["inactive"][1])


def inactive_pixels(png: Path) -> int:
    image = read_png(png)
    return sum(
        1
        for y in range(image.height)
        for x in range(image.width)
        if all(abs(a - b) <= 8 for a, b in zip(image.pixel(x, y)[:3], INACTIVE_RGB))
    )


def summary_value(dom: str, label: str) -> str:
    match = re.search(rf"<th>{re.escape(label)}</th><td>([^<]*)</td>", dom)
    assert match, f"no summary row {label!r}"
    return match.group(1)


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_html_report_in_a_real_browser(
    aws_env: AwsEnv, kind: str, tmp_path: Path
) -> None:
    build_organization(aws_env)
    aws_env.simulator.add_member_account("777777777777", name="<img src=x>")
    page = tmp_path / "org.html"
    result = aws_env.run(kind, *ORG, *REGIONS, "--report", str(page))
    assert result.returncode == 4, result.output  # "locked" cannot be checked
    # Nothing on the page is fetched, and nothing comes from the report
    # unescaped.
    html = page.read_text()
    assert "<img" not in html and "&lt;img src=x&gt;" in html

    # What the page says depends on the plugin's code alone, whichever CLI
    # runs it (tests/e2e/matrix.py): each CLI's page is read as written,
    # and the one of the CLI most users run is rendered by the browser.
    browser = kind == EVERY_ROW_ON
    dom = dump_dom(page) if browser else html
    # The browser built the document from it: its summary and grid.
    assert summary_value(dom, "Accounts") == "5 accounts"
    assert summary_value(dom, "Accounts not checked (error)") == "1 account"
    assert summary_value(dom, "Accounts skipped (not ACTIVE)") == "1 account"
    assert summary_value(dom, "Regions") == "3 regions"
    assert summary_value(dom, "Inactive") == "1 account-region in 1 account"
    assert summary_value(dom, "On v1 tokens") == "4 accounts"
    cell = re.search(
        rf'<th title="{DEV} dev">{DEV} dev</th><td>v1</td>(.*?)</tr>', dom, re.S
    )
    assert cell, dom[:2000]
    cells = re.findall(r'title="([^"]*)">([^<]*)</td>', cell.group(1))
    assert [(t.split(" (")[0], letter) for t, letter in cells] == [
        ("us-east-1: active", "A"),
        ("eu-west-1: inactive", "I"),
        ("ap-east-1: not-enabled", "N"),
    ]
    assert "<img" not in dom
    if not browser:
        return

    shot = screenshot(page, tmp_path / "org.png", WIDTH, HEIGHT)
    image = read_png(shot)
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    with_inactive = inactive_pixels(shot)

    # The same organization without the inactive region: only the legend's
    # swatch is left in that colour, so the difference is the grid's cell.
    healthy = tmp_path / "healthy.html"
    aws_env.run(
        kind, *ORG, *REGIONS, "--accounts", PROD, "--report", str(healthy)
    ).check()
    without = inactive_pixels(
        screenshot(healthy, tmp_path / "healthy.png", WIDTH, HEIGHT)
    )
    assert without > 50  # the legend's swatch
    assert with_inactive - without > 150  # a cell is at least ~10 x 15 px


def test_a_thousand_accounts_render_compactly(tmp_path: Path) -> None:
    """At 1,000 accounts the page still opens with the summary, and the
    grid's rows are compact: the first screen shows the summary, the
    legend, the header and a few dozen rows."""
    regions = ["us-east-1", "eu-west-1", "ap-east-1", "sa-east-1"]
    accounts = []
    for index in range(1000):
        statuses = dict.fromkeys(regions, "active")
        if index % 10 == 3:
            statuses["eu-west-1"] = "inactive"
        accounts.append(account(f"{200000000000 + index:012d}", statuses))
    document = organization(accounts)
    document["Summary"] = summarize(accounts, regions, 0)
    page = tmp_path / "thousand.html"
    page.write_text(render_html(ReportKind.ORGANIZATION, document))
    dom = dump_dom(page)
    assert summary_value(dom, "Accounts") == "1000 accounts"
    assert summary_value(dom, "Inactive") == "100 account-regions in 100 accounts"
    assert dom.count("<tr><th title=") == 1000
    image = read_png(screenshot(page, tmp_path / "thousand.png", WIDTH, HEIGHT))
    # Rows of the grid on the first screen: runs of the inactive colour in
    # the eu-west-1 column, one per inactive account shown (every tenth,
    # and sorted first, so all of the first rows).
    red_rows = {
        y
        for y in range(image.height)
        for x in range(0, image.width, 3)
        if all(abs(a - b) <= 8 for a, b in zip(image.pixel(x, y)[:3], INACTIVE_RGB))
    }
    bands = sum(1 for y in red_rows if y - 1 not in red_rows)
    assert bands >= 10  # the legend's swatch and at least 9 rows of cells
