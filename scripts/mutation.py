"""`make mutation`: mutmut over plugin/, aws/, bridge/ and commands/, unit tests.

    .venv/bin/python -m scripts.mutation [--report-only] [MUTANT_GLOB ...]

Without arguments, a measurement: ``mutants/`` is removed first (mutmut
keeps a mutant's old verdict otherwise, so a new test would not count),
``mutmut run`` runs (4 children; aws/files.py's mutants after the
others, one at a time: ``ALONE``) with the configuration of pyproject.toml's
``[tool.mutmut]``, and the report follows: killed/total per module, per
folder and overall, then every mutant not killed with the line it
changes, marked ``equivalent`` where docs/development.md lists it. Exits 1
when a folder is under its floor (FOLDER_MIN), a module under 80 %, or a mutant that was
not killed is not listed as equivalent (a listed one that was killed is
named, not an error).

With mutant names or globs (mutmut's names, ``awscli_regional_sts.aws.
untrusted.*``): ``mutants/`` is kept and only those mutants are run again,
then the modules they belong to are reported. That is for iterating on one
module's tests, not a measurement.

``--report-only`` prints the report of the last run without running
anything. mutmut's own output (a spinner per line) goes to
``mutants/mutmut.log``; this prints a progress line a minute instead.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

from testing.folder_modes import FOLDER_MODE_SETTER

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
LOG = MUTANTS / "mutmut.log"
PACKAGE = "awscli_regional_sts"
#: The least share of mutants caught per folder; a module counts towards
#: every folder it lies in. commands/ (issue 32) at 80 %, its pure model
#: tier at 90 % like the core (commands/activation/model/ comes with issue
#: 32's tiers; a folder with no mutant is not reported).
FOLDER_MIN = {
    "plugin": 90.0,
    "aws": 90.0,
    "bridge": 90.0,
    "commands": 80.0,
    "commands/activation/model": 90.0,
}
#: The top folders mutated (pyproject.toml's only_mutate).
FOLDERS = tuple(folder for folder in FOLDER_MIN if "/" not in folder)
MODULE_MIN = 80.0
#: mutmut's children on CI's 2 cores: the in-process tests, which most
#: mutants run, spend much of their time waiting on the simulator's
#: threads, and 4 children got through them faster than 2.
CHILDREN = 4
#: Modules whose mutants run one at a time, after the others. aws/files.py
#: walks every folder from ``/`` and sets modes: its mutants change the mode
#: of ``/`` or ``/tmp`` (the suite runs as root), which tests/unit/conftest.py
#: catches and puts back, but a test running in another child at that moment
#: fails too, and an unrelated mutant is counted killed (22 listed
#: equivalents were, in the first whole run with commands/).
ALONE = frozenset({FOLDER_MODE_SETTER})
#: Where the equivalent mutants are listed, each name in backquotes.
EQUIVALENTS_DOC = ROOT / "docs" / "development.md"
EQUIVALENTS_HEADING = "### Equivalent mutants"
#: What mutmut counts as caught. A timeout is a mutant that made its tests
#: run 15 times longer than they do unmutated (plus 15 s), a hang or a
#: loop: the tests did not pass.
CAUGHT = {"killed", "timeout"}
_NAME = re.compile(rf"`({PACKAGE}\.[^`\s]+__mutmut_\d+)`")


@dataclass
class Score:
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def caught(self) -> int:
        return sum(self.statuses[s] for s in CAUGHT)

    @property
    def percent(self) -> float:
        return 100.0 * self.caught / self.total if self.total else 100.0

    def add(self, other: Score) -> None:
        self.statuses.update(other.statuses)

    def line(self, name: str, floor: float | None) -> str:
        others = ", ".join(
            f"{count} {status}"
            for status, count in sorted(self.statuses.items())
            if status not in CAUGHT and count
        )
        low = floor is not None and self.percent < floor
        return (
            f"{name:<28} {self.caught:>5}/{self.total:<5} {self.percent:6.1f} %"
            f"{'  (under ' + format(floor, '.0f') + ' %)' if low else ''}"
            f"{'  not killed: ' + others if others else ''}"
        )


def say(text: str = "") -> None:
    print(text, flush=True)


def meta_files() -> list[Path]:
    found: list[Path] = []
    for folder in FOLDERS:
        found += sorted((MUTANTS / PACKAGE / folder).rglob("*.py.meta"))
    return found


def results() -> dict[str, dict[str, str]]:
    """Module (``plugin/failover.py``) -> mutant name -> mutmut's status."""
    by_module: dict[str, dict[str, str]] = {}
    for meta in meta_files():
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = meta.relative_to(MUTANTS / PACKAGE).as_posix()[: -len(".meta")]
        by_module[module] = {
            name: status_by_exit_code[code] for name, code in codes.items()
        }
    return by_module


def equivalents() -> set[str]:
    """The mutant names docs/development.md lists as equivalent."""
    text = EQUIVALENTS_DOC.read_text(encoding="utf-8")
    _, found, rest = text.partition(EQUIVALENTS_HEADING)
    if not found:
        return set()
    section = re.split(r"^#{1,3} ", rest, maxsplit=1, flags=re.MULTILINE)[0]
    return set(_NAME.findall(section))


