"""AWS Signature Version 4a (``AWS4-ECDSA-P256-SHA256``) verification.

Like ``sigv4``, written from the published algorithm and independent of the
signer clients use (awscrt's aws-c-auth): a client that signs wrongly must be
refused here. What SigV4a changes against SigV4:

- the canonical request is SigV4's, and covers the ``X-Amz-Region-Set``
  header (or query parameter, presigned) that names the regions the
  signature is valid in (comma-separated; ``*`` for all);
- the credential scope has no region: ``DATE/SERVICE/aws4_request``;
- the signature is an ECDSA P-256 signature (DER, hex) over SHA-256 of the
  string to sign, with a key pair derived from the secret access key by the
  NIST SP 800-108 counter-mode KDF over HMAC-SHA256 (aws-c-auth's
  ``source/key_derivation.c``), so AWS (and the simulator) needs only the
  secret to know the public key.

Sources and what is unconfirmed: docs/sts-facts.md of the project.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import functools
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from .sigv4 import (
    ECDSA_ALGORITHM,
    SIGNATURE_MISMATCH,
    HttpRequest,
    ParsedAuth,
    SigV4Error,
    canonical_request,
    check_time,
)

ALGORITHM = ECDSA_ALGORITHM
#: The order of P-256 minus 2: a KDF output above it is discarded (the
#: private key is output + 1 and must lie in 1..n-1).
_N_MINUS_2 = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC63254F", 16)
#: aws-c-auth gives up after this many counter values (never reached).
_MAX_COUNTER = 254


def _fixed_input(access_key_id: str, counter: int) -> bytes:
    """SP 800-108's fixed input for one round, as aws-c-auth builds it:
    i = 1 (one block of 256 bits), the label, a zero byte, the context
    (access key id and the counter byte), and L = 256 bits."""
    return (
        (1).to_bytes(4, "big")
        + ALGORITHM.encode()
        + b"\x00"
        + access_key_id.encode()
        + bytes([counter])
        + (256).to_bytes(4, "big")
    )


def derive_private_value(access_key_id: str, secret_access_key: str) -> int:
    """The P-256 private key d a SigV4a signer derives from a key pair."""
    key = ("AWS4A" + secret_access_key).encode()
    for counter in range(1, _MAX_COUNTER + 1):
        digest = hmac.new(
            key, _fixed_input(access_key_id, counter), hashlib.sha256
        ).digest()
        candidate = int.from_bytes(digest, "big")
        if candidate <= _N_MINUS_2:
            return candidate + 1
    raise ValueError("no SigV4a key for these credentials")  # pragma: no cover


@functools.lru_cache(maxsize=256)
def public_key(access_key_id: str, secret_access_key: str) -> ec.EllipticCurvePublicKey:
    """The public half of the derived key (cached: clients sign many requests
    with one key)."""
    private = ec.derive_private_key(
        derive_private_value(access_key_id, secret_access_key), ec.SECP256R1()
    )
    return private.public_key()


def string_to_sign(auth: ParsedAuth, canonical: str) -> str:
    """The SigV4a string to sign: the scope carries no region."""
    return "\n".join(
        [
            ALGORITHM,
            auth.amz_date,
            f"{auth.date}/{auth.service}/aws4_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )


def region_set_covers(region_set: str, region: str) -> bool:
    """Whether ``region`` is in an ``X-Amz-Region-Set`` value: a
    comma-separated list of region names, ``*`` for every region. Entries
    with a ``*`` inside (``us-*``) match as wildcards: the simulator's
    choice, UNCONFIRMED that AWS accepts them."""
    for entry in region_set.split(","):
        entry = entry.strip().lower()
        if entry and (entry == region or fnmatch.fnmatchcase(region, entry)):
            return True
    return False


def signature_valid(
    request: HttpRequest,
    auth: ParsedAuth,
    key: ec.EllipticCurvePublicKey,
    payload_hash: str,
) -> bool:
    """Whether ``auth.signature`` is ``key``'s signature of ``request``."""
    try:
        der = bytes.fromhex(auth.signature)
    except ValueError:
        return False
    message = string_to_sign(auth, canonical_request(request, auth, payload_hash))
    try:
        key.verify(der, message.encode(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(
    request: HttpRequest,
    auth: ParsedAuth,
    access_key_id: str,
    secret: str,
    *,
    now: _dt.datetime | None = None,
) -> None:
    """Raise SigV4Error unless ``auth`` is a valid SigV4a signature of
    ``request`` by the key pair derived from ``secret``, made at an
    acceptable time, with its region set signed. Whether the set covers the
    endpoint is the caller's business (it depends on the host)."""
    if not auth.presigned and "x-amz-region-set" not in auth.signed_headers:
        # An unsigned region set could be widened by anyone on the way.
        raise SigV4Error(
            "SignatureDoesNotMatch",
            "'X-Amz-Region-Set' must be a 'SignedHeader' in the AWS Authorization.",
        )
    candidates = check_time(request, auth, now)
    key = public_key(access_key_id, secret)
    for payload_hash in candidates:
        if signature_valid(request, auth, key, payload_hash):
            return
    raise SigV4Error("SignatureDoesNotMatch", SIGNATURE_MISMATCH)
