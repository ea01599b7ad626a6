"""Requests signed by botocore's own signers (SigV4, and SigV4a through
awscrt), as the simulator receives them (``sigv4.HttpRequest``)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.crt.auth import CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth

from testing.simulator import sigv4
from testing.simulator.world import Credentials as Keys

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
STS_VERSION = "2011-06-15"


def crt_signed(
    region_set: str,
    *,
    host: str = "sts.eu-west-1.amazonaws.com",
    params: dict[str, str] | None = None,
    akid: str = AKID,
    secret: str = SECRET,
    token: str | None = None,
    presign: bool = False,
) -> sigv4.HttpRequest:
    """An STS query-protocol POST (or presigned GET) signed with SigV4a for
    ``region_set``."""
    body = urlencode(params or {"Action": "GetCallerIdentity", "Version": STS_VERSION})
    credentials = Credentials(akid, secret, token)
    if presign:
        request = AWSRequest(method="GET", url=f"https://{host}/?{body}", headers={})
        CrtSigV4AsymQueryAuth(credentials, "sts", region_set, expires=900).add_auth(
            request
        )
    else:
        request = AWSRequest(
            method="POST",
            url=f"https://{host}/",
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"
            },
        )
        CrtSigV4AsymAuth(credentials, "sts", region_set).add_auth(request)
    return _received(request, host)


def sigv4_signed(
    keys: Keys, host: str, region: str, params: dict[str, str]
) -> sigv4.HttpRequest:
    """An STS query-protocol POST signed with SigV4 for ``region``."""
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=urlencode(params),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    credentials = Credentials(
        keys.access_key_id, keys.secret_access_key, keys.session_token
    )
    SigV4Auth(credentials, "sts", region).add_auth(request)
    return _received(request, host)


def _received(request: AWSRequest, host: str) -> sigv4.HttpRequest:
    """The request as the simulator's proxy hands it over."""
    url = urlsplit(str(request.url))
    headers = [(k, str(v)) for k, v in request.headers.items()]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.append(("Host", host))
    data = request.body or b""
    return sigv4.HttpRequest(
        str(request.method),
        str(url.path) or "/",
        str(url.query),
        headers,
        data if isinstance(data, bytes) else data.encode(),
    )
