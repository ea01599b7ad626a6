"""Building blocks of the simulated services' answers: the query
protocol's XML, the errors, and the checks every STS operation shares
(parameters, activation, credentials). ``protocol`` and ``sts_regional``
answer with them."""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from . import policy
from .endpoints import HostInfo
from .world import KeyRecord, Principal, World

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_VERSION = "2011-06-15"
IAM_VERSION = "2010-05-08"
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
XmlTree = list[tuple[str, "str | XmlTree"]]


@dataclass
class Response:
    """An HTTP response to send back through the tunnel."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class ApiError(Exception):
    """An error the service answers with."""

    def __init__(
        self, status: int, code: str, message: str, *, sender: bool = True
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender


def to_xml(tree: XmlTree) -> str:
    parts = []
    for tag, value in tree:
        inner = escape(value) if isinstance(value, str) else to_xml(value)
        parts.append(f"<{tag}>{inner}</{tag}>")
    return "".join(parts)


def new_request_id() -> str:
    return str(uuid.uuid4())


def query_success(namespace: str, action: str, result: XmlTree | None) -> Response:
    request_id = new_request_id()
    body = f'<{action}Response xmlns="{namespace}">'
    if result is not None:
        body += f"<{action}Result>{to_xml(result)}</{action}Result>"
    body += to_xml([("ResponseMetadata", [("RequestId", request_id)])])
    body += f"</{action}Response>\n"
    return Response(
        200,
        [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
        body.encode(),
    )


def query_error(namespace: str, error: ApiError) -> Response:
    request_id = new_request_id()
    body = (
        f'<ErrorResponse xmlns="{namespace}">'
        + to_xml(
            [
                (
                    "Error",
                    [
                        ("Type", "Sender" if error.sender else "Receiver"),
                        ("Code", error.code),
                        ("Message", error.message),
                    ],
                ),
                ("RequestId", request_id),
            ]
        )
        + "</ErrorResponse>\n"
    )
    return Response(
        error.status,
        [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
        body.encode(),
    )


def iso(epoch: float) -> str:
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def access_denied(
    principal: Principal, action: str, resource: str = "*", *, scp: bool = False
) -> ApiError:
    """IAM's wording: no policy allows the action, or an SCP denies it."""
    reason = (
        "with an explicit deny in a service control policy"
        if scp
        else f"because no identity-based policy allows the {action} action"
    )
    return ApiError(
        403,
        "AccessDenied",
        f"User: {principal.arn} is not authorized to perform: {action} on "
        f"resource: {resource} {reason}",
    )


def duration_seconds(params: dict[str, str], default: int, maximum: int) -> int:
    raw = params.get("DurationSeconds")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400,
            "ValidationError",
            f"Value '{raw}' at 'durationSeconds' is not an integer",
        ) from None
    if value < 900:
        raise ApiError(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{value}' at 'durationSeconds' "
            "failed to satisfy constraint: Member must have value greater than "
            "or equal to 900",
        )
    if value > maximum:
        raise ApiError(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{value}' at 'durationSeconds' "
            "failed to satisfy constraint: Member must have value less than or "
            f"equal to {maximum}",
        )
    return value


def require(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        member = name[:1].lower() + name[1:]
        raise ApiError(
            400,
            "ValidationError",
            f"1 validation error detected: Value null at '{member}' "
            "failed to satisfy constraint: Member must not be null",
        )
    return value


def region_disabled(account_id: str) -> ApiError:
    return ApiError(
        403,
        "RegionDisabledException",
        f"STS is not activated in this region for account:{account_id}. Your "
        "account administrator can activate STS in this region using the IAM "
        "Console.",
    )


def check_active(world: World, info: HostInfo, account_id: str) -> None:
    """Credential-issuing calls fail where STS is off for the issuing account."""
    if info.is_global:
        return  # the global endpoint cannot be deactivated
    if world.account_state(account_id, info.region) in ("deactivated", "not-enabled"):
        raise region_disabled(account_id)


def credentials_xml(record: KeyRecord) -> XmlTree:
    creds = record.credentials
    assert creds.session_token is not None and record.expires_at is not None
    return [
        (
            "Credentials",
            [
                ("AccessKeyId", creds.access_key_id),
                ("SecretAccessKey", creds.secret_access_key),
                ("SessionToken", creds.session_token),
                ("Expiration", iso(record.expires_at)),
            ],
        )
    ]


def token_version(world: World, info: HostInfo, account_id: str) -> int:
    """Regional endpoints issue v2 tokens; the global endpoint issues what
    the issuing account's GlobalEndpointTokenVersion says (for AssumeRole
    the role's account: UNCONFIRMED which account's setting AWS applies)."""
    return world.token_version(account_id) if info.is_global else 2


def authorize_then_activate(
    world: World,
    info: HostInfo,
    account_id: str,
    authorize: Callable[[], None],
) -> None:
    """Run the authorization check and the activation check in the order the
    world is configured for (AWS does not document which comes first)."""
    if world.activation_checked_first:
        check_active(world, info, account_id)
        authorize()
    else:
        authorize()
        check_active(world, info, account_id)


def enforce_policies(
    world: World, principal: Principal, action: str, resource: str
) -> None:
    """A template role's session may do only what its policies allow
    (policy.py); other principals are not limited here."""
    with world.lock:
        policies = world.role_policies.get(principal.base_arn)
    if policies is None or principal.kind != "assumed-role":
        return
    decision = policy.decide(policies.identity, action, resource)
    if decision != "allow":
        raise ApiError(
            403,
            "AccessDenied",
            policy.denial_message(principal, action, resource, decision),
        )
