"""Unit tests of failover: settings, error classification, the needs-retry
handler's hops, endpoints of entries, warning and error text, timeouts."""

from __future__ import annotations

import io
import logging
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest
from botocore import endpoint, retryhandler
from botocore.config import Config
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.plugin import failover_memory as failover_state
from awscli_regional_sts.plugin import failover_notice
from awscli_regional_sts.plugin.endpoints import entry_endpoint, sts_client_config
from awscli_regional_sts.plugin.failover import (
    CONTEXT_KEY,
    FailoverState,
    SkippedEndpoint,
    fail_over_sts_request,
    failover_reason,
    remember_failover_inputs,
    skip_failed_endpoint,
)
from awscli_regional_sts.plugin.failover_memory import MEMORY
from awscli_regional_sts.plugin.settings import (
    DEFAULT_FAILOVER_TIMEOUT,
    InvalidStsRegionError,
    InvalidStsTimeoutError,
    StsSettings,
    validate_sts_fallback,
    validate_sts_timeout,
)

PARTITIONS = default_partitions()
SOURCE = "sts_fallback in profile 'p'"


def error_response(code: str, message: str = "", status: int = 403) -> Any:
    class Http:
        status_code = status

    return (Http(), {"Error": {"Code": code, "Message": message}})


def ok_response() -> Any:
    class Http:
        status_code = 200

    return (Http(), {"ResponseMetadata": {}})


# -- settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("eu-west-1", ("eu-west-1",)),
        ("eu-west-1, global", ("eu-west-1", "global")),
        ("eu-west-1 us-west-2,global", ("eu-west-1", "us-west-2", "global")),
        ("eu-west-1,eu-west-1", ("eu-west-1",)),
    ],
)
def test_fallback_lists_parse(value: str, expected: tuple[str, ...]) -> None:
    assert (
        validate_sts_fallback(
            value, source=SOURCE, region="ap-northeast-1", partitions=PARTITIONS
        )
        == expected
    )


@pytest.mark.parametrize(
    ("value", "region", "problem"),
    [
        ("", None, "'' is empty"),
        ("tokyo", None, "'tokyo' is not a region name"),
        ("eu-west-1,../x", None, "'../x' is not a region name"),
        ("cn-north-1", "ap-northeast-1", "'cn-north-1' is in partition aws-cn"),
        ("global", "cn-north-1", "partition aws-cn has no global STS endpoint"),
    ],
)
def test_bad_fallback_is_one_line_naming_key_and_value(
    value: str, region: str | None, problem: str
) -> None:
    with pytest.raises(InvalidStsRegionError) as caught:
        validate_sts_fallback(
            value, source=SOURCE, region=region, partitions=PARTITIONS
        )
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"Invalid STS region in {SOURCE}: ")
    assert problem in text
    assert "; expected " in text


def test_bad_fallback_names_global_as_accepted_where_it_exists() -> None:
    with pytest.raises(InvalidStsRegionError, match="or global for the global"):
        validate_sts_fallback(
            "tokyo", source=SOURCE, region=None, partitions=PARTITIONS
        )


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf", "301"])
def test_bad_timeouts(value: str) -> None:
    with pytest.raises(InvalidStsTimeoutError, match="Invalid STS timeout in s: "):
        validate_sts_timeout(value, source="s")


def test_good_timeout() -> None:
    assert validate_sts_timeout("2.5", source="s") == 2.5


# -- classification ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "exception", "code"),
    [
        (error_response("RegionDisabledException"), None, "RegionDisabledException"),
        (
            error_response(
                "AccessDenied",
                "STS is not activated in this region for account:1. Your account "
                "administrator can activate STS in this region using the IAM Console.",
            ),
            None,
            "AccessDenied",
        ),
        (
            None,
            EndpointConnectionError(endpoint_url="https://x"),
            "EndpointConnectionError",
        ),
        (None, ConnectTimeoutError(endpoint_url="https://x"), "ConnectTimeoutError"),
        (None, ReadTimeoutError(endpoint_url="https://x"), "ReadTimeoutError"),
    ],
)
def test_failover_errors(response: Any, exception: Any, code: str) -> None:
    failure = failover_reason(response, exception)
    assert failure is not None and failure.code == code


