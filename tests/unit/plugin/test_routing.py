"""Unit tests: the router, the handler tables and the entry points.

In-process clients here use plain botocore and answer every request in
``before-send`` without touching the network: what is checked is the URL and
the credential scope that botocore would have sent.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest

import awscli_regional_sts
from awscli_regional_sts.plugin import registry
from awscli_regional_sts.plugin.endpoints import (
    AWS_REGION,
    AWS_STS_USE_GLOBAL_ENDPOINT,
    SDK_ENDPOINT,
    resolve_sts_url,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.routing import route_sts_request
from awscli_regional_sts.plugin.settings import InvalidStsRegionError, StsSettings

TOKYO = StsSettings("ap-northeast-1", "sts_region in profile 'tokyo'")
#: Partitions other than aws, whose ``<name>-global`` pseudo-regions botocore
#: lists as regions of theirs.
OTHER_PARTITIONS = (
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
)


def builtins_for(region: str | None = None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        AWS_REGION: region,
        "AWS::UseFIPS": False,
        "AWS::UseDualStack": False,
        AWS_STS_USE_GLOBAL_ENDPOINT: False,
        SDK_ENDPOINT: None,
    }
    base.update(extra)
    return base


class Model:
    name = "GetCallerIdentity"


def route(
    builtins: dict[str, Any],
    context: dict[str, Any] | None = None,
    settings: StsSettings = TOKYO,
) -> dict[str, Any]:
    context = {} if context is None else context
    route_sts_request(
        builtins=builtins,
        model=Model(),
        params={},
        context=context,
        settings=lambda: settings,
    )
    return context


# -- the handler alone ---------------------------------------------------------


def test_reroutes_and_pins_signing_region() -> None:
    builtins = builtins_for("us-east-1", **{AWS_STS_USE_GLOBAL_ENDPOINT: True})
    context = route(builtins, {"signing": {"signing_name": "sts"}})
    assert builtins[AWS_REGION] == "ap-northeast-1"
    assert builtins[AWS_STS_USE_GLOBAL_ENDPOINT] is False
    assert context["signing"] == {"signing_name": "sts", "region": "ap-northeast-1"}


@pytest.mark.parametrize(
    ("builtins", "settings"),
    [
        (builtins_for("us-east-1", **{SDK_ENDPOINT: "https://x.test"}), TOKYO),
        (builtins_for("us-east-1"), StsSettings(None, "unset")),
        # a client created for a region of another partition
        (builtins_for("cn-north-1"), TOKYO),
        # ... or for another partition's pseudo-region (#12 item 9)
        *((builtins_for(f"{p}-global"), TOKYO) for p in OTHER_PARTITIONS),
    ],
    ids=[
        "configured-endpoint",
        "no-sts-region",
        "other-partition",
        *(f"{p}-global" for p in OTHER_PARTITIONS),
    ],
)
def test_leaves_request_alone(builtins: dict[str, Any], settings: StsSettings) -> None:
    before = dict(builtins)
    assert route(builtins, settings=settings) == {}
    assert builtins == before


def test_configured_endpoint_wins_before_settings_are_read() -> None:
    def explode() -> StsSettings:
        raise AssertionError("settings read although an endpoint is configured")

    builtins = builtins_for(None, **{SDK_ENDPOINT: "https://x.test"})
    before = dict(builtins)
    context: dict[str, Any] = {}
    route_sts_request(
        builtins=builtins, model=Model(), params={}, context=context, settings=explode
    )
    assert builtins == before and context == {}


def test_no_region_client_goes_to_sts_region() -> None:
    """aws-global is what botocore gives an STS client when no region is
    configured: the main use case, routed to any STS region of partition
    aws."""
    for settings in (TOKYO, StsSettings("us-east-1", "s", ("global", "eu-west-1"))):
        builtins = builtins_for("aws-global", **{AWS_STS_USE_GLOBAL_ENDPOINT: True})
        context = route(builtins, settings=settings)
        assert builtins[AWS_REGION] == settings.region
        assert builtins[AWS_STS_USE_GLOBAL_ENDPOINT] is False
        assert context["signing"] == {"region": settings.region}


@pytest.mark.parametrize("client_region", ["aws-global", None])
@pytest.mark.parametrize(
    ("settings", "source", "value", "partition"),
    [
        (StsSettings("cn-north-1", "s"), "s", "cn-north-1", "aws-cn"),
        (StsSettings("us-iso-east-1", "s"), "s", "us-iso-east-1", "aws-iso"),
        (StsSettings("us-gov-west-1", "s"), "s", "us-gov-west-1", "aws-us-gov"),
        # sts_fallback alone, and an entry after an aws one.
        (StsSettings(None, "s", ("cn-north-1",), "f"), "f", "cn-north-1", "aws-cn"),
        (
            StsSettings(TOKYO.region, "s", ("eu-west-1", "cn-northwest-1"), "f"),
            "f",
            "cn-northwest-1",
            "aws-cn",
        ),
    ],
    ids=["china", "iso", "govcloud", "fallback-only", "fallback-entry"],
)
def test_no_region_client_is_refused_another_partition(
    client_region: str | None,
    settings: StsSettings,
    source: str,
    value: str,
    partition: str,
) -> None:
    """Issue 31, finding 10b: a client with no region is an aws client; its
    request, signed with the aws key, must not go to another partition's
    host (the key's id disclosed there). Refused, nothing changed."""
    builtins = builtins_for(client_region)
    before = dict(builtins)
    context: dict[str, Any] = {}
    with pytest.raises(InvalidStsRegionError) as raised:
        route(builtins, context, settings=settings)
    assert str(raised.value).startswith(
        f"Invalid STS region in {source}: '{value}' is in partition {partition}, "
        "but no region is configured, so the client is in partition aws"
    )
    assert "\n" not in str(raised.value)
    assert builtins == before and context == {}


def test_a_client_of_the_sts_regions_partition_is_routed() -> None:
    """The exception: a client created for a region of that partition
    (boto3's region_name) has that partition's credentials."""
    for region in ("cn-north-1", "aws-cn-global"):
        builtins = builtins_for(region)
        route(builtins, settings=StsSettings("cn-northwest-1", "s", ("cn-north-1",)))
        assert builtins[AWS_REGION] == "cn-northwest-1"


def test_pseudo_region_of_the_same_partition_is_routed() -> None:
    builtins = builtins_for("aws-cn-global")
    context = route(builtins, settings=StsSettings("cn-northwest-1", "s"))
    assert builtins[AWS_REGION] == "cn-northwest-1"
    assert context["signing"] == {"region": "cn-northwest-1"}


def test_fips_without_fips_endpoint_is_refused() -> None:
    with pytest.raises(InvalidStsRegionError, match="has no FIPS STS endpoint"):
        route(builtins_for(None, **{"AWS::UseFIPS": True}))


def test_debug_log_says_from_where_to_where_and_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    route(builtins_for("aws-global"))
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert lines == [
        "Routing STS GetCallerIdentity to https://sts.ap-northeast-1.amazonaws.com"
        " instead of https://sts.amazonaws.com, signed for ap-northeast-1:"
        " sts_region in profile 'tokyo' is 'ap-northeast-1'"
    ]


def test_no_endpoint_resolution_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    import awscli_regional_sts.plugin.routing as routing

    monkeypatch.setattr(routing, "resolve_sts_url", None)  # would fail if called
    logging.getLogger(LOGGER_NAME).setLevel(logging.INFO)
    builtins = builtins_for(None)
    try:
        context = route(builtins)
    finally:
        logging.getLogger(LOGGER_NAME).setLevel(logging.NOTSET)
    # Routed all the same: only the log line's URLs are skipped.
    assert builtins[AWS_REGION] == "ap-northeast-1"
    assert context["signing"] == {"region": "ap-northeast-1"}


@pytest.mark.parametrize(
    ("extra", "url"),
    [
        ({AWS_REGION: "ap-northeast-1"}, "https://sts.ap-northeast-1.amazonaws.com"),
        ({AWS_REGION: "aws-global"}, "https://sts.amazonaws.com"),
        (
            {AWS_REGION: "us-west-2", "AWS::UseFIPS": True},
            "https://sts-fips.us-west-2.amazonaws.com",
        ),
        (
            {AWS_REGION: "ap-northeast-1", "AWS::UseDualStack": True},
            "https://sts.ap-northeast-1.api.aws",
        ),
        ({AWS_REGION: "cn-north-1"}, "https://sts.cn-north-1.amazonaws.com.cn"),
        ({AWS_REGION: "us-gov-west-1"}, "https://sts.us-gov-west-1.amazonaws.com"),
    ],
)
def test_resolve_sts_url(extra: dict[str, Any], url: str) -> None:
    assert resolve_sts_url(builtins_for(**extra)) == url


# -- real (plain) botocore clients, nothing sent -------------------------------


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    for name in (
        "AWS_STS_REGION",
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


class Captured(Exception):
    """Raised in before-send: the request is looked at, never sent."""


def call(client: Any) -> tuple[str, str]:
    """Make GetCallerIdentity; return (URL, credential scope region)."""
    sent: list[AWSPreparedRequest] = []

    def capture(request: AWSPreparedRequest, **kwargs: Any) -> None:
        sent.append(request)
        raise Captured

    client.meta.events.register("before-send", capture)
    with pytest.raises(Captured):
        client.get_caller_identity()
    (request,) = sent
    authorization = request.headers["Authorization"]
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    scope = authorization.split("Credential=")[1].split("/")[2]
    return str(request.url), scope


@pytest.mark.parametrize(
    ("profile", "url", "scope"),
    [
        ("", "https://sts.ap-northeast-1.amazonaws.com/", "ap-northeast-1"),
        (
            "region = us-east-1\nsts_regional_endpoints = legacy\n",
            "https://sts.ap-northeast-1.amazonaws.com/",
            "ap-northeast-1",
        ),
        (
            "sts_region = us-west-2\nuse_fips_endpoint = true\n",
            "https://sts-fips.us-west-2.amazonaws.com/",
            "us-west-2",
        ),
        (
            "use_dualstack_endpoint = true\n",
            "https://sts.ap-northeast-1.api.aws/",
            "ap-northeast-1",
        ),
        (
            # Another partition needs a region there (issue 31, finding 10b).
            "region = cn-northwest-1\nsts_region = cn-north-1\n",
            "https://sts.cn-north-1.amazonaws.com.cn/",
            "cn-north-1",
        ),
        (
            "region = eu-west-1\nendpoint_url = https://sts.eu-west-1.amazonaws.com\n",
            "https://sts.eu-west-1.amazonaws.com/",
            "eu-west-1",
        ),
    ],
    ids=["no-region", "legacy", "fips", "dualstack", "china", "endpoint-url"],
)
def test_botocore_client(aws_files: Path, profile: str, url: str, scope: str) -> None:
    # Duplicate keys are errors in configparser: add the default only when
    # the case sets none ("sts_regional_endpoints" does not count).
    text = "[default]\n" + profile
    if "sts_region =" not in profile:
        text += "sts_region = ap-northeast-1\n"
    aws_files.write_text(text)
    session = botocore.session.Session()
    awscli_regional_sts.register(session)
    assert call(session.create_client("sts")) == (url, scope)


def test_presigned_url_is_regional(aws_files: Path) -> None:
    aws_files.write_text("[default]\nsts_region = ap-northeast-1\n")
    session = botocore.session.Session()
    awscli_regional_sts.register(session)
    url = session.create_client("sts").generate_presigned_url("get_caller_identity")
    parts = urlsplit(url)
    assert parts.hostname == "sts.ap-northeast-1.amazonaws.com"
    credential = parse_qs(parts.query)["X-Amz-Credential"][0]
    assert credential.split("/")[2] == "ap-northeast-1"


def test_profile_without_key_is_untouched(aws_files: Path) -> None:
    aws_files.write_text("[default]\nregion = us-east-1\n")
    plain = botocore.session.Session()
    equipped = botocore.session.Session()
    awscli_regional_sts.register(equipped)
    assert call(plain.create_client("sts")) == call(equipped.create_client("sts"))


@pytest.mark.parametrize("partition", OTHER_PARTITIONS)
def test_client_for_another_partitions_pseudo_region_is_left_alone(
    aws_files: Path, partition: str
) -> None:
    """#12 item 9: a client created for aws-cn-global in a session opted in
    to eu-west-1 goes where it goes without the plugin."""
    aws_files.write_text("[default]\nsts_region = eu-west-1\n")
    plain = botocore.session.Session()
    equipped = botocore.session.Session()
    awscli_regional_sts.register(equipped)
    region = f"{partition}-global"
    expected = call(plain.create_client("sts", region_name=region))
    assert "eu-west-1" not in expected[0]
    assert call(equipped.create_client("sts", region_name=region)) == expected


def test_register_twice_replaces(
    aws_files: Path, caplog: pytest.LogCaptureFixture
) -> None:
    aws_files.write_text("[default]\nsts_region = ap-northeast-1\n")
    session = botocore.session.Session()
    awscli_regional_sts.register(session)
    awscli_regional_sts.register(session, sts_region="eu-west-1")
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    assert call(session.create_client("sts"))[1] == "eu-west-1"
    assert len([r for r in caplog.records if r.name == LOGGER_NAME]) == 1


def test_register_accepts_boto3_sessions(aws_files: Path) -> None:
    aws_files.write_text("[default]\nsts_region = ap-northeast-1\n")
    session = boto3.Session()
    awscli_regional_sts.register(session)
    assert call(session.client("sts"))[1] == "ap-northeast-1"


def test_register_without_session_uses_boto3_default(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws_files.write_text("[default]\nsts_region = ap-northeast-1\n")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    awscli_regional_sts.register()
    assert call(boto3.client("sts"))[1] == "ap-northeast-1"


# -- the CLI table -------------------------------------------------------------


def test_cli_table_equips_the_session_on_session_initialized(aws_files: Path) -> None:
    aws_files.write_text("[default]\nsts_region = ap-northeast-1\n")
    session = botocore.session.Session()
    awscli_regional_sts.awscli_initialize(session.get_component("event_emitter"))
    assert (
        "session-initialized",
        "awscli_regional_sts.plugin.registration:on_session_initialized",
    ) in registry.CLI_HANDLERS

    class Args:
        debug = True

    logger = logging.getLogger(LOGGER_NAME)
    before = list(logger.handlers)
    try:
        session.emit("session-initialized", session=session, parsed_args=Args())
        assert len(logger.handlers) == len(before) + 1
        assert call(session.create_client("sts"))[1] == "ap-northeast-1"
    finally:
        for handler in logger.handlers[len(before) :]:
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def test_a_profile_without_sts_region_says_so_once_in_debug(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import awscli_regional_sts.plugin.routing as routing

    monkeypatch.setattr(routing, "_said_unchanged", False)
    unset = StsSettings(None, "no sts_region in profile 'p'")
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    for _ in range(3):
        builtins = builtins_for("eu-west-1")
        route(builtins, settings=unset)
        assert builtins == builtins_for("eu-west-1")  # unchanged
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert lines == [
        "no sts_region in profile 'p': STS requests unchanged (botocore's "
        "endpoint: https://sts.eu-west-1.amazonaws.com); 'aws sts "
        "resolve-endpoint' shows why"
    ]


def test_without_debug_the_unchanged_note_costs_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import awscli_regional_sts.plugin.routing as routing

    monkeypatch.setattr(routing, "_said_unchanged", False)
    monkeypatch.setattr(routing, "resolve_sts_url", None)  # would fail if called
    logging.getLogger(LOGGER_NAME).setLevel(logging.INFO)
    try:
        route(builtins_for(None), settings=StsSettings(None, "no sts_region"))
    finally:
        logging.getLogger(LOGGER_NAME).setLevel(logging.NOTSET)
    assert routing._said_unchanged is False


def test_the_fips_refusal_names_the_setting_that_asks_for_fips() -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        route(builtins_for("eu-west-1", **{"AWS::UseFIPS": True}))
    assert str(caught.value).startswith(
        "Invalid STS region in sts_region in profile 'tokyo': 'ap-northeast-1' has "
        "no FIPS STS endpoint, and use_fips_endpoint asks for FIPS; expected a "
        "region of partition aws with a FIPS STS endpoint: us-east-1, "
    )


def test_a_partition_mismatch_is_named_in_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    builtins = builtins_for("cn-north-1")
    route(builtins)
    assert builtins == builtins_for("cn-north-1")
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME] == [
        "Not routing STS GetCallerIdentity: the client's region 'cn-north-1' is in "
        "partition aws-cn, sts_region in profile 'tokyo' = 'ap-northeast-1' is in "
        "partition aws"
    ]


def test_the_unchanged_note_says_when_failover_still_applies(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import awscli_regional_sts.plugin.routing as routing

    monkeypatch.setattr(routing, "_said_unchanged", False)
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    only_fallback = StsSettings(
        None, "no sts_region in profile 'p'", ("eu-west-1",), "sts_fallback in p"
    )
    route(builtins_for("eu-west-1"), settings=only_fallback)
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME] == [
        "no sts_region in profile 'p': STS requests unchanged (botocore's "
        "endpoint: https://sts.eu-west-1.amazonaws.com); sts_fallback still "
        "applies; 'aws sts resolve-endpoint' shows why"
    ]


def test_the_partition_refusal_names_the_first_setting_and_the_way_out() -> None:
    """The whole line: with both sts_region and an sts_fallback entry in
    another partition, the sts_region is the one named (it is tried first),
    and the fix names every way to set a region; a `global` entry is the
    client's own partition's global endpoint, never refused."""
    settings = StsSettings("cn-north-1", "s", ("us-gov-west-1",), "f")
    with pytest.raises(InvalidStsRegionError) as raised:
        route(builtins_for(None), {}, settings=settings)
    assert str(raised.value) == (
        "Invalid STS region in s: 'cn-north-1' is in partition aws-cn, but no "
        "region is configured, so the client is in partition aws and its "
        "credentials are aws's; expected a region of partition aws, or a region "
        "of partition aws-cn set as the region (region in the profile, "
        "AWS_DEFAULT_REGION or --region)"
    )
    builtins = builtins_for(None)
    route(builtins, {}, settings=StsSettings(TOKYO.region, "s", ("global",), "f"))
    assert builtins[AWS_REGION] == TOKYO.region
