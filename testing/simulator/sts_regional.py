"""The STS operations of 2024-2025 that regional endpoints serve:
AssumeRoot, GetDelegatedAccessToken and GetWebIdentityToken, with the inputs,
outputs and errors of botocore's STS model (2011-06-15).

What the simulator decides where AWS does not say (UNCONFIRMED; see the
project's docs/sts-facts.md):

- The global endpoint answers AssumeRoot and GetWebIdentityToken (both
  documented as not available there) with ``InvalidAction`` "Unknown
  Operation" (HTTP 400), as users report for AssumeRoot (boto/boto3#4461),
  after authenticating the request. GetDelegatedAccessToken, documented
  nowhere as regional-only, is served there.
- AssumeRoot checks activation in the TARGET account (whose root session it
  issues); GetDelegatedAccessToken in the delegating role's account. A
  caller outside the management account and the delegated administrators, a
  target outside the organization (or its management account), root sessions
  turned off, or a task policy not under ``arn:aws:iam::aws:policy/root-task/``
  get AccessDenied.
- A trade-in token the simulator did not issue gets AccessDenied; an expired
  one ExpiredTradeInTokenException. Tokens can be redeemed until they expire.
- GetWebIdentityToken is not modelled with RegionDisabledException: where STS
  is deactivated it answers (knob ``web_identity_token_in_deactivated_region``;
  False answers RegionDisabledException). Its issuer
  (``https://<account>.tokens.sts.simulator.invalid``) and keys are the
  simulator's own; a token is signed for real (RS256 or ES384) so that it
  parses as a JWT.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from .answers import (
    STS_NS,
    ApiError,
    Response,
    XmlTree,
    access_denied,
    authorize_then_activate,
    credentials_xml,
    enforce_policies,
    iso,
    query_success,
    region_disabled,
    require,
)
from .endpoints import HostInfo
from .world import KeyRecord, Principal, World

#: Operations the global endpoint does not serve (their models say so).
NOT_ON_GLOBAL_ENDPOINT = frozenset({"AssumeRoot", "GetWebIdentityToken"})
ROOT_TASK_POLICY_PREFIX = "arn:aws:iam::aws:policy/root-task/"
#: GetWebIdentityToken's SigningAlgorithm values (its model's documentation).
JWT_ALGORITHMS = ("RS256", "ES384")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_ROOT_ARN = re.compile(r"^arn:aws:iam::([0-9]{12}):root$")


def _validation(member: str, value: object, constraint: str) -> ApiError:
    return ApiError(
        400,
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{member}' failed to "
        f"satisfy constraint: {constraint}",
    )


def _int_param(
    params: dict[str, str], name: str, default: int, low: int, high: int
) -> int:
    """An integer parameter within the model's range."""
    member = name[:1].lower() + name[1:]
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, "ValidationError", f"Value '{raw}' at '{member}' is not an integer"
        ) from None
    if value < low:
        raise _validation(
            member, value, f"Member must have value greater than or equal to {low}"
        )
    if value > high:
        raise _validation(
            member, value, f"Member must have value less than or equal to {high}"
        )
    return value


def _members(params: dict[str, str], name: str) -> list[str]:
    """A query-protocol list: ``Name.member.1``, ``Name.member.2``, ..."""
    values = []
    index = 1
    while f"{name}.member.{index}" in params:
        values.append(params[f"{name}.member.{index}"])
        index += 1
    return values


def _not_on_global(info: HostInfo, action: str) -> None:
    if info.is_global and action in NOT_ON_GLOBAL_ENDPOINT:
        raise ApiError(400, "InvalidAction", "Unknown Operation")


def _root_target(value: str) -> str | None:
    """The account of AssumeRoot's TargetPrincipal (account id or root ARN)."""
    if _ACCOUNT_ID.match(value):
        return value
    match = _ROOT_ARN.match(value)
    return match.group(1) if match else None


def target_account(world: World, action: str, params: dict[str, str]) -> str | None:
    """The account a request of these operations is about (for the log):
    AssumeRoot's target, the delegating account of a trade-in token."""
    if action == "AssumeRoot":
        return _root_target(params.get("TargetPrincipal", ""))
    if action == "GetDelegatedAccessToken":
        with world.lock:
            token = world.state.trade_in_tokens.get(params.get("TradeInToken", ""))
        return token.role_arn.split(":")[4] if token else None
    return None


