"""Unit tests: every field of an ``auto`` cache file is checked before use,
and anything unexpected is "no cache" (CacheProblem), never a crash; a bad
file is then replaced by ``save``. End to end: tests/e2e/test_hostile_cache.py."""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.plugin.auto_measurements import (
    CacheProblem,
    Measurements,
    RegionMeasurement,
    load,
    parse,
    save,
)

PARTITIONS = default_partitions()
ACCOUNT = "111122223333"

GOOD: dict[str, Any] = {
    "Version": 1,
    "Partition": "aws",
    "Account": ACCOUNT,
    "MeasuredAt": 1_700_000_000.5,
    "Method": "activation-check",
    "Profiles": ["base"],
    "Regions": [
        {"Region": "eu-west-1", "Status": "active", "Verified": True, "LatencyMs": 5},
        {"Region": "us-west-2", "Status": "unreachable", "LatencyMs": None},
    ],
}


def changed(path: str, value: Any) -> Any:
    """GOOD with one field (``Regions.0.LatencyMs``) replaced, or deleted
    when ``value`` is DELETE."""
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


DELETE = object()

BAD = {
    "profiles-int": changed("Profiles", 5),
    "profiles-of-ints": changed("Profiles", [1, 2]),
    "profiles-empty-name": changed("Profiles", [""]),
    "latency-401-digits": changed("Regions.0.LatencyMs", int("9" * 401)),
    "latency-negative": changed("Regions.0.LatencyMs", -1),
    "latency-nan": changed("Regions.0.LatencyMs", float("nan")),
    "latency-inf": changed("Regions.0.LatencyMs", float("inf")),
    "latency-text": changed("Regions.0.LatencyMs", "5"),
    "latency-bool": changed("Regions.0.LatencyMs", True),
    "measured-nan": changed("MeasuredAt", float("nan")),
    "measured-negative": changed("MeasuredAt", -5),
    "measured-huge": changed("MeasuredAt", 10**400),
    "measured-text": changed("MeasuredAt", "yesterday"),
    "measured-missing": changed("MeasuredAt", DELETE),
    "version-2": changed("Version", 2),
    "version-text": changed("Version", "1"),
    "version-true": changed("Version", True),
    "version-float": changed("Version", 1.0),
    "regions-dict": changed("Regions", {"eu-west-1": {}}),
    "regions-entry-int": changed("Regions", [5]),
    "regions-entry-list": changed("Regions", [["eu-west-1", "active"]]),
    "regions-too-many": changed("Regions", [GOOD["Regions"][0]] * 500),
    "region-unknown": changed("Regions.0.Region", "eu-west-9"),
    "region-host": changed("Regions.0.Region", "evil.example.com/x"),
    "region-int": changed("Regions.0.Region", 1),
    "status-unknown": changed("Regions.0.Status", "great"),
    "status-list": changed("Regions.0.Status", ["active"]),
    "verified-text": changed("Regions.0.Verified", "yes"),
    "entry-extra-key": changed("Regions.0.Host", "evil.example.com"),
    "method-unknown": changed("Method", "guess"),
    "partition-unknown": changed("Partition", "aws-mars"),
    "partition-int": changed("Partition", 7),
    "account-short": changed("Account", "1234"),
    "account-int": changed("Account", 111122223333),
    "top-extra-key": changed("Secret", "x"),
    "top-list": [GOOD],
    "top-null": None,
    "top-number": 1,
}


@pytest.mark.parametrize("name", list(BAD))
def test_unexpected_content_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError):
        parse(BAD[name], PARTITIONS)


def test_the_good_file_parses_to_what_it_says() -> None:
    found = parse(GOOD, PARTITIONS)
    assert found.regions == (
        RegionMeasurement("eu-west-1", RegionStatus.ACTIVE, True, 5.0),
        RegionMeasurement("us-west-2", RegionStatus.UNREACHABLE, False, None),
    )
    assert found.method is MeasurementMethod.ACTIVATION_CHECK
    assert found.profiles == ("base",)
    assert found.measured_at == 1_700_000_000.5


HOSTILE_TEXT = {
    "nested-100k": "[" * 100_000 + "]" * 100_000,
    "nan-literal": json.dumps(GOOD).replace('"LatencyMs": 5', '"LatencyMs": NaN'),
    "huge-int": json.dumps(GOOD).replace('"LatencyMs": 5', '"LatencyMs": ' + "9" * 401),
    "5000-digits": json.dumps(GOOD).replace(
        '"LatencyMs": 5', '"LatencyMs": ' + "9" * 5000
    ),
    "profiles-int": json.dumps(BAD["profiles-int"]),
}


def fresh() -> Measurements:
    return Measurements(
        "aws",
        ACCOUNT,
        time.time(),
        MeasurementMethod.FIRST_USE,
        (RegionMeasurement("eu-north-1", RegionStatus.REACHABLE, False, 3.0),),
        ("p",),
    )


@pytest.mark.parametrize("name", list(HOSTILE_TEXT))
def test_hostile_files_are_no_cache_and_are_replaced(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"aws-{ACCOUNT}.json"
    path.write_text(HOSTILE_TEXT[name])
    with pytest.raises(CacheProblem):
        load(path, PARTITIONS)
    assert save(tmp_path, fresh()) == path
    assert load(path, PARTITIONS).profiles == ("p",)  # the bad file's are gone


def test_a_fifo_or_a_device_link_is_no_cache_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / f"aws-{ACCOUNT}.json"
    for make in (lambda: os.mkfifo(path), lambda: path.symlink_to("/dev/zero")):
        make()
        with pytest.raises(CacheProblem):
            load(path, PARTITIONS)
        save(tmp_path, fresh())
        assert load(path, PARTITIONS).regions[0].region == "eu-north-1"
        path.unlink()


def test_save_keeps_the_profiles_of_a_good_earlier_file(tmp_path: Path) -> None:
    path = tmp_path / f"aws-{ACCOUNT}.json"
    path.write_text(json.dumps(changed("Account", ACCOUNT)))
    save(tmp_path, fresh())
    assert load(path, PARTITIONS).profiles == ("base", "p")
