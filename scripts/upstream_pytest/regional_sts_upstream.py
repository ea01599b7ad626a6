"""pytest plugin for `scripts/upstream.py`: botocore's own tests, recorded.

Loaded with ``-p regional_sts_upstream`` in both runs of the check (its
folder is put on PYTHONPATH; nothing else is in it, so nothing of this
repository shadows botocore's ``tests`` package). It:

- refuses to run unless ``botocore`` is the installed one, of the version
  the check downloaded the tests for, and not a source folder of the sdist;
- wraps ``botocore.session.Session.__init__`` in both runs, counting the
  sessions; with ``REGIONAL_STS_UPSTREAM_REGISTER=1`` the wrapper also
  calls ``awscli_regional_sts.register(session)`` on each new session
  (``get_session()``, ``Session()`` and its subclasses all pass there);
- writes every test's outcome (passed, failed, skipped, error, xfailed,
  xpassed; collection errors too) to ``REGIONAL_STS_UPSTREAM_RESULTS``.

Only the register call differs between the two runs.
"""

from __future__ import annotations

import functools
import json
import os
import sysconfig
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import pytest

REGISTER = os.environ.get("REGIONAL_STS_UPSTREAM_REGISTER") == "1"
RESULTS = os.environ["REGIONAL_STS_UPSTREAM_RESULTS"]
EXPECTED_VERSION = os.environ["REGIONAL_STS_UPSTREAM_BOTOCORE"]

#: Worse outcomes win when a test reports more than one phase.
_RANK = {"passed": 0, "xfailed": 1, "xpassed": 1, "skipped": 2, "failed": 3}

_outcomes: dict[str, str] = {}
_sessions = {"created": 0, "registered": 0}


def _check_botocore_under_test() -> None:
    where = Path(botocore.__file__).resolve()
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    if site not in where.parents:
        raise pytest.UsageError(
            f"botocore comes from {where}, not from this venv's {site}"
        )
    if botocore.__version__ != EXPECTED_VERSION:
        raise pytest.UsageError(
            f"botocore {botocore.__version__} is installed, the tests are"
            f" botocore {EXPECTED_VERSION}'s"
        )


def _wrap_session_init() -> None:
    original = botocore.session.Session.__init__

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        _sessions["created"] += 1
        if REGISTER:
            import awscli_regional_sts

            awscli_regional_sts.register(self)
            _sessions["registered"] += 1

    botocore.session.Session.__init__ = __init__  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    _check_botocore_under_test()
    _wrap_session_init()


def _record(nodeid: str, outcome: str) -> None:
    before = _outcomes.get(nodeid)
    if before is None or _RANK.get(outcome, 4) > _RANK.get(before, 4):
        _outcomes[nodeid] = outcome


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            _record(report.nodeid, "xpassed" if report.passed else "xfailed")
        else:
            _record(report.nodeid, report.outcome)
    elif report.failed:  # setup or teardown
        _record(report.nodeid, "error")
    elif report.skipped:  # skipped in setup (a skip mark or pytest.skip)
        _record(report.nodeid, "skipped")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _record(f"{report.nodeid} (collection)", "error")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    document = {
        "botocore": botocore.__version__,
        "botocore_file": botocore.__file__,
        "register": REGISTER,
        "sessions": _sessions,
        "exitstatus": int(exitstatus),
        "outcomes": _outcomes,
    }
    Path(RESULTS).write_text(json.dumps(document, indent=1, sort_keys=True))
