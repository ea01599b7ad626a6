"""Unit tests of sts_region = auto's cache and choice (no network).

Writers in separate processes: tests/e2e/test_cache_writers.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.plugin import auto_measurements
from awscli_regional_sts.plugin.auto_measurements import (
    CacheProblem,
    Measurements,
    RegionMeasurement,
    cache_file,
    find_for_profile,
    load,
    save,
)
from awscli_regional_sts.plugin.nearest import candidate_regions, role_account

PARTITIONS = default_partitions()
ACCOUNT = "111122223333"


def measurements(**overrides: object) -> Measurements:
    values: dict[str, object] = {
        "partition": "aws",
        "account": ACCOUNT,
        "measured_at": time.time(),
        "method": "activation-check",
        "regions": (
            RegionMeasurement("eu-west-2", "inactive", True, 1.0),
            RegionMeasurement("ap-south-1", "active", True, 9.0),
            RegionMeasurement("ca-central-1", "active", False, 5.0),
            RegionMeasurement("us-west-2", "unreachable", False, None),
        ),
        "profiles": ("p",),
    }
    values.update(overrides)
    return Measurements(**values)  # type: ignore[arg-type]


def test_round_trip_and_fastest_active(tmp_path: Path) -> None:
    path = save(tmp_path, measurements())
    assert path == tmp_path / f"aws-{ACCOUNT}.json"
    loaded = load(path, PARTITIONS)
    assert loaded.fastest() == RegionMeasurement("ca-central-1", "active", False, 5.0)
    assert loaded.is_fresh()
    assert not loaded.is_fresh(
        now=loaded.measured_at + auto_measurements.TTL_SECONDS + 1
    )
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp files


def test_latency_only_measurements_count_reachable_regions() -> None:
    m = measurements(
        method="first use",
        regions=(
            RegionMeasurement("eu-west-1", RegionStatus.REACHABLE, False, 30.0),
            RegionMeasurement("eu-north-1", RegionStatus.REACHABLE, False, 3.0),
            RegionMeasurement("us-east-1", "unreachable", False, None),
        ),
    )
    best = m.fastest()
    assert best is not None and best.region == "eu-north-1"


def test_profiles_of_earlier_writers_are_kept(tmp_path: Path) -> None:
    save(tmp_path, measurements(profiles=("a",)))
    save(tmp_path, measurements(profiles=("b",)))
    found, notes = find_for_profile(tmp_path, "aws", "a", PARTITIONS)
    assert found is not None and found.profiles == ("a", "b")
    assert notes == []


GOOD = measurements().to_json()


@pytest.mark.parametrize(
    "text",
    [
        "",
        json.dumps(GOOD)[:40],
        "\x00garbage",
        json.dumps([1, 2]),
        json.dumps({**GOOD, "Version": 99}),
        json.dumps({**GOOD, "Account": "../../etc"}),
        json.dumps({**GOOD, "Partition": "nope"}),
        json.dumps(
            {**GOOD, "Regions": [{"Region": "evil.example.com/x", "Status": "active"}]}
        ),
        json.dumps({**GOOD, "Regions": [{"Status": "active"}]}),
        json.dumps({**GOOD, "MeasuredAt": "yesterday"}),
    ],
    ids=[
        "empty",
        "truncated",
        "binary",
        "list",
        "version",
        "account",
        "partition",
        "region",
        "no-region",
        "time",
    ],
)
def test_unusable_files_are_no_cache(tmp_path: Path, text: str) -> None:
    path = tmp_path / f"aws-{ACCOUNT}.json"
    path.write_text(text)
    with pytest.raises(CacheProblem):
        load(path, PARTITIONS)
    found, notes = find_for_profile(tmp_path, "aws", "p", PARTITIONS)
    assert found is None and len(notes) == 1


def test_file_names_come_only_from_checked_text(tmp_path: Path) -> None:
    with pytest.raises(CacheProblem):
        cache_file(tmp_path, "aws", "../x")
    with pytest.raises(CacheProblem):
        cache_file(tmp_path, "aws/..", ACCOUNT)
    # Arabic-Indic digits: ``\\d`` took them (aws/identifiers.py does not).
    with pytest.raises(CacheProblem):
        cache_file(tmp_path, "aws", "\u0664" * 12)


def test_unwritable_directory_raises_oserror(tmp_path: Path) -> None:
    blocked = tmp_path / "regional-sts"
    blocked.write_text("a file where the directory should be")
    with pytest.raises(OSError):
        save(blocked, measurements())


def test_nothing_secret_is_written(tmp_path: Path) -> None:
    text = save(tmp_path, measurements()).read_text()
    assert set(json.loads(text)) == {
        "Version",
        "Partition",
        "Account",
        "MeasuredAt",
        "Method",
        "Profiles",
        "Regions",
    }


def test_role_account_comes_from_the_role_arn() -> None:
    arn = "arn:aws:iam::444455556666:role/x"
    assert role_account({"role_arn": arn}, "aws") == "444455556666"
    assert role_account({"role_arn": arn}, "aws-cn") is None
    assert role_account({}, "aws") is None
    assert role_account({"role_arn": "arn:aws:iam::1:role/x"}, "aws") is None
    # Digits of another script are no account id (``\\d`` took them), and
    # a partition is one whole name, not a prefix.
    other = "arn:aws:iam::" + "\u0664" * 12 + ":role/x"
    assert role_account({"role_arn": other}, "aws") is None
    assert role_account({"role_arn": arn.replace("aws", "aws-us-gov")}, "aws") is None
    gov = "arn:aws-us-gov:iam::444455556666:role/a/b/x"
    assert role_account({"role_arn": gov}, "aws-us-gov") == "444455556666"


def test_first_use_candidates_are_regions_enabled_by_default() -> None:
    aws = PARTITIONS.by_name("aws")
    assert aws is not None
    regions = candidate_regions(aws, None)
    assert "ap-northeast-1" in regions and "eu-west-1" in regions
    assert "af-south-1" not in regions  # opt-in
    assert "af-south-1" in candidate_regions(aws, "af-south-1")


def test_a_probe_without_an_answer_measures_nothing() -> None:
    """A refused or hung candidate has no latency: botocore's timeout errors
    carry a ``response`` attribute (None), which once counted as an answer."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    from awscli_regional_sts.plugin.nearest import _timed

    class Client:
        def __init__(self, error: Exception) -> None:
            self.error = error

        def get_caller_identity(self) -> None:
            raise self.error

    assert _timed(Client(ReadTimeoutError(endpoint_url="x")))() is None
    assert _timed(Client(EndpointConnectionError(endpoint_url="x")))() is None
    answered = ClientError({"Error": {"Code": "MissingAuthenticationToken"}}, "Get")
    assert isinstance(_timed(Client(answered))(), float)
