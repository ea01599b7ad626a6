"""``--report FILE``: which kind of file the name asks for, checked before
anything is sent, and the file written atomically once the report is done.

``.csv`` (``report_csv``), ``.html`` (``report_html``) or ``.md``
(``report_markdown``), by the name's suffix, in any case; any other name
is refused. ``--report`` takes several names (one run, several files).
Each file is written to a temporary file in the same directory and then
renamed over ``FILE``, so a reader (a web server, a CI artifact upload)
never sees half a report. It holds no secret, so it gets the permissions
the umask gives a new file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    ReportProblem,
)
from awscli_regional_sts.commands.activation.fleet.report_csv import render_csv
from awscli_regional_sts.commands.activation.fleet.report_html import render_html
from awscli_regional_sts.commands.activation.fleet.report_markdown import (
    render_markdown,
)


class ReportFormat(Word):
    CSV = ".csv"
    HTML = ".html"
    MARKDOWN = ".md"


@dataclass(frozen=True)
class ReportTarget:
    path: Path
    format: ReportFormat


def report_target(value: str) -> ReportTarget:
    """The file ``--report`` names, refused (ReportProblem) unless it ends
    in .csv, .html or .md and its directory exists."""
    path = Path(value)
    suffix = path.suffix.lower()
    formats = {str(f): f for f in ReportFormat}
    if not value or suffix not in formats:
        raise ReportProblem(
            f"--report: {quote(value)} must end in .csv (a row per account and "
            "region), .html (a page with the summary and a grid) or .md (a "
            "Markdown summary)"
        )
    directory = path.parent
    if not directory.is_dir():
        raise ReportProblem(f"--report: there is no directory {quote(str(directory))}")
    if path.is_dir():
        raise ReportProblem(f"--report: {quote(value)} is a directory")
    return ReportTarget(path, formats[suffix])


def render(target: ReportTarget, kind: ReportKind, document: dict[str, Any]) -> str:
    if target.format == ReportFormat.CSV:
        return render_csv(kind, document)
    if target.format == ReportFormat.MARKDOWN:
        return render_markdown(kind, document)
    return render_html(kind, document)


def write_report(
    target: ReportTarget, kind: ReportKind, document: dict[str, Any]
) -> None:
    """Write the report; raises OSError (the command says so in one line)."""
    text = render(target, kind, document)
    directory = target.path.parent
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{target.path.name}.", suffix=".tmp"
    )
    try:
        # mkstemp makes the file 0600; a report is for sharing.
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        # newline="": the CSV module writes its own line ends.
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target.path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