# -- AssumeRoot ---------------------------------------------------------------
def _assume_root(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    _not_on_global(info, "AssumeRoot")
    target = require(params, "TargetPrincipal")
    if not 12 <= len(target) <= 2048:
        raise _validation(
            "targetPrincipal",
            target,
            "Member must have length greater than or equal to 12",
        )
    policy_arn = params.get("TaskPolicyArn.arn")
    if not policy_arn:
        raise ApiError(
            400,
            "ValidationError",
            "1 validation error detected: Value null at 'taskPolicyArn' failed "
            "to satisfy constraint: Member must not be null",
        )
    duration = _int_param(params, "DurationSeconds", 900, 0, 900)
    caller = record.principal
    account = _root_target(target)
    denied = access_denied(caller, "sts:AssumeRoot", f"arn:aws:iam::{target}:root")

    def authorize() -> None:
        with world.lock:
            org = world.state.organization
            allowed = org is not None and (
                caller.account_id == org.management_account
                or caller.account_id in org.delegated_admins
            )
            member = org is not None and account in org.accounts
            sessions = org is not None and org.root_sessions
        enforce_policies(world, caller, "sts:AssumeRoot", f"arn:aws:iam::{target}:root")
        if (
            caller.kind == "root"
            or not allowed
            or not sessions
            or not member
            or account == (org.management_account if org else None)
            or not policy_arn.startswith(ROOT_TASK_POLICY_PREFIX)
            or world.denial("sts", "AssumeRoot", caller.account_id) is not None
        ):
            raise denied

    if account is None:
        raise denied
    authorize_then_activate(world, info, account, authorize)
    arn = f"arn:aws:iam::{account}:root"
    issued = world.issue_temporary(
        Principal("root", account, arn, account, arn),
        # DurationSeconds 0 is in the model's range; a session lasts at
        # least a second here.
        max(duration, 1),
        token_version=2,  # regional endpoints only
    )
    return query_success(STS_NS, "AssumeRoot", credentials_xml(issued))


# -- GetDelegatedAccessToken --------------------------------------------------
def _get_delegated_access_token(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    value = require(params, "TradeInToken")
    with world.lock:
        token = world.state.trade_in_tokens.get(value)
        role = world.roles.get(token.role_arn) if token else None
    if token is None or role is None:
        raise ApiError(
            403,
            "AccessDenied",
            f"User: {record.principal.arn} is not authorized to perform: "
            "sts:GetDelegatedAccessToken",
        )
    if time.time() > token.expires_at:
        raise ApiError(
            400,
            "ExpiredTradeInTokenException",
            "The trade-in token provided in the request has expired.",
        )

    def authorize() -> None:
        enforce_policies(world, record.principal, "sts:GetDelegatedAccessToken", "*")
        if world.denial("sts", "GetDelegatedAccessToken", record.principal.account_id):
            raise access_denied(record.principal, "sts:GetDelegatedAccessToken")

    authorize_then_activate(world, info, role.account_id, authorize)
    session = f"delegated-{uuid.uuid4().hex[:12]}"
    arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session}"
    principal = Principal(
        "assumed-role", role.account_id, arn, f"{role.role_id}:{session}", role.arn
    )
    issued = world.issue_temporary(
        principal,
        3600,
        token_version=world.token_version(role.account_id) if info.is_global else 2,
    )
    return query_success(
        STS_NS,
        "GetDelegatedAccessToken",
        credentials_xml(issued) + [("AssumedPrincipal", role.arn)],
    )


# -- GetWebIdentityToken ------------------------------------------------------
class _JwtKeys:
    """The simulator's token signing keys, made on first use (RSA key
    generation takes a moment)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rsa: rsa.RSAPrivateKey | None = None
        self._ec: ec.EllipticCurvePrivateKey | None = None

    def _rsa_key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._rsa is None:
                self._rsa = rsa.generate_private_key(65537, 2048)
            return self._rsa

    def _ec_key(self) -> ec.EllipticCurvePrivateKey:
        with self._lock:
            if self._ec is None:
                self._ec = ec.generate_private_key(ec.SECP384R1())
            return self._ec

    def sign(self, algorithm: str, message: bytes) -> bytes:
        """A JWS signature (RS256: PKCS#1 v1.5; ES384: r || s)."""
        if algorithm == "RS256":
            return self._rsa_key().sign(message, padding.PKCS1v15(), hashes.SHA256())
        der = self._ec_key().sign(message, ec.ECDSA(hashes.SHA384()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(48, "big") + s.to_bytes(48, "big")

    def public_key(
        self, algorithm: str
    ) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
        """What a relying party would fetch from the issuer's JWKS."""
        if algorithm == "RS256":
            return self._rsa_key().public_key()
        return self._ec_key().public_key()


JWT_KEYS = _JwtKeys()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issuer(account_id: str) -> str:
    """The ``iss`` of an account's tokens (the simulator's own URL)."""
    return f"https://{account_id}.tokens.sts.simulator.invalid"


def _tags(params: dict[str, str]) -> dict[str, str]:
    tags = {}
    index = 1
    while f"Tags.member.{index}.Key" in params:
        tags[params[f"Tags.member.{index}.Key"]] = params.get(
            f"Tags.member.{index}.Value", ""
        )
        index += 1
    if len(tags) > 50:
        raise _validation(
            "tags", len(tags), "Member must have length less than or equal to 50"
        )
    return tags


def _get_web_identity_token(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    _not_on_global(info, "GetWebIdentityToken")
    audience = _members(params, "Audience")
    if not audience:
        raise ApiError(
            400,
            "ValidationError",
            "1 validation error detected: Value null at 'audience' failed to "
            "satisfy constraint: Member must not be null",
        )
    if not all(audience):
        raise _validation(
            "audience", "", "Member must have length greater than or equal to 1"
        )
    if len(audience) > 10:
        raise _validation(
            "audience",
            len(audience),
            "Member must have length less than or equal to 10",
        )
    algorithm = require(params, "SigningAlgorithm")
    if algorithm not in JWT_ALGORITHMS:
        raise _validation(
            "signingAlgorithm",
            algorithm,
            "Member must satisfy enum value set: [RS256, ES384]",
        )
    duration = _int_param(params, "DurationSeconds", 300, 60, 3600)
    tags = _tags(params)
    principal = record.principal
    account = principal.account_id
    enforce_policies(world, principal, "sts:GetWebIdentityToken", "*")
    if world.denial("sts", "GetWebIdentityToken", account) is not None:
        raise access_denied(principal, "sts:GetWebIdentityToken")
    with world.lock:
        enabled = account in world.state.outbound_federation
    if not enabled:
        raise ApiError(
            403,
            "OutboundWebIdentityFederationDisabledException",
            "Outbound web identity federation is not enabled for this account.",
        )
    if (
        not world.web_identity_token_in_deactivated_region
        and not info.is_global
        and world.account_state(account, info.region) == "deactivated"
    ):
        raise region_disabled(account)
    now = time.time()
    expires = now + duration
    if record.expires_at is not None and expires > record.expires_at:
        raise ApiError(
            403,
            "SessionDurationEscalationException",
            "The requested token duration would extend the session beyond its "
            "original expiration time.",
        )
    claims: dict[str, object] = {
        "iss": issuer(account),
        "sub": principal.arn,
        "aud": audience[0] if len(audience) == 1 else audience,
        "iat": int(now),
        "exp": int(expires),
        "jti": str(uuid.uuid4()),
        "https://sts.amazonaws.com/": {
            "aws_account": account,
            "principal_id": principal.base_arn,
            "request_tags": tags,
        },
    }
    header = {"alg": algorithm, "typ": "JWT", "kid": f"simulator-{algorithm}"}
    signing_input = (
        f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    )
    signature = JWT_KEYS.sign(algorithm, signing_input.encode())
    token = f"{signing_input}.{_b64(signature)}"
    result: XmlTree = [("WebIdentityToken", token), ("Expiration", iso(expires))]
    with world.lock:
        world.issued.add(token)
    return query_success(STS_NS, "GetWebIdentityToken", result)


_Handler = Callable[[World, HostInfo, "dict[str, str]", KeyRecord], Response]
ACTIONS: dict[str, _Handler] = {
    "AssumeRoot": _assume_root,
    "GetDelegatedAccessToken": _get_delegated_access_token,
    "GetWebIdentityToken": _get_web_identity_token,
}
