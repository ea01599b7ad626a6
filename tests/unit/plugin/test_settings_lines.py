"""The settings' exact one-line errors, and what ``read_sts_settings`` reads
from where: value, source, failover list and timeout (tests of
validation's rules themselves: test_settings.py)."""

from __future__ import annotations

from pathlib import Path

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.plugin.settings import (
    DEFAULT_FAILOVER_TIMEOUT,
    InvalidStsRegionError,
    InvalidStsTimeoutError,
    StsSettings,
    check_fips_endpoints,
    read_sts_settings,
    validate_sts_fallback,
    validate_sts_region,
    validate_sts_timeout,
)

PARTITIONS = default_partitions()
S = "sts_fallback in profile 'p'"


def regions(name: str) -> str:
    partition = PARTITIONS.by_name(name)
    assert partition is not None
    return ", ".join(partition.sts_regions)


def fips_regions(name: str) -> str:
    partition = PARTITIONS.by_name(name)
    assert partition is not None
    return ", ".join(sorted(partition.sts_fips_regions))


def region_error(value: object, configured: str | None = None) -> str:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate_sts_region(
            value, source=S, configured_region=configured, partitions=PARTITIONS
        )
    return str(caught.value)


def fallback_error(value: object, region: str | None = None) -> str:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate_sts_fallback(value, source=S, region=region, partitions=PARTITIONS)
    return str(caught.value)


def fips_error(settings: StsSettings) -> str:
    with pytest.raises(InvalidStsRegionError) as caught:
        check_fips_endpoints(settings, PARTITIONS, setting="use_fips_endpoint")
    return str(caught.value)


AWS_EXPECTED = (
    "expected a region name such as ap-northeast-1; STS regions in partition aws: "
    f"{regions('aws')}"
)
CN_EXPECTED = (
    "expected a region name such as cn-north-1; STS regions in partition aws-cn: "
    f"{regions('aws-cn')}"
)


def test_an_unknown_region() -> None:
    assert region_error("tokyo") == (
        f"Invalid STS region in {S}: 'tokyo' is not a region name; {AWS_EXPECTED}"
    )


def test_a_region_newer_than_botocore() -> None:
    assert region_error("ap-northeast-11") == (
        f"Invalid STS region in {S}: 'ap-northeast-11' is not a region that this "
        "botocore lists for partition aws; did you mean ap-northeast-1?; if it is "
        "a region newer than the installed botocore, upgrade the AWS CLI or "
        f"botocore; {AWS_EXPECTED}"
    )


def test_the_example_and_list_are_of_the_configured_partition() -> None:
    assert region_error("beijing", "cn-north-1") == (
        f"Invalid STS region in {S}: 'beijing' is not a region name; {CN_EXPECTED}"
    )


def test_suggestions_come_from_the_configured_partition_only() -> None:
    """A suggestion from another partition would be refused next."""
    assert "did you mean" not in region_error("cn-nrth-1", "eu-west-1")
    assert "did you mean cn-north-1?" in region_error("cn-nrth-1")


def test_a_region_of_another_partition_than_the_configured_one() -> None:
    assert region_error("eu-west-1", "cn-north-1") == (
        f"Invalid STS region in {S}: 'eu-west-1' is in partition aws, but the "
        "configured region 'cn-north-1' is in partition aws-cn; expected a region "
        f"of partition aws-cn: {regions('aws-cn')}"
    )


def test_an_empty_fallback_list() -> None:
    expected = "expected region names and/or global, separated by commas or spaces"
    assert (
        fallback_error(" , ")
        == f"Invalid STS region in {S}: ' , ' is empty; {expected}"
    )
    assert fallback_error(5) == f"Invalid STS region in {S}: '5' is empty; {expected}"


def test_a_bad_fallback_entry_names_global_where_it_exists() -> None:
    assert fallback_error("eu-west-1 tokyo") == (
        f"Invalid STS region in {S}: 'tokyo' is not a region name; {AWS_EXPECTED}"
        ", or global for the global endpoint"
    )
    assert fallback_error("beijing", "cn-north-1") == (
        f"Invalid STS region in {S}: 'beijing' is not a region name; {CN_EXPECTED}"
    )


