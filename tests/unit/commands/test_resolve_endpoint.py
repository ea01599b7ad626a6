"""Unit tests: route_report, what `aws sts resolve-endpoint` prints, with
plain botocore sessions; nothing is sent (the report never makes a call)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import botocore.session
import pytest

import awscli_regional_sts
from awscli_regional_sts.commands.resolve_endpoint.auto_view import NOT_MEASURED
from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from awscli_regional_sts.plugin import auto_measurements
from awscli_regional_sts.plugin.settings import InvalidStsRegionError

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/deployer"


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_STS_TIMEOUT",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_STS_REGIONAL_ENDPOINTS",
    ):
        monkeypatch.delenv(name, raising=False)
    return config


def report(profile: str = "p", *, endpoint_url: str | None = None) -> dict[str, Any]:
    """The report for ``profile``, built as the command builds it: a client
    from the class's own create_client, the plugin registered (as the CLI
    does), and a send that fails the test if anything is sent."""
    session = botocore.session.Session(profile=profile)
    awscli_regional_sts.register(session)
    client = type(session).create_client(
        session,
        "sts",
        endpoint_url=endpoint_url,
        aws_access_key_id="x",
        aws_secret_access_key="y",
    )

    def refuse(**kwargs: Any) -> None:
        raise AssertionError("resolve-endpoint sent a request")

    client.meta.events.register("before-send", refuse)
    return describe_route(session, client_builtins(client)).to_dict()


def test_sts_region_is_rerouted_with_its_source(aws_files: Path) -> None:
    aws_files.write_text("[profile p]\nsts_region = ap-northeast-1\n")
    out = report()
    assert out["Url"] == "https://sts.ap-northeast-1.amazonaws.com"
    assert out["SigningRegion"] == "ap-northeast-1"
    assert out["Rerouted"] is True
    assert out["Reason"] == "sts_region in profile 'p' is 'ap-northeast-1'"
    assert out["BotocoreUrl"] == "https://sts.amazonaws.com"
    assert out["Partition"] == "aws"
    assert out["PluginVersion"] == awscli_regional_sts.__version__
    assert out["Fallback"] == [] and out["TimeoutSeconds"] is None


def test_environment_variable_is_named(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_files.write_text("[profile p]\nsts_region = ap-northeast-1\n")
    monkeypatch.setenv("AWS_STS_REGION", "eu-west-1")
    out = report()
    assert out["Url"] == "https://sts.eu-west-1.amazonaws.com"
    assert out["Reason"] == "environment variable AWS_STS_REGION is 'eu-west-1'"


def test_no_sts_region_says_botocore_decides_and_why(aws_files: Path) -> None:
    aws_files.write_text(
        "[profile p]\nregion = eu-west-1\nsts_regional_endpoints = legacy\n"
    )
    out = report()
    assert out["Rerouted"] is False
    assert out["Url"] == out["BotocoreUrl"] == "https://sts.amazonaws.com"
    assert out["SigningRegion"] == "us-east-1"
    assert out["Reason"] == (
        "the plugin changes nothing here: botocore uses https://sts.amazonaws.com "
        "(reason: no sts_region in profile 'p'; sts_regional_endpoints mode "
        "legacy, client region eu-west-1, global endpoint)"
    )


def test_configured_endpoint_wins(aws_files: Path) -> None:
    aws_files.write_text("[profile p]\nsts_region = ap-northeast-1\n")
    out = report(endpoint_url="https://sts.eu-west-1.amazonaws.com")
    assert out["Rerouted"] is False
    assert out["Url"] == "https://sts.eu-west-1.amazonaws.com"
    assert out["ConfiguredEndpoint"] == "https://sts.eu-west-1.amazonaws.com"
    assert "the configured endpoint" in out["Reason"]


def test_fallback_hops_fips_and_timeout(aws_files: Path) -> None:
    aws_files.write_text(
        "[profile p]\nsts_region = us-west-2\nuse_fips_endpoint = true\n"
        "sts_fallback = us-west-2, us-east-1\nsts_timeout = 4\n"
    )
    out = report()
    assert out["Url"] == "https://sts-fips.us-west-2.amazonaws.com"
    assert out["Fips"] is True and out["DualStack"] is False
    # The first entry is the STS region itself: not a hop.
    assert [(h["Entry"], h["Url"], h["SigningRegion"]) for h in out["Fallback"]] == [
        ("us-east-1", "https://sts-fips.us-east-1.amazonaws.com", "us-east-1"),
    ]
    assert out["TimeoutSeconds"] == 4
    assert out["TimeoutSource"] == "sts_timeout in profile 'p'"


def test_bad_values_raise_the_routers_error(aws_files: Path) -> None:
    aws_files.write_text("[profile p]\nsts_region = tokyo\n")
    with pytest.raises(InvalidStsRegionError, match="'tokyo' is not a region"):
        report()
    aws_files.write_text(
        "[profile p]\nsts_region = eu-west-3\nuse_fips_endpoint = true\n"
    )
    with pytest.raises(InvalidStsRegionError, match="has no FIPS STS endpoint"):
        report()
    # No region: the client is in partition aws (issue 31, finding 10b).
    aws_files.write_text("[profile p]\nsts_fallback = us-iso-east-1\n")
    with pytest.raises(InvalidStsRegionError, match="no region is configured"):
        report()
    aws_files.write_text("[profile p]\nregion = cn-north-1\nsts_region = cn-north-1\n")
    assert report()["Url"] == "https://sts.cn-north-1.amazonaws.com.cn"


def write_cache(home: Path, *, age: float, profiles: list[str]) -> Path:
    directory = home / ".aws" / "cli" / "cache" / "regional-sts"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"aws-{ACCOUNT}.json"
    path.write_text(
        json.dumps(
            {
                "Version": 1,
                "Partition": "aws",
                "Account": ACCOUNT,
                "MeasuredAt": time.time() - age,
                "Method": "first use",
                "Profiles": profiles,
                "Regions": [
                    {"Region": "eu-north-1", "Status": "reachable", "LatencyMs": 9},
                    {"Region": "us-east-1", "Status": "reachable", "LatencyMs": 90},
                ],
            }
        )
    )
    return path


def test_auto_reads_the_cache_and_never_measures(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_measuring(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("resolve-endpoint measured")

    monkeypatch.setattr(
        "awscli_regional_sts.plugin.nearest.measure_first_use", no_measuring
    )
    aws_files.write_text("[profile p]\nsts_region = auto\n")
    out = report()
    assert out["StsRegion"] == "auto"
    assert out["Auto"]["Region"] is None and out["Auto"]["Note"] == NOT_MEASURED
    assert NOT_MEASURED in out["Reason"]
    assert out["Url"] == out["BotocoreUrl"]

    home = aws_files.parent
    # Found by profile name (no role_arn) ...
    path = write_cache(home, age=120, profiles=["p"])
    out = report()
    assert out["Url"] == "https://sts.eu-north-1.amazonaws.com"
    assert out["Auto"]["CacheFile"] == str(path)
    assert out["Auto"]["Account"] == ACCOUNT
    assert 110 <= out["Auto"]["AgeSeconds"] < 600
    assert (
        "measured by first use for account 111122223333, 2 min ago" in (out["Reason"])
    )
    # ... or by the role's account.
    aws_files.write_text(
        f"[profile q]\nsts_region = auto\nrole_arn = {ROLE}\ncredential_source = "
        "Environment\n"
    )
    assert report("q")["Auto"]["Region"] == "eu-north-1"
    # Stale: the first call measures again.
    write_cache(home, age=2 * auto_measurements.TTL_SECONDS, profiles=["p"])
    stale = report("q")
    assert stale["Auto"]["Region"] is None
    assert "will measure again" in stale["Auto"]["Note"]


def test_register_override_is_named(aws_files: Path) -> None:
    aws_files.write_text("[profile p]\nsts_region = ap-northeast-1\n")
    session = botocore.session.Session(profile="p")
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )
    out = describe_route(
        session, client_builtins(client), sts_region="eu-west-2"
    ).to_dict()
    assert out["Url"] == "https://sts.eu-west-2.amazonaws.com"
    assert out["Reason"] == "register(sts_region=...) is 'eu-west-2'"
