"""plugin/signing.py's region-set rules called directly: which failover
entry a call outside the user's SigV4a set goes to, when the router's call
is left alone, the error's text for a set of several regions, and the
skip line said once: pinned where the mutation run found them unpinned."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.config import Config

from awscli_regional_sts.plugin import signing as signing_module
from awscli_regional_sts.plugin.endpoints import AWS_REGION, SDK_ENDPOINT
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import StsSettings
from awscli_regional_sts.plugin.signing import (
    SIGV4A,
    RegionSetError,
    Signing,
    first_entry_inside,
    keep_inside_region_set,
    say_once,
)

OPTIONS = ["aws.auth#sigv4", "aws.auth#sigv4a"]
SOURCE = "sts_region in profile 'p'"


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signing_module, "_said", set())


def settings(region: str, *fallback: str) -> StsSettings:
    return StsSettings(region=region, source=SOURCE, fallback=fallback)


def test_a_global_entry_inside_the_set_is_aimed_at_the_global_endpoint() -> None:
    """The rule set's region for ``global`` is the partition's global
    pseudo-region (sts.amazonaws.com), signed for us-east-1."""
    builtins = {AWS_REGION: "ap-northeast-1"}
    chosen = first_entry_inside(
        builtins,
        settings("ap-northeast-1", "eu-west-1", "global"),
        Signing(SIGV4A, ("us-east-1",)),
    )
    assert chosen == ("global", "aws-global", "us-east-1")


def test_an_entry_botocore_cannot_resolve_is_passed_over() -> None:
    """GovCloud has no global STS endpoint: ``global`` is skipped as
    failover skips it, and the next entry inside the set is chosen."""
    builtins = {AWS_REGION: "us-gov-east-1"}
    chosen = first_entry_inside(
        builtins,
        settings("us-gov-east-1", "global", "us-gov-west-1"),
        Signing(SIGV4A, ("us-gov-west-1",)),
    )
    assert chosen == ("us-gov-west-1", "us-gov-west-1", "us-gov-west-1")


def test_the_error_names_every_region_of_the_set() -> None:
    with pytest.raises(RegionSetError) as raised:
        first_entry_inside(
            {AWS_REGION: "ap-northeast-1"},
            settings("ap-northeast-1", "ap-south-1"),
            Signing(SIGV4A, ("us-west-2", "eu-west-1")),
        )
    assert str(raised.value) == (
        "sts_region in profile 'p' is 'ap-northeast-1', outside "
        "sigv4a_signing_region_set = us-west-2,eu-west-1, and no sts_fallback "
        "entry is inside it: STS in ap-northeast-1 would refuse these SigV4a "
        "requests. Set sigv4a_signing_region_set = "
        "us-west-2,eu-west-1,ap-northeast-1 in that profile, or remove "
        "sigv4a_signing_region_set"
    )


def outside_call(builtins: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """keep_inside_region_set on a call for ap-northeast-1, outside the
    user's set (us-west-2, also the failover entry)."""
    context: dict[str, Any] = {
        "client_config": Config(
            auth_scheme_preference="sigv4a", sigv4a_signing_region_set="us-west-2"
        ),
        "auth_options": OPTIONS,
    }
    keep_inside_region_set(
        builtins,
        None,
        context,
        settings=lambda: settings("ap-northeast-1", "us-west-2"),
    )
    return builtins, context


def test_a_call_outside_the_set_goes_to_the_entry_inside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    builtins, context = outside_call({AWS_REGION: "ap-northeast-1"})
    assert builtins[AWS_REGION] == "us-west-2"
    assert context[signing_module.ROUTED_ENTRY] == "us-west-2"
    assert "sts_region ap-northeast-1 skipped" in capsys.readouterr().err


def test_a_configured_endpoint_is_left_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``endpoint_url`` wins over the plugin: nothing re-aimed, no line,
    even where the client's region is the sts_region outside the set."""
    given = {AWS_REGION: "ap-northeast-1", SDK_ENDPOINT: "https://sts.example"}
    builtins, context = outside_call(dict(given))
    assert builtins == given
    assert signing_module.ROUTED_ENTRY not in context
    assert capsys.readouterr().err == ""


def test_a_line_is_printed_once_and_logged_every_time(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    say_once("awscli-regional-sts: first line")
    say_once("awscli-regional-sts: first line")
    say_once("awscli-regional-sts: second line")
    say_once("awscli-regional-sts: second line")
    assert capsys.readouterr().err == (
        "awscli-regional-sts: first line\nawscli-regional-sts: second line\n"
    )
    assert [record.getMessage() for record in caplog.records] == [
        "awscli-regional-sts: first line",
        "awscli-regional-sts: first line",
        "awscli-regional-sts: second line",
        "awscli-regional-sts: second line",
    ]
