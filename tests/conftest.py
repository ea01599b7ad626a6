"""Fixtures shared by the end-to-end tests: one simulator, fresh AWS homes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import AwsEnv
from tests.simulator import Simulator


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    """One simulator for the whole run; `aws_env` resets its world per test."""
    with Simulator() as sim:
        yield sim


@pytest.fixture
def aws_env(simulator: Simulator, tmp_path: Path) -> AwsEnv:
    """A clean AWS home wired to the simulator, with its world reset."""
    simulator.reset()
    return AwsEnv(root=tmp_path, simulator=simulator)
