"""Fixtures shared by the end-to-end tests: one simulator, fresh AWS homes.

Under pytest-xdist each worker is its own process, so each gets its own
simulator (on a free port, with its own CA directory) and its own temp dirs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from testing.clients import AwsEnv
from testing.simulator import Simulator
from tests.e2e.outcomes import client_outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    with client_outcome():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    with client_outcome():
        return (yield)


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
