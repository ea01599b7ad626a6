"""SigV4a as the simulated STS endpoints answer it (``protocol.handle`` in
process, requests signed by botocore's awscrt signer): the endpoint's region
must be in the signed region set, and the log tells the algorithm and the
set of each request."""

from __future__ import annotations

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from testing.simulator import protocol
from testing.simulator.endpoints import host_catalog
from testing.simulator.sigv4 import HttpRequest
from testing.simulator.world import Credentials, LoggedRequest, World

from .signing import crt_signed

ECDSA = "AWS4-ECDSA-P256-SHA256"


def _answer(
    world: World,
    host: str,
    region_set: str,
    creds: Credentials,
    *,
    presign: bool = False,
) -> tuple[int, str, LoggedRequest]:
    request = crt_signed(
        region_set,
        host=host,
        akid=creds.access_key_id,
        secret=creds.secret_access_key,
        token=creds.session_token,
        presign=presign,
    )
    response, entry = protocol.handle(world, host_catalog()[host], request)
    return response.status, response.body.decode(), entry


@pytest.mark.parametrize(
    ("host", "region_set"),
    [
        ("sts.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("sts.ap-northeast-1.amazonaws.com", "*"),
        ("sts.ap-northeast-1.amazonaws.com", "eu-west-1,ap-northeast-1"),
        ("sts.amazonaws.com", "*"),
        ("sts.amazonaws.com", "us-east-1"),
        ("sts.eu-west-1.amazonaws.com", "eu-*"),  # UNCONFIRMED in AWS
    ],
)
def test_region_in_the_set_is_served(host: str, region_set: str) -> None:
    world = World()
    creds = world.add_user("alice", None)
    status, body, entry = _answer(world, host, region_set, creds)
    assert status == 200, body
    assert "<Arn>arn:aws:iam::111122223333:user/alice</Arn>" in body
    assert (entry.algorithm, entry.region_set, entry.signing_region) == (
        ECDSA,
        region_set,
        region_set,
    )
    assert (entry.access_key_id, entry.error_code) == (creds.access_key_id, None)


@pytest.mark.parametrize(
    ("host", "region_set"),
    [
        ("sts.ap-northeast-1.amazonaws.com", "eu-west-1"),
        ("sts.ap-northeast-1.amazonaws.com", "eu-west-1,us-east-1"),
        # The global endpoint is us-east-1's (UNCONFIRMED for SigV4a).
        ("sts.amazonaws.com", "ap-northeast-1"),
        ("sts.eu-west-1.amazonaws.com", "ap-*"),
    ],
)
def test_region_outside_the_set_is_refused(host: str, region_set: str) -> None:
    world = World()
    creds = world.add_user("alice", None)
    status, body, entry = _answer(world, host, region_set, creds)
    assert status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in body
    assert "Credential should be scoped to a valid region." in body
    assert (entry.error_code, entry.region_set) == ("SignatureDoesNotMatch", region_set)


def test_unknown_key_and_wrong_secret() -> None:
    world = World()
    creds = world.add_user("alice", None)
    host = "sts.eu-west-1.amazonaws.com"
    stranger = Credentials("AKIAI44QH8DHBEXAMPLE", "x" * 40)
    status, body, _ = _answer(world, host, "*", stranger)
    assert status == 403 and "<Code>InvalidClientTokenId</Code>" in body
    wrong = Credentials(creds.access_key_id, "y" * 40)
    status, body, _ = _answer(world, host, "*", wrong)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in body
    assert "The request signature we calculated does not match" in body


def test_session_credentials_sign_sigv4a() -> None:
    """Credentials the simulator issued (with their token) sign SigV4a too,
    and lose nothing of SigV4's checks: no token, no entry."""
    world = World()
    creds = world.add_user("alice", None)
    host = "sts.eu-west-1.amazonaws.com"
    request = crt_signed(
        "eu-west-1",
        host=host,
        params={"Action": "GetSessionToken", "Version": "2011-06-15"},
        akid=creds.access_key_id,
        secret=creds.secret_access_key,
    )
    response, _ = protocol.handle(world, host_catalog()[host], request)
    assert response.status == 200, response.body
    body = response.body.decode()
    issued = Credentials(
        body.split("<AccessKeyId>")[1].split("<")[0],
        body.split("<SecretAccessKey>")[1].split("<")[0],
        body.split("<SessionToken>")[1].split("<")[0],
    )
    status, text, _ = _answer(world, host, "eu-west-1", issued)
    assert status == 200, text
    untokened = Credentials(issued.access_key_id, issued.secret_access_key)
    status, text, _ = _answer(world, host, "eu-west-1", untokened)
    assert status == 403 and "<Code>InvalidClientTokenId</Code>" in text


def test_presigned_sigv4a_get() -> None:
    world = World()
    creds = world.add_user("alice", None)
    host = "sts.eu-west-1.amazonaws.com"
    status, body, entry = _answer(world, host, "eu-west-1", creds, presign=True)
    assert status == 200, body
    assert entry.presigned and entry.algorithm == ECDSA
    status, body, _ = _answer(world, host, "us-east-1", creds, presign=True)
    assert status == 403 and "SignatureDoesNotMatch" in body


def test_sigv4_requests_log_their_algorithm() -> None:
    """SigV4 entries say so, and keep their scope's region."""
    world = World()
    creds = world.add_user("alice", None)
    host = "sts.eu-west-1.amazonaws.com"
    aws_request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data="Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    SigV4Auth(
        BotoCredentials(creds.access_key_id, creds.secret_access_key),
        "sts",
        "eu-west-1",
    ).add_auth(aws_request)
    headers = [(k, str(v)) for k, v in aws_request.headers.items()] + [("Host", host)]
    body = aws_request.body
    assert isinstance(body, bytes)
    request = HttpRequest("POST", "/", "", headers, body)
    response, entry = protocol.handle(world, host_catalog()[host], request)
    assert response.status == 200, response.body
    assert (entry.algorithm, entry.region_set, entry.signing_region) == (
        "AWS4-HMAC-SHA256",
        None,
        "eu-west-1",
    )
