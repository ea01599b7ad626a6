"""Requests signed by botocore's own SigV4a signer (awscrt), as the
simulator receives them (``sigv4.HttpRequest``)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.auth  # noqa: F401  (before botocore.crt.auth: import cycle)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.crt.auth import CrtSigV4AsymAuth, CrtSigV4AsymQueryAuth

from testing.simulator import sigv4

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
