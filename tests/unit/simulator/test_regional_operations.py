"""AssumeRoot, GetDelegatedAccessToken and GetWebIdentityToken as the
simulated STS answers them (``protocol.handle`` in process, requests signed
by botocore's SigV4 signer): inputs, outputs and each modelled error, the
global endpoint, deactivated regions and the per-test knobs."""

from __future__ import annotations

import base64
import calendar
import json
import re
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from testing.simulator import Simulator, protocol, sts_regional
from testing.simulator.endpoints import host_catalog
from testing.simulator.world import Credentials, LoggedRequest

from .signing import STS_VERSION, sigv4_signed

MEMBER = "222233334444"
TOKYO = "sts.ap-northeast-1.amazonaws.com"
GLOBAL = "sts.amazonaws.com"
AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"


def _call(
    sim: Simulator, keys: Credentials, host: str, action: str, **params: str
) -> tuple[int, str, LoggedRequest]:
    info = host_catalog()[host]
    request = sigv4_signed(
        keys, host, info.region, {"Action": action, "Version": STS_VERSION, **params}
    )
    response, entry = protocol.handle(sim._world, info, request)
    return response.status, response.body.decode(), entry


def _tag(body: str, name: str) -> str:
    match = re.search(f"<{name}>([^<]*)</{name}>", body)
    assert match, body
    return match.group(1)


def _keys(body: str) -> Credentials:
    return Credentials(
        _tag(body, "AccessKeyId"),
        _tag(body, "SecretAccessKey"),
        _tag(body, "SessionToken"),
    )


def _error(body: str) -> tuple[str, str]:
    return _tag(body, "Code"), _tag(body, "Message")


@pytest.fixture
def org() -> tuple[Simulator, Credentials]:
    """An organization with one member; keys of the management account."""
    sim = Simulator()
    sim.create_organization()
    sim.add_member_account(MEMBER)
    return sim, sim.add_user("admin")


# -- AssumeRoot ---------------------------------------------------------------
def _assume_root(
    sim: Simulator, keys: Credentials, host: str = TOKYO, **params: str
) -> tuple[int, str, LoggedRequest]:
    params = {"TargetPrincipal": MEMBER, "TaskPolicyArn.arn": AUDIT, **params}
    return _call(sim, keys, host, "AssumeRoot", **params)


def test_assume_root_issues_a_root_session_of_the_member(
    org: tuple[Simulator, Credentials],
) -> None:
    sim, admin = org
    before = time.time()
    status, body, entry = _assume_root(sim, admin, DurationSeconds="600")
    assert status == 200, body
    assert "<AssumeRootResult><Credentials>" in body
    expiration = time.strptime(_tag(body, "Expiration"), "%Y-%m-%dT%H:%M:%SZ")
    assert before + 590 < calendar.timegm(expiration) < time.time() + 610
    assert (entry.action, entry.account_id, entry.error_code) == (
        "AssumeRoot",
        MEMBER,
        None,
    )
    status, body, _ = _call(sim, _keys(body), TOKYO, "GetCallerIdentity")
    assert status == 200, body
    assert (_tag(body, "Arn"), _tag(body, "UserId"), _tag(body, "Account")) == (
        f"arn:aws:iam::{MEMBER}:root",
        MEMBER,
        MEMBER,
    )


def test_assume_root_takes_a_root_arn_and_defaults_to_900_seconds(
    org: tuple[Simulator, Credentials],
) -> None:
    sim, admin = org
    before = time.time()
    status, body, _ = _assume_root(
        sim, admin, TargetPrincipal=f"arn:aws:iam::{MEMBER}:root"
    )
    assert status == 200, body
    record = sim._world.keys[_keys(body).access_key_id]
    assert record.expires_at is not None
    assert before + 895 < record.expires_at < time.time() + 905


