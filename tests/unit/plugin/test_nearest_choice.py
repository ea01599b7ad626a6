"""``sts_region = auto`` choosing its region: from saved measurements, or
by a first-use measurement of real botocore clients whose requests are
answered in ``before-send`` (tests/unit/sts_answers.py), never sent."""

from __future__ import annotations

import json
import logging
import stat
import time
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest

import awscli_regional_sts
from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.plugin import auto_measurements, nearest
from awscli_regional_sts.plugin.nearest import (
    FIRST_USE_TIMEOUT,
    AutoLookup,
    Choice,
    auto_lookup,
    candidate_regions,
    choose_nearest_region,
    measure_first_use,
    role_account,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import StsSettings
from tests.unit.sts_answers import ACCOUNT, FakeSts, Sent

ROLE_ACCOUNT = "444455556666"
SETTINGS = StsSettings("auto", "sts_region in profile 'p'")
LABEL = "sts_region in profile 'p' (auto)"
AWS = default_partitions().by_name("aws")
assert AWS is not None
#: The regions every account of the aws partition has (first-use candidates).
DEFAULT_REGIONS = AWS.enabled_by_default()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
    ):
        monkeypatch.delenv(name, raising=False)
    keys = "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"
    path.write_text(
        f"[profile p]\nsts_region = auto\n{keys}"
        f"[profile role]\nsts_region = auto\nsource_profile = p\n"
        f"role_arn = arn:aws:iam::{ROLE_ACCOUNT}:role/r\n"
        f"[profile cn]\nregion = cn-north-1\nsts_region = auto\n{keys}"
        f"[profile optin]\nregion = af-south-1\nsts_region = auto\n{keys}"
    )
    return path


def equipped(profile: str, answers: dict[str, str]) -> tuple[Any, FakeSts]:
    session = botocore.session.Session(profile=profile)
    sts = FakeSts(answers)
    sts.answer_for(session)
    return session, sts


def choose(session: Any, settings: StsSettings = SETTINGS) -> Choice:
    return choose_nearest_region(session, settings, session.create_client)


def directory() -> Path:
    return auto_measurements.cache_directory()


def saved(
    account: str,
    regions: tuple[auto_measurements.RegionMeasurement, ...],
    profiles: tuple[str, ...] = (),
    measured_at: float | None = None,
) -> Path:
    return auto_measurements.save(
        directory(),
        auto_measurements.Measurements(
            "aws",
            account,
            time.time() if measured_at is None else measured_at,
            MeasurementMethod.ACTIVATION_CHECK,
            regions,
            profiles,
        ),
    )


CHECKED = (
    auto_measurements.RegionMeasurement("eu-west-2", RegionStatus.INACTIVE, True, 1.0),
    auto_measurements.RegionMeasurement("ap-south-1", RegionStatus.ACTIVE, True, 9.0),
    auto_measurements.RegionMeasurement("ca-central-1", RegionStatus.ACTIVE, True, 5.0),
)


def debug_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


# -- saved measurements ----------------------------------------------------------


def test_a_role_profile_uses_its_roles_fresh_measurements_without_a_request(
    config: Path,
) -> None:
    saved(ROLE_ACCOUNT, CHECKED)
    session, sts = equipped("role", {})
    assert choose(session) == Choice(
        "ca-central-1",
        f"{LABEL}: fastest active region measured by activation-check for "
        f"account {ROLE_ACCOUNT}",
    )
    assert sts.sent == []


def test_another_profile_finds_the_file_that_lists_it(config: Path) -> None:
    saved(ACCOUNT, CHECKED, profiles=("p",))
    saved("999999999999", CHECKED[:1], profiles=("other",))
    session, sts = equipped("p", {})
    assert choose(session).region == "ca-central-1"
    assert sts.sent == []


def test_the_newest_file_that_lists_the_profile_wins(config: Path) -> None:
    saved(ACCOUNT, CHECKED, profiles=("p",), measured_at=time.time() - 60)
    fast = (
        auto_measurements.RegionMeasurement(
            "eu-north-1", RegionStatus.ACTIVE, True, 7.0
        ),
    )
    saved("999999999999", fast, profiles=("p",))
    session, _ = equipped("p", {})
    assert choose(session) == Choice(
        "eu-north-1",
        f"{LABEL}: fastest active region measured by activation-check for "
        "account 999999999999",
    )


