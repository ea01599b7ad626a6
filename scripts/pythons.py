"""`make setup`'s virtualenvs for every Python the package claims.

For each version pyproject.toml's classifiers claim (testing/pythons.py)
that has an interpreter on this machine, a virtualenv under
``.venv-pythons/3.X`` with requirements/pythons.txt and the plugin
(editable), rebuilt when either file changes; two are built at a time. A
version with no interpreter is named, and its tests skip with that name;
3.14 is tested inside AWS's frozen CLI v2 instead (no interpreter of it can
be started here).

    python -m scripts.pythons setup
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from testing.pythons import (
    FROZEN_CLI_PYTHON,
    PYPROJECT,
    REQUIREMENTS,
    claimed,
    interpreter,
    main_version,
    venv,
)

STAMP = ".installed-from"


def say(text: str) -> None:
    print(text, flush=True)


def digest() -> str:
    both = REQUIREMENTS.read_bytes() + PYPROJECT.read_bytes()
    return hashlib.sha256(both).hexdigest()


def build(version: str, python: Path, wanted: str) -> str | None:
    """Build the virtualenv of ``version``; None, or what went wrong."""
    folder = venv(version)
    shutil.rmtree(folder, ignore_errors=True)
    steps = [
        [str(python), "-m", "venv", str(folder)],
        [
            str(folder / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--progress-bar",
            "off",
            "--disable-pip-version-check",
            "-r",
            str(REQUIREMENTS),
            "-e",
            str(PYPROJECT.parent),
        ],
    ]
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return f"{' '.join(argv[:3])} failed: {tail}"
    (folder / STAMP).write_text(wanted + "\n")
    return None


def setup() -> int:
    wanted = digest()
    todo = []
    for version in claimed():
        if version == FROZEN_CLI_PYTHON:
            continue
        python = interpreter(version)
        if python is None:
            say(
                f"==> Python {version}: no interpreter found (pyenv install "
                f"{version} adds one); its tests will be skipped"
            )
            continue
        if version == main_version():
            continue  # .venv is that Python's
        stamp = venv(version) / STAMP
        if stamp.exists() and stamp.read_text().strip() == wanted:
            continue
        say(f"==> .venv-pythons/{version}: building with {python}")
        todo.append((version, python))
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [
            (version, error)
            for (version, _), error in zip(
                todo, pool.map(lambda item: build(*item, wanted), todo)
            )
            if error is not None
        ]
    for version, error in failures:
        say(f"==> .venv-pythons/{version}: {error}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv == ["setup"]:
        return setup()
    print("usage: python -m scripts.pythons setup", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