def test_global_where_there_is_no_global_endpoint() -> None:
    assert fallback_error("cn-northwest-1 global", "cn-north-1") == (
        f"Invalid STS region in {S}: 'global' names no endpoint: partition aws-cn "
        f"has no global STS endpoint; {CN_EXPECTED}"
    )


def test_an_unusable_timeout() -> None:
    with pytest.raises(InvalidStsTimeoutError) as caught:
        validate_sts_timeout("soon", source="sts_timeout in profile 'p'")
    assert str(caught.value) == (
        "Invalid STS timeout in sts_timeout in profile 'p': 'soon' is not a usable "
        "number of seconds; expected a number from 0.1 to 300, such as 5"
    )


def test_fips_and_the_global_entry() -> None:
    gov = StsSettings("us-gov-west-1", "sts_region in profile 'p'", ("global",), S)
    assert fips_error(gov) == (
        f"Invalid STS region in {S}: 'global' names the global endpoint, which has "
        "no FIPS variant, and use_fips_endpoint asks for FIPS; expected a region "
        "of partition aws-us-gov with a FIPS STS endpoint: "
        f"{fips_regions('aws-us-gov')}"
    )


def test_fips_in_a_partition_without_fips_endpoints() -> None:
    assert fips_error(StsSettings("cn-north-1", "sts_region in profile 'p'")) == (
        "Invalid STS region in sts_region in profile 'p': 'cn-north-1' has no FIPS "
        "STS endpoint, and use_fips_endpoint asks for FIPS; expected FIPS turned "
        "off: partition aws-cn has no FIPS STS endpoint"
    )


def test_fips_for_a_name_of_no_partition_lists_every_fips_region() -> None:
    every = sorted(name for p in PARTITIONS.partitions for name in p.sts_fips_regions)
    assert fips_error(StsSettings("mars-1", "s")) == (
        "Invalid STS region in s: 'mars-1' has no FIPS STS endpoint, and "
        "use_fips_endpoint asks for FIPS; expected a region with a FIPS STS "
        f"endpoint: {', '.join(every)}"
    )


def test_with_region_keeps_the_rest() -> None:
    settings = StsSettings("auto", "sts_region in profile 'p'", ("global",), S, 4.0)
    assert settings.with_region("eu-north-1", "chosen") == StsSettings(
        "eu-north-1", "chosen", ("global",), S, 4.0
    )


# -- reading a session --------------------------------------------------------------


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
        "AWS_STS_TIMEOUT",
        "AWS_USE_FIPS_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    path.write_text(
        "[default]\nsts_region = eu-west-1\n"
        "[profile p]\nsts_region = us-east-1\nsts_fallback = us-west-2 global\n"
        "sts_timeout = 2.5\n"
        "[profile fallback-only]\nsts_fallback = eu-west-1\n"
        "[profile auto]\nsts_region = auto\n"
        "[profile auto-fips]\nsts_region = auto\nsts_fallback = us-east-1\n"
        "use_fips_endpoint = true\n"
        "[profile china]\nsts_region = cn-north-1\nsts_fallback = global\n"
        "[profile china-region]\nregion = cn-north-1\nsts_fallback = global\n"
        "[profile bad-timeout]\nsts_region = us-east-1\nsts_timeout = soon\n"
        "[profile bad-fallback]\nsts_region = us-east-1\nsts_fallback = tokyo\n"
        "[profile fips]\nsts_region = eu-west-1\nuse_fips_endpoint = true\n"
        "[profile fips-fallback]\nsts_region = us-east-1\nsts_fallback = eu-west-1\n"
    )
    return path


def read(profile: str | None = None) -> StsSettings:
    return read_sts_settings(botocore.session.Session(profile=profile))