def test_global_endpoint_does_not_know_assume_root(
    org: tuple[Simulator, Credentials],
) -> None:
    """boto/boto3#4461: InvalidAction "Unknown Operation" (HTTP status
    UNCONFIRMED); the request is still authenticated and logged."""
    sim, admin = org
    status, body, entry = _assume_root(sim, admin, GLOBAL)
    assert (status, _error(body)) == (400, ("InvalidAction", "Unknown Operation"))
    assert (entry.host, entry.signing_region, entry.access_key_id) == (
        GLOBAL,
        "us-east-1",
        admin.access_key_id,
    )


def test_assume_root_in_a_deactivated_region_is_the_targets(
    org: tuple[Simulator, Credentials],
) -> None:
    sim, admin = org
    sim.set_region("ap-northeast-1", state="deactivated")  # the caller's account
    status, body, _ = _assume_root(sim, admin)
    assert status == 200, body
    sim.set_region("ap-northeast-1", state="deactivated", account_id=MEMBER)
    status, body, entry = _assume_root(sim, admin)
    assert status == 403
    assert _error(body) == (
        "RegionDisabledException",
        f"STS is not activated in this region for account:{MEMBER}. Your account "
        "administrator can activate STS in this region using the IAM Console.",
    )
    assert entry.account_id == MEMBER


@pytest.mark.parametrize(
    "change",
    [
        "not-management",
        "root-sessions-off",
        "not-a-member",
        "management-as-target",
        "other-task-policy",
        "denied",
        "root-caller",
    ],
)
def test_assume_root_access_denied(
    org: tuple[Simulator, Credentials], change: str
) -> None:
    sim, admin = org
    params: dict[str, str] = {}
    keys = admin
    if change == "not-management":
        keys = sim.add_user("bob", account_id=MEMBER)
    elif change == "root-sessions-off":
        sim.set_root_sessions(False)
    elif change == "not-a-member":
        params["TargetPrincipal"] = "999988887777"
    elif change == "management-as-target":
        params["TargetPrincipal"] = sim._world.default_account
    elif change == "other-task-policy":
        params["TaskPolicyArn.arn"] = "arn:aws:iam::aws:policy/AdministratorAccess"
    elif change == "denied":
        sim.deny("sts:AssumeRoot")
    else:
        _, body, _ = _assume_root(sim, admin)
        keys = _keys(body)
        sim.add_delegated_administrator(MEMBER)  # only root-ness is wrong
        sim.add_member_account("333344445555")
        params["TargetPrincipal"] = "333344445555"
    status, body, _ = _assume_root(sim, keys, **params)
    assert (status, _error(body)[0]) == (403, "AccessDenied"), body


def test_delegated_administrator_may_assume_root(
    org: tuple[Simulator, Credentials],
) -> None:
    sim, _ = org
    sim.add_member_account("333344445555")
    sim.add_delegated_administrator(MEMBER)
    delegate = sim.add_user("iam-admin", account_id=MEMBER)
    status, body, _ = _assume_root(sim, delegate, TargetPrincipal="333344445555")
    assert status == 200, body


@pytest.mark.parametrize(
    ("params", "member"),
    [
        ({"TaskPolicyArn.arn": ""}, "taskPolicyArn"),
        ({"TargetPrincipal": ""}, "targetPrincipal"),
        ({"TargetPrincipal": "12345"}, "targetPrincipal"),
        ({"DurationSeconds": "901"}, "durationSeconds"),
        ({"DurationSeconds": "-1"}, "durationSeconds"),
    ],
)
def test_assume_root_validation(
    org: tuple[Simulator, Credentials], params: dict[str, str], member: str
) -> None:
    sim, admin = org
    status, body, _ = _assume_root(sim, admin, **params)
    code, message = _error(body)
    assert (status, code) == (400, "ValidationError"), body
    assert f"at '{member}'" in message


# -- GetDelegatedAccessToken --------------------------------------------------
@pytest.fixture
def delegation() -> tuple[Simulator, Credentials, str]:
    """A partner's keys and a trade-in token for a customer's role."""
    sim = Simulator()
    role = sim.add_role("PartnerAccess", account_id=MEMBER)
    return sim, sim.add_user("partner"), role


