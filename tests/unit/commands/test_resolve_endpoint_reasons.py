"""Why ``aws sts resolve-endpoint`` says what it says (resolve_endpoint/
report.py): the words of its ``Reason`` for botocore's own choice, on CLI
v1's botocore and on one without ``sts_regional_endpoints`` (CLI v2's); the
reason and first endpoint when ``sts_region`` is outside the SigV4a region
set; and the first call's own error for a FIPS or SigV4a setting it cannot
serve, word for word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest

from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
    client_signing,
)
from awscli_regional_sts.plugin.settings import InvalidStsRegionError
from awscli_regional_sts.plugin.signing import RegionSetError
from tests.unit.commands.test_resolve_endpoint import aws_files

__all__ = ["aws_files"]

#: The SigV4a settings a shell may hold (the fixture leaves the others out).
SIGNING_VARIABLES = ("AWS_AUTH_SCHEME_PREFERENCE", "AWS_SIGV4A_SIGNING_REGION_SET")


def route(
    config: Path,
    lines: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    without_the_mode: bool = False,
    profile: str | None = "p",
) -> dict[str, Any]:
    """The report for ``profile`` (of ``lines``), as the command builds it."""
    for name in SIGNING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    config.write_text(f"[profile {profile}]\n" if profile else "[default]\n")
    config.write_text(config.read_text() + lines)
    session = botocore.session.Session(profile=profile)
    if without_the_mode:
        own = session.get_config_variable

        def get_config_variable(name: str, methods: Any = None) -> Any:
            # CLI v2's botocore knows no such setting.
            if name == "sts_regional_endpoints":
                raise KeyError(name)
            return own(name, methods)

        monkeypatch.setattr(session, "get_config_variable", get_config_variable)
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )
    built = describe_route(
        session, client_builtins(client), signing=client_signing(client)
    )
    return built.to_dict()


def test_regional_mode_names_no_global_endpoint(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "region = eu-west-1\nsts_regional_endpoints = regional\n"
    assert route(aws_files, lines, monkeypatch)["Reason"] == (
        "the plugin changes nothing here: botocore uses "
        "https://sts.eu-west-1.amazonaws.com (reason: no sts_region in profile "
        "'p'; sts_regional_endpoints mode regional, client region eu-west-1)"
    )


def test_a_botocore_without_the_mode_says_regional_endpoints(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = route(aws_files, "region = eu-west-1\n", monkeypatch, without_the_mode=True)
    assert got["Reason"] == (
        "the plugin changes nothing here: botocore uses "
        "https://sts.eu-west-1.amazonaws.com (reason: no sts_region in profile "
        "'p'; regional endpoints, client region eu-west-1)"
    )


def test_outside_the_region_set_the_first_inside_entry_leads(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = route(
        aws_files,
        "region = us-east-1\nauth_scheme_preference = sigv4a\n"
        "sts_region = ap-northeast-1\nsts_fallback = global eu-west-1\n"
        "sigv4a_signing_region_set = us-east-1\n",
        monkeypatch,
    )
    assert got["Reason"] == (
        "sts_region in profile 'p' is 'ap-northeast-1'; outside "
        "sigv4a_signing_region_set, so calls go to global"
    )
    # The global entry is the first endpoint: failover starts after it,
    # with eu-west-1 (skipped).
    assert (got["Url"], got["SigningRegion"]) == (
        "https://sts.amazonaws.com",
        "us-east-1",
    )
    # The global endpoint's own rule names SigV4, whatever the preference.
    assert (got["Scheme"], got["RegionSet"]) == ("sigv4", None)
    assert [(hop["Entry"], bool(hop["Skipped"])) for hop in got["Fallback"]] == [
        ("eu-west-1", True)
    ]


def test_no_entry_inside_the_set_is_the_first_calls_error_word_for_word(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RegionSetError) as caught:
        route(
            aws_files,
            "region = us-east-1\nauth_scheme_preference = sigv4a\n"
            "sts_region = ap-northeast-1\nsigv4a_signing_region_set = us-west-2\n",
            monkeypatch,
        )
    assert str(caught.value) == (
        "sts_region in profile 'p' is 'ap-northeast-1', outside "
        "sigv4a_signing_region_set = us-west-2, and no sts_fallback entry is "
        "inside it: STS in ap-northeast-1 would refuse these SigV4a requests. "
        "Set sigv4a_signing_region_set = us-west-2,ap-northeast-1 in that "
        "profile, or remove sigv4a_signing_region_set"
    )


def test_a_region_without_fips_is_the_first_calls_error_word_for_word(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        route(
            aws_files,
            "sts_region = eu-west-3\nuse_fips_endpoint = true\n",
            monkeypatch,
        )
    # The regions listed are those of the botocore loaded (CLI v1's bundle
    # or boto3's botocore, whichever this process imported first).
    text, regions = str(caught.value).split(" endpoint: ")
    assert text == (
        "Invalid STS region in sts_region in profile 'p': 'eu-west-3' has no "
        "FIPS STS endpoint, and use_fips_endpoint asks for FIPS; expected a "
        "region of partition aws with a FIPS STS"
    )
    assert "us-east-1, us-east-2, us-west-1, us-west-2" in regions


def test_the_timeout_and_its_source(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = route(aws_files, "sts_region = eu-west-1\n", monkeypatch)
    assert (got["TimeoutSeconds"], got["TimeoutSource"]) == (
        None,
        "none set: botocore's own (60 s, or --cli-connect-timeout / "
        "--cli-read-timeout)",
    )
    # The default profile is named so.
    lines = "sts_region = eu-west-1\nsts_timeout = 5\n"
    got = route(aws_files, lines, monkeypatch, profile=None)
    assert got["Profile"] == "default"
    assert got["TimeoutSource"] == "sts_timeout in profile 'default'"
