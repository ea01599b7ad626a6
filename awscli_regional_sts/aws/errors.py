"""Which errors of an STS call depend on the region, and how to name them.

Shared by failover (which errors send a call to the next region) and the
activation check (which errors make a region inactive or unreachable).
botocore errors are matched by class name so that every botocore works:
plain, the CLI v1 bundle, and CLI v2's fork.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

#: "No connection, or no answer in time": the endpoint, or the path to it,
#: is down. A call fails over on these.
NO_ANSWER_ERRORS = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ProxyConnectionError",
        "ConnectionClosedError",
    }
)
#: Also "could not be reached" in an activation report, but never a reason
#: to fail over: TLS errors and botocore's generic HTTP client errors come
#: from the local set-up (a CA bundle, a proxy) and would repeat at every
#: other endpoint, where failing over would only hide their cause.
UNREACHABLE_ERRORS = NO_ANSWER_ERRORS | {
    "SSLError",
    "HTTPClientError",
    "ConnectionError",
}
TIMEOUT_ERRORS = frozenset({"ConnectTimeoutError", "ReadTimeoutError"})

#: STS's error for a region where it is deactivated (modelled on AssumeRole,
#: GetSessionToken and the other credential-issuing calls).
REGION_DISABLED = "RegionDisabledException"
#: How older STS releases said it, inside an AccessDenied; STS's message is
#: "STS is not activated in this region for account:<id>. ...".
NOT_ACTIVATED_TEXT = "sts is not activated in this region"

#: Error codes that mean "over the rate: ask again later", whatever the
#: service: STS and IAM ``Throttling`` (HTTP 400), Organizations and Account
#: Management ``TooManyRequestsException`` (400 and 429), and the other
#: spellings botocore's retry rules read as throttling
#: (``botocore/retries/standard.py``, ``data/_retry.json``; docs/sts-facts.md
#: section 12). One place decides; the checks retry these, never report them.
THROTTLING_CODES = frozenset(
    {
        # botocore 1.44.18's standard (and adaptive) mode, word for word
        # (``retries/standard.py``, ``ThrottledRetryableChecker``).
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        # API Gateway's spelling of HTTP 429 (also caught by the status).
        "TooManyRequests",
    }
)
#: HTTP "Too Many Requests": throttling whatever the body says.
THROTTLING_STATUS = 429

#: How long a message may be once it is part of a one-line report.
MESSAGE_LIMIT = 160


def is_throttling(code: str, status: int | None = None) -> bool:
    """True when an error answer means the caller is over a rate limit."""
    return code in THROTTLING_CODES or status == THROTTLING_STATUS


def is_region_disabled(code: str, message: str) -> bool:
    """True when an error answer means STS is deactivated in the region."""
    return code == REGION_DISABLED or (
        code == "AccessDenied" and NOT_ACTIVATED_TEXT in message.lower()
    )


@dataclass(frozen=True)
class CallError:
    """What went wrong with one STS call, reduced to what decisions need:
    an error code from STS, or the name of a botocore error."""

    code: str
    message: str
    #: The call never got an answer (UNREACHABLE_ERRORS).
    unreachable: bool = False
    #: ... and it is an endpoint's fault, not the local set-up's.
    no_answer: bool = False
    timed_out: bool = False
    #: The HTTP status of an error answer, when there was one.
    status: int | None = None
    #: How many throttled answers the call got before its retry budget was
    #: spent (``RetryBudgetSpent``); 0 when it was not retried.
    throttled_answers: int = 0

    @classmethod
    def from_exception(cls, error: BaseException) -> CallError:
        if isinstance(error, RetryBudgetSpent):
            last = cls.from_exception(error.last_error)
            return replace(last, throttled_answers=error.throttled_answers)
        response = getattr(error, "response", None)
        if isinstance(response, dict) and "Error" in response:
            info = response.get("Error") or {}
            metadata = response.get("ResponseMetadata") or {}
            status = metadata.get("HTTPStatusCode")
            return cls(
                code=str(info.get("Code") or "Unknown"),
                message=shorten(str(info.get("Message") or "")),
                status=status if isinstance(status, int) else None,
            )
        name = type(error).__name__
        # Older urllib3 reports a proxy tunnel (CONNECT) that never answered
        # as a ProxyError wrapping the timeout: look at the wrapped error.
        cause = getattr(error, "kwargs", {}).get("error")
        return cls(
            code=name,
            message=shorten(str(error)),
            unreachable=name in UNREACHABLE_ERRORS,
            no_answer=name in NO_ANSWER_ERRORS,
            timed_out=name in TIMEOUT_ERRORS or "timed out" in str(cause).lower(),
        )

    @classmethod
    def from_parsed_response(cls, parsed: Any) -> CallError | None:
        """The error of a parsed botocore response, None if it has none."""
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if not isinstance(error, dict):
            return None
        return cls(str(error.get("Code") or ""), str(error.get("Message") or ""))

    @property
    def region_disabled(self) -> bool:
        return is_region_disabled(self.code, self.message)

    @property
    def throttling(self) -> bool:
        """The answer said "over the rate" (``is_throttling``)."""
        return is_throttling(self.code, self.status)

    def describe(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


class RetryBudgetSpent(Exception):
    """A call answered only with throttling until the run's retry budget
    for it was spent (``aws/backoff.py``): ``last_error`` is the last
    throttled answer, ``throttled_answers`` how many there were."""

    def __init__(self, last_error: BaseException, throttled_answers: int) -> None:
        super().__init__(f"throttled {throttled_answers} times; retry budget spent")
        self.last_error = last_error
        self.throttled_answers = throttled_answers


def is_throttling_error(error: BaseException) -> bool:
    """``is_throttling`` for a raised botocore error."""
    return CallError.from_exception(error).throttling


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
