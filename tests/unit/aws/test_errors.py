"""Which errors of an STS call depend on the region, and the one line that
names each in reports, warnings and the debug log."""

from __future__ import annotations

from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

from awscli_regional_sts.aws.errors import (
    MESSAGE_LIMIT,
    CallError,
    is_region_disabled,
    shorten,
)

NOT_ACTIVATED = (
    "STS is not activated in this region for account:111122223333. Your "
    "account administrator can activate STS in this region using the IAM Console."
)


@pytest.mark.parametrize(
    ("code", "message", "disabled"),
    [
        ("RegionDisabledException", "", True),
        ("AccessDenied", NOT_ACTIVATED, True),
        ("AccessDenied", NOT_ACTIVATED.upper(), True),
        ("AccessDenied", "User is not authorized to perform sts:AssumeRole", False),
        ("AccessDeniedException", NOT_ACTIVATED, False),
        ("InvalidClientTokenId", NOT_ACTIVATED, False),
    ],
)
def test_region_disabled_answers(code: str, message: str, disabled: bool) -> None:
    assert is_region_disabled(code, message) is disabled
    assert CallError(code, message).region_disabled is disabled


class Answered(Exception):
    """An error with an answer, as botocore's ClientError has one."""

    def __init__(self, error: Any) -> None:
        super().__init__("answered")
        self.response = {"Error": error}


def client_error(error: Any) -> Exception:
    if not isinstance(error, dict):
        return Answered(error)
    return ClientError({"Error": error}, "AssumeRole")


def test_an_answer_keeps_its_code_and_message() -> None:
    error = CallError.from_exception(
        client_error({"Code": "RegionDisabledException", "Message": "off  here\n"})
    )
    assert error == CallError("RegionDisabledException", "off here")
    assert not (error.unreachable or error.no_answer or error.timed_out)


@pytest.mark.parametrize(
    ("info", "code", "message"),
    [
        ({}, "Unknown", ""),
        (None, "Unknown", ""),
        ({"Code": "", "Message": None}, "Unknown", ""),
        ({"Code": "Throttling"}, "Throttling", ""),
    ],
)
def test_an_answer_without_code_or_message(info: Any, code: str, message: str) -> None:
    assert CallError.from_exception(client_error(info)) == CallError(code, message)


def test_a_long_answer_is_shortened_to_one_line() -> None:
    error = CallError.from_exception(
        client_error({"Code": "AccessDenied", "Message": "denied\n" * 100})
    )
    assert len(error.message) == MESSAGE_LIMIT
    assert error.message.endswith("den...") and "\n" not in error.message


@pytest.mark.parametrize(
    ("error", "unreachable", "no_answer", "timed_out"),
    [
        (EndpointConnectionError(endpoint_url="https://x"), True, True, False),
        (ConnectTimeoutError(endpoint_url="https://x"), True, True, True),
        (ReadTimeoutError(endpoint_url="https://x"), True, True, True),
        (ConnectionClosedError(endpoint_url="https://x"), True, True, False),
        (
            ProxyConnectionError(proxy_url="http://p", error="refused"),
            True,
            True,
            False,
        ),
        # The local set-up's errors: unreachable, but no reason to fail over.
        (SSLError(endpoint_url="https://x", error="bad cert"), True, False, False),
        (HTTPClientError(error="reset"), True, False, False),
        (ValueError("boom"), False, False, False),
    ],
)
def test_errors_without_an_answer(
    error: Exception, unreachable: bool, no_answer: bool, timed_out: bool
) -> None:
    found = CallError.from_exception(error)
    assert found == CallError(
        type(error).__name__, str(error), unreachable, no_answer, timed_out
    )


def test_a_proxy_tunnel_that_timed_out_is_a_timeout() -> None:
    """Older urllib3: a CONNECT that never answered is a ProxyConnectionError
    wrapping the timeout."""
    error = ProxyConnectionError(proxy_url="http://p", error="Read Timed Out (30)")
    found = CallError.from_exception(error)
    assert found.timed_out and found.no_answer
    assert found.message == 'Failed to connect to proxy URL: "http://p"'


def test_a_botocore_error_message_is_shortened() -> None:
    long_url = "https://" + "x" * 300
    found = CallError.from_exception(EndpointConnectionError(endpoint_url=long_url))
    assert len(found.message) == MESSAGE_LIMIT and found.message.endswith("...")


@pytest.mark.parametrize(
    ("parsed", "error"),
    [
        (
            {"Error": {"Code": "RegionDisabledException", "Message": "off"}},
            CallError("RegionDisabledException", "off"),
        ),
        ({"Error": {"Code": None, "Message": None}}, CallError("", "")),
        ({"Error": {}}, CallError("", "")),
        ({"Error": "RegionDisabledException"}, None),
        ({"ResponseMetadata": {}}, None),
        (None, None),
        ("Error", None),
    ],
)
def test_errors_of_parsed_responses(parsed: Any, error: CallError | None) -> None:
    assert CallError.from_parsed_response(parsed) == error


def test_describe() -> None:
    assert CallError("AccessDenied", "no").describe() == "AccessDenied: no"
    assert CallError("ReadTimeoutError", "").describe() == "ReadTimeoutError"


def test_shorten() -> None:
    assert shorten(" a \n b\t c ") == "a b c"
    assert shorten("x" * MESSAGE_LIMIT) == "x" * MESSAGE_LIMIT
    assert shorten("x" * (MESSAGE_LIMIT + 1)) == "x" * (MESSAGE_LIMIT - 3) + "..."
    assert shorten("abcdef", limit=5) == "ab..."
