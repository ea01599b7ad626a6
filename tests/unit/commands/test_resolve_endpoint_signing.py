"""Unit tests: what `aws sts resolve-endpoint` says about signing (SigV4 or
SigV4a, the region set of each endpoint, failover entries outside a user's
set) and about the regional-only operations; nothing is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest

import awscli_regional_sts
from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
    client_signing,
)
from awscli_regional_sts.plugin.signing import RegionSetError

REGIONAL_ONLY = (
    "AssumeRoot, GetDelegatedAccessToken and GetWebIdentityToken would go to "
    "the global endpoint https://sts.amazonaws.com, which does not serve "
    "them; send them to a region: aws configure set sts_region REGION "
    "--profile p"
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_AUTH_SCHEME_PREFERENCE",
        "AWS_SIGV4A_SIGNING_REGION_SET",
    ):
        monkeypatch.delenv(name, raising=False)
    return path


def report(config: Path, profile_lines: str) -> dict[str, Any]:
    config.write_text("[profile p]\n" + profile_lines)
    session = botocore.session.Session(profile="p")
    awscli_regional_sts.register(session)
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )

    def refuse(**kwargs: Any) -> None:
        raise AssertionError("resolve-endpoint sent a request")

    client.meta.events.register("before-send", refuse)
    built = describe_route(
        session, client_builtins(client), signing=client_signing(client)
    )
    return built.to_dict()


def test_sigv4a_is_signed_for_the_sts_region(config: Path) -> None:
    got = report(
        config,
        "region = us-east-1\nauth_scheme_preference = sigv4a\n"
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1\n",
    )
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4a", "ap-northeast-1")
    (hop,) = got["Fallback"]
    assert (hop["Scheme"], hop["RegionSet"], hop["Skipped"]) == (
        "sigv4a",
        "eu-west-1",
        None,
    )
    assert got["Warnings"] == []


def test_without_the_preference_it_is_sigv4(config: Path) -> None:
    got = report(config, "region = us-east-1\nsts_region = ap-northeast-1\n")
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4", None)


def test_unrouted_sigv4a_carries_botocores_star(config: Path) -> None:
    got = report(config, "region = eu-west-1\nauth_scheme_preference = sigv4a\n")
    assert got["Url"] == "https://sts.eu-west-1.amazonaws.com"
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4a", "*")


def test_entries_outside_the_users_set_are_shown_skipped(config: Path) -> None:
    got = report(
        config,
        "region = us-east-1\nauth_scheme_preference = sigv4a\n"
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1 us-west-2\n"
        "sigv4a_signing_region_set = us-west-2\n",
    )
    # sts_region is outside too: the calls go to us-west-2, as the router's.
    assert got["Url"] == "https://sts.us-west-2.amazonaws.com"
    assert (got["SigningRegion"], got["RegionSet"]) == ("us-west-2", "us-west-2")
    assert (
        "outside sigv4a_signing_region_set, so calls go to us-west-2" in (got["Reason"])
    )
    (hop,) = got["Fallback"]  # us-west-2 is the first endpoint now
    assert hop["Entry"] == "eu-west-1"
    assert "sts_fallback entry eu-west-1 skipped" in hop["Skipped"]
    assert [line.split(" skipped")[0] for line in got["Warnings"]] == [
        "awscli-regional-sts: sts_region ap-northeast-1",
        "awscli-regional-sts: sts_fallback entry eu-west-1",
    ]


def test_nothing_inside_the_set_is_the_first_calls_error(config: Path) -> None:
    with pytest.raises(RegionSetError, match="no sts_fallback entry is inside"):
        report(
            config,
            "region = us-east-1\nauth_scheme_preference = sigv4a\n"
            "sts_region = ap-northeast-1\nsigv4a_signing_region_set = us-west-2\n",
        )


def test_regional_only_operations_sent_to_the_global_endpoint(config: Path) -> None:
    got = report(config, "")
    assert got["Url"] == "https://sts.amazonaws.com"
    assert got["Rerouted"] is False
    assert got["Warnings"] == [REGIONAL_ONLY]
    # The global endpoint's own rule names SigV4, whatever the preference.
    got = report(config, "auth_scheme_preference = sigv4a\n")
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4", None)


@pytest.mark.parametrize("lines", ["region = eu-west-1\n", "sts_region = eu-west-1\n"])
def test_no_regional_only_warning_for_a_regional_endpoint(
    config: Path, lines: str
) -> None:
    assert report(config, lines)["Warnings"] == []
