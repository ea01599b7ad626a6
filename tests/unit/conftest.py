"""Every unit test gets its own HOME: the plugin's files (the ``auto``
cache, failover's state file) must never reach the developer's own."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testing.clients import awscrt_site
from testing.folder_modes import FOLDER_MODE_SETTER

# botocore signs SigV4a only with awscrt, which `make setup` keeps outside
# .venv's site-packages (requirements/awscrt.txt): the unit tests that sign
# with it find it here. The per-Python virtualenvs have it in site-packages.
sys.path.append(str(awscrt_site(Path(sys.prefix))))


@pytest.fixture(autouse=True)
def own_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    # Not tmp_path: tests list their tmp_path's contents.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def fresh_memory() -> None:
    """Nothing failover learned in one test leaks into the next."""
    import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)

    from awscli_regional_sts.plugin.failover_memory import MEMORY

    MEMORY.clear()


#: Folders every user of the machine needs, on the way to every test's
#: files. The suite runs as root, and aws/files.py walks these folders and
#: sets modes: a fault there (a mutant of ``make mutation`` did) could make
#: ``/`` 0700 for the whole machine.
SYSTEM_FOLDERS = ("/", "/tmp")


def could_change_folder_modes(mutant: str) -> bool:
    """Whether a system folder's mode changed during a test fails it:
    always, but in a ``make mutation`` child whose mutant lies outside
    aws/files.py. There the change is most likely another child's mutant
    of aws/files.py at work, and failing would count this child's
    unrelated mutant killed. (A mutant elsewhere that hands aws/files.py
    a system folder is then missed by this guard, never counted killed by
    another's fault; the mode is put back either way.)"""
    return "__mutmut_" not in mutant or mutant.startswith(f"{FOLDER_MODE_SETTER}.")


@pytest.fixture(autouse=True)
def system_folders_kept() -> Iterator[None]:
    """Fail a test that changed a system folder's mode, and put it back."""
    before = {path: os.stat(path).st_mode for path in SYSTEM_FOLDERS}
    yield
    changed = {}
    for path, mode in before.items():
        now = os.stat(path).st_mode
        if now != mode:
            os.chmod(path, stat.S_IMODE(mode))
            changed[path] = f"{stat.S_IMODE(mode):04o} -> {stat.S_IMODE(now):04o}"
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    assert not changed or not could_change_folder_modes(mutant), (
        f"a test changed the mode of {changed} (put back)"
    )
