"""The simulator's SigV4a verification, against aws-c-auth's published test
vectors and against botocore's own SigV4a signer (awscrt), in process.

Vectors are from github.com/awslabs/aws-c-auth: ``tests/key_derivation_tests.c``
(``credentials_new_ecc_fixed``: a derived key pair "in synchronicity with
Golang and IAM implementations") and ``tests/aws-signing-test-suite/v4a/``
(``get-vanilla``, ``post-x-www-form-urlencoded``: public key, string to sign,
signed requests; ECDSA signatures are randomised, so the suite's signatures
can only be verified, not reproduced).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from testing.simulator import sigv4, sigv4a

from .signing import AKID, SECRET, crt_signed

# -- aws-c-auth's vectors ---------------------------------------------------------
FIXED_AKID = "AKISORANDOMAASORANDOM"
FIXED_SECRET = "q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom"
FIXED_PRIVATE = "7fd3bd010c0d9c292141c2b77bfbde1042c92e6836fff749d1269ec890fca1bd"
FIXED_X = "15d242ceebf8d8169fd6a8b5a746c41140414c3b07579038da06af89190fffcb"
FIXED_Y = "0515242cedd82e94799482e4c0514b505afccf2c0c98d6a553bf539f424c5ec0"

SUITE_AKID = "AKIDEXAMPLE"
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_X = "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1"
SUITE_Y = "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
SUITE_TIME = _dt.datetime(2015, 8, 30, 12, 36, tzinfo=_dt.timezone.utc)

#: get-vanilla: header-string-to-sign.txt and header-signature.txt.
VANILLA_STRING_TO_SIGN = (
    "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"
    "cf59db423e841c8b7e3444158185aa261b724a5c27cbe762676f3eed19f4dc02"
)
VANILLA_SIGNATURE = (
    "3045022018b4e277d0281864beb51d3600e23f88510ea5031d68ddfbb68614b82a5eb7d2"
    "022100effb9c5f22ed9ef3ae0ab243d21f06bce82365bbb79529a07b6888c343ae5f8c"
)
#: get-vanilla: header-signed-request.txt.
VANILLA_AUTHORIZATION = (
    "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3046022100fddaaf81"
    "6a31e30d04973875b13bc27b98da10907a3a1872fd5819a221334abc022100de2ee81d83b54f"
    "31efc82834de07e6cd4d5c6f25bfa08e0f29a15bb0977c343e"
)
#: get-vanilla: query-signed-request.txt (presigned).
VANILLA_PRESIGNED_QUERY = (
    "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830"
    "%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host"
    "&X-Amz-Expires=3600&X-Amz-Region-Set=us-east-1&X-Amz-Signature=3045022100a284"
    "66db6c76223d5aa6ed436a8451b30e21ba0a076e7f2f943dd1f3d2816249022049e4b3746929cd"
    "2a2cb7b7984dbe0f5d40a300e7d9a7a7f1307c196b6f96b61a"
)
#: post-x-www-form-urlencoded: header-signed-request.txt (body signed).
FORM_AUTHORIZATION = (
    "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, "
    "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;"
    "x-amz-region-set, Signature=3045022100955bbc0f0b9d4284719808642167f7d5ea4a72f8"
    "c296b75b442898c8b81cd7e502202425fb97620fa9a20344d22b248dd00db07524fc39b5ad7753"
    "3e00b277331241"
)
FORM_BODY_SHA = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"


def _vanilla(**changes: str) -> sigv4.HttpRequest:
    headers = {
        "Host": "example.amazonaws.com",
        "X-Amz-Date": "20150830T123600Z",
        "X-Amz-Region-Set": "us-east-1",
        "Authorization": VANILLA_AUTHORIZATION,
    }
    headers.update(changes)
    return sigv4.HttpRequest("GET", "/", "", list(headers.items()), b"")


def _form(body: bytes = b"Param1=value1") -> sigv4.HttpRequest:
    headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Host", "example.amazonaws.com"),
        ("Content-Length", "13"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("X-Amz-Region-Set", "us-east-1"),
        ("x-amz-content-sha256", FORM_BODY_SHA),
        ("Authorization", FORM_AUTHORIZATION),
    ]
    return sigv4.HttpRequest("POST", "/", "", headers, body)


def _verify(request: sigv4.HttpRequest, secret: str = SUITE_SECRET) -> None:
    auth = sigv4.parse_auth(request)
    assert auth is not None
    sigv4a.verify(request, auth, auth.access_key_id, secret, now=SUITE_TIME)


def _coordinates(key: ec.EllipticCurvePublicKey) -> tuple[str, str]:
    numbers = key.public_numbers()
    return f"{numbers.x:064x}", f"{numbers.y:064x}"


# -- key derivation -----------------------------------------------------------
def test_derived_key_pair_is_aws_c_auths() -> None:
    assert f"{sigv4a.derive_private_value(FIXED_AKID, FIXED_SECRET):064x}" == (
        FIXED_PRIVATE
    )
    assert _coordinates(sigv4a.public_key(FIXED_AKID, FIXED_SECRET)) == (
        FIXED_X,
        FIXED_Y,
    )
    assert _coordinates(sigv4a.public_key(SUITE_AKID, SUITE_SECRET)) == (
        SUITE_X,
        SUITE_Y,
    )


def test_key_depends_on_the_access_key_id_and_the_secret() -> None:
    """The access key id is the KDF's context: a key pair is bound to it."""
    base = sigv4a.derive_private_value(SUITE_AKID, SUITE_SECRET)
    assert sigv4a.derive_private_value("AKIDEXAMPLF", SUITE_SECRET) != base
    assert sigv4a.derive_private_value(SUITE_AKID, SUITE_SECRET + "x") != base


