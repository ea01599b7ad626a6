"""bandit (requirements/test.txt) over the package: no finding, each
waiver in place on its line (``# nosec BXXX  # reason``; listed in
docs/security.md), and a planted shell command is caught, so the check
can fail. A subprocess each (a few seconds); no simulator."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from testing.clients import REPO_ROOT

BANDIT = Path(sys.executable).parent / "bandit"
PACKAGE = REPO_ROOT / "awscli_regional_sts"


def bandit(target: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(BANDIT), "-q", "-r", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"$ bandit -q -r {target}\n{proc.stdout}{proc.stderr}")
    return proc


def test_bandit_finds_nothing_in_the_package() -> None:
    proc = bandit(PACKAGE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # A waiver whose reason bandit read as test names warns: none may.
    assert "WARNING" not in proc.stderr, proc.stderr


def test_every_waiver_names_its_test_and_gives_a_reason() -> None:
    waivers = [
        (path, line)
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in path.read_text().splitlines()
        if "nosec" in line
    ]
    assert waivers
    for path, line in waivers:
        comment = line[line.index("# nosec") :]
        test, _, reason = comment.removeprefix("# nosec ").partition("  # ")
        assert test.startswith("B") and test[1:].isdigit(), (path, line)
        assert len(reason.split()) >= 3, (path, line)


def _waivers() -> set[tuple[str, str]]:
    """(test, module relative to the package) of every waiver."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for line in path.read_text().splitlines():
            if "# nosec B" in line:
                test = line[line.index("# nosec ") :].split()[2]
                found.add((test, path.relative_to(PACKAGE).as_posix()))
    return found


def _listed() -> dict[str, set[str]]:
    """docs/security.md's waiver table: each row's modules and its tests."""
    text = (REPO_ROOT / "docs" / "security.md").read_text()
    table = text[text.index("### bandit waivers") :].split("\n## ")[0]
    rows = {}
    for line in table.splitlines():
        if line.startswith("| B"):
            tests, where = line.split(" | ")[:2]
            for module in re.findall(r"`([\w/]+\.py)`", where):
                rows.setdefault(module, set()).update(re.findall(r"B\d{3}", tests))
    return rows


def test_the_security_docs_list_every_waiver_and_nothing_else() -> None:
    waivers, listed = _waivers(), _listed()
    unlisted = {(t, m) for t, m in waivers if t not in listed.get(m, set())}
    assert not unlisted, f"waivers missing from docs/security.md: {sorted(unlisted)}"
    stale = set(listed) - {m for _, m in waivers}
    assert not stale, f"docs/security.md lists modules without a waiver: {stale}"


def test_bandit_catches_a_shell_command(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "runner.py").write_text(
        "import subprocess\n\n\ndef run(name):\n"
        "    return subprocess.call('aws ' + name, shell=True)\n"
    )
    proc = bandit(planted)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "B602" in proc.stdout, proc.stdout
