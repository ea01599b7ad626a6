"""Fixtures shared by the end-to-end tests: one simulator, fresh AWS homes.

Under pytest-xdist each worker is its own process, so each gets its own
simulator (on a free port, with its own CA directory) and its own temp dirs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle.bytecode import compile_with
from testing.clients import CLI_V2_FROZEN, REPO_ROOT, AwsEnv, ClientMissing, aws_command
from testing.simulator import Simulator
from tests.e2e.outcomes import client_outcome

#: The longest tests, each tens of seconds of one worker (whole unit suites
#: under other Pythons, the demo, the workflow, a browser, a spreadsheet,
#: the shards' runs, the package builds), as node ids under tests/e2e/.
#: They are collected first, so that pytest-xdist (which hands tests out in
#: the order collected) starts them first: collected in file order, the
#: workflow's and the Pythons' came last and kept one worker busy while the
#: others had nothing left to do.
STARTED_FIRST = (
    "test_pythons.py::test_unit_tests_pass",
    "test_workflow_e2e.py::",
    "test_demo.py::",
    "test_fleet_cli.py::test_shards_merged_equal_one_unsharded_run",
    "test_fleet_reports_e2e.py::test_html_report_in_a_real_browser",
    "test_fleet_csv_spreadsheet_e2e.py::",
    "test_account_listing_e2e.py::test_the_shards_share_one_listing",
    "test_packaging.py::",
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The plugin's bytecode for AWS's frozen CLI v2, compiled once by that
    CLI's own Python (``enable``'s own step, lifecycle/bytecode.py) before
    any worker starts: the frozen CLI loads the plugin from this checkout
    (``cli_legacy_plugin_path``) and writes no bytecode itself, so each of
    its runs compiled every plugin module it imported, which a user's,
    after ``enable``, never does. A source changed later is compiled again
    as usual (the bytecode records its size and time)."""
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: the controller has done it
    try:
        (aws,) = aws_command(CLI_V2_FROZEN)
    except ClientMissing:
        return  # the frozen CLI's tests say so themselves
    said = compile_with(aws, REPO_ROOT)
    if not said.startswith("compiled "):
        config.issue_config_time_warning(pytest.PytestWarning(said), stacklevel=2)


def _started_at(item: pytest.Item) -> int:
    """The rank of ``item`` in STARTED_FIRST (longest first); the rest after."""
    name = item.nodeid.removeprefix("tests/e2e/")
    ranks = [rank for rank, start in enumerate(STARTED_FIRST) if name.startswith(start)]
    return ranks[0] if ranks else len(STARTED_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The STARTED_FIRST tests first, in its order, the rest as collected
    (a stable sort; every worker collects the same order)."""
    items.sort(key=_started_at)


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