def test_a_stale_or_useless_file_is_measured_again(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    saved(ROLE_ACCOUNT, CHECKED[:1])  # only an inactive region
    session, sts = equipped("role", {"eu-north-1": "AccessDenied"})
    assert choose(session).region == "eu-north-1"
    assert (
        "sts_region = auto: the saved measurements name no usable region"
        in debug_lines(caplog)
    )
    stale = time.time() - auto_measurements.TTL_SECONDS - 1
    saved(ROLE_ACCOUNT, CHECKED, measured_at=stale)
    session, sts = equipped("role", {"eu-west-1": "AccessDenied"})
    assert choose(session).region == "eu-west-1"
    assert len(sts.sent) == len(DEFAULT_REGIONS)


def test_why_saved_measurements_were_not_used_goes_to_debug(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    directory().mkdir(parents=True)
    (directory() / f"aws-{ROLE_ACCOUNT}.json").write_text("{")
    session, _ = equipped("role", {})
    assert choose(session) == Choice(None, f"{LABEL}: nothing measured")
    role_lines = debug_lines(caplog)
    assert role_lines[0] == (
        "sts_region = auto: ignoring unusable cache file: "
        f"{directory()}/aws-{ROLE_ACCOUNT}.json is not usable JSON: Expecting "
        "property name enclosed in double quotes: line 1 column 2 (char 1)"
    )
    caplog.clear()
    (directory() / f"aws-{ROLE_ACCOUNT}.json").unlink()
    (directory() / f"aws-{ACCOUNT}.json").write_text("[]")
    session, _ = equipped("p", {})
    assert choose(session) == Choice(None, f"{LABEL}: nothing measured")
    assert debug_lines(caplog)[:2] == [
        f"sts_region = auto: ignoring unusable cache file {directory()}/"
        f"aws-{ACCOUNT}.json: the file is not an object",
        "sts_region = auto: no saved measurements list profile 'p'",
    ]


# -- a first-use measurement ---------------------------------------------------


def test_first_use_probes_each_default_region_unsigned_and_saves_the_account(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    session, sts = equipped("p", {"eu-north-1": "ok", "ca-central-1": "hang"})
    choice = choose(session)
    assert choice == Choice(
        "eu-north-1", f"{LABEL}: fastest of a first-use measurement"
    )
    probes, lookup = sts.sent[:-1], sts.sent[-1]
    assert sorted(s.host for s in probes) == sorted(
        f"sts.{r}.amazonaws.com" for r in DEFAULT_REGIONS
    )
    assert {(s.scope, s.action) for s in probes} == {(None, "GetCallerIdentity")}
    assert lookup == Sent(
        "sts.eu-north-1.amazonaws.com", "eu-north-1", "GetCallerIdentity"
    )
    path = directory() / f"aws-{ACCOUNT}.json"
    data = json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (data["Partition"], data["Account"], data["Method"], data["Profiles"]) == (
        "aws",
        ACCOUNT,
        "first use",
        ["p"],
    )
    assert abs(data["MeasuredAt"] - time.time()) < 60
    statuses = {r["Region"]: (r["Status"], r["Verified"]) for r in data["Regions"]}
    assert statuses == {
        r: ("reachable" if r == "eu-north-1" else "unreachable", False)
        for r in DEFAULT_REGIONS
    }
    latency = {r["Region"]: r["LatencyMs"] for r in data["Regions"]}
    assert isinstance(latency.pop("eu-north-1"), float)
    assert set(latency.values()) == {None}
    lines = debug_lines(caplog)
    assert f"sts_region = auto: measurements saved to {path}" in lines
    measured = [
        line for line in lines if line.startswith("sts_region = auto: measured")
    ]
    assert measured and measured[0].startswith(
        f"sts_region = auto: measured {len(DEFAULT_REGIONS)} regions in "
    )
    assert "(latency only: activation not verified): " in measured[0]
    listed = measured[0].split("activation not verified): ")[1].split(", ")
    assert len(listed) == len(DEFAULT_REGIONS) and "ca-central-1=None" in listed
    seconds = float(measured[0].split(" regions in ")[1].split(" s ")[0])
    assert 0 <= seconds < 60  # the measurement's own duration (a backstop)
    # The next command finds the file by the profile's name: no request.
    session, sts = equipped("p", {})
    assert choose(session).region == "eu-north-1"
    assert sts.sent == []


def test_a_role_profile_needs_no_account_lookup(config: Path) -> None:
    session, sts = equipped("role", {"sa-east-1": "AccessDenied"})
    assert choose(session).region == "sa-east-1"
    assert all(s.scope is None for s in sts.sent)
    data = json.loads((directory() / f"aws-{ROLE_ACCOUNT}.json").read_text())
    assert data["Profiles"] == ["role"]


def test_nothing_answering_leaves_the_endpoint_to_botocore(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    session, sts = equipped("p", {})
    assert choose(session) == Choice(None, f"{LABEL}: nothing measured")
    assert len(sts.sent) == len(DEFAULT_REGIONS)
    assert (
        "sts_region = auto: no candidate region answered within 3 s; leaving the "
        "endpoint to botocore" in debug_lines(caplog)
    )
    assert not directory().exists()


def test_an_unknown_account_is_not_saved(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    # The probe is answered; the signed lookup is refused.
    session, sts = equipped("p", {"eu-west-3": "InvalidClientTokenId"})
    assert choose(session).region == "eu-west-3"
    assert sts.sent[-1].scope == "eu-west-3"
    assert not directory().exists()
    (line,) = [x for x in debug_lines(caplog) if "account not known" in x]
    assert line.startswith("sts_region = auto: account not known (An error occurred")
    assert line.endswith("); not saved")


def test_a_cache_that_cannot_be_written_changes_no_choice(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    directory().parent.mkdir(parents=True)
    directory().write_text("a file where the folder should be")
    session, _ = equipped("role", {"us-west-1": "AccessDenied"})
    assert choose(session).region == "us-west-1"
    (line,) = [x for x in debug_lines(caplog) if "measurements not saved" in x]
    assert line == (
        "sts_region = auto: measurements not saved: "
        f"cannot open {directory()}: Not a directory"
    )


def test_the_profiles_own_opt_in_region_is_a_candidate(config: Path) -> None:
    session, sts = equipped("optin", {"af-south-1": "AccessDenied"})
    assert choose(session).region == "af-south-1"
    assert "sts.af-south-1.amazonaws.com" in sts.hosts
    assert len(sts.sent) == len(DEFAULT_REGIONS) + 2  # + the account lookup


def test_a_profile_in_another_partition_measures_that_partition(config: Path) -> None:
    session, sts = equipped("cn", {"cn-north-1": "AccessDenied"})
    assert choose(session).region == "cn-north-1"
    probes = {s.host for s in sts.sent if s.scope is None}
    assert probes == {
        "sts.cn-north-1.amazonaws.com.cn",
        "sts.cn-northwest-1.amazonaws.com.cn",
    }


def test_probe_clients_have_one_attempt_and_the_first_use_timeout(config: Path) -> None:
    made: list[Any] = []
    session, _ = equipped("p", {})

    def create_client(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs["config"])
        return session.create_client(*args, **kwargs)

    measured = measure_first_use(create_client, AWS, None)
    assert (measured.partition, measured.account, measured.method) == (
        "aws",
        "",
        MeasurementMethod.FIRST_USE,
    )
    assert abs(measured.measured_at - time.time()) < 60
    assert len(made) == len(DEFAULT_REGIONS)
    for config_made in made:
        assert config_made.connect_timeout == FIRST_USE_TIMEOUT
        assert config_made.read_timeout == FIRST_USE_TIMEOUT
        assert config_made.retries["total_max_attempts"] == 1
        assert config_made.signature_version is botocore.UNSIGNED


# -- which account and partition -----------------------------------------------


def test_auto_lookup(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    partitions = default_partitions()
    assert auto_lookup(botocore.session.Session(profile="role"), partitions) == (
        AutoLookup("role", AWS, None, ROLE_ACCOUNT)
    )
    cn = auto_lookup(botocore.session.Session(profile="cn"), partitions)
    assert (cn.profile, cn.partition.name, cn.configured, cn.account) == (
        "cn",
        "aws-cn",
        "cn-north-1",
        None,
    )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    default = auto_lookup(botocore.session.Session(), partitions)
    assert default == AutoLookup("default", AWS, "eu-west-1", None)
    missing = auto_lookup(botocore.session.Session(profile="nowhere"), partitions)
    assert missing == AutoLookup("nowhere", AWS, "eu-west-1", None)


# -- through the plugin ---------------------------------------------------------


def test_a_sessions_calls_go_to_the_region_auto_chose(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    session, sts = equipped("p", {"ap-southeast-2": "ok"})
    awscli_regional_sts.register(session)
    client = session.create_client("sts")
    assert client.get_caller_identity()["Account"] == ACCOUNT
    assert client.get_caller_identity()["Account"] == ACCOUNT
    # The probes went to every region (not routed by the plugin), then the
    # account lookup and the two calls to the chosen region, signed for it.
    chosen = Sent(
        "sts.ap-southeast-2.amazonaws.com", "ap-southeast-2", "GetCallerIdentity"
    )
    assert sts.sent[-3:] == [chosen, chosen, chosen]
    assert len(sts.sent) == len(DEFAULT_REGIONS) + 3
    routed = [line for line in debug_lines(caplog) if line.startswith("Routing")]
    assert routed[0].endswith(
        ", signed for ap-southeast-2: sts_region in profile 'p' (auto): fastest "
        "of a first-use measurement is 'ap-southeast-2'"
    )


def test_the_profiles_region_is_measured_once(config: Path) -> None:
    assert candidate_regions(AWS, "eu-west-1") == DEFAULT_REGIONS
    assert candidate_regions(AWS, "mars-east-1") == DEFAULT_REGIONS
    assert candidate_regions(AWS, "af-south-1") == [*DEFAULT_REGIONS, "af-south-1"]


def test_a_profile_without_a_role_arn_has_no_role_account() -> None:
    assert role_account(None, "aws") is None
    assert role_account({"role_arn": 5}, "aws") is None


def test_latencies_are_milliseconds_to_a_tenth(config: Path) -> None:
    session, sts = equipped("role", {"eu-west-1": "ok", "eu-west-2": "ok"})
    # A gap no load can close: with 60 ms, the other region's in-process
    # answer once took longer on 2 cores shared with the end-to-end tests.
    sts.delays["eu-west-1"] = 0.3
    assert choose(session).region == "eu-west-2"
    data = json.loads((directory() / f"aws-{ROLE_ACCOUNT}.json").read_text())
    latency = {r["Region"]: r["LatencyMs"] for r in data["Regions"]}
    assert latency["eu-west-1"] >= 300 > latency["eu-west-2"]
    assert all(value == round(value, 1) for value in latency.values() if value)


def test_a_probe_still_running_at_the_budget_is_unreachable(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nearest, "FIRST_USE_BUDGET", 0.3)
    session, sts = equipped("role", {"eu-west-1": "ok", "eu-west-2": "ok"})
    sts.delays["eu-west-1"] = 3.0  # its thread is abandoned, not waited for
    assert choose(session).region == "eu-west-2"
    data = json.loads((directory() / f"aws-{ROLE_ACCOUNT}.json").read_text())
    statuses = {r["Region"]: r["Status"] for r in data["Regions"]}
    assert statuses["eu-west-1"] == "unreachable"
    assert statuses["eu-west-2"] == "reachable"


def test_the_account_lookup_is_one_attempt(config: Path) -> None:
    session, sts = equipped("p", {"eu-west-1": "unsigned-only"})
    assert choose(session).region == "eu-west-1"
    signed = [s for s in sts.sent if s.scope is not None]
    assert signed == [
        Sent("sts.eu-west-1.amazonaws.com", "eu-west-1", "GetCallerIdentity")
    ]
    assert not directory().exists()


def test_the_account_lookup_has_the_first_use_timeout(config: Path) -> None:
    session, _ = equipped("p", {"eu-west-1": "ok"})
    made: list[Any] = []

    def create_client(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs["config"])
        return session.create_client(*args, **kwargs)

    choose_nearest_region(session, SETTINGS, create_client)
    lookup = made[-1]  # the one signed client, after the probes
    assert lookup.signature_version is None
    assert (lookup.connect_timeout, lookup.read_timeout) == (2.0, 2.0)
    assert lookup.retries["total_max_attempts"] == 1
