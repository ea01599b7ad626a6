"""Endpoint mechanics: what botocore's rule set gives for an entry, how a
failover entry is named, a probe client aimed at one region, and the
client configurations of probes and of profiles that fail over."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest
from botocore.config import Config

import awscli_regional_sts
from awscli_regional_sts.plugin import endpoints
from awscli_regional_sts.plugin.endpoints import (
    AWS_REGION,
    AWS_STS_USE_GLOBAL_ENDPOINT,
    AWS_USE_DUALSTACK,
    AWS_USE_FIPS,
    SDK_ENDPOINT,
    aim_client,
    client_region,
    entry_endpoint,
    first_entry,
    operation_name,
    probe_config,
    resolve_sts_endpoint,
)
from awscli_regional_sts.plugin.registration import original_create_client
from awscli_regional_sts.plugin.registry import (
    LOGGER_NAME,
    handler_id,
    session_handler_ids,
)
from tests.unit.sts_answers import FakeSts, Sent


def builtins(region: str | None, **extra: Any) -> dict[str, Any]:
    return {
        AWS_REGION: region,
        AWS_USE_FIPS: False,
        AWS_USE_DUALSTACK: False,
        AWS_STS_USE_GLOBAL_ENDPOINT: False,
        SDK_ENDPOINT: None,
        **extra,
    }


def test_the_rule_set_gives_a_signing_region_only_for_the_global_endpoint() -> None:
    assert resolve_sts_endpoint(builtins("eu-west-1")) == (
        "https://sts.eu-west-1.amazonaws.com",
        None,
    )
    assert resolve_sts_endpoint(builtins("aws-global")) == (
        "https://sts.amazonaws.com",
        "us-east-1",
    )


@pytest.mark.parametrize(
    ("client", "entry", "expected"),
    [
        # A client without a region resolves the global entry in aws.
        ({}, "global", ("https://sts.amazonaws.com", "us-east-1")),
        (builtins(None), "global", ("https://sts.amazonaws.com", "us-east-1")),
        (
            builtins("us-east-1", **{AWS_STS_USE_GLOBAL_ENDPOINT: True}),
            "us-east-1",
            ("https://sts.us-east-1.amazonaws.com", "us-east-1"),
        ),
        (
            builtins("us-east-1", **{SDK_ENDPOINT: "https://proxy.example"}),
            "eu-west-1",
            ("https://sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ),
    ],
)
def test_entry_endpoints(
    client: dict[str, Any], entry: str, expected: tuple[str, str]
) -> None:
    assert entry_endpoint(client, entry) == expected


def test_a_partition_without_a_global_endpoint_has_no_global_entry() -> None:
    with pytest.raises(ValueError) as caught:
        entry_endpoint(builtins("cn-north-1"), "global")
    assert str(caught.value) == "this partition has no global STS endpoint"


@pytest.mark.parametrize(
    ("client", "region", "entry"),
    [
        (builtins("us-east-1"), "eu-west-1", "eu-west-1"),
        (builtins("us-east-1", **{AWS_STS_USE_GLOBAL_ENDPOINT: True}), None, "global"),
        (builtins("aws-global"), None, "global"),
        (builtins("aws-cn-global"), None, "global"),
        (builtins("us-east-1"), None, "us-east-1"),
        (builtins("eu-west-1"), None, "eu-west-1"),
    ],
)
def test_the_first_entry_of_a_call_is_named_as_in_sts_fallback(
    client: dict[str, Any], region: str | None, entry: str
) -> None:
    assert first_entry(client, region) == entry


def test_operation_names_in_log_lines() -> None:
    class Model:
        name = "AssumeRole"

    assert operation_name(Model()) == "AssumeRole"
    assert operation_name("GetCallerIdentity") == "GetCallerIdentity"


def test_a_client_for_an_entry_is_created_in_its_signing_region() -> None:
    assert client_region("global") == "us-east-1"
    assert client_region("eu-west-1") == "eu-west-1"


def test_the_handler_ids_name_the_function() -> None:
    assert handler_id("a.b.c:route") == "awscli_regional_sts.route"
    assert ("before-send.sts", "awscli_regional_sts.skip_failed_endpoint") in (
        session_handler_ids()
    )


# -- a probe client aimed at one region ------------------------------------------


@pytest.fixture
def broken_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile whose sts_region the plugin refuses, with a failover list."""
    config = tmp_path / "config"
    config.write_text(
        "[default]\nsts_region = tokyo\nsts_fallback = eu-west-1\n"
        "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_STS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("region", "host", "scope"),
    [
        ("ap-northeast-1", "sts.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("global", "sts.amazonaws.com", "us-east-1"),
    ],
)
def test_an_aimed_client_is_out_of_the_plugins_reach(
    broken_profile: None, region: str, host: str, scope: str
) -> None:
    """The plugin's handlers are taken off an aimed client: its profile's
    settings (here unusable) are never read, and nothing fails over."""
    session = botocore.session.Session()
    awscli_regional_sts.register(session)
    sts = FakeSts({"ap-northeast-1": "ok", "global": "ok"})
    sts.answer_for(session)
    # Probes are made with the session's own create_client (the plugin's
    # wrapper would read the settings for the timeout).
    client = original_create_client(session)(
        "sts",
        region_name=client_region(region),
        config=Config(use_fips_endpoint=True, use_dualstack_endpoint=True),
    )
    endpoint = aim_client(client, region, session_handler_ids())
    assert endpoint() is None  # nothing sent yet
    client.get_caller_identity()
    assert sts.sent == [Sent(host, scope, "GetCallerIdentity")]
    assert endpoint() == f"https://{host}/"


# -- client configurations ---------------------------------------------------------


def test_a_probe_makes_one_attempt_within_the_timeout() -> None:
    config = probe_config(2.5)
    assert (config.connect_timeout, config.read_timeout) == (2.5, 2.5)
    assert config.retries == {"total_max_attempts": 1}


def test_a_botocore_without_total_max_attempts_gets_max_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CLI v2's botocore fork knows only max_attempts (where it already
    counts the first attempt)."""

    class ForkConfig(Config):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if "total_max_attempts" in kwargs.get("retries", {}):
                raise ValueError("unknown retries key total_max_attempts")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(endpoints, "Config", ForkConfig)
    config = probe_config(3.0)
    assert (config.connect_timeout, config.read_timeout) == (3.0, 3.0)
    assert config.retries == {"max_attempts": 1}


def test_the_plugins_debug_log_names_a_partition_mismatch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from awscli_regional_sts.plugin.endpoints import partition_mismatch

    class Model:
        name = "AssumeRole"

    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    assert partition_mismatch(
        builtins("cn-north-1"), "ap-northeast-1", "sts_region in profile 'p'", Model()
    )
    assert [r.getMessage() for r in caplog.records] == [
        "Not routing STS AssumeRole: the client's region 'cn-north-1' is in "
        "partition aws-cn, sts_region in profile 'p' = 'ap-northeast-1' is in "
        "partition aws"
    ]
    assert not partition_mismatch(builtins("aws-global"), "cn-north-1", "s", Model())
    assert not partition_mismatch(builtins("eu-west-1"), "tokyo", "s", Model())
    assert not partition_mismatch(builtins(None), "eu-west-1", "s", Model())
    assert len(caplog.records) == 1
