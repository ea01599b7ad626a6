"""AWS Signature Version 4 verification, written from the published spec.

Deliberately independent of botocore's signer: the simulator exists to catch
requests that botocore signs wrongly (for instance for the wrong region), so it
must not share botocore's code. It covers header auth (``Authorization:
AWS4-HMAC-SHA256 ...``) and query-string auth (presigned URLs), and parses
SigV4a's (``AWS4-ECDSA-P256-SHA256``, verified in ``sigv4a``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
#: SigV4a's algorithm name (its scope has no region; see ``sigv4a``).
ECDSA_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
ALGORITHMS = (ALGORITHM, ECDSA_ALGORITHM)
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: Header-signed requests must carry a time this close to the server's clock.
MAX_CLOCK_SKEW = _dt.timedelta(minutes=15)
#: Presigned URLs may live at most seven days (SigV4 spec).
MAX_PRESIGN_EXPIRES = 604800

_AUTH_RE = re.compile(
    r"^(?P<algorithm>AWS4-HMAC-SHA256|AWS4-ECDSA-P256-SHA256)\s+"
    r"Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*"
    r"Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


class SigV4Error(Exception):
    """A request whose authentication is malformed; ``code`` and ``message``
    are what AWS answers (HTTP 403 unless ``status`` says otherwise)."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ParsedAuth:
    """The authentication fields of a signed request, before verification."""

    access_key_id: str
    date: str  # YYYYMMDD from the credential scope
    region: str  # "" for SigV4a, whose scope has no region
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str  # YYYYMMDDTHHMMSSZ
    presigned: bool
    expires: int | None
    security_token: str | None
    algorithm: str = ALGORITHM
    #: SigV4a's X-Amz-Region-Set as sent (header, or query when presigned).
    region_set: str | None = None

    @property
    def asymmetric(self) -> bool:
        """Whether this is SigV4a (ECDSA) rather than SigV4 (HMAC)."""
        return self.algorithm == ECDSA_ALGORITHM


@dataclass(frozen=True)
class HttpRequest:
    """The parts of an HTTP request that SigV4 covers."""

    method: str
    raw_path: str  # path as sent, without the query string
    raw_query: str  # query string as sent (after "?"), possibly empty
    headers: Sequence[tuple[str, str]]  # in arrival order, names as sent
    body: bytes

    def header(self, name: str) -> str | None:
        """First value of a header (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def query_pairs(self) -> list[tuple[str, str]]:
        """Decoded (name, value) pairs of the query string, in order."""
        pairs = []
        for part in self.raw_query.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
        return pairs


def parse_auth(request: HttpRequest) -> ParsedAuth | None:
    """Extract SigV4 fields from the Authorization header or the query string.

    Returns None for an unsigned request; raises SigV4Error when the request
    carries authentication that is malformed.
    """
    authorization = request.header("Authorization")
    query = dict(request.query_pairs())
    if authorization is not None:
        match = _AUTH_RE.match(authorization.strip())
        if not match:
            if not authorization.startswith(ALGORITHMS):
                raise SigV4Error(
                    "IncompleteSignature",
                    "Unsupported AWS 'algorithm' in Authorization header.",
                    400,
                )
            raise SigV4Error(
                "IncompleteSignature",
                "Authorization header requires 'Credential', 'Signature' and "
                "'SignedHeaders' parameters.",
                400,
            )
        algorithm = match.group("algorithm")
        region_set = request.header("X-Amz-Region-Set")
        credential = match.group("credential")
        signed = match.group("signed")
        signature = match.group("signature")
        amz_date = request.header("X-Amz-Date")
        if amz_date is None:
            raise SigV4Error(
                "IncompleteSignature",
                "Authorization header requires existence of either a "
                "'X-Amz-Date' or a 'Date' header.",
                400,
            )
        presigned = False
        expires = None
        token = request.header("X-Amz-Security-Token")
    elif "X-Amz-Algorithm" in query or "X-Amz-Signature" in query:
        algorithm = query.get("X-Amz-Algorithm", "")
        if algorithm not in ALGORITHMS:
            raise SigV4Error("IncompleteSignature", "Unsupported AWS 'algorithm'.", 400)
        missing = [
            name
            for name in (
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-SignedHeaders",
                "X-Amz-Signature",
            )
            if not query.get(name)
        ]
        if missing:
            raise SigV4Error(
                "IncompleteSignature",
                "AWS query-string parameters must include " + ", ".join(missing),
                400,
            )
        region_set = query.get("X-Amz-Region-Set")
        credential = query["X-Amz-Credential"]
        signed = query["X-Amz-SignedHeaders"]
        signature = query["X-Amz-Signature"]
        amz_date = query["X-Amz-Date"]
        presigned = True
        try:
            expires = int(query.get("X-Amz-Expires", "0"))
        except ValueError:
            raise SigV4Error(
                "IncompleteSignature", "X-Amz-Expires must be an integer.", 400
            ) from None
        token = query.get("X-Amz-Security-Token")
    else:
        return None
    parts = credential.split("/")
    if algorithm == ECDSA_ALGORITHM:
        # SigV4a's scope has no region: the region set stands for it.
        parts.insert(2, "")
        if region_set is None:
            raise SigV4Error(
                "IncompleteSignature",
                f"{ECDSA_ALGORITHM} requires the 'X-Amz-Region-Set' "
                + ("parameter." if presigned else "header."),
                400,
            )
    if len(parts) != 5 or parts[4] != "aws4_request":
        wanted = 4 if algorithm == ECDSA_ALGORITHM else 5
        raise SigV4Error(
            "IncompleteSignature",
            f"Credential should have {wanted} parts separated by '/': {credential}",
            400,
        )
    access_key_id, date, region, service, _ = parts
    return ParsedAuth(
        access_key_id=access_key_id,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(signed.split(";")),
        signature=signature.lower(),
        amz_date=amz_date,
        presigned=presigned,
        expires=expires,
        security_token=token,
        algorithm=algorithm,
        region_set=region_set if algorithm == ECDSA_ALGORITHM else None,
    )


def _uri_encode(value: str) -> str:
    # SigV4 URI-encodes everything but the unreserved characters.
    return quote(value, safe="-_.~")


def canonical_uri(raw_path: str) -> str:
    """Path normalised (dot segments and empty segments removed) and encoded
    once more, as SigV4 wants for every service but S3."""
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and path != "/":
        path += "/"
    return quote(path, safe="/~")


def canonical_query(pairs: Sequence[tuple[str, str]]) -> str:
    """Query pairs encoded and sorted by encoded name, then value."""
    encoded = sorted((_uri_encode(k), _uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def canonical_headers(headers: Sequence[tuple[str, str]], names: Sequence[str]) -> str:
    """``name:value`` lines of the signed headers; repeated headers are joined
    with commas and whitespace runs collapse to one space."""
    lines = []
    for name in names:
        values = [" ".join(v.split()) for k, v in headers if k.lower() == name]
        lines.append(f"{name}:{','.join(values)}\n")
    return "".join(lines)


def canonical_request(request: HttpRequest, auth: ParsedAuth, payload_hash: str) -> str:
    """The SigV4 canonical request for ``request`` as ``auth`` describes it."""
    pairs = request.query_pairs()
    if auth.presigned:
        pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
    return "\n".join(
        [
            request.method.upper(),
            canonical_uri(request.raw_path),
            canonical_query(pairs),
            canonical_headers(request.headers, auth.signed_headers),
            ";".join(auth.signed_headers),
            payload_hash,
        ]
    )


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The derived key: HMAC chain over date, region, service, aws4_request."""
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def compute_signature(
    request: HttpRequest, auth: ParsedAuth, secret: str, payload_hash: str
) -> str:
    """Hex signature of ``request`` with ``secret`` and ``payload_hash``."""
    scope = f"{auth.date}/{auth.region}/{auth.service}/aws4_request"
    creq = canonical_request(request, auth, payload_hash)
    string_to_sign = "\n".join(
        [ALGORITHM, auth.amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()]
    )
    key = signing_key(secret, auth.date, auth.region, auth.service)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult "
    "the service documentation for details."
)