@pytest.mark.parametrize("host", [TOKYO, GLOBAL])
def test_trade_in_token_becomes_a_role_session(
    delegation: tuple[Simulator, Credentials, str], host: str
) -> None:
    sim, partner, role = delegation
    token = sim.issue_trade_in_token(role)
    status, body, entry = _call(
        sim, partner, host, "GetDelegatedAccessToken", TradeInToken=token
    )
    assert status == 200, body
    assert _tag(body, "AssumedPrincipal") == role
    assert entry.account_id == MEMBER
    status, body, _ = _call(sim, _keys(body), TOKYO, "GetCallerIdentity")
    assert status == 200, body
    assert _tag(body, "Arn").startswith(
        f"arn:aws:sts::{MEMBER}:assumed-role/PartnerAccess/"
    )
    assert token in sim.issued_secrets()


def test_trade_in_token_errors(delegation: tuple[Simulator, Credentials, str]) -> None:
    sim, partner, role = delegation
    status, body, _ = _call(
        sim, partner, TOKYO, "GetDelegatedAccessToken", TradeInToken="forged"
    )
    assert (status, _error(body)[0]) == (403, "AccessDenied")
    expired = sim.issue_trade_in_token(role, expires_in=-1)
    status, body, _ = _call(
        sim, partner, TOKYO, "GetDelegatedAccessToken", TradeInToken=expired
    )
    assert (status, _error(body)[0]) == (400, "ExpiredTradeInTokenException")
    status, body, _ = _call(sim, partner, TOKYO, "GetDelegatedAccessToken")
    assert (status, _error(body)[0]) == (400, "ValidationError")
    with pytest.raises(ValueError, match="no role"):
        sim.issue_trade_in_token("arn:aws:iam::111122223333:role/Nobody")


def test_trade_in_token_in_a_deactivated_region(
    delegation: tuple[Simulator, Credentials, str],
) -> None:
    """The delegating (role's) account's activation counts (UNCONFIRMED)."""
    sim, partner, role = delegation
    token = sim.issue_trade_in_token(role)
    sim.set_region("ap-northeast-1", state="deactivated", account_id=MEMBER)
    status, body, _ = _call(
        sim, partner, TOKYO, "GetDelegatedAccessToken", TradeInToken=token
    )
    assert (status, _error(body)[0]) == (403, "RegionDisabledException")
    sim.reset()
    status, body, _ = _call(
        sim, partner, TOKYO, "GetDelegatedAccessToken", TradeInToken=token
    )
    assert (status, _error(body)[0]) == (403, "AccessDenied")  # reset forgot it


# -- GetWebIdentityToken ------------------------------------------------------
def _token_request(
    sim: Simulator, keys: Credentials, host: str = TOKYO, **params: str
) -> tuple[int, str, LoggedRequest]:
    params = {
        "Audience.member.1": "https://api.example.com",
        "SigningAlgorithm": "ES384",
        **params,
    }
    return _call(sim, keys, host, "GetWebIdentityToken", **params)


