"""sts_region = auto's cache file, written by several processes at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.plugin.auto_measurements import load

PARTITIONS = default_partitions()
ACCOUNT = "111122223333"


WRITER = """
import sys, time
import awscli
from pathlib import Path
from awscli_regional_sts.plugin.auto_measurements import (
    Measurements, RegionMeasurement, save)
profile = sys.argv[2]
for i in range(150):
    save(Path(sys.argv[1]), Measurements("aws", "111122223333", time.time(),
         "first use", (RegionMeasurement("eu-west-1", "reachable", False, i),),
         (profile,)))
"""


def test_concurrent_writers_leave_a_complete_file(tmp_path: Path) -> None:
    """Two processes replacing the file at once while this one reads it:
    every read sees a complete file, and no temporary file is left."""
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name])
        for name in ("a", "b")
    ]
    path = tmp_path / f"aws-{ACCOUNT}.json"
    reads = 0
    while any(w.poll() is None for w in writers):
        if path.exists():
            load(path, PARTITIONS)  # never raises: never a partial file
            reads += 1
    assert all(w.returncode == 0 for w in writers)
    assert reads > 0
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert load(path, PARTITIONS).profiles in (("a",), ("b",), ("a", "b"))
