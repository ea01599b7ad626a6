"""Putting the plugin on a session or the CLI's emitter: what botocore's
``--debug`` shows of it, which clients get the STS timeout, and that the
failover handlers run only for profiles that fail over."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest
from botocore.config import Config
from botocore.hooks import HierarchicalEmitter

import awscli_regional_sts
from awscli_regional_sts.plugin.registration import (
    on_session_initialized,
    register_cli_handlers,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from tests.unit.sts_answers import FakeSts

FAILOVER = "awscli_regional_sts.plugin.failover"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    path.write_text(
        "[default]\nsts_region = eu-west-1\nsts_fallback = eu-central-1\n"
        "sts_timeout = 2.5\n"
        "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"
        "[profile plain]\nsts_region = eu-west-1\n"
        "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_PROFILE",
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def plugin_logger() -> Any:
    logger = logging.getLogger(LOGGER_NAME)
    handlers, level = list(logger.handlers), logger.level
    yield logger
    for handler in logger.handlers[len(handlers) :]:
        logger.removeHandler(handler)
    logger.setLevel(level)


def equipped(profile: str | None = None) -> tuple[Any, FakeSts]:
    session = botocore.session.Session(profile=profile)
    sts = FakeSts({"eu-west-1": "RegionDisabledException", "eu-central-1": "ok"})
    sts.answer_for(session)
    awscli_regional_sts.register(session)
    return session, sts


def test_botocores_debug_lines_name_the_plugins_handlers(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="botocore.hooks")
    session, _ = equipped()
    session.create_client("sts").get_caller_identity()
    called = {
        r.getMessage().split("calling handler <function ")[1].split(" ")[0]
        for r in caplog.records
        if "calling handler <function " in r.getMessage()
    }
    assert {
        "route_sts_request",
        "remember_failover_inputs",
        "fail_over_sts_request",
        "skip_failed_endpoint",
    } <= called


def test_a_profile_that_fails_over_hops_through_the_session(config: Path) -> None:
    session, sts = equipped()
    client = session.create_client("sts")
    assert client.get_caller_identity()["Account"] == "111122223333"
    assert [(s.host, s.scope) for s in sts.sent] == [
        ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("sts.eu-central-1.amazonaws.com", "eu-central-1"),
    ]


def test_a_profile_without_sts_fallback_never_loads_failover(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, FAILOVER, raising=False)
    session, sts = equipped("plain")
    with pytest.raises(botocore.exceptions.ClientError):
        session.create_client("sts").get_caller_identity()
    assert [s.host for s in sts.sent] == ["sts.eu-west-1.amazonaws.com"]
    assert FAILOVER not in sys.modules


def test_sts_clients_get_the_timeout_and_other_clients_do_not(config: Path) -> None:
    session, _ = equipped()
    sts = session.create_client("sts", "ap-northeast-1")
    assert sts.meta.region_name == "ap-northeast-1"
    assert (sts.meta.config.connect_timeout, sts.meta.config.read_timeout) == (2.5, 2.5)
    s3 = session.create_client("s3", region_name="eu-west-1")
    assert (s3.meta.config.connect_timeout, s3.meta.config.read_timeout) == (60, 60)


def test_a_callers_own_config_wins(config: Path) -> None:
    session, _ = equipped()
    client = session.create_client("sts", config=Config(read_timeout=30))
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (
        2.5,
        30,
    )


def test_a_config_given_positionally_is_left_alone(config: Path) -> None:
    session, _ = equipped()
    # region_name, api_version, use_ssl, verify, endpoint_url,
    # aws_access_key_id, aws_secret_access_key, aws_session_token, config
    client = session.create_client(
        "sts", "eu-west-1", None, True, None, None, "AKIA", "s", None,
        Config(connect_timeout=33),
    )  # fmt: skip
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (
        33,
        60,
    )


def test_the_clis_debug_adds_one_log_handler_in_the_clis_format(
    config: Path, plugin_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    emitter = HierarchicalEmitter()
    register_cli_handlers(emitter)
    register_cli_handlers(emitter)  # loaded twice: registered once

    class Args:
        debug = True

    before = len(plugin_logger.handlers)
    session = botocore.session.Session()
    emitter.emit("session-initialized", session=session, parsed_args=Args())
    assert len(plugin_logger.handlers) == before + 1
    plugin_logger.debug("a line")
    assert capsys.readouterr().err.endswith(
        f" - MainThread - {LOGGER_NAME} - DEBUG - a line\n"
    )


def test_without_debug_no_log_handler_is_added(
    config: Path, plugin_logger: logging.Logger
) -> None:
    before = len(plugin_logger.handlers)
    on_session_initialized(botocore.session.Session(), parsed_args=None)

    class Args:
        debug = False

    on_session_initialized(botocore.session.Session(), parsed_args=Args())
    assert len(plugin_logger.handlers) == before