# -- aws-c-auth's signed requests ----------------------------------------------------
def test_string_to_sign_has_no_region_in_its_scope() -> None:
    request = _vanilla()
    auth = sigv4.parse_auth(request)
    assert auth is not None and auth.asymmetric
    assert (auth.region, auth.region_set, auth.service) == ("", "us-east-1", "service")
    payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    canonical = sigv4.canonical_request(request, auth, payload)
    assert sigv4a.string_to_sign(auth, canonical) == VANILLA_STRING_TO_SIGN
    # The suite's other signature of the same string verifies as well.
    key = sigv4a.public_key(SUITE_AKID, SUITE_SECRET)
    signed = sigv4.ParsedAuth(**{**auth.__dict__, "signature": VANILLA_SIGNATURE})
    assert sigv4a.signature_valid(request, signed, key, payload)


def test_suite_requests_verify() -> None:
    _verify(_vanilla())
    _verify(_form())
    presigned = sigv4.HttpRequest(
        "GET",
        "/",
        VANILLA_PRESIGNED_QUERY,
        [("Host", "example.amazonaws.com")],
        b"",
    )
    _verify(presigned)
    auth = sigv4.parse_auth(presigned)
    assert auth is not None and auth.presigned and auth.region_set == "us-east-1"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda: _vanilla(**{"X-Amz-Region-Set": "*"}), id="region-set"),
        pytest.param(lambda: _vanilla(Host="example2.amazonaws.com"), id="host"),
        pytest.param(
            lambda: _vanilla(
                Authorization=VANILLA_AUTHORIZATION[:-2]
                + ("00" if not VANILLA_AUTHORIZATION.endswith("00") else "11")
            ),
            id="signature",
        ),
        pytest.param(lambda: _form(b"Param1=value2"), id="body"),
    ],
)
def test_tampered_suite_requests_fail(tamper: Callable[[], sigv4.HttpRequest]) -> None:
    with pytest.raises(sigv4.SigV4Error) as caught:
        _verify(tamper())
    assert (caught.value.code, caught.value.status) == ("SignatureDoesNotMatch", 403)


def test_another_secret_fails() -> None:
    with pytest.raises(sigv4.SigV4Error, match="signature we calculated"):
        _verify(_vanilla(), secret=SUITE_SECRET[:-1] + "Z")


def test_region_set_must_be_present_and_signed() -> None:
    headers = [(k, v) for k, v in _vanilla().headers if k != "X-Amz-Region-Set"]
    with pytest.raises(sigv4.SigV4Error) as caught:
        sigv4.parse_auth(sigv4.HttpRequest("GET", "/", "", headers, b""))
    assert caught.value.code == "IncompleteSignature"
    unsigned = _vanilla(
        Authorization=VANILLA_AUTHORIZATION.replace(
            "host;x-amz-date;x-amz-region-set", "host;x-amz-date"
        )
    )
    with pytest.raises(sigv4.SigV4Error, match="X-Amz-Region-Set"):
        _verify(unsigned)


def test_a_sigv4a_credential_has_four_parts() -> None:
    request = _vanilla(
        Authorization=VANILLA_AUTHORIZATION.replace(
            "20150830/service", "20150830/us-east-1/service"
        )
    )
    with pytest.raises(sigv4.SigV4Error, match="4 parts"):
        sigv4.parse_auth(request)


def test_sigv4_verify_refuses_a_sigv4a_request() -> None:
    """No path verifies an ECDSA request with the HMAC algorithm."""
    request = _vanilla()
    auth = sigv4.parse_auth(request)
    assert auth is not None
    with pytest.raises(sigv4.SigV4Error):
        sigv4.verify(request, auth, SUITE_SECRET, now=SUITE_TIME)


@pytest.mark.parametrize(
    ("region_set", "region", "covered"),
    [
        ("*", "ap-northeast-1", True),
        ("ap-northeast-1", "ap-northeast-1", True),
        ("eu-west-1,ap-northeast-1", "ap-northeast-1", True),
        ("eu-west-1, AP-NORTHEAST-1", "ap-northeast-1", True),
        ("ap-*", "ap-northeast-1", True),  # the simulator's choice: UNCONFIRMED
        ("eu-west-1", "ap-northeast-1", False),
        ("ap-northeast-1", "ap-northeast-12", False),
        ("eu-*", "ap-northeast-1", False),
        ("", "ap-northeast-1", False),
    ],
)
def test_region_set_covers(region_set: str, region: str, covered: bool) -> None:
    assert sigv4a.region_set_covers(region_set, region) is covered


