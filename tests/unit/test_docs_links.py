"""Every relative link in README.md and docs/*.md points at a file that
exists and, where it names an anchor, at a heading of that file.

Anchors follow GitHub's rule for heading ids: the heading's text as
rendered (code spans keep their text, a link keeps its label), lowercased,
every character that is not a letter, digit, underscore, hyphen or space
dropped, spaces turned into hyphens; a repeated heading gets ``-1``,
``-2``, ... Links inside fenced code blocks and code spans are not links.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest


def _repo_root() -> Path:
    """The checkout: the nearest folder above this file with a pyproject.toml
    (so the test stays right wherever tests/unit is rearranged)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError(f"no pyproject.toml above {__file__}")


REPO_ROOT = _repo_root()

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [label](target) or ![alt](target); the target may carry a "title".
_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line outside fenced code blocks."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0] * len(opened.group(1))
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's Markdown text (without the #s)."""
    text = _CODE_SPAN.sub(lambda m: m.group(2).strip(), heading)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in "_- ")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, repeats numbered as GitHub does."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every relative link of a Markdown file."""
    links: list[tuple[int, str]] = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        line = _CODE_SPAN.sub("", line)
        for match in _LINK.finditer(line):
            target = match.group(2)
            if target and not _SCHEME.match(target) and not target.startswith("//"):
                links.append((number, target))
    return links


def broken_links(path: Path) -> list[str]:
    """One line per link of ``path`` that points nowhere: the file is
    missing, or it has no heading for the anchor."""
    problems: list[str] = []
    for number, target in relative_links(path):
        name, _, anchor = target.partition("#")
        linked = (path.parent / unquote(name)).resolve() if name else path
        where = f"{path.name}:{number}: ({target})"
        if not linked.exists():
            problems.append(f"{where}: no file {linked}")
        elif anchor and (linked.is_dir() or linked.suffix != ".md"):
            problems.append(f"{where}: an anchor into {linked.name}, not Markdown")
        elif anchor and unquote(anchor) not in anchors(linked):
            problems.append(f"{where}: no heading '#{anchor}' in {linked.name}")
    return problems


def documents() -> list[Path]:
    return [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_every_relative_link_points_at_a_file_and_heading(document: Path) -> None:
    assert broken_links(document) == []


def test_the_readme_links_into_docs() -> None:
    """The check above has links to check: the README points at docs/."""
    targets = [target for _, target in relative_links(REPO_ROOT / "README.md")]
    assert any(t.startswith("docs/") and "#" in t for t in targets), targets
    assert sum(t.startswith("docs/") for t in targets) >= 10, targets


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Page\n\nSee [the guide](guide.md) and [here](#page).\n")
    (problem,) = broken_links(page)
    assert problem.startswith("page.md:3: (guide.md): no file ")


def test_a_missing_heading_is_reported(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("# Guide\n\n## Install it\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](guide.md#install-it)\n[typo](guide.md#instal-it)\n[self](#nowhere)\n"
    )
    assert broken_links(page) == [
        "page.md:2: (guide.md#instal-it): no heading '#instal-it' in guide.md",
        "page.md:3: (#nowhere): no heading '#nowhere' in page.md",
    ]


def test_links_in_code_and_to_the_web_are_not_checked(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```md\n[in a fence](missing.md)\n```\n"
        "`[in a span](missing.md)` and [web](https://example.com/x.md#y)\n"
    )
    assert broken_links(page) == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Failover and the nearest region", "failover-and-the-nearest-region"),
        ("`aws sts activation-check`", "aws-sts-activation-check"),
        (
            "5. A hung `sts_region`, without and with failover's memory",
            "5-a-hung-sts_region-without-and-with-failovers-memory",
        ),
        ("`sts_region = auto`", "sts_region--auto"),
        (
            "AWS CLI v2 from AWS's installer (frozen)",
            "aws-cli-v2-from-awss-installer-frozen",
        ),
        ("See [the bridge](other-tools.md)", "see-the-bridge"),
    ],
)
def test_anchors_follow_githubs_rule(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_a_repeated_heading_gets_a_number(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Facts\n\n## Facts\n\n```\n# Facts\n```\n## Facts #\n")
    assert anchors(page) == {"facts", "facts-1", "facts-2"}
