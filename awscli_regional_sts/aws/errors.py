"""Which errors of an STS call depend on the region, and how to name them.

Shared by failover (which errors send a call to the next region) and the
activation check (which errors make a region inactive or unreachable).
botocore errors are matched by class name so that every botocore works:
plain, the CLI v1 bundle, and CLI v2's fork.
"""

from __future__ import annotations

from dataclasses import dataclass
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

#: How long a message may be once it is part of a one-line report.
MESSAGE_LIMIT = 160


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

    @classmethod
    def from_exception(cls, error: BaseException) -> CallError:
        response = getattr(error, "response", None)
        if isinstance(response, dict) and "Error" in response:
            info = response.get("Error") or {}
            return cls(
                code=str(info.get("Code") or "Unknown"),
                message=shorten(str(info.get("Message") or "")),
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

    def describe(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