def _parse_amz_date(value: str) -> _dt.datetime:
    try:
        return _dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=_dt.timezone.utc
        )
    except ValueError:
        raise SigV4Error(
            "IncompleteSignature", f"Invalid X-Amz-Date: {value}", 400
        ) from None


def check_time(
    request: HttpRequest, auth: ParsedAuth, now: _dt.datetime | None
) -> list[str]:
    """Raise SigV4Error unless the request was signed at an acceptable time
    (and signs its host); return the payload hashes it may have signed.
    Shared by SigV4 and SigV4a, which differ only after this point."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    signed_at = _parse_amz_date(auth.amz_date)
    if auth.amz_date[:8] != auth.date:
        raise SigV4Error(
            "SignatureDoesNotMatch",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
            f"version of date from HTTP: '{auth.date}' != '{auth.amz_date[:8]}', "
            f"from '{auth.amz_date}'.",
        )
    if "host" not in auth.signed_headers:
        raise SigV4Error(
            "SignatureDoesNotMatch",
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        )
    if auth.presigned:
        expires = auth.expires or 0
        if expires > MAX_PRESIGN_EXPIRES:
            raise SigV4Error(
                "AuthorizationQueryParametersError",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
                400,
            )
        if now > signed_at + _dt.timedelta(seconds=expires):
            raise SigV4Error("ExpiredToken", "Signature expired.")
        # A presigned URL carries no payload hash; clients sign either the
        # empty body's hash (botocore for STS) or UNSIGNED-PAYLOAD.
        candidates = [hashlib.sha256(request.body).hexdigest(), UNSIGNED_PAYLOAD]
    else:
        if abs(now - signed_at) > MAX_CLOCK_SKEW:
            raise SigV4Error(
                "SignatureDoesNotMatch",
                f"Signature expired: {auth.amz_date} is now earlier than "
                f"{(now - MAX_CLOCK_SKEW).strftime('%Y%m%dT%H%M%SZ')}",
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        content_sha = request.header("X-Amz-Content-SHA256")
        if content_sha not in (None, UNSIGNED_PAYLOAD, body_hash):
            # The signed hash is not the body's: the body was changed on
            # the way (S3 names this XAmzContentSHA256Mismatch; STS's
            # answer is UNCONFIRMED, a signature mismatch here).
            raise SigV4Error("SignatureDoesNotMatch", SIGNATURE_MISMATCH)
        candidates = [content_sha or body_hash]
    return candidates


def verify(
    request: HttpRequest,
    auth: ParsedAuth,
    secret: str,
    *,
    now: _dt.datetime | None = None,
) -> None:
    """Raise SigV4Error unless ``auth`` is a valid signature of ``request``
    made with ``secret`` at an acceptable time. Region and service of the
    scope are the caller's business (they depend on the host)."""
    if auth.asymmetric:
        raise SigV4Error("SignatureDoesNotMatch", SIGNATURE_MISMATCH)
    for payload_hash in check_time(request, auth, now):
        expected = compute_signature(request, auth, secret, payload_hash)
        if hmac.compare_digest(expected, auth.signature):
            return
    raise SigV4Error("SignatureDoesNotMatch", SIGNATURE_MISMATCH)


def headers_from(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """Header pairs from a mapping (convenience for tests)."""
    return list(mapping.items())
