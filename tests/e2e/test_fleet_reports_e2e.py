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

from awscli_regional_sts.commands.activation.fleet.report_html import STYLES
from testing.browser import dump_dom, read_png, screenshot
from testing.clients import CLI_V1, CLI_V2, AwsEnv
from tests.e2e.test_organization_cli import DEV, ORG, PROD, build_organization

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


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2])
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

    dom = dump_dom(page)
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