def test_what_is_read_and_from_where(config: Path) -> None:
    assert read("p") == StsSettings(
        "us-east-1",
        "sts_region in profile 'p'",
        ("us-west-2", "global"),
        "sts_fallback in profile 'p'",
        2.5,
    )
    assert read() == StsSettings("eu-west-1", "sts_region in profile 'default'")
    assert read("nowhere") == StsSettings(None, "no profile")


def test_a_profile_without_the_key_says_which_profile(config: Path) -> None:
    config.write_text("[default]\nregion = eu-west-1\n")
    assert read() == StsSettings(None, "no sts_region in profile 'default'")


def test_the_environment_names_itself_as_the_source(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_STS_FALLBACK", "eu-west-1")
    monkeypatch.setenv("AWS_STS_TIMEOUT", "7")
    settings = read("p")
    assert settings.fallback == ("eu-west-1",)
    assert settings.fallback_source == "environment variable AWS_STS_FALLBACK"
    assert settings.timeout == 7.0


def test_failover_and_auto_get_the_default_timeout(config: Path) -> None:
    assert read("fallback-only").timeout == DEFAULT_FAILOVER_TIMEOUT
    assert read("auto").timeout == DEFAULT_FAILOVER_TIMEOUT
    assert read().timeout is None


@pytest.mark.parametrize(
    ("profile", "line"),
    [
        (
            "bad-timeout",
            "Invalid STS timeout in sts_timeout in profile 'bad-timeout': 'soon' is "
            "not a usable number of seconds; expected a number from 0.1 to 300, "
            "such as 5",
        ),
        (
            "bad-fallback",
            f"Invalid STS region in sts_fallback in profile 'bad-fallback': 'tokyo' "
            f"is not a region name; {AWS_EXPECTED}, or global for the global endpoint",
        ),
        # The list is checked in the partition of sts_region, else the
        # profile's region.
        (
            "china",
            "Invalid STS region in sts_fallback in profile 'china': 'global' names "
            f"no endpoint: partition aws-cn has no global STS endpoint; {CN_EXPECTED}",
        ),
        (
            "china-region",
            "Invalid STS region in sts_fallback in profile 'china-region': 'global' "
            "names no endpoint: partition aws-cn has no global STS endpoint; "
            f"{CN_EXPECTED}",
        ),
        (
            "fips",
            "Invalid STS region in sts_region in profile 'fips': 'eu-west-1' has no "
            "FIPS STS endpoint, and use_fips_endpoint asks for FIPS; expected a "
            "region of partition aws with a FIPS STS endpoint: "
            f"{fips_regions('aws')}",
        ),
    ],
)
def test_bad_settings_are_one_line_naming_the_setting(
    config: Path, profile: str, line: str
) -> None:
    with pytest.raises((InvalidStsRegionError, InvalidStsTimeoutError)) as caught:
        read(profile)
    assert str(caught.value) == line


@pytest.mark.parametrize("value", ["true", "TRUE", "True"])
def test_fips_from_the_environment_in_any_case(
    config: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", value)
    with pytest.raises(InvalidStsRegionError) as caught:
        read("fips-fallback")
    assert str(caught.value).startswith(
        "Invalid STS region in sts_fallback in profile 'fips-fallback': "
        "'eu-west-1' has no FIPS STS endpoint"
    )


def test_fips_off_is_no_fips(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "false")
    assert read("fips-fallback").fallback == ("eu-west-1",)


def test_a_botocore_without_the_fips_setting_checks_no_fips(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = botocore.session.Session(profile="fips")
    real = session.get_config_variable

    def without_fips(name: str) -> object:
        if name == "use_fips_endpoint":
            raise KeyError(name)
        return real(name)

    monkeypatch.setattr(session, "get_config_variable", without_fips)
    assert read_sts_settings(session).region == "eu-west-1"


def test_auto_is_checked_for_fips_once_chosen_not_before(config: Path) -> None:
    settings = read("auto-fips")
    assert (settings.region, settings.fallback) == ("auto", ("us-east-1",))