def _segments(token: str) -> tuple[dict[str, object], dict[str, object], bytes]:
    def decode(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    header, claims, signature = token.split(".")
    return json.loads(decode(header)), json.loads(decode(claims)), decode(signature)


def test_web_identity_token_needs_outbound_federation() -> None:
    sim = Simulator()
    alice = sim.add_user()
    status, body, _ = _token_request(sim, alice)
    assert (status, _error(body)[0]) == (
        403,
        "OutboundWebIdentityFederationDisabledException",
    )
    other = sim.add_user("carol", account_id=MEMBER)
    sim.set_outbound_web_identity_federation(account_id=MEMBER)
    assert _token_request(sim, alice)[0] == 403  # per account
    assert _token_request(sim, other)[0] == 200
    sim.set_outbound_web_identity_federation()
    assert _token_request(sim, alice)[0] == 200
    sim.set_outbound_web_identity_federation(False)
    assert _token_request(sim, alice)[0] == 403
    sim.set_outbound_web_identity_federation()
    sim.reset()
    assert _token_request(sim, alice)[0] == 403


@pytest.mark.parametrize("algorithm", ["ES384", "RS256"])
def test_web_identity_token_is_a_signed_jwt(algorithm: str) -> None:
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    status, body, _ = _token_request(
        sim,
        alice,
        SigningAlgorithm=algorithm,
        DurationSeconds="120",
        **{
            "Audience.member.2": "https://other.example.com",
            "Tags.member.1.Key": "team",
            "Tags.member.1.Value": "blue",
        },
    )
    assert status == 200, body
    token = _tag(body, "WebIdentityToken")
    header, claims, signature = _segments(token)
    assert header["alg"] == algorithm
    assert claims["sub"] == "arn:aws:iam::111122223333:user/alice"
    assert claims["aud"] == ["https://api.example.com", "https://other.example.com"]
    assert claims["iss"] == sts_regional.issuer("111122223333")
    assert claims["https://sts.amazonaws.com/"] == {
        "aws_account": "111122223333",
        "principal_id": "arn:aws:iam::111122223333:user/alice",
        "request_tags": {"team": "blue"},
    }
    assert isinstance(claims["exp"], int) and isinstance(claims["iat"], int)
    assert claims["exp"] - claims["iat"] == 120
    signed = token.rpartition(".")[0].encode()
    key = sts_regional.JWT_KEYS.public_key(algorithm)
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    else:
        der = encode_dss_signature(
            int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
        )
        key.verify(der, signed, ec.ECDSA(hashes.SHA384()))
    assert token in sim.issued_secrets()


def test_web_identity_token_not_on_the_global_endpoint() -> None:
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    status, body, _ = _token_request(sim, alice, GLOBAL)
    assert (status, _error(body)) == (400, ("InvalidAction", "Unknown Operation"))


def test_web_identity_token_in_a_deactivated_region() -> None:
    """Not modelled with RegionDisabledException: answers by default (the
    simulator's choice), the knob makes it refuse."""
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    sim.set_region("ap-northeast-1", state="deactivated")
    assert _token_request(sim, alice)[0] == 200
    sim.web_identity_token_in_deactivated_region = False
    status, body, _ = _token_request(sim, alice)
    assert (status, _error(body)[0]) == (403, "RegionDisabledException")


def test_web_identity_token_cannot_outlive_the_session() -> None:
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    _, body, _ = _call(sim, alice, TOKYO, "GetSessionToken", DurationSeconds="900")
    session = _keys(body)
    assert _token_request(sim, session, DurationSeconds="600")[0] == 200
    status, body, _ = _token_request(sim, session, DurationSeconds="1200")
    assert (status, _error(body)[0]) == (403, "SessionDurationEscalationException")


@pytest.mark.parametrize(
    ("params", "member"),
    [
        ({"Audience.member.1": ""}, "audience"),
        ({"SigningAlgorithm": "HS256"}, "signingAlgorithm"),
        ({"SigningAlgorithm": ""}, "signingAlgorithm"),
        ({"DurationSeconds": "59"}, "durationSeconds"),
        ({"DurationSeconds": "3601"}, "durationSeconds"),
        (
            {f"Audience.member.{i}": f"https://a{i}.example.com" for i in range(1, 12)},
            "audience",
        ),
    ],
)
def test_web_identity_token_validation(params: dict[str, str], member: str) -> None:
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    status, body, _ = _token_request(sim, alice, **params)
    code, message = _error(body)
    assert (status, code) == (400, "ValidationError"), body
    assert f"at '{member}'" in message


def test_denied_web_identity_token() -> None:
    sim = Simulator()
    alice = sim.add_user()
    sim.set_outbound_web_identity_federation()
    sim.deny("sts:GetWebIdentityToken")
    status, body, _ = _token_request(sim, alice)
    assert (status, _error(body)[0]) == (403, "AccessDenied")
