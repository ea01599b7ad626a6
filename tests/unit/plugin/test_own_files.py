"""The failover memory (``state.json``) and the ``auto`` cache trust their
files as the bridge trusts its cache (issue 31, finding 4: they had no
owner check at all): a file another user owns or can write, or one in a
folder another user owns or can write, is no file, said in --debug; and
nothing is written into such a folder. The checks themselves, case by
case: tests/unit/aws/test_files_trust.py.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.plugin import auto_measurements
from awscli_regional_sts.plugin.auto_measurements import (
    CacheProblem,
    Measurements,
    RegionMeasurement,
)
from awscli_regional_sts.plugin.failover_memory import Memory
from awscli_regional_sts.plugin.registry import LOGGER_NAME

#: "nobody" on Debian: a real user that is not this one.
OTHER_UID = 65534
#: "nogroup", nobody's own group: a group-write bit then lets another user
#: write (a group of this user alone may: aws/ownership.py).
OTHER_GID = 65534
ACCOUNT = "111122223333"

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a file to another user needs root (the suite runs as root)",
)


def planted(kind: str, folder: Path, path: Path) -> None:
    """Make ``path`` (a good file) or its ``folder`` untrusted."""
    if kind == "folder writable by all":
        folder.chmod(0o777)
    elif kind == "folder writable by the group":
        os.chown(folder, -1, OTHER_GID)
        folder.chmod(0o770)
    elif kind == "file writable by the group":
        os.chown(path, -1, OTHER_GID)
        path.chmod(0o620)
    elif kind == "folder of another user":
        os.chown(folder, OTHER_UID, OTHER_UID)
    else:
        os.chown(path, OTHER_UID, OTHER_UID)


KINDS = [
    "folder writable by all",
    pytest.param("folder writable by the group", marks=needs_root),
    pytest.param("file writable by the group", marks=needs_root),
    pytest.param("folder of another user", marks=needs_root),
    pytest.param("file of another user", marks=needs_root),
]


@pytest.mark.parametrize("kind", KINDS)
def test_an_untrusted_failover_memory_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    folder = tmp_path / "regional-sts"
    path = folder / "state.json"
    Memory(path).remember_failure("eu-west-1", "ConnectTimeoutError")
    assert Memory(path).recent_failure("eu-west-1") is not None
    planted(kind, folder, path)
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    memory = Memory(path)
    assert memory.recent_failure("eu-west-1") is None
    assert memory.recent_failure("eu-west-1") is None
    (line,) = caplog.messages  # said once
    assert line.startswith(f"failover memory {path} not used: ")
    assert line.endswith("; not used")


@pytest.mark.parametrize("bits", [0o777, 0o770])
def test_no_failover_memory_is_written_into_a_folder_others_can_write(
    tmp_path: Path, bits: int
) -> None:
    folder = tmp_path / "regional-sts"
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, -1, OTHER_GID)
    folder.chmod(bits)
    problem = Memory(folder / "state.json").remember_failure("eu-west-1", "Error")
    assert problem == (
        f"{folder / 'state.json'} not written: "
        f"{folder} is writable by group or others (mode {bits:04o}); not used"
    )
    assert list(folder.iterdir()) == []


def measurements() -> Measurements:
    return Measurements(
        "aws",
        ACCOUNT,
        time.time(),
        MeasurementMethod.FIRST_USE,
        (RegionMeasurement("eu-north-1", RegionStatus.REACHABLE, False, 3.0),),
        ("p",),
    )


@pytest.mark.parametrize("kind", KINDS)
def test_an_untrusted_auto_cache_is_no_cache(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "regional-sts"
    path = auto_measurements.save(folder, measurements())
    partitions = default_partitions()
    assert (
        auto_measurements.find_for_profile(folder, "aws", "p", partitions)[0]
        is not None
    )
    planted(kind, folder, path)
    with pytest.raises(CacheProblem) as caught:
        auto_measurements.load(path, partitions)
    assert str(caught.value).startswith("ignoring unusable cache file: ")
    assert str(caught.value).endswith("; not used")
    found, notes = auto_measurements.find_for_profile(folder, "aws", "p", partitions)
    assert found is None
    assert notes == [str(caught.value)]


def test_no_auto_cache_is_written_into_a_folder_others_can_write(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "regional-sts"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(OSError, match="writable by group or others"):
        auto_measurements.save(folder, measurements())
    assert list(folder.iterdir()) == []
