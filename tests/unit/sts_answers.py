"""STS answers for in-process botocore clients, without a network.

``FakeSts`` is a ``before-send.sts`` handler: botocore has built, routed
and signed the request when it runs, so what it records (host, credential
scope, signed or not, action) is exactly what would have been sent, and
what it returns or raises is what botocore then parses or retries on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

ACCOUNT = "111122223333"
NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


def identity_xml(account: str = ACCOUNT) -> bytes:
    return (
        f'<GetCallerIdentityResponse xmlns="{NAMESPACE}"><GetCallerIdentityResult>'
        f"<Arn>arn:aws:iam::{account}:user/u</Arn><UserId>U</UserId>"
        f"<Account>{account}</Account></GetCallerIdentityResult>"
        "</GetCallerIdentityResponse>"
    ).encode()


def assume_role_xml(expiration: str, key: str = "ASIAROLEKEY") -> bytes:
    return (
        f'<AssumeRoleResponse xmlns="{NAMESPACE}"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>{key}</AccessKeyId>"
        "<SecretAccessKey>role-secret</SecretAccessKey>"
        "<SessionToken>role-token</SessionToken>"
        f"<Expiration>{expiration}</Expiration></Credentials>"
        "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>"
        f"<Arn>arn:aws:sts::{ACCOUNT}:assumed-role/r/s</Arn></AssumedRoleUser>"
        "</AssumeRoleResult></AssumeRoleResponse>"
    ).encode()


def error_xml(code: str, message: str = "") -> bytes:
    return (
        f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>"
    ).encode()


@dataclass(frozen=True)
class Sent:
    """One request as it left botocore."""

    host: str
    #: The region of the SigV4 credential scope; None for an unsigned one.
    scope: str | None
    action: str


class FakeSts:
    """Answers by host region (``eu-west-1``; ``global`` for
    sts.amazonaws.com): ``"ok"`` (the action's success answer to a signed
    request; MissingAuthenticationToken to an unsigned one, as STS
    answers), ``"unsigned-only"`` (that answer to an unsigned request,
    no connection for a signed one), an error code (a 403 error answer),
    ``"refuse"`` (no connection) or ``"hang"`` (connect timeout). A host
    not listed refuses."""

    def __init__(self, answers: dict[str, str], expiration: str = "") -> None:
        self.answers = answers
        #: Seconds to wait before answering, by host region.
        self.delays: dict[str, float] = {}
        self.expiration = expiration
        self.sent: list[Sent] = []
        #: When each request was sent (time.time()).
        self.times: list[float] = []

    def __call__(self, request: Any, **kwargs: Any) -> AWSResponse:
        host = urlsplit(request.url).hostname or ""
        region = "global" if host == "sts.amazonaws.com" else host.split(".")[1]
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        action = parse_qs(body.decode()).get("Action", [""])[0]
        self.sent.append(Sent(host, _scope(request), action))
        self.times.append(time.time())
        answer = self.answers.get(region, "refuse")
        if region in self.delays:
            time.sleep(self.delays[region])
        if answer == "unsigned-only":
            # Answers a probe; a signed request finds no connection.
            answer = "refuse" if self.sent[-1].scope else "ok"
        if answer == "refuse":
            raise EndpointConnectionError(endpoint_url=request.url)
        if answer == "hang":
            raise ConnectTimeoutError(endpoint_url=request.url)
        if answer == "ok" and self.sent[-1].scope is None:
            # What STS answers a request without a signature.
            answer = "MissingAuthenticationToken"
        if answer != "ok":
            return AWSResponse(request.url, 403, {}, _Raw(error_xml(answer, "no")))
        if action == "AssumeRole":
            return AWSResponse(
                request.url, 200, {}, _Raw(assume_role_xml(self.expiration))
            )
        return AWSResponse(request.url, 200, {}, _Raw(identity_xml()))

    def answer_for(self, session: Any) -> FakeSts:
        """Answer every STS request of ``session``'s clients, after every
        other ``before-send`` handler (the plugin's skip among them)."""
        session.get_component("event_emitter").register_last("before-send.sts", self)
        return self

    @property
    def hosts(self) -> list[str]:
        return [sent.host for sent in self.sent]


def _scope(request: Any) -> str | None:
    authorization = request.headers.get("Authorization")
    if not authorization:
        return None
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    return str(authorization.split("Credential=")[1].split("/")[2])
