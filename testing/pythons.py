"""Every Python the package claims, and where each is tested.

pyproject.toml's classifiers name the Python versions the package claims
(``Programming Language :: Python :: 3.X``); this module reads them (as
text: ``tomllib`` is 3.11+ and this runs on every Python the Makefile may be
given), finds an interpreter for each on this machine (pyenv's newest patch
release, else the system's), and names the virtualenv `make setup` builds
for it (``.venv-pythons/3.X``; for the main virtualenv's own version, that
one). The newest one, 3.14, is the frozen CLI
v2's own Python: no interpreter of it can be started here (pyenv has up to
3.13, the registries carry none), so it is tested inside that CLI
(``FROZEN_CLI_PYTHON``). No pytest here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"
#: `make setup` builds one virtualenv per claimed Python here.
VENVS = REPO_ROOT / ".venv-pythons"
#: What each of them holds besides the plugin (editable).
REQUIREMENTS = REPO_ROOT / "requirements" / "pythons.txt"
#: The Python the frozen CLI v2 (testing.clients.CLI_V2_FROZEN) runs on.
FROZEN_CLI_PYTHON = "3.14"

_CLASSIFIER = re.compile(r'"Programming Language :: Python :: (3\.\d+)"')


def claimed() -> list[str]:
    """The Python versions pyproject.toml's classifiers claim, oldest
    first (``["3.9", ..., "3.14"]``)."""
    found = set(_CLASSIFIER.findall(PYPROJECT.read_text()))
    return sorted(found, key=lambda version: tuple(map(int, version.split("."))))


def with_interpreters() -> list[str]:
    """The claimed versions an interpreter of which can be started here
    (all but the frozen CLI's)."""
    return [v for v in claimed() if v != FROZEN_CLI_PYTHON]


def _pyenv_root() -> Path:
    try:
        done = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, timeout=30
        )
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    except OSError:
        pass
    return Path(os.path.expanduser("~/.pyenv"))


def _patch(path: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", path.parent.parent.name)
    return tuple(int(n) for n in numbers)


def interpreter(version: str) -> Path | None:
    """An interpreter of Python ``version`` (``"3.12"``) on this machine:
    pyenv's newest release of it, else the system's; None if there is none."""
    pyenv = sorted(
        _pyenv_root().glob(f"versions/{version}.*/bin/python{version}"), key=_patch
    )
    candidates: Sequence[Path] = [
        *reversed(pyenv),
        Path(f"/usr/bin/python{version}"),
        Path(f"/usr/local/bin/python{version}"),
    ]
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return None


#: The main test virtualenv (the Makefile's VENV, on its PYTHON).
MAIN_VENV = REPO_ROOT / ".venv"


def main_version() -> str | None:
    """The Python version of the main test virtualenv (``"3.11"``), read
    from its pyvenv.cfg; None before `make setup`."""
    config = MAIN_VENV / "pyvenv.cfg"
    if not config.exists():
        return None
    match = re.search(r"^version(?:_info)?\s*=\s*(3\.\d+)", config.read_text(), re.M)
    return match.group(1) if match else None


def venv(version: str) -> Path:
    """The virtualenv of ``version``: the main one for its own version
    (make test runs the unit tests there anyway), else ``.venv-pythons/3.X``."""
    return MAIN_VENV if version == main_version() else VENVS / version


def venv_python(version: str) -> Path:
    return venv(version) / "bin" / "python"


def main(argv: Sequence[str]) -> int:
    """`python -m testing.pythons`: each claimed version and its interpreter."""
    for version in claimed():
        if version == FROZEN_CLI_PYTHON:
            print(f"{version}\tinside AWS's frozen CLI v2")
        else:
            print(f"{version}\t{interpreter(version) or 'not found'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
