"""What ``aws sts resolve-endpoint``'s report says (resolve_endpoint/
report.py, failover_view.py) of a client in another partition than its
STS settings, which the plugin leaves to botocore (a boto3 client created
with its own ``region_name``), and of a profile without a region: the
reason word for word, no failover hop that failover would not take, and
the first call's own error; also dual-stack, and ``auto`` before its
first measurement."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from awscli_regional_sts.commands.resolve_endpoint.auto_view import NOT_MEASURED
from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import InvalidStsRegionError
from tests.unit.commands.test_resolve_endpoint import aws_files

__all__ = ["aws_files"]


def report(
    config: Path,
    lines: str,
    *,
    region_name: str | None = None,
    endpoint_url: str | None = None,
) -> dict[str, Any]:
    """The report for profile ``p`` (``lines``), its STS client created
    for ``region_name`` (None: the profile's) as a boto3 caller would."""
    config.write_text("[profile p]\n" + lines)
    session = botocore.session.Session(profile="p")
    client = type(session).create_client(
        session,
        "sts",
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id="x",
        aws_secret_access_key="y",
    )
    return describe_route(session, client_builtins(client)).to_dict()


def plugin_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The plugin's ``--debug`` lines."""
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


def test_a_client_in_another_partition_than_sts_region_is_left_alone(
    aws_files: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    got = report(
        aws_files,
        "sts_region = eu-west-1\nsts_fallback = us-east-1 global\n",
        region_name="cn-north-1",
    )
    assert got["Reason"] == (
        "the plugin changes nothing here: the client's region 'cn-north-1' is "
        "in another partition than 'eu-west-1' (sts_region in profile 'p'); "
        "botocore uses https://sts.cn-north-1.amazonaws.com.cn"
    )
    assert (got["Url"], got["SigningRegion"], got["Rerouted"]) == (
        "https://sts.cn-north-1.amazonaws.com.cn",
        "cn-north-1",
        False,
    )
    assert (got["StsRegion"], got["Partition"]) == ("eu-west-1", "aws-cn")
    # Failover leaves such a client alone too: no hop to the aws partition.
    assert got["Fallback"] == [] and got["Warnings"] == []
    assert got["FallbackSource"] == "sts_fallback in profile 'p'"
    # As a real call's --debug says it (the router's line, then failover's).
    assert plugin_lines(caplog) == [
        "Not routing STS GetCallerIdentity: the client's region 'cn-north-1' "
        "is in partition aws-cn, sts_region in profile 'p' = 'eu-west-1' is in "
        "partition aws",
        "Not routing STS GetCallerIdentity: the client's region 'cn-north-1' "
        "is in partition aws-cn, sts_fallback in profile 'p' = 'us-east-1' is "
        "in partition aws",
    ]


def test_without_sts_region_a_list_of_another_partition_never_fails_over(
    aws_files: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    got = report(
        aws_files,
        "sts_fallback = global us-east-1 eu-west-1\n",
        region_name="cn-north-1",
    )
    assert got["Url"] == "https://sts.cn-north-1.amazonaws.com.cn"
    assert got["Fallback"] == []
    # The list's partition is its first region's, not the global entry's.
    assert plugin_lines(caplog) == [
        "Not routing STS GetCallerIdentity: the client's region 'cn-north-1' "
        "is in partition aws-cn, sts_fallback in profile 'p' = 'us-east-1' is "
        "in partition aws"
    ]


def test_without_sts_region_failover_starts_after_the_clients_own_region(
    aws_files: Path,
) -> None:
    # The first endpoint is botocore's, the client's own region: failover
    # goes on past it and past an entry that its partition cannot resolve
    # (aws-cn has no global endpoint).
    got = report(
        aws_files,
        "sts_fallback = cn-north-1 global cn-northwest-1\n",
        region_name="cn-north-1",
    )
    assert got["Rerouted"] is False
    assert got["Fallback"] == [
        {
            "Entry": "cn-northwest-1",
            "Url": "https://sts.cn-northwest-1.amazonaws.com.cn",
            "SigningRegion": "cn-northwest-1",
            "Scheme": "sigv4",
            "RegionSet": None,
            "Skipped": None,
        }
    ]


def test_a_configured_endpoint_wins_over_a_region_of_another_partition(
    aws_files: Path,
) -> None:
    # Without a region and an endpoint, cn-north-1 would be refused (below);
    # a configured endpoint is used as it is, so nothing is refused.
    got = report(
        aws_files,
        "sts_region = cn-north-1\n",
        endpoint_url="https://sts.example.com",
    )
    assert got["Reason"] == (
        "the plugin changes nothing here: the configured endpoint "
        "https://sts.example.com wins"
    )
    assert got["Url"] == got["ConfiguredEndpoint"] == "https://sts.example.com"


def test_without_a_region_an_sts_region_of_another_partition_is_refused(
    aws_files: Path,
) -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        report(aws_files, "sts_region = cn-north-1\n")
    assert str(caught.value) == (
        "Invalid STS region in sts_region in profile 'p': 'cn-north-1' is in "
        "partition aws-cn, but no region is configured, so the client is in "
        "partition aws and its credentials are aws's; expected a region of "
        "partition aws, or a region of partition aws-cn set as the region "
        "(region in the profile, AWS_DEFAULT_REGION or --region)"
    )


def test_auto_before_its_first_measurement_gives_the_note_as_the_reason(
    aws_files: Path,
) -> None:
    got = report(
        aws_files,
        "region = eu-west-1\nsts_regional_endpoints = regional\nsts_region = auto\n",
    )
    assert got["Reason"] == (
        "the plugin changes nothing here: botocore uses "
        f"https://sts.eu-west-1.amazonaws.com (reason: {NOT_MEASURED}; "
        "sts_regional_endpoints mode regional, client region eu-west-1)"
    )


def test_dual_stack_is_reported_and_reached(aws_files: Path) -> None:
    got = report(
        aws_files,
        "region = eu-west-1\nuse_dualstack_endpoint = true\nsts_region = us-west-2\n",
    )
    assert (got["DualStack"], got["Fips"]) == (True, False)
    assert got["Url"] == "https://sts.us-west-2.api.aws"


def test_without_sts_region_a_list_of_global_alone_fails_over_to_it(
    aws_files: Path,
) -> None:
    # No region in the list: nothing to compare partitions with.
    got = report(
        aws_files,
        "region = eu-west-1\nsts_regional_endpoints = regional\n"
        "sts_fallback = global\n",
    )
    assert got["Url"] == "https://sts.eu-west-1.amazonaws.com"
    assert [(h["Entry"], h["Url"], h["SigningRegion"]) for h in got["Fallback"]] == [
        ("global", "https://sts.amazonaws.com", "us-east-1")
    ]
