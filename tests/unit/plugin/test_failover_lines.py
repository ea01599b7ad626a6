"""Failover's words: the notice on stderr, the list of tries added to an
error, and the ``--debug`` lines of each hop, exactly as a user reads them
(the handler's hops themselves: test_failover.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, SSLError

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.plugin import failover, failover_notice
from awscli_regional_sts.plugin.failover import (
    CONTEXT_KEY,
    SKIPPED,
    FailoverState,
    SkippedEndpoint,
    describe_failure,
    fail_over_sts_request,
    failover_reason,
    failover_warning,
    remember_failover_inputs,
    skip_failed_endpoint,
)
from awscli_regional_sts.plugin.failover_memory import MEMORY
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from tests.unit.plugin.test_failover import (
    BUILTINS,
    Prepared,
    error_response,
    ok_response,
    request_dict,
    settings,
)

SOURCE = "sts_fallback in profile 'p'"


class Model:
    name = "AssumeRole"


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]


class Stderr:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture
def stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Stderr:
    """What failover writes on stderr (a new process: no notice yet)."""
    monkeypatch.setattr(failover_notice, "_warned", False)
    return Stderr(capsys)


# -- how one endpoint failed ----------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "timeout", "text"),
    [
        (CallError(SKIPPED, "ConnectTimeoutError 12 s ago"), 2.0,
         "was skipped (it failed lately: ConnectTimeoutError 12 s ago)"),
        (CallError("ReadTimeoutError", "", True, True, True), 2.5,
         "did not answer within 2.5 s (ReadTimeoutError)"),
        (CallError("ReadTimeoutError", "", True, True, True), None,
         "did not answer in time (ReadTimeoutError)"),
        (CallError("SSLError", "", True), 2.0, "could not be reached (SSLError)"),
        (CallError("RegionDisabledException", "off"), 2.0,
         "answered RegionDisabledException"),
    ],
)  # fmt: skip
def test_describe_failure(failure: CallError, timeout: float | None, text: str) -> None:
    assert describe_failure(failure, timeout) == text


def state(tried: list[tuple[str, CallError]], current: str) -> FailoverState:
    return FailoverState(BUILTINS, [], current, SOURCE, 2.0, tried)


DISABLED = CallError("RegionDisabledException", "")
HUNG = CallError("ConnectTimeoutError", "", True, True, True)


def test_the_notice_for_a_deactivated_region() -> None:
    assert failover_warning(state([("ap-northeast-1", DISABLED)], "eu-west-1")) == (
        "awscli-regional-sts: STS in ap-northeast-1 answered "
        "RegionDisabledException; used eu-west-1 (sts_fallback in profile 'p'). To "
        "stop failing over, activate STS in ap-northeast-1 for the account (IAM "
        "console, Account settings) or choose another sts_region with 'aws sts "
        "activation-check'."
    )


def test_the_notice_for_endpoints_that_did_not_answer() -> None:
    tried = [("ap-northeast-1", HUNG), ("global", HUNG)]
    assert failover_warning(state(tried, "eu-west-1")) == (
        "awscli-regional-sts: STS in ap-northeast-1 did not answer within 2 s "
        "(ConnectTimeoutError); STS at the global endpoint did not answer within "
        "2 s (ConnectTimeoutError); used eu-west-1 (sts_fallback in profile 'p'). "
        "To stop failing over, check the network path to that endpoint, or raise "
        "sts_timeout."
    )
    assert failover_warning(state([("ap-northeast-1", DISABLED)], "global")).endswith(
        "; used the global endpoint (sts_fallback in profile 'p'). To stop failing "
        "over, activate STS in ap-northeast-1 for the account (IAM console, "
        "Account settings) or choose another sts_region with 'aws sts "
        "activation-check'."
    )


@pytest.mark.parametrize(
    ("reason", "fix"),
    [
        ("ConnectTimeoutError", "check the network path to that endpoint"),
        ("EndpointConnectionError", "check the network path to that endpoint"),
        ("RegionDisabledException", "activate STS in ap-northeast-1"),
    ],
)
def test_the_notice_after_a_skip_gives_the_fix_for_the_remembered_failure(
    reason: str, fix: str
) -> None:
    skipped = CallError(SKIPPED, f"{reason} 5 s ago")
    warning = failover_warning(state([("ap-northeast-1", skipped)], "eu-west-1"))
    assert warning.startswith(
        "awscli-regional-sts: STS in ap-northeast-1 was skipped (it failed lately: "
        f"{reason} 5 s ago); used eu-west-1"
    )
    assert f"To stop failing over, {fix}" in warning


# -- the list of tries on an error ---------------------------------------------


def test_an_exception_after_a_hop_keeps_its_other_arguments() -> None:
    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    error = ValueError("boom", "detail")
    assert fail_over_sts_request(request, None, error, settings=settings()) is None
    assert error.args == (
        "boom (awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException))",
        "detail",
    )


def test_a_local_error_after_a_hop_lists_the_tries() -> None:
    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    error = SSLError(endpoint_url="https://sts.eu-west-1.amazonaws.com/", error="bad")
    assert fail_over_sts_request(request, None, error, settings=settings()) is None
    assert str(error).endswith(
        "(awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException))"
    )


def test_an_exception_without_arguments_gets_its_text_and_the_tries() -> None:
    class Silent(Exception):
        def __str__(self) -> str:
            return "silent"

    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    error = Silent()
    fail_over_sts_request(request, None, error, settings=settings())
    assert error.args == (
        "silent (awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException))",
    )


def test_an_answer_without_a_message_gets_the_tries() -> None:
    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    http = error_response("AccessDenied")[0]
    denied = (http, {"Error": {"Code": "AccessDenied"}})
    fail_over_sts_request(request, denied, settings=settings())
    assert denied[1]["Error"]["Message"] == (
        " (awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException))"
    )


def test_no_answer_and_no_error_is_no_reason_to_fail_over() -> None:
    assert failover_reason(None, None) is None
    assert (
        fail_over_sts_request({"url": "https://x/"}, None, settings=settings()) is None
    )


# -- --debug -------------------------------------------------------------------


def test_a_hop_says_where_the_call_goes_and_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    request = request_dict()
    hung = ConnectTimeoutError(endpoint_url="https://sts.ap-northeast-1.amazonaws.com/")
    assert (
        fail_over_sts_request(
            request, None, hung, operation=Model(), settings=settings()
        )
        == 0
    )
    assert lines(caplog) == [
        "STS: ap-northeast-1 will be tried last for 300 s",
        "STS AssumeRole failing over: in ap-northeast-1 did not answer within 2 s "
        "(ConnectTimeoutError); sending it to https://sts.eu-west-1.amazonaws.com, "
        "signed for eu-west-1 (sts_fallback in profile 'p')",
    ]


def test_a_failure_that_cannot_be_remembered_on_disk_says_so(
    caplog: pytest.LogCaptureFixture, own_home: Path
) -> None:
    (own_home / ".aws").write_text("not a folder")
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    fail_over_sts_request(
        request_dict(), error_response("RegionDisabledException"), settings=settings()
    )
    # After the line that says the file was not read (the same folder).
    read, written = lines(caplog)[:2]
    assert read == (
        f"failover memory {MEMORY.path} not used: "
        f"cannot open {own_home / '.aws'}: Not a directory"
    )
    assert written.startswith(
        "STS: ap-northeast-1 will be tried last for 300 s (in this process only: "
        f"{MEMORY.path} not written: "
    )


def test_a_skip_says_what_the_endpoint_answered_before(
    caplog: pytest.LogCaptureFixture,
) -> None:
    MEMORY.remember_failure("ap-northeast-1", "RegionDisabledException")
    request = request_dict()
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    with pytest.raises(SkippedEndpoint) as skipped:
        skip_failed_endpoint(request=Prepared(request["url"]))
    fail_over_sts_request(
        request, None, skipped.value, operation=Model(), settings=settings()
    )
    hop, why = lines(caplog)
    assert hop.startswith(
        "STS AssumeRole failing over: in ap-northeast-1 was skipped (it failed "
        "lately: RegionDisabledException "
    )
    assert why == (
        "STS: ap-northeast-1 skipped without a request: it answered "
        "RegionDisabledException within the last 300 s; tried again after that, "
        "or when no other entry is left"
    )


def test_a_plain_hop_mentions_no_skip(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    fail_over_sts_request(
        request_dict(), error_response("RegionDisabledException"), settings=settings()
    )
    assert not any("skipped without a request" in line for line in lines(caplog))


def test_when_every_endpoint_failed_lately_the_first_is_tried_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in ("ap-northeast-1", "eu-west-1", "global"):
        MEMORY.remember_failure(name, "ConnectTimeoutError")
    request = request_dict()
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    skip_failed_endpoint(request=Prepared(request["url"]))  # sent
    (line,) = lines(caplog)
    assert line.startswith(
        "STS: trying ap-northeast-1 although it failed lately (ConnectTimeoutError "
    )
    assert line.endswith(" s ago): no other endpoint is left")


def test_an_entry_botocore_cannot_resolve_is_skipped_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    context: dict[str, Any] = {"signing": {}}
    china = {**BUILTINS, "AWS::Region": "cn-north-1"}
    current = settings(region=None, fallback=("global", "cn-northwest-1"))
    remember_failover_inputs(china, Model(), context, settings=current)
    request = {"url": "https://sts.cn-north-1.amazonaws.com.cn/", "context": context}
    assert (
        fail_over_sts_request(
            request, error_response("RegionDisabledException"), settings=current
        )
        == 0
    )
    assert request["url"] == "https://sts.cn-northwest-1.amazonaws.com.cn/"
    assert (
        "STS failover: skipping global: this partition has no global STS endpoint"
        in lines(caplog)
    )


def test_a_list_of_only_global_fails_over_to_it() -> None:
    context: dict[str, Any] = {"signing": {}}
    only_global = settings(region=None, fallback=("global",))
    builtins = {**BUILTINS, "AWS::Region": "eu-west-1"}
    remember_failover_inputs(builtins, Model(), context, settings=only_global)
    assert context[CONTEXT_KEY].remaining == ["global"]


def test_a_client_of_another_partition_is_said_twice_once_per_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    context: dict[str, Any] = {}
    china = {**BUILTINS, "AWS::Region": "cn-north-1"}
    remember_failover_inputs(china, Model(), context, settings=settings())
    remember_failover_inputs(
        china, Model(), context, settings=settings(region=None, fallback=("eu-west-1",))
    )
    assert context == {}
    assert lines(caplog) == [
        "Not routing STS AssumeRole: the client's region 'cn-north-1' is in "
        "partition aws-cn, sts_region in profile 'p' = 'ap-northeast-1' is in "
        "partition aws",
        "Not routing STS AssumeRole: the client's region 'cn-north-1' is in "
        f"partition aws-cn, {SOURCE} = 'eu-west-1' is in partition aws",
    ]


def test_entries_that_failed_lately_go_last() -> None:
    MEMORY.remember_failure("eu-west-1", "ConnectTimeoutError")
    current = settings(fallback=("eu-west-1", "us-west-2"))
    request = request_dict(current)
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=current
    )
    assert request["url"] == "https://sts.us-west-2.amazonaws.com/"


# -- the notice ----------------------------------------------------------------


def hop_and_succeed(label_settings: Any) -> None:
    request = request_dict(label_settings)
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=label_settings
    )
    fail_over_sts_request(request, ok_response(), settings=label_settings)


def test_one_notice_per_process_whatever_the_profile(
    stderr: Stderr, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    hop_and_succeed(settings(fallback_source="sts_fallback in profile 'a'"))
    hop_and_succeed(settings(fallback_source="sts_fallback in profile 'b'"))
    assert len(stderr.getvalue().splitlines()) == 1
    notices = [
        line for line in lines(caplog) if line.startswith("awscli-regional-sts: ")
    ]
    assert len(notices) == 2  # every failover is in --debug
    assert not any("not repeated" in line for line in lines(caplog))


def test_a_notice_already_printed_is_said_in_debug(
    stderr: Stderr, caplog: pytest.LogCaptureFixture
) -> None:
    MEMORY.remember_notice(SOURCE)
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    hop_and_succeed(settings())
    assert stderr.getvalue() == ""
    assert lines(caplog)[-1] == (
        f"STS failover notice not repeated on stderr: already printed for {SOURCE} "
        f"within the last hour (delete {MEMORY.path} to see it again)"
    )


def test_a_notice_that_cannot_be_remembered_says_so(
    stderr: Stderr, caplog: pytest.LogCaptureFixture, own_home: Path
) -> None:
    (own_home / ".aws").write_text("not a folder")
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    hop_and_succeed(settings())
    assert len(stderr.getvalue().splitlines()) == 1
    assert lines(caplog)[-1].startswith(
        f"STS failover notice not remembered: {MEMORY.path} not written: "
    )


def test_a_connection_error_message_is_kept_when_the_list_is_added() -> None:
    request = request_dict(settings(fallback=("eu-west-1",)))
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    last = EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com/")
    fail_over_sts_request(request, None, last, settings=settings())
    assert str(last) == (
        'Could not connect to the endpoint URL: "https://sts.eu-west-1.amazonaws.com/"'
        " (awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException), "
        "eu-west-1 (EndpointConnectionError))"
    )


def test_the_notice_reaches_the_terminal_with_control_characters_escaped(
    stderr: Stderr,
) -> None:
    """An error code is what an endpoint answered (issue 31, finding 10a)."""
    hostile = CallError("Disabled\x1b]8;;http://x\x1b\\\x9b2J", "")
    failover.notify(
        failover_warning(state([("ap-northeast-1", hostile)], "global")), SOURCE
    )
    printed = stderr.getvalue()
    assert "\x1b" not in printed and "\x9b" not in printed
    assert "answered Disabled\\x1b]8;;http://x\\x1b\\\\u009b2J;" in printed