@pytest.mark.parametrize(
    "response",
    [
        ok_response(),
        error_response(
            "AccessDenied", "User is not authorized to perform sts:AssumeRole"
        ),
        error_response("ExpiredToken", "The security token included has expired"),
        error_response("ValidationError", "1 validation error", 400),
        error_response("AccessDenied", "MultiFactorAuthentication failed"),
        error_response("Throttling", "Rate exceeded", 400),
        error_response("InvalidClientTokenId", "The security token is invalid"),
    ],
)
def test_errors_that_never_fail_over(response: Any) -> None:
    assert failover_reason(response, None) is None


def test_other_exceptions_never_fail_over() -> None:
    assert failover_reason(None, ValueError("x")) is None


# -- the handler ---------------------------------------------------------------------

BUILTINS = {
    "AWS::Region": "ap-northeast-1",
    "AWS::UseFIPS": False,
    "AWS::UseDualStack": False,
    "AWS::STS::UseGlobalEndpoint": False,
    "SDK::Endpoint": None,
}


def settings(**kwargs: Any) -> Any:
    value = StsSettings(
        "ap-northeast-1",
        "sts_region in profile 'p'",
        fallback=("eu-west-1", "global"),
        fallback_source=SOURCE,
        timeout=2.0,
    )
    for key, item in kwargs.items():
        value = StsSettings(**{**value.__dict__, key: item})
    return lambda: value


def request_dict(current: Any = None) -> dict[str, Any]:
    context: dict[str, Any] = {"signing": {"region": "ap-northeast-1"}}
    remember_failover_inputs(
        dict(BUILTINS), "AssumeRole", context, settings=current or settings()
    )
    return {
        "url": "https://sts.ap-northeast-1.amazonaws.com/",
        "context": context,
    }


def test_hops_in_order_then_gives_up_with_the_list(monkeypatch: Any) -> None:
    monkeypatch.setattr(failover_notice, "_warned", False)
    request = request_dict()
    assert (
        fail_over_sts_request(
            request, error_response("RegionDisabledException"), settings=settings()
        )
        == 0
    )
    assert request["url"] == "https://sts.eu-west-1.amazonaws.com/"
    assert request["context"]["signing"]["region"] == "eu-west-1"
    assert (
        fail_over_sts_request(
            request, None, ConnectTimeoutError(endpoint_url="x"), settings=settings()
        )
        == 0
    )
    assert request["url"] == "https://sts.amazonaws.com/"
    assert request["context"]["signing"]["region"] == "us-east-1"
    last = EndpointConnectionError(endpoint_url="https://sts.amazonaws.com/")
    assert fail_over_sts_request(request, None, last, settings=settings()) is None
    assert str(last).endswith(
        "(awscli-regional-sts tried: ap-northeast-1 (RegionDisabledException), "
        "eu-west-1 (ConnectTimeoutError), global (EndpointConnectionError))"
    )


