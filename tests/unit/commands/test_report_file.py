"""fleet/report_file.py: the file --report names (its format from the
suffix, checked before anything is sent) and its atomic write: a hidden
temporary file in the same folder renamed over it, with the permissions the
umask gives a new file, and nothing left behind when the write fails."""

from __future__ import annotations

import locale
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    ReportProblem,
)
from awscli_regional_sts.commands.activation.fleet.report_csv import render_csv
from awscli_regional_sts.commands.activation.fleet.report_file import (
    ReportFormat,
    ReportTarget,
    render,
    report_target,
    write_report,
)
from awscli_regional_sts.commands.activation.fleet.report_html import render_html
from awscli_regional_sts.commands.activation.fleet.report_markdown import (
    render_markdown,
)

REPORT: dict[str, Any] = {
    "Account": "111122223333",
    "Partition": "aws",
    "GlobalEndpointTokenVersion": 2,
    "Regions": [
        {
            "Region": "eu-west-1",
            "Status": "inactive",
            "Verified": True,
            "LatencyMs": None,
            "Detail": "Région désactivée",
        }
    ],
}


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("r.csv", ReportFormat.CSV),
        ("r.CSV", ReportFormat.CSV),
        ("r.Html", ReportFormat.HTML),
        ("a.b.md", ReportFormat.MARKDOWN),
        ("r.MD", ReportFormat.MARKDOWN),
    ],
)
def test_the_suffix_names_the_format(
    tmp_path: Path, name: str, format: ReportFormat
) -> None:
    assert report_target(str(tmp_path / name)) == ReportTarget(tmp_path / name, format)


def test_a_name_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert report_target("r.md") == ReportTarget(Path("r.md"), ReportFormat.MARKDOWN)


@pytest.mark.parametrize(
    "name", ["r.txt", "r", "r.html.gz", "", ".csv", "r.csv.", "r.htm"]
)
def test_any_other_name_is_refused(name: str) -> None:
    with pytest.raises(ReportProblem) as raised:
        report_target(name)
    assert str(raised.value) == (
        f"--report: '{name}' must end in .csv (a row per account and region), "
        ".html (a page with the summary and a grid) or .md (a Markdown summary)"
    )


def test_a_missing_folder_or_a_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReportProblem) as raised:
        report_target("missing/r.csv")
    assert str(raised.value) == "--report: there is no directory 'missing'"
    Path("file").write_text("")
    with pytest.raises(ReportProblem) as raised:
        report_target("file/r.csv")
    assert str(raised.value) == "--report: there is no directory 'file'"
    Path("d.html").mkdir()
    with pytest.raises(ReportProblem) as raised:
        report_target("d.html")
    assert str(raised.value) == "--report: 'd.html' is a directory"


@pytest.mark.parametrize(
    ("format", "renderer"),
    [
        (ReportFormat.CSV, render_csv),
        (ReportFormat.HTML, render_html),
        (ReportFormat.MARKDOWN, render_markdown),
    ],
)
def test_each_format_its_renderer(format: ReportFormat, renderer: Any) -> None:
    target = ReportTarget(Path("r"), format)
    assert render(target, ReportKind.ACCOUNT, REPORT) == renderer(
        ReportKind.ACCOUNT, REPORT
    )


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)]
)
def test_written_whole_with_the_umasks_permissions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int, mode: int
) -> None:
    target = report_target(str(tmp_path / "r.csv"))
    target.path.write_text("old")
    seen: list[tuple[str, list[str], str]] = []
    replace = os.replace

    def spy(source: Any, destination: Any) -> None:
        # What a reader of the folder sees just before the rename.
        seen.append(
            (
                Path(source).name,
                sorted(p.name for p in tmp_path.iterdir()),
                Path(source).read_bytes().decode("utf-8"),
            )
        )
        replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    previous = os.umask(umask)
    try:
        write_report(target, ReportKind.ACCOUNT, REPORT)
        assert os.umask(umask) == umask  # the umask is left as it was
    finally:
        os.umask(previous)
    text = render_csv(ReportKind.ACCOUNT, REPORT)
    assert "\r\n" in text and "Région" in text
    assert target.path.read_bytes() == text.encode("utf-8")
    assert stat.S_IMODE(target.path.stat().st_mode) == mode
    [(temporary, listing, written)] = seen
    assert temporary.startswith(".r.csv.") and temporary.endswith(".tmp")
    assert listing == sorted([temporary, "r.csv"])
    assert written == text
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = report_target(str(tmp_path / "r.md"))
    target.path.write_text("old")

    def fails(source: Any, destination: Any) -> None:
        raise PermissionError(13, "denied")

    monkeypatch.setattr(os, "replace", fails)
    with pytest.raises(PermissionError):
        write_report(target, ReportKind.ACCOUNT, REPORT)
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]
    assert target.path.read_text() == "old"


def test_an_interrupted_write_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = report_target(str(tmp_path / "r.md"))

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(target, ReportKind.ACCOUNT, REPORT)
    assert list(tmp_path.iterdir()) == []


ORGANIZATION: dict[str, Any] = {
    "Partition": "aws",
    "OrganizationId": "o-a1b2c3d4e5",
    "ManagementAccountId": "111122223333",
    "MemberRoleName": "OrganizationAccountAccessRole",
    "Probe": "AssumeRole",
    "Accounts": [
        {
            "AccountId": "222233334444",
            "Name": "Équipe",
            "GlobalEndpointTokenVersion": 1,
            "Regions": [dict(REPORT["Regions"][0])],
            "Error": None,
        }
    ],
    "Summary": {
        "AccountsChecked": 1,
        "AccountsWithError": 0,
        "AccountsSkipped": 0,
        "Regions": [
            {
                "Region": "eu-west-1",
                "Active": 0,
                "Inactive": 1,
                "NotEnabled": 0,
                "Unreachable": 0,
                "Unknown": 0,
            }
        ],
    },
}


@pytest.mark.parametrize(
    ("format", "renderer"),
    [
        (ReportFormat.CSV, render_csv),
        (ReportFormat.HTML, render_html),
        (ReportFormat.MARKDOWN, render_markdown),
    ],
)
def test_each_format_renders_an_organization_as_one(
    format: ReportFormat, renderer: Any
) -> None:
    target = ReportTarget(Path("r"), format)
    text = render(target, ReportKind.ORGANIZATION, ORGANIZATION)
    assert text == renderer(ReportKind.ORGANIZATION, ORGANIZATION)
    assert "222233334444" in text


def test_utf_8_whatever_the_locale(tmp_path: Path) -> None:
    # A cron job or a minimal container runs with the C locale, whose
    # encoding is ASCII: the report is UTF-8 all the same.
    target = report_target(str(tmp_path / "r.md"))
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        write_report(target, ReportKind.ORGANIZATION, ORGANIZATION)
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    text = render_markdown(ReportKind.ORGANIZATION, ORGANIZATION)
    assert "Équipe" in text
    assert target.path.read_bytes() == text.encode("utf-8")


def test_a_temporary_that_cannot_be_removed_does_not_hide_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = report_target(str(tmp_path / "r.csv"))

    def fails(source: Any, destination: Any) -> None:
        raise PermissionError(13, "denied")

    def cannot_unlink(path: Any) -> None:
        raise PermissionError(13, "denied too")

    monkeypatch.setattr(os, "replace", fails)
    monkeypatch.setattr(os, "unlink", cannot_unlink)
    with pytest.raises(PermissionError) as raised:
        write_report(target, ReportKind.ACCOUNT, REPORT)
    assert raised.value.strerror == "denied"
