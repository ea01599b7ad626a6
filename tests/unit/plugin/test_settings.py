"""Unit tests: reading and validating `sts_region`, and the partition data.

That importing the package loads nothing else is checked in a fresh
process: tests/e2e/test_startup.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import BotoCoreError

from awscli_regional_sts.aws.partitions import Partitions, default_partitions
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.plugin import settings as settings_module
from awscli_regional_sts.plugin.registration import (
    SessionSettings as SessionStsSettings,
)
from awscli_regional_sts.plugin.settings import (
    ENV_VAR,
    InvalidStsRegionError,
    InvalidStsTimeoutError,
    StsSettings,
    check_fips_endpoints,
    read_sts_settings,
    validate_sts_fallback,
    validate_sts_region,
    validate_sts_timeout,
)

SOURCE = "sts_region in profile 'tokyo'"


def validate(value: object, configured_region: str | None = None) -> str:
    return validate_sts_region(
        value,
        source=SOURCE,
        configured_region=configured_region,
        partitions=default_partitions(),
    )


# -- partition data ------------------------------------------------------------


def test_partitions_know_sts_regions_without_pseudo_regions() -> None:
    aws = default_partitions().by_name("aws")
    assert aws is not None
    assert "ap-northeast-1" in aws.sts_regions
    assert "aws-global" not in aws.sts_regions
    assert not [r for r in aws.sts_regions if "fips" in r]
    assert aws.sts_fips_regions == {"us-east-1", "us-east-2", "us-west-1", "us-west-2"}


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("ap-northeast-1", "aws"),
        ("ap-northeast-9", "aws"),  # not yet in the data: by name pattern
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        # Pseudo-regions belong to the partition that lists them (#12 item 9).
        ("aws-global", "aws"),
        ("aws-cn-global", "aws-cn"),
        ("aws-us-gov-global", "aws-us-gov"),
        ("aws-iso-global", "aws-iso"),
        ("aws-iso-b-global", "aws-iso-b"),
        ("aws-iso-e-global", "aws-iso-e"),
        ("aws-iso-f-global", "aws-iso-f"),
        ("US-EAST-1", None),
        ("us-EAST-1", None),
        ("us_east-1", None),
        ("tokyo", None),
    ],
)
def test_region_partition(region: str, partition: str | None) -> None:
    found = default_partitions().region_partition(region)
    assert (found.name if found else None) == partition


def test_us_gov_fips_comes_from_service_defaults() -> None:
    gov = default_partitions().by_name("aws-us-gov")
    assert gov is not None
    assert {"us-gov-east-1", "us-gov-west-1"} <= gov.sts_fips_regions


def test_partitions_from_synthetic_data() -> None:
    data: dict[str, Any] = {
        "partitions": [
            {
                "partition": "p1",
                "regionRegex": r"^xx\-\w+\-\d+$",
                "regions": {"xx-east-1": {}},
                "services": {
                    "sts": {
                        "endpoints": {
                            "xx-east-1": {
                                "variants": [{"hostname": "h", "tags": ["fips"]}]
                            },
                            "xx-west-1": {
                                "variants": [{"hostname": "h", "tags": ["dualstack"]}]
                            },
                            "p1-global": {},
                            "xx-east-1-fips": {},
                        }
                    }
                },
            }
        ]
    }
    partitions = Partitions.from_endpoint_data(data)
    p1 = partitions.by_name("p1")
    assert p1 is not None
    assert p1.sts_regions == ("xx-east-1", "xx-west-1")
    assert p1.sts_fips_regions == {"xx-east-1"}
    assert partitions.region_partition("xx-south-3") is p1
    assert partitions.example_region == "xx-east-1"


# -- validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ap-northeast-1", "us-east-1", "cn-north-1", "us-gov-west-1"]
)
def test_valid_regions_pass(value: str) -> None:
    assert validate(value) == value


def test_region_of_configured_partition_passes() -> None:
    assert validate("cn-northwest-1", configured_region="cn-north-1")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("tokyo", "is not a region name"),
        ("us-east-1/../x", "is not a region name"),
        ("US-EAST-1", "is not a region name"),
        ("aws-global", "is partition aws's pseudo-region, not a region"),
        ("us-east-1-fips", "is not a region name"),
        ("", "is empty"),
        ("   ", "contains white space"),
        (" ap-northeast-1", "contains white space"),
        ("ap-northeast-1\n", "contains white space"),
        ("ap northeast 1", "contains white space"),
        ({"x": "y"}, "is not a single value"),
    ],
)
def test_bad_values_give_one_line(value: object, problem: str) -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate(value)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        f"Invalid STS region in {SOURCE}: {quote(value)} {problem}"
    )
    assert "expected a region name such as ap-northeast-1" in message
    assert "STS regions in partition aws: " in message
    assert isinstance(caught.value, BotoCoreError)


def test_region_of_another_partition_is_refused() -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate("cn-north-1", configured_region="us-east-1")
    message = str(caught.value)
    assert "'cn-north-1' is in partition aws-cn" in message
    assert "the configured region 'us-east-1' is in partition aws" in message
    assert "expected a region of partition aws: af-south-1" in message


def test_message_lists_the_configured_partition() -> None:
    with pytest.raises(InvalidStsRegionError, match="partition aws-cn: cn-north-1"):
        validate("beijing", configured_region="cn-north-1")


def test_unknown_configured_region_is_no_obstacle() -> None:
    assert validate("ap-northeast-1", configured_region="local") == "ap-northeast-1"


def test_fips_check() -> None:
    partitions = default_partitions()
    check_fips_endpoints(StsSettings("us-west-2", SOURCE), partitions, setting="x")
    check_fips_endpoints(StsSettings("us-gov-west-1", SOURCE), partitions, setting="x")
    check_fips_endpoints(StsSettings(None, "unset"), partitions, setting="x")
    with pytest.raises(InvalidStsRegionError) as caught:
        check_fips_endpoints(
            StsSettings("ap-northeast-1", SOURCE),
            partitions,
            setting="use_fips_endpoint",
        )
    assert str(caught.value) == (
        f"Invalid STS region in {SOURCE}: 'ap-northeast-1' has no FIPS STS "
        "endpoint, and use_fips_endpoint asks for FIPS; expected a region of "
        "partition aws with a FIPS STS endpoint: us-east-1, us-east-2, "
        "us-west-1, us-west-2"
    )


# -- #12: names botocore lists, short quotes, FIPS for every entry, numbers ------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        # Fit the aws pattern, but botocore does not list them.
        ("ap-northeast-11", "did you mean ap-northeast-1?"),
        ("eu-we0t-1", "did you mean eu-west-1?"),
        ("us-foo-1", "upgrade the AWS CLI or botocore"),
        ("ap-northeast-11", "upgrade the AWS CLI or botocore"),
        ("eu-wset-1", "did you mean eu-west-1?"),
        # Fits no partition's pattern: a typo, no upgrade advice.
        ("euwest1", "is not a region name; did you mean eu-west-1?"),
    ],
)
def test_region_names_must_be_listed_by_botocore(value: str, fragment: str) -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate(value)
    message = str(caught.value)
    assert fragment in message and "\n" not in message


def test_a_typo_gets_no_upgrade_advice() -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate("euwest1")
    assert "upgrade" not in str(caught.value)


def test_a_long_name_fails_before_any_host_name_is_built() -> None:
    name = "us-" + "a" * 70 + "-1"  # fits the pattern; idna would choke on it
    with pytest.raises(InvalidStsRegionError) as caught:
        validate(name)
    message = str(caught.value)
    assert f"({len(name)} characters)" in message and name not in message


def test_pseudo_region_as_configured_region_sets_the_partition() -> None:
    """region = aws-cn-global with sts_region = eu-west-1 is refused as
    region = cn-north-1 is (#12 item 9)."""
    for configured in ("aws-cn-global", "cn-north-1"):
        with pytest.raises(InvalidStsRegionError) as caught:
            validate("eu-west-1", configured_region=configured)
        assert "is in partition aws, but the configured region" in str(caught.value)
    assert validate("cn-north-1", configured_region="aws-cn-global") == "cn-north-1"
    assert validate("eu-west-1", configured_region="aws-global") == "eu-west-1"


def test_error_lines_quote_a_short_escaped_prefix() -> None:
    huge = "eu-west-1," * 10_000
    with pytest.raises(InvalidStsRegionError) as caught:
        validate(huge)
    message = str(caught.value)
    assert len(message) < 2_000 and "(100000 characters)" in message
    with pytest.raises(InvalidStsRegionError) as caught:
        validate("eu-\x1b[31m-1")
    assert "\x1b" not in str(caught.value) and "\\x1b" in str(caught.value)


def test_quote() -> None:
    assert quote("eu-west-1") == "'eu-west-1'"
    assert quote("a" * 50) == "'" + "a" * 40 + "...' (50 characters)"
    assert quote("x\ny\x00\u00b2'") == "'x\\ny\\x00\\xb2\\''"
    assert quote(None) == "'None'"


def fallback(value: object, region: str | None = "us-west-2") -> tuple[str, ...]:
    return validate_sts_fallback(
        value,
        source="sts_fallback in profile 'p'",
        region=region,
        partitions=default_partitions(),
    )


def test_fallback_entries_are_checked_as_sts_region() -> None:
    assert fallback("eu-west-1, global eu-west-1") == ("eu-west-1", "global")
    with pytest.raises(InvalidStsRegionError, match="did you mean eu-west-1"):
        fallback("ap-northeast-1 eu-wset-1")
    with pytest.raises(InvalidStsRegionError, match="is in partition aws-cn"):
        fallback("cn-north-1")
    with pytest.raises(InvalidStsRegionError, match="pseudo-region"):
        fallback("aws-global")
    with pytest.raises(InvalidStsRegionError, match="no global STS endpoint"):
        fallback("global", region="cn-north-1")


@pytest.mark.parametrize("value", [",", " , ,", "", "  "])
def test_fallback_with_no_entry_is_empty(value: str) -> None:
    with pytest.raises(InvalidStsRegionError, match="is empty"):
        fallback(value)


def test_fips_is_checked_for_every_fallback_entry() -> None:
    partitions = default_partitions()
    fine = StsSettings("us-west-2", SOURCE, ("us-east-1",), "sts_fallback in p")
    check_fips_endpoints(fine, partitions, setting="use_fips_endpoint")
    for entries, problem in (
        (("us-east-1", "eu-west-1"), "'eu-west-1' has no FIPS STS endpoint"),
        (("global",), "'global' names the global endpoint, which has no FIPS"),
    ):
        settings = StsSettings("us-west-2", SOURCE, entries, "sts_fallback in p")
        with pytest.raises(InvalidStsRegionError) as caught:
            check_fips_endpoints(settings, partitions, setting="use_fips_endpoint")
        message = str(caught.value)
        assert message.startswith("Invalid STS region in sts_fallback in p: ")
        assert problem in message and "us-east-1, us-east-2" in message


@pytest.mark.parametrize(
    "value",
    [
        "1e-300",
        "0.05",
        "0",
        "²",
        "¹⁰",
        "١٠",
        "1_0",
        "inf",
        "nan",
        "-5",
        "301",
        "5" * 5000,
        "0x10",
        "",
    ],
)
def test_unusable_timeouts_are_refused(value: str) -> None:
    with pytest.raises(InvalidStsTimeoutError) as caught:
        validate_sts_timeout(value, source="sts_timeout in profile 'p'")
    message = str(caught.value)
    assert "from 0.1 to 300" in message and len(message) < 300


@pytest.mark.parametrize(
    ("value", "seconds"), [("0.1", 0.1), ("5", 5.0), (" 300 ", 300.0)]
)
def test_usable_timeouts(value: str, seconds: float) -> None:
    assert validate_sts_timeout(value, source="x") == seconds


# -- reading from a session ----------------------------------------------------


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (ENV_VAR, "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    path.write_text(
        "[default]\n"
        "[profile tokyo]\nsts_region = ap-northeast-1\n"
        "[profile china]\nregion = cn-north-1\nsts_region = ap-northeast-1\n"
        "[profile empty]\nsts_region =\n"
        "[profile fipsfall]\nsts_region = us-west-2\nuse_fips_endpoint = true\n"
        "sts_fallback = us-east-1 eu-west-1\n"
        "[profile cnglobal]\nregion = aws-cn-global\nsts_region = eu-west-1\n"
        "[profile fallonly]\nsts_fallback = eu-west-1\n"
    )
    return path


def session(profile: str | None = None) -> botocore.session.Session:
    return botocore.session.Session(profile=profile)


def test_profile_key_is_read(config: Path) -> None:
    assert read_sts_settings(session("tokyo")) == StsSettings(
        "ap-northeast-1", "sts_region in profile 'tokyo'"
    )


def test_no_key_means_no_region(config: Path) -> None:
    assert read_sts_settings(session()).region is None
    assert read_sts_settings(session("missing")).region is None


def test_environment_wins(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "eu-west-1")
    assert read_sts_settings(session("tokyo")) == StsSettings(
        "eu-west-1", "environment variable AWS_STS_REGION"
    )


def test_empty_environment_variable_counts_as_unset(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "")
    assert read_sts_settings(session("tokyo")).region == "ap-northeast-1"


def test_whitespace_environment_variable_is_refused(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, " ")
    with pytest.raises(InvalidStsRegionError, match="environment variable AWS_STS"):
        read_sts_settings(session("tokyo"))


def test_override_wins(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "eu-west-1")
    assert read_sts_settings(session("tokyo"), override="us-west-2") == StsSettings(
        "us-west-2", "register(sts_region=...)"
    )


def test_empty_profile_value_is_refused(config: Path) -> None:
    with pytest.raises(InvalidStsRegionError, match="profile 'empty': '' is empty"):
        read_sts_settings(session("empty"))


def test_partition_checked_against_profile_region(config: Path) -> None:
    with pytest.raises(InvalidStsRegionError, match="configured region 'cn-north-1'"):
        read_sts_settings(session("china"))


def test_session_settings_are_read_once(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = settings_module.read_sts_settings

    def counting(*args: Any, **kwargs: Any) -> StsSettings:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(settings_module, "read_sts_settings", counting)
    lazy = SessionStsSettings(session("tokyo"))
    assert calls == []  # nothing is read until the first STS request
    assert lazy().region == lazy().region == "ap-northeast-1"
    assert len(calls) == 1


def test_partition_data_is_read_through_the_sessions_loader(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore parses endpoints.json through the session's loader for its
    own clients and keeps it; the plugin must not parse it a second time."""
    from awscli_regional_sts.aws import partitions as partitions_module

    monkeypatch.setattr(partitions_module, "_loaded", [])
    tokyo = session("tokyo")
    loader = tokyo.get_component("data_loader")
    asked: list[str] = []
    load_data = loader.load_data
    monkeypatch.setattr(
        loader, "load_data", lambda name: asked.append(name) or load_data(name)
    )
    assert read_sts_settings(tokyo).region == "ap-northeast-1"
    # botocore's ClientCreator loads both through this loader for its own
    # clients (partitions.json for the endpoint rule sets).
    assert sorted(asked) == ["endpoints", "partitions"]
    assert default_partitions() is partitions_module._loaded[0]


def test_fips_fallback_is_refused_when_read(config: Path) -> None:
    with pytest.raises(InvalidStsRegionError, match="'eu-west-1' has no FIPS"):
        read_sts_settings(session("fipsfall"))


def test_fips_from_the_environment_applies_to_fallback(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert read_sts_settings(session("fallonly")).fallback == ("eu-west-1",)
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    with pytest.raises(InvalidStsRegionError, match="'eu-west-1' has no FIPS"):
        read_sts_settings(session("fallonly"))


def test_pseudo_region_profile_is_refused_like_its_partition(config: Path) -> None:
    with pytest.raises(
        InvalidStsRegionError, match="'aws-cn-global' is in partition aws-cn"
    ):
        read_sts_settings(session("cnglobal"))


@pytest.mark.parametrize("via", ["env", "override"])
def test_unknown_region_from_env_and_register(
    config: Path, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    override = None
    if via == "env":
        monkeypatch.setenv(ENV_VAR, "ap-northeast-11")
    else:
        override = "ap-northeast-11"
    with pytest.raises(InvalidStsRegionError, match="did you mean ap-northeast-1"):
        read_sts_settings(session("tokyo"), override=override)


def test_a_value_too_long_to_print_is_still_quoted() -> None:
    # register(sts_region=...) can be given any object; repr() of an int of
    # more digits than Python prints raises, and must not become a traceback.
    assert quote(10**5000) == "'<int too long to show>'"


def test_a_region_without_partition_counts_for_aws() -> None:
    """No region, or a name no partition lists, falls back to aws, as
    botocore does; a region of another partition names that one."""
    from awscli_regional_sts.aws.partitions import default_partitions

    partitions = default_partitions()
    assert partitions.of_region_or_aws(None).name == "aws"
    assert partitions.of_region_or_aws("no-such-place").name == "aws"
    assert partitions.of_region_or_aws("cn-north-1").name == "aws-cn"
    assert partitions.of_region_or_aws("us-gov-west-1").name == "aws-us-gov"