# -- botocore's own signer (awscrt) -------------------------------------------
def _crt_signed(
    region_set: str, *, presign: bool = False, token: str | None = None
) -> tuple[sigv4.HttpRequest, str, str]:
    request = crt_signed(region_set, presign=presign, token=token)
    return request, AKID, SECRET


def _crt_verify(request: sigv4.HttpRequest, akid: str, secret: str) -> sigv4.ParsedAuth:
    auth = sigv4.parse_auth(request)
    assert auth is not None
    sigv4a.verify(request, auth, akid, secret)
    return auth


@pytest.mark.parametrize("region_set", ["eu-west-1", "*", "eu-west-1,us-east-1"])
def test_botocore_crt_signature_verifies(region_set: str) -> None:
    request, akid, secret = _crt_signed(region_set)
    auth = _crt_verify(request, akid, secret)
    assert auth.algorithm == "AWS4-ECDSA-P256-SHA256" and not auth.presigned
    assert auth.region_set == region_set
    assert "x-amz-region-set" in auth.signed_headers


def test_botocore_crt_presigned_url_verifies() -> None:
    request, akid, secret = _crt_signed("eu-west-1", presign=True)
    auth = _crt_verify(request, akid, secret)
    assert auth.presigned and auth.region_set == "eu-west-1"


def test_botocore_crt_session_token_is_signed() -> None:
    request, akid, secret = _crt_signed("eu-west-1", token="FwoGZXIvYXdzEXAMPLE")
    auth = _crt_verify(request, akid, secret)
    assert auth.security_token == "FwoGZXIvYXdzEXAMPLE"
    changed = sigv4.HttpRequest(
        request.method,
        request.raw_path,
        request.raw_query,
        [
            (k, "FwoGZXIvYXdzOTHER" if k.lower() == "x-amz-security-token" else v)
            for k, v in request.headers
        ],
        request.body,
    )
    with pytest.raises(sigv4.SigV4Error, match="signature we calculated"):
        _crt_verify(changed, akid, secret)


def _changed(
    request: sigv4.HttpRequest,
    *,
    header: tuple[str, str] | None = None,
    body: bytes | None = None,
    query: str | None = None,
) -> sigv4.HttpRequest:
    headers = list(request.headers)
    if header is not None:
        name, value = header
        headers = [(k, value if k.lower() == name else v) for k, v in headers]
    return sigv4.HttpRequest(
        request.method,
        request.raw_path,
        request.raw_query if query is None else query,
        headers,
        request.body if body is None else body,
    )


def _flip_signature(authorization: str) -> str:
    head, _, signature = authorization.rpartition("Signature=")
    last = "0" if signature[-1] != "0" else "1"
    return f"{head}Signature={signature[:-1]}{last}"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda r: _changed(
                r, body=r.body.replace(b"GetCallerIdentity", b"GetSessionToken")
            ),
            id="body",
        ),
        pytest.param(
            lambda r: _changed(r, header=("content-type", "application/json")),
            id="signed-header",
        ),
        pytest.param(
            lambda r: _changed(r, header=("x-amz-region-set", "*")), id="region-set"
        ),
        pytest.param(
            lambda r: _changed(
                r,
                header=(
                    "authorization",
                    _flip_signature(r.header("Authorization") or ""),
                ),
            ),
            id="signature",
        ),
    ],
)
def test_tampered_botocore_requests_fail(
    tamper: Callable[[sigv4.HttpRequest], sigv4.HttpRequest],
) -> None:
    request, akid, secret = _crt_signed("eu-west-1")
    _crt_verify(request, akid, secret)
    with pytest.raises(sigv4.SigV4Error) as caught:
        _crt_verify(tamper(request), akid, secret)
    assert (caught.value.code, caught.value.status) == ("SignatureDoesNotMatch", 403)


def test_tampered_presigned_region_set_fails() -> None:
    request, akid, secret = _crt_signed("eu-west-1", presign=True)
    widened = request.raw_query.replace(
        "X-Amz-Region-Set=eu-west-1", "X-Amz-Region-Set=%2A"
    )
    assert widened != request.raw_query
    with pytest.raises(sigv4.SigV4Error, match="signature we calculated"):
        _crt_verify(_changed(request, query=widened), akid, secret)


def test_botocore_crt_signature_needs_the_right_secret() -> None:
    request, akid, secret = _crt_signed("eu-west-1")
    with pytest.raises(sigv4.SigV4Error, match="signature we calculated"):
        _crt_verify(request, akid, secret.replace("K", "k", 1))
