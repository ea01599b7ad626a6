"""Every unit test gets its own HOME: the plugin's files (the ``auto``
cache, failover's state file) must never reach the developer's own."""

from __future__ import annotations

from pathlib import Path

import pytest


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
