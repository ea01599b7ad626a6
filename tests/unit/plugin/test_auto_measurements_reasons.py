"""The ``auto`` cache: why a file is not used (the ``--debug`` note names
the reason), the limits of what a file may hold, and which of several
files a profile uses (the checks themselves: test_auto_measurements.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.plugin import auto_measurements
from awscli_regional_sts.plugin.auto_measurements import (
    MAX_LATENCY_MS,
    CacheProblem,
    Measurements,
    cache_file,
    find_for_profile,
    load,
)
from tests.unit.plugin.test_auto_measurements import ACCOUNT, DELETE, GOOD, changed

PARTITIONS = default_partitions()


def reason(tmp_path: Path, data: Any) -> str:
    path = tmp_path / f"aws-{ACCOUNT}.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CacheProblem) as caught:
        load(path, PARTITIONS)
    text = str(caught.value)
    prefix = f"ignoring unusable cache file {path}: "
    assert text.startswith(prefix)
    return text[len(prefix) :]


ENTRY = GOOD["Regions"][0]
REGIONS_LIMIT = "Regions is not a list of at most 200 entries"
PROFILES_LIMIT = "Profiles is not a list of at most 1000 names"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (None, "the file is not an object"),
        (changed("MeasuredAt", DELETE), "the file has no MeasuredAt"),
        (
            {k: v for k, v in GOOD.items() if k not in ("Account", "Method")},
            "the file has no Account, Method",
        ),
        (changed("Secret", "x"), "the file has unknown keys"),
        (changed("Version", 2), "not a cache file of this version"),
        (changed("Partition", 7), "Partition is not valid"),
        (changed("Account", "1234"), "Account is not valid"),
        (changed("Partition", "aws-mars"), "unknown partition 'aws-mars'"),
        (changed("MeasuredAt", "now"), "MeasuredAt is not a number"),
        (changed("MeasuredAt", -1), "MeasuredAt is out of range"),
        (changed("Method", ["guess"]), "Method is not a word"),
        (changed("Method", "guess"), "Method 'guess' is unknown"),
        (changed("Regions", {}), REGIONS_LIMIT),
        (changed("Regions", [ENTRY] * 201), REGIONS_LIMIT),
        (changed("Regions", [5]), "a Regions entry is not an object"),
        (
            changed("Regions", [{"Region": "eu-west-1"}]),
            "a Regions entry has no Status",
        ),
        (changed("Regions.0.Host", "x"), "a Regions entry has unknown keys"),
        (
            changed("Regions.0.Region", "eu-west-9"),
            "'eu-west-9' is not an STS region of aws",
        ),
        (changed("Regions.0.Verified", "yes"), "Verified is not true or false"),
        (changed("Regions.0.Status", "great"), "Status 'great' is unknown"),
        (changed("Regions.0.LatencyMs", "5"), "LatencyMs is not a number"),
        (
            changed("Regions.0.LatencyMs", MAX_LATENCY_MS + 1),
            "LatencyMs is out of range",
        ),
        (changed("Profiles", "p"), PROFILES_LIMIT),
        (changed("Profiles", ["p"] * 1001), PROFILES_LIMIT),
        (changed("Profiles", ["x" * 257]), PROFILES_LIMIT),
    ],
)
def test_why_a_file_is_not_used(tmp_path: Path, data: Any, why: str) -> None:
    assert reason(tmp_path, data) == why


def test_the_limits_themselves_are_accepted(tmp_path: Path) -> None:
    data = changed("Regions", [ENTRY] * 200)
    data["Profiles"] = ["x" * 256] + ["p"] * 999
    data["MeasuredAt"] = 0
    data["Regions"][0] = {**ENTRY, "LatencyMs": 0}
    data["Regions"][1] = {**ENTRY, "LatencyMs": MAX_LATENCY_MS}
    path = tmp_path / "aws-111122223333.json"
    path.write_text(json.dumps(data))
    found = load(path, PARTITIONS)
    assert len(found.regions) == 200 and len(found.profiles) == 1000
    assert found.regions[0].latency_ms == 0.0
    assert found.regions[1].latency_ms == MAX_LATENCY_MS


def test_without_profiles_a_file_lists_none(tmp_path: Path) -> None:
    path = tmp_path / "aws-111122223333.json"
    path.write_text(json.dumps(changed("Profiles", DELETE)))
    assert load(path, PARTITIONS).profiles == ()


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "aws-111122223333.json"
    with pytest.raises(CacheProblem) as caught:
        load(path, PARTITIONS)
    assert str(caught.value) == f"no file {path}"
    path.write_text("{")
    with pytest.raises(CacheProblem) as caught:
        load(path, PARTITIONS)
    assert str(caught.value).startswith(
        f"ignoring unusable cache file: {path} is not usable JSON: "
    )


def test_cache_files_are_named_by_partition_and_account(own_home: Path) -> None:
    folder = own_home / ".aws" / "cli" / "cache" / "regional-sts"
    assert auto_measurements.cache_directory() == folder
    assert cache_file(folder, "aws-cn", ACCOUNT) == folder / f"aws-cn-{ACCOUNT}.json"
    with pytest.raises(CacheProblem) as caught:
        cache_file(folder, "aws", "../x")
    assert str(caught.value) == "no cache file for 'aws'/'../x'"


def test_nothing_usable_is_no_fastest_region() -> None:
    measured = Measurements(
        "aws",
        ACCOUNT,
        time.time(),
        "activation-check",  # type: ignore[arg-type]
        (auto_measurements.RegionMeasurement("eu-west-1", "inactive", True, 1.0),),  # type: ignore[arg-type]
    )
    assert measured.fastest() is None


def file(folder: Path, name: str, **fields: Any) -> None:
    folder.mkdir(exist_ok=True)
    data = {**GOOD, "MeasuredAt": time.time(), "Profiles": ["p"], **fields}
    (folder / name).write_text(json.dumps(data))


def test_which_file_a_profile_uses(tmp_path: Path) -> None:
    now = time.time()
    file(tmp_path, "aws-000000000001.json", Profiles=["other"], MeasuredAt=now)
    file(tmp_path, "aws-000000000002.json", Account="000000000002", MeasuredAt=now - 9)
    (tmp_path / "aws-000000000003.json").write_text("{")
    file(tmp_path, "aws-000000000004.json", Account="000000000004", MeasuredAt=now - 5)
    # aws-cn's files match aws-*.json too: never taken for aws.
    file(
        tmp_path,
        "aws-cn-000000000005.json",
        Partition="aws-cn",
        Account="000000000005",
        MeasuredAt=now,
        Regions=[{"Region": "cn-north-1", "Status": "active"}],
    )
    found, notes = find_for_profile(tmp_path, "aws", "p", PARTITIONS)
    assert found is not None and found.account == "000000000004"
    assert len(notes) == 1 and notes[0].startswith(
        f"ignoring unusable cache file: {tmp_path}/aws-000000000003.json is not "
        "usable JSON: "
    )


def test_of_two_files_measured_at_once_the_first_by_name_is_used(
    tmp_path: Path,
) -> None:
    at = time.time()
    file(tmp_path, "aws-000000000002.json", Account="000000000002", MeasuredAt=at)
    file(tmp_path, "aws-000000000001.json", Account="000000000001", MeasuredAt=at)
    found, _ = find_for_profile(tmp_path, "aws", "p", PARTITIONS)
    assert found is not None and found.account == "000000000001"
