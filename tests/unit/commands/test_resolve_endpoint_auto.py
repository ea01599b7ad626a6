"""What ``aws sts resolve-endpoint`` says of ``sts_region = auto`` from its
cache file alone (resolve_endpoint/auto_view.py): the chosen region, the
note with the measurement's age, and when the first call measures again.
The clock is passed in (``now``), so ages and notes are exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.commands.resolve_endpoint.auto_view import (
    NOT_MEASURED,
    AutoState,
    auto_from_cache,
)
from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from awscli_regional_sts.plugin.settings import InvalidStsRegionError

ACCOUNT = "111122223333"
#: When the cache file's measurement was taken (seconds since the epoch).
MEASURED_AT = 1_000_000.0
REACHABLE = [
    {"Region": "eu-north-1", "Status": "reachable", "LatencyMs": 9},
    {"Region": "us-east-1", "Status": "reachable", "LatencyMs": 90},
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / "config"
    config.write_text("[profile p]\nsts_region = auto\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_STS_REGION", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write_cache(home: Path, regions: list[dict[str, Any]] = REACHABLE) -> str:
    directory = home / ".aws" / "cli" / "cache" / "regional-sts"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"aws-{ACCOUNT}.json"
    document = {
        "Version": 1,
        "Partition": "aws",
        "Account": ACCOUNT,
        "MeasuredAt": MEASURED_AT,
        "Method": "first use",
        "Profiles": ["p"],
        "Regions": regions,
    }
    path.write_text(json.dumps(document))
    return str(path)


def auto(age: float) -> AutoState:
    session = botocore.session.Session(profile="p")
    partitions = default_partitions(session.get_component("data_loader"))
    return auto_from_cache(session, partitions, now=MEASURED_AT + age)


def test_nothing_cached_means_the_first_call_measures(home: Path) -> None:
    assert auto(0).to_dict() == {
        "Region": None,
        "Note": NOT_MEASURED,
        "CacheFile": None,
        "AgeSeconds": None,
        "Method": None,
        "Account": None,
    }


def test_a_fresh_measurement_names_its_fastest_region(home: Path) -> None:
    path = write_cache(home)
    # The age is rounded to a tenth of a second.
    assert auto(90.44).to_dict() == {
        "Region": "eu-north-1",
        "Note": (
            "fastest active region measured by first use for account "
            f"{ACCOUNT}, 90 s ago ({path})"
        ),
        "CacheFile": path,
        "AgeSeconds": 90.4,
        "Method": "first use",
        "Account": ACCOUNT,
    }


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (119.4, "119 s"),
        (120.0, "2 min"),
        (7199.0, "120 min"),
        (7200.0, "2 h"),
        # 2.5003 h: the hour is divided by 3600 exactly.
        (9001.0, "3 h"),
    ],
)
def test_the_age_in_seconds_minutes_or_hours(
    home: Path, age: float, words: str
) -> None:
    write_cache(home)
    state = auto(age)
    assert state.region == "eu-north-1"
    assert f", {words} ago (" in state.note, state.note


def test_a_stale_measurement_is_measured_again(home: Path) -> None:
    path = write_cache(home)
    # Kept 24 h: at 24 h exactly it is stale.
    state = auto(24 * 3600)
    assert state.to_dict() == {
        "Region": None,
        "Note": (
            f"auto: the measurements in {path} are 24 h old (kept 24 h); the "
            "first STS call will measure again"
        ),
        "CacheFile": path,
        "AgeSeconds": 86400.0,
        "Method": "first use",
        "Account": ACCOUNT,
    }
    # Just before, still fresh.
    assert auto(24 * 3600 - 1).region == "eu-north-1"


def test_a_measurement_with_no_usable_region(home: Path) -> None:
    path = write_cache(
        home, [{"Region": "eu-north-1", "Status": "unreachable", "LatencyMs": None}]
    )
    assert auto(30).to_dict() == {
        "Region": None,
        "Note": (
            f"auto: {path} names no usable region; the first STS call will "
            "measure again"
        ),
        "CacheFile": path,
        "AgeSeconds": 30.0,
        "Method": "first use",
        "Account": ACCOUNT,
    }


def test_the_reason_names_auto_and_its_choice(home: Path) -> None:
    path = write_cache(home)
    session = botocore.session.Session(profile="p")
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )
    report = describe_route(session, client_builtins(client), now=MEASURED_AT + 60)
    assert report.url == "https://sts.eu-north-1.amazonaws.com"
    assert report.reason == (
        "sts_region in profile 'p' is 'auto': 'eu-north-1', the fastest active "
        f"region measured by first use for account {ACCOUNT}, 60 s ago ({path})"
    )


def test_a_cached_region_without_fips_is_the_first_calls_error(
    home: Path,
) -> None:
    """auto's region is known only from its cache: the FIPS check of the
    settings cannot see it, the route's check does."""
    (home / "config").write_text(
        "[profile p]\nsts_region = auto\nuse_fips_endpoint = true\n"
    )
    path = write_cache(home)
    session = botocore.session.Session(profile="p")
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )
    with pytest.raises(InvalidStsRegionError) as caught:
        describe_route(session, client_builtins(client), now=MEASURED_AT + 60)
    # The FIPS regions listed are the loaded botocore's.
    text = str(caught.value).split(" endpoint: ")[0]
    assert text == (
        "Invalid STS region in sts_region in profile 'p' (auto): fastest "
        f"active region measured by first use for account {ACCOUNT}, 60 s ago "
        f"({path}): 'eu-north-1' has no FIPS STS endpoint, and "
        "use_fips_endpoint asks for FIPS; expected a region of partition aws "
        "with a FIPS STS"
    )