def test_success_after_a_hop_warns_once_per_process(
    monkeypatch: Any,
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(failover_notice.sys, "stderr", stderr)
    monkeypatch.setattr(failover_notice, "_warned", False)
    for _ in range(2):
        request = request_dict()
        fail_over_sts_request(
            request, error_response("RegionDisabledException"), settings=settings()
        )
        assert (
            fail_over_sts_request(request, ok_response(), settings=settings()) is None
        )
    (line,) = stderr.getvalue().splitlines()
    assert line.startswith(
        "awscli-regional-sts: STS in ap-northeast-1 answered "
        "RegionDisabledException; used eu-west-1 (sts_fallback in profile 'p')."
    )
    assert "activate STS in ap-northeast-1" in line


def test_non_failover_error_after_a_hop_lists_the_tries() -> None:
    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    denied = error_response("AccessDenied", "not authorized")
    assert fail_over_sts_request(request, denied, settings=settings()) is None
    assert denied[1]["Error"]["Message"] == (
        "not authorized (awscli-regional-sts tried: ap-northeast-1 "
        "(RegionDisabledException))"
    )


def test_nothing_happens_without_a_fallback_list() -> None:
    request = request_dict(settings(fallback=()))
    assert CONTEXT_KEY not in request["context"]
    assert (
        fail_over_sts_request(
            request, error_response("RegionDisabledException"), settings=settings()
        )
        is None
    )
    assert request["url"] == "https://sts.ap-northeast-1.amazonaws.com/"


def test_a_configured_endpoint_never_fails_over() -> None:
    context: dict[str, Any] = {}
    builtins = {**BUILTINS, "SDK::Endpoint": "https://example.test"}
    remember_failover_inputs(builtins, "AssumeRole", context, settings=settings())
    assert context == {}


@pytest.mark.parametrize("client_region", ["aws-cn-global", "cn-north-1"])
def test_a_client_of_another_partition_never_fails_over(client_region: str) -> None:
    """#12 item 9: also without sts_region, a pseudo-region counts for its
    partition; aws-global (no region configured) still fails over."""
    only_fallback = settings(region=None, fallback=("eu-west-1",))
    context: dict[str, Any] = {}
    builtins = {**BUILTINS, "AWS::Region": client_region}
    remember_failover_inputs(builtins, "AssumeRole", context, settings=only_fallback)
    assert context == {}
    builtins = {**BUILTINS, "AWS::Region": "aws-global"}
    remember_failover_inputs(builtins, "AssumeRole", context, settings=only_fallback)
    assert context[CONTEXT_KEY].remaining == ["eu-west-1"]


def test_the_primary_is_not_tried_twice() -> None:
    request = request_dict(settings(fallback=("ap-northeast-1", "eu-west-1")))
    state = request["context"][CONTEXT_KEY]
    assert isinstance(state, FailoverState)
    assert state.remaining == ["eu-west-1"]


@pytest.mark.parametrize(
    ("builtins", "entry", "expected"),
    [
        (BUILTINS, "eu-west-1", ("https://sts.eu-west-1.amazonaws.com", "eu-west-1")),
        (BUILTINS, "global", ("https://sts.amazonaws.com", "us-east-1")),
        (
            {**BUILTINS, "AWS::UseFIPS": True},
            "us-west-2",
            ("https://sts-fips.us-west-2.amazonaws.com", "us-west-2"),
        ),
        (
            {**BUILTINS, "AWS::UseDualStack": True},
            "eu-west-1",
            ("https://sts.eu-west-1.api.aws", "eu-west-1"),
        ),
    ],
)
def test_entry_endpoints_come_from_botocores_rule_set(
    builtins: Any, entry: str, expected: tuple[str, str]
) -> None:
    assert entry_endpoint(dict(builtins), entry) == expected


# -- timeouts ------------------------------------------------------------------------


def test_sts_clients_get_the_timeout_unless_the_caller_sets_one() -> None:
    ours = sts_client_config(StsSettings("x", "s", timeout=2.0), None)
    assert (ours.connect_timeout, ours.read_timeout) == (2.0, 2.0)
    theirs = sts_client_config(
        StsSettings("x", "s", timeout=2.0), Config(read_timeout=30, retries={})
    )
    assert (theirs.connect_timeout, theirs.read_timeout) == (2.0, 30)
    assert sts_client_config(StsSettings("x", "s"), None) is None


def test_default_timeout_is_documented_value() -> None:
    assert DEFAULT_FAILOVER_TIMEOUT == 10.0


# -- remembering failing endpoints ------------------------------------------------


class Prepared:
    """What ``before-send`` gets: a prepared request, without its context."""

    def __init__(self, url: str) -> None:
        self.url = url


def test_an_endpoint_that_failed_is_skipped_without_a_request() -> None:
    first = request_dict()
    hung = ConnectTimeoutError(endpoint_url="x")
    assert fail_over_sts_request(first, None, hung, settings=settings()) == 0
    assert fail_over_sts_request(first, ok_response(), settings=settings()) is None

    # The next call of the process resolves to Tokyo again; before it is
    # sent, the memory skips it, and needs-retry sends it to eu-west-1.
    second = request_dict()
    with pytest.raises(SkippedEndpoint) as skipped:
        skip_failed_endpoint(request=Prepared(second["url"]))
    assert fail_over_sts_request(second, None, skipped.value, settings=settings()) == 0
    assert second["url"] == "https://sts.eu-west-1.amazonaws.com/"
    assert second["context"]["signing"]["region"] == "eu-west-1"
    skip_failed_endpoint(request=Prepared(second["url"]))  # eu-west-1: sent
    state = second["context"][CONTEXT_KEY]
    # Tokyo is not dropped: it is tried last.
    assert state.remaining == ["global", "ap-northeast-1"]


def test_the_last_endpoint_left_is_never_skipped() -> None:
    for name in ("ap-northeast-1", "eu-west-1", "global"):
        MEMORY.remember_failure(name, "ConnectTimeoutError")
    request = request_dict()
    skip_failed_endpoint(request=Prepared(request["url"]))  # all failed: sent


def test_a_skipped_endpoint_is_tried_when_the_others_fail() -> None:
    MEMORY.remember_failure("ap-northeast-1", "RegionDisabledException")
    request = request_dict()
    with pytest.raises(SkippedEndpoint) as skipped:
        skip_failed_endpoint(request=Prepared(request["url"]))
    fail_over_sts_request(request, None, skipped.value, settings=settings())
    refused = EndpointConnectionError(endpoint_url="x")
    assert fail_over_sts_request(request, None, refused, settings=settings()) == 0
    assert fail_over_sts_request(request, None, refused, settings=settings()) == 0
    assert request["url"] == "https://sts.ap-northeast-1.amazonaws.com/"
    skip_failed_endpoint(request=Prepared(request["url"]))  # deferred: sent
    last = error_response("RegionDisabledException")
    assert fail_over_sts_request(request, last, settings=settings()) is None
    assert last[1]["Error"]["Message"].endswith(
        "(awscli-regional-sts tried: ap-northeast-1 (skipped), eu-west-1 "
        "(EndpointConnectionError), global (EndpointConnectionError), "
        "ap-northeast-1 (RegionDisabledException))"
    )


def test_a_failure_older_than_the_memory_is_tried_first_again(
    monkeypatch: Any,
) -> None:
    MEMORY.remember_failure("ap-northeast-1", "ConnectTimeoutError")
    monkeypatch.setattr(
        failover_state, "FAILURE_MEMORY_SECONDS", 0.0
    )  # as if the period had passed
    request = request_dict()
    skip_failed_endpoint(request=Prepared(request["url"]))  # sent


def test_a_request_to_another_host_is_not_skipped() -> None:
    """A client the plugin leaves alone (e.g. a configured endpoint) may
    send while a call of this thread is under way: never skipped."""
    MEMORY.remember_failure("ap-northeast-1", "ConnectTimeoutError")
    request_dict()
    skip_failed_endpoint(request=Prepared("https://sts.example.internal/"))


def test_skip_is_in_the_debug_log(caplog: Any) -> None:
    MEMORY.remember_failure("ap-northeast-1", "ConnectTimeoutError")
    request = request_dict()
    with caplog.at_level("DEBUG", logger="awscli_regional_sts"):
        with pytest.raises(SkippedEndpoint) as skipped:
            skip_failed_endpoint(request=Prepared(request["url"]))
        fail_over_sts_request(request, None, skipped.value, settings=settings())
    assert (
        "ap-northeast-1 skipped without a request: it did not answer or refused "
        "within the last 300 s" in caplog.text
    )


def test_the_notice_is_printed_once_per_profile_per_period(monkeypatch: Any) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(failover_notice.sys, "stderr", stderr)
    for _ in range(2):  # two processes
        monkeypatch.setattr(failover_notice, "_warned", False)
        request = request_dict()
        fail_over_sts_request(
            request, error_response("RegionDisabledException"), settings=settings()
        )
        fail_over_sts_request(request, ok_response(), settings=settings())
    assert len(stderr.getvalue().splitlines()) == 1
    monkeypatch.setattr(failover_state, "NOTICE_PERIOD_SECONDS", 0.0)
    monkeypatch.setattr(failover_notice, "_warned", False)
    request = request_dict()
    fail_over_sts_request(
        request, error_response("RegionDisabledException"), settings=settings()
    )
    fail_over_sts_request(request, ok_response(), settings=settings())
    assert len(stderr.getvalue().splitlines()) == 2


def test_botocore_logs_no_traceback_for_a_skip(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """botocore logs an attempt's exception with exc_info: for a skip that
    would be a traceback in --debug; other exceptions keep theirs."""
    skip = SkippedEndpoint(
        "ap-northeast-1",
        failover_state.Failure(0.0, "ConnectTimeoutError"),
        "https://sts.ap-northeast-1.amazonaws.com/",
    )
    with caplog.at_level(logging.DEBUG, logger="botocore"):
        for logger in (endpoint.logger, retryhandler.logger):
            for error in (skip, ValueError("boom")):
                try:
                    raise error
                except Exception:
                    logger.debug("Exception received", exc_info=True)
    kept = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert len(kept) == 2 and all(isinstance(e, ValueError) for e in kept)
