"""``activation-check --save`` (run/save.py): which rows and fields are
kept for ``sts_region = auto``, under which account and profiles, and the
one line that says why nothing was saved."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from awscli_regional_sts.commands.activation.run.save import save_for_auto
from awscli_regional_sts.plugin.registry import LOGGER_NAME

CALLER = "111122223333"
ROLE_ACCOUNT = "444455556666"


def report(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "Account": CALLER,
        "Partition": "aws",
        "Regions": [
            {"Region": "eu-west-1", "Status": "inactive", "Verified": True},
            {"Region": "ap-south-1", "Status": "active", "LatencyMs": 12.5},
            {"Region": "global", "Status": "active", "LatencyMs": 9.0},
            {"Region": "cn-north-1", "Status": "active", "LatencyMs": 1.0},
        ],
    }
    document.update(changes)
    return document


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path / ".aws" / "cli" / "cache" / "regional-sts"


def test_the_rows_of_the_partitions_regions_are_saved(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = time.time()
    with caplog.at_level(logging.DEBUG, logger=LOGGER_NAME):
        assert save_for_auto(report(), "tokyo") is None
    path = folder / f"aws-{CALLER}.json"
    saved = json.loads(path.read_text())
    assert before <= saved.pop("MeasuredAt") <= time.time()
    assert saved == {
        "Version": 1,
        "Partition": "aws",
        "Account": CALLER,
        "Method": "activation-check",
        "Profiles": ["tokyo"],
        # Not the global endpoint, nor another partition's region; a row
        # without Verified is not verified; no latency is kept as none.
        "Regions": [
            {
                "Region": "eu-west-1",
                "Status": "inactive",
                "Verified": True,
                "LatencyMs": None,
            },
            {
                "Region": "ap-south-1",
                "Status": "active",
                "Verified": False,
                "LatencyMs": 12.5,
            },
        ],
    }
    assert caplog.messages == [f"activation-check: measurements saved to {path}"]


def test_a_roles_other_account_is_saved_without_the_profile(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    role = f"arn:aws:iam::{ROLE_ACCOUNT}:role/Probe"
    with caplog.at_level(logging.DEBUG, logger=LOGGER_NAME):
        assert save_for_auto(report(), "tokyo", role) is None
    saved = json.loads((folder / f"aws-{ROLE_ACCOUNT}.json").read_text())
    assert (saved["Account"], saved["Profiles"]) == (ROLE_ACCOUNT, [])
    assert caplog.messages[0] == (
        f"activation-check: saving for account {ROLE_ACCOUNT} (the role's, whose "
        f"activation was probed), not the caller's {CALLER}; profile 'tokyo' is "
        "not recorded in it"
    )


@pytest.mark.parametrize(
    ("document", "role", "problem"),
    [
        (
            report(),
            "arn:aws:iam::12:role/x",
            "measurements not saved: the account of --role-arn "
            "'arn:aws:iam::12:role/x', whose activation was probed, is not known",
        ),
        (
            report(Partition="aws-mars"),
            None,
            "measurements not saved: unknown partition 'aws-mars'",
        ),
        (
            report(Partition=None),
            None,
            "measurements not saved: unknown partition 'None'",
        ),
        (
            report(Account=None),
            None,
            "measurements not saved: no cache file for 'aws'/''",
        ),
    ],
)
def test_why_nothing_was_saved(
    folder: Path, document: dict[str, Any], role: str | None, problem: str
) -> None:
    assert save_for_auto(document, "tokyo", role) == problem
    assert not folder.exists()


def test_a_home_that_cannot_be_written(folder: Path) -> None:
    folder.parent.parent.parent.mkdir(parents=True)
    (folder.parent.parent).write_text("a file where the cache folder goes")
    problem = save_for_auto(report(Regions=None), "tokyo")
    assert problem == (
        f"measurements not saved: cannot open {folder.parent.parent}: Not a directory"
    )
