"""`--report FILE.csv` opened in a real spreadsheet: Debian's LibreOffice
Calc, headless (testing/spreadsheet.py; `make setup` installs it as root).

Issue 31, finding 3: member accounts' names are chosen by each account's
admin, and a spreadsheet runs a cell that starts with ``=`` (``+``, ``-``,
``@``) as a formula. Calc opens the report the real command wrote twice,
once splitting on ``,`` (English locales) and once on ``;`` (German,
French...), and saves what it made of it as OpenDocument XML: no cell may
be a formula, and every hostile name must read back as its text, with only
the ``'`` marks the report documents (docs/fleet.md). One Calc run per
separator (each starts in about a second). Without Calc the test skips,
saying why (on CI it fails).
"""

from __future__ import annotations

import json
from pathlib import Path

from awscli_regional_sts.commands.activation.fleet.report_csv import defuse
from testing.clients import AwsEnv
from testing.spreadsheet import Cell, cells, convert
from tests.e2e.matrix import EVERY_ROW_ON
from tests.e2e.test_organization_cli import ORG, build_organization

#: Names a hostile member account could pick, by account id.
HOSTILE = {
    f"6000000000{index:02d}": name
    for index, name in enumerate(
        (
            "x;=1+1;@SUM(1+1)",
            '=HYPERLINK("http://x","y")',
            "+1",
            "-1",
            "@A1",
            "\t=1+1",
            "\r=1+1",
            'say "hi"\n=2+2\n@x;-3',
        )
    )
}


def as_calc_shows(text: str) -> str:
    """Calc keeps a line break in a cell as a line feed, a CR included."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def formulas(found: list[Cell]) -> list[Cell]:
    return [cell for cell in found if cell.formula]


def test_csv_report_in_a_real_spreadsheet(aws_env: AwsEnv, tmp_path: Path) -> None:
    build_organization(aws_env)
    for account_id, name in HOSTILE.items():
        aws_env.simulator.add_member_account(account_id, name=name)
    report = tmp_path / "org.csv"
    # The report depends on the plugin's code alone: the CLI most users
    # run writes it (tests/e2e/matrix.py).
    result = aws_env.run(
        EVERY_ROW_ON, *ORG, "--regions", "us-east-1", "--report", str(report)
    )
    assert result.returncode == 4, result.output  # "locked" cannot be checked
    # The JSON document keeps every name exact.
    printed = {a["AccountId"]: a["Name"] for a in json.loads(result.stdout)["Accounts"]}
    assert {i: printed[i] for i in HOSTILE} == HOSTILE

    # Split on ",", the file's own separator: one row per account, each
    # name one text cell, as written but for the documented ' marks.
    comma = cells(convert(report, ",", tmp_path / "comma"))
    assert formulas(comma) == []
    by_row: dict[int, dict[int, Cell]] = {}
    for cell in comma:
        by_row.setdefault(cell.row, {})[cell.column] = cell
    names = {row[0].text: row[1] for row in by_row.values() if 0 in row and 1 in row}
    for account_id, name in HOSTILE.items():
        shown = names[account_id]
        assert shown.value_type == "string", shown
        assert shown.text == as_calc_shows(defuse(name)), (name, shown)
    # Nothing but the names' own cells holds their text.
    assert len([c for c in comma if c.column == 1]) == len(names)

    # Split on ";": no part of any name becomes a formula, and each name
    # still reads as its text (Calc keeps a quoted record whole).
    semicolon = cells(convert(report, ";", tmp_path / "semicolon"))
    assert formulas(semicolon) == []
    assert all(cell.value_type in ("string", "float", "boolean") for cell in semicolon)
    everything = "\n".join(cell.text for cell in semicolon)
    for name in HOSTILE.values():
        assert as_calc_shows(defuse(name)) in everything, name
