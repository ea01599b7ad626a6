"""Open a CSV file in Debian's headless LibreOffice Calc and read back
what the spreadsheet made of every cell.

For the CSV report's test (tests/e2e/test_fleet_csv_spreadsheet_e2e.py):
Calc parses the file with a given field separator, as a user's locale
would (`,` in English, `;` in German or French), and saves it as a flat
OpenDocument spreadsheet (``.fods``, one XML file); ``cells`` then lists
each cell's text and whether Calc stored it as a formula. No pytest here:
a missing Calc raises ``testing.clients.ClientMissing``, which the tests'
conftest turns into a skip (a failure on CI), like a missing client.

Run as a script, ``python3 -m testing.spreadsheet path`` prints soffice's
path (the Makefile asks it, so the path is written only here).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from testing.clients import ClientMissing

#: Debian's libreoffice-calc-nogui puts soffice here.
SOFFICE = Path("/usr/bin/soffice")

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

_CELL_TAGS = (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")

#: LibreOffice's CSV import options: field separator (a character code),
#: text delimiter 34 ("), character set 76 (UTF-8), first line 1.
_SEPARATORS = {",": 44, ";": 59, "\t": 9}


def soffice() -> str:
    if not SOFFICE.exists():
        raise ClientMissing(
            f"Debian's LibreOffice Calc ({SOFFICE})", "`make setup` installs it as root"
        )
    return str(SOFFICE)


@dataclass(frozen=True, kw_only=True)
class Cell:
    row: int
    column: int
    text: str
    #: Calc's ``table:formula`` attribute, empty when the cell is no formula.
    formula: str
    value_type: str


def convert(
    csv_file: Path, separator: str, out_dir: Path, timeout: float = 180
) -> Path:
    """Open ``csv_file`` in Calc with ``separator`` and save it as
    ``out_dir/<stem>.fods``; a private profile, so runs never share one."""
    infilter = f"CSV:{_SEPARATORS[separator]},34,76,1"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        proc = subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                f"--infilter={infilter}",
                "--convert-to",
                "fods",
                "--outdir",
                str(out_dir),
                str(csv_file),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    out = out_dir / (csv_file.stem + ".fods")
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"soffice exited {proc.returncode} without {out}: "
            f"{proc.stdout[-1000:]} {proc.stderr[-1000:]}"
        )
    return out


def _cell_text(cell: ET.Element) -> str:
    """A cell's text as Calc shows it: its paragraphs joined by newlines,
    ``text:s`` (runs of spaces), ``text:tab`` and ``text:line-break``
    expanded."""
    paragraphs = []
    for para in cell.findall(f"{{{_TEXT}}}p"):
        parts: list[str] = []
        _collect(para, parts)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _collect(node: ET.Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        if child.tag == f"{{{_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
        elif child.tag == f"{{{_TEXT}}}tab":
            parts.append("\t")
        elif child.tag == f"{{{_TEXT}}}line-break":
            parts.append("\n")
        else:
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def cells(fods: Path) -> list[Cell]:
    """Every non-empty cell of the first sheet of ``fods``."""
    root = ET.parse(fods).getroot()
    table = root.find(f".//{{{_TABLE}}}table")
    if table is None:
        raise RuntimeError(f"{fods} holds no table")
    found: list[Cell] = []
    for row_number, row in enumerate(table.iter(f"{{{_TABLE}}}table-row")):
        column = 0
        for cell in row:
            if cell.tag not in _CELL_TAGS:
                continue
            repeat = int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
            text = _cell_text(cell)
            formula = cell.get(f"{{{_TABLE}}}formula", "")
            if text or formula:
                found.append(
                    Cell(
                        row=row_number,
                        column=column,
                        text=text,
                        formula=formula,
                        value_type=cell.get(f"{{{_OFFICE}}}value-type", ""),
                    )
                )
            column += repeat
    return found


def main(argv: list[str]) -> int:
    if argv == ["path"]:
        print(SOFFICE)
        return 0
    if len(argv) == 3 and argv[0] == "cells":
        with tempfile.TemporaryDirectory() as out:
            for cell in cells(convert(Path(argv[1]), argv[2], Path(out))):
                print(cell)
        return 0
    print(
        "usage: python3 -m testing.spreadsheet path | cells FILE.csv SEP",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