def change_of(name: str, module: str) -> str:
    """The lines the mutant changes, ``- old`` / ``+ new``, on one line each."""
    try:
        diff = get_diff_for_mutant(name, path=Path(PACKAGE) / module)
    except Exception as error:  # a report line, never a crash of the report
        return f"      (no diff: {error})"
    lines = [
        "      " + line[0] + " " + line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]
    return "\n".join(lines)


def report(selected: list[str]) -> bool:
    """Print the scores and the mutants not killed; True when all is well."""
    by_module = results()
    if selected:
        by_module = {
            module: {
                name: status
                for name, status in mutants.items()
                if any(fnmatch.fnmatch(name, glob) for glob in selected)
            }
            for module, mutants in by_module.items()
        }
    listed = equivalents()
    scores: dict[str, Score] = {}
    folders = {folder: Score() for folder in FOLDER_MIN}
    overall = Score()
    for module, mutants in sorted(by_module.items()):
        if not mutants:
            continue
        score = Score(Counter(mutants.values()))
        scores[module] = score
        for folder, score_of_folder in folders.items():
            if module.startswith(folder + "/"):
                score_of_folder.add(score)
        overall.add(score)
    good = True
    say("Per module (killed includes timed out):")
    for module, score in scores.items():
        say("  " + score.line(module, MODULE_MIN))
        good &= score.percent >= MODULE_MIN
    say("Per folder:")
    for folder, score in folders.items():
        if score.total:
            say("  " + score.line(folder + "/", FOLDER_MIN[folder]))
            good &= score.percent >= FOLDER_MIN[folder]
    say("  " + overall.line("overall", None))
    say()
    unlisted = 0
    equivalent = 0
    say("Not killed (mutant, status; the change):")
    for module, mutants in sorted(by_module.items()):
        for name, status in sorted(mutants.items(), key=lambda n: _natural(n[0])):
            if status in CAUGHT:
                continue
            if name in listed:
                equivalent += 1
                say(f"  {name}  {status}, equivalent (listed)")
                continue
            unlisted += 1
            say(f"  {name}  {status}")
            say(change_of(name, module))
    say()
    say(
        f"{equivalent} listed as equivalent in {EQUIVALENTS_DOC.relative_to(ROOT)}; "
        f"{unlisted} neither killed nor listed."
    )
    stale = sorted(
        name
        for name in listed
        if any(by_module.get(m, {}).get(name) in CAUGHT for m in by_module)
    )
    if stale:
        # Not a failure: a mutant that only changes timings may be caught
        # by a loaded machine's timeout in one run and not the next.
        say(f"Listed as equivalent but killed in this run: {', '.join(stale)}")
    return good and unlisted == 0


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def module_globs() -> tuple[list[str], list[str]]:
    """Every mutated module's mutants as a glob, split into those that may
    run beside each other and those that run alone (ALONE)."""
    together: list[str] = []
    alone: list[str] = []
    for folder in FOLDERS:
        for path in sorted((ROOT / PACKAGE / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":  # mutmut names drop "__init__."
                parts = parts[:-1]
            module = ".".join(parts)
            (alone if module in ALONE else together).append(module + ".x*")
    return together, alone


def run_mutmut(selected: list[str]) -> int:
    if selected:
        # A name or glob inside ALONE's modules runs alone, after the rest
        # (a glob wider than them, ``aws.*``, does not: name them apart).
        alone = [s for s in selected if any(s.startswith(f"{a}.") for a in ALONE)]
        together = [s for s in selected if s not in alone]
        status = run_mutmut_once(together, CHILDREN) if together else 0
        return status or (run_mutmut_once(alone, 1) if alone else 0)
    if MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    together, alone = module_globs()
    return run_mutmut_once(together, CHILDREN) or run_mutmut_once(alone, 1)


def run_mutmut_once(selected: list[str], children: int) -> int:
    MUTANTS.mkdir(exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "mutmut"),
        "run",
        "--max-children",
        str(children),
        *selected,
    ]
    shown = (
        " ".join(selected)
        if len(selected) <= 3
        else f"<{len(selected)} globs and names>"
    )
    say(
        f"==> mutmut run --max-children {children} {shown} (its output: {LOG.relative_to(ROOT)})"
    )
    started = time.monotonic()
    with LOG.open("a") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        next_line = started + 60
        while process.poll() is None:
            time.sleep(2)
            if time.monotonic() >= next_line:
                # A .meta file mutmut is rewriting now is not JSON yet: the
                # next minute's line reads it whole.
                with contextlib.suppress(ValueError):
                    say(progress(time.monotonic() - started))
                next_line += 60
    say(f"==> mutmut ended with status {process.returncode} after {elapsed(started)}")
    return process.returncode


def progress(seconds: float) -> str:
    checked = caught = total = 0
    for mutants in results().values() if MUTANTS.exists() else []:
        total += len(mutants)
        checked += sum(s != "not checked" for s in mutants.values())
        caught += sum(s in CAUGHT for s in mutants.values())
    return f"    {int(seconds) // 60} min: {checked} of {total} mutants run, {caught} killed"


def elapsed(started: float) -> str:
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    return f"{minutes} min {seconds} s"


def main(argv: list[str]) -> int:
    selected = [a for a in argv if a != "--report-only"]
    if "--report-only" in argv:
        return 0 if report(selected) else 1
    status = run_mutmut(selected)
    if status != 0:
        say(LOG.read_text(errors="replace").replace("\r", "\n")[-4000:])
        return status
    return 0 if report(selected) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
