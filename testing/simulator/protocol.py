"""What the simulated services answer: STS and IAM (query protocol, XML),
Account Management (REST-JSON) and Organizations (JSON 1.1), independent of
the transport.

``handle`` takes a request that arrived on a served host and returns the
response plus the log entry; the proxy only moves bytes.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from . import policy, sigv4, sigv4a, sts_regional, throttle
from .answers import (
    EXPIRED_TOKEN,
    IAM_NS,
    IAM_VERSION,
    INVALID_TOKEN,
    STS_NS,
    STS_VERSION,
    ApiError,
    Response,
    XmlTree,
    access_denied,
    authorize_then_activate,
    credentials_xml,
    duration_seconds,
    enforce_policies,
    new_request_id,
    query_error,
    query_success,
    region_disabled,
    require,
    token_version,
)
from .endpoints import OPT_IN_REGIONS, HostInfo
from .organization import ORGANIZATION_ID
from .world import KeyRecord, LoggedRequest, Principal, Role, World

CREDENTIAL_ISSUING = frozenset(
    {
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "GetSessionToken",
        "GetFederationToken",
        "AssumeRoot",
        "GetDelegatedAccessToken",
    }
)
_SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
_FEDERATED_NAME_RE = re.compile(r"^[\w+=,.@-]{2,32}$")


@dataclass
class _Context:
    """What is known about a request while it is being answered (it feeds
    the log entry even when answering fails half-way)."""

    info: HostInfo
    action: str = ""
    signing_region: str | None = None
    access_key_id: str | None = None
    presigned: bool = False
    #: The signer's account, once its key is known.
    account_id: str | None = None
    algorithm: str | None = None
    region_set: str | None = None
    #: The signer's account as its key names it, read before any check.
    caller_account_id: str | None = None
    throttled: bool = False


#: The account in a role ARN.
_ROLE_ACCOUNT = re.compile(r"^arn:[^:]+:iam::([0-9]{12}):role/")


# -- XML ---------------------------------------------------------------------


def _json_response(
    status: int, payload: object, extra: list[tuple[str, str]]
) -> Response:
    request_id = new_request_id()
    return Response(
        status,
        [
            ("Content-Type", "application/json"),
            ("x-amzn-RequestId", request_id),
            *extra,
        ],
        json.dumps(payload).encode(),
    )


def _json_error(error: ApiError) -> Response:
    return _json_response(
        error.status, {"message": error.message}, [("x-amzn-ErrorType", error.code)]
    )


# -- authentication -----------------------------------------------------------
def _authenticate(world: World, ctx: _Context, request: sigv4.HttpRequest) -> KeyRecord:
    """Verify the SigV4 signature and return the caller's key record."""
    try:
        auth = sigv4.parse_auth(request)
    except sigv4.SigV4Error as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    if auth is None:
        raise ApiError(
            403, "MissingAuthenticationToken", "Request is missing Authentication Token"
        )
    # SigV4a has no region in its scope: its region set is logged instead.
    ctx.signing_region = auth.region_set if auth.asymmetric else auth.region
    ctx.access_key_id = auth.access_key_id
    ctx.presigned = auth.presigned
    ctx.algorithm = auth.algorithm
    ctx.region_set = auth.region_set
    info = ctx.info
    # The scope is checked against the host before the key is looked up: a
    # request signed for another region is rejected whoever sent it.
    if auth.service != info.service:
        raise ApiError(
            403,
            "SignatureDoesNotMatch",
            f"Credential should be scoped to correct service: '{info.service}'. ",
        )
    in_scope = (
        sigv4a.region_set_covers(auth.region_set or "", info.region)
        if auth.asymmetric
        else auth.region == info.region
    )
    if not in_scope:
        # SigV4a: the same answer as SigV4's wrong region (UNCONFIRMED).
        raise ApiError(
            403,
            "SignatureDoesNotMatch",
            "Credential should be scoped to a valid region. ",
        )
    with world.lock:
        record = world.keys.get(auth.access_key_id)
    if record is None:
        raise ApiError(403, "InvalidClientTokenId", INVALID_TOKEN)
    ctx.account_id = record.principal.account_id
    if info.service == "sts" and not info.is_global:
        _check_region_knows(world, info, record.principal.account_id, record)
    if record.credentials.session_token != auth.security_token:
        raise ApiError(403, "InvalidClientTokenId", INVALID_TOKEN)
    if record.expires_at is not None and time.time() > record.expires_at:
        raise ApiError(403, "ExpiredToken", EXPIRED_TOKEN)
    secret = record.credentials.secret_access_key
    try:
        if auth.asymmetric:
            sigv4a.verify(request, auth, auth.access_key_id, secret)
        else:
            sigv4.verify(request, auth, secret)
    except sigv4.SigV4Error as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    return record


def _check_region_knows(
    world: World, info: HostInfo, account_id: str, record: KeyRecord | None
) -> None:
    """An opt-in region that is not enabled for the account rejects its keys,
    and so does any opt-in region for a v1 global-endpoint session token."""
    if world.account_state(account_id, info.region) == "not-enabled":
        raise ApiError(403, "InvalidClientTokenId", INVALID_TOKEN)
    if (
        record is not None
        and record.token_version == 1
        and info.region in OPT_IN_REGIONS
    ):
        raise ApiError(403, "InvalidClientTokenId", INVALID_TOKEN)


# -- STS ---------------------------------------------------------------------
def _trusts(world: World, role: Role, principal: Principal) -> bool:
    with world.lock:
        policies = world.role_policies.get(role.arn)
    if policies is not None:
        return policy.trust_allows_aws(policies.trust, principal)
    for entry in role.trusted:
        if entry in (
            "*",
            principal.base_arn,
            principal.account_id,
            f"arn:aws:iam::{principal.account_id}:root",
        ):
            return True
    return False


def _jwt_claim(token: str, claim: str) -> str | None:
    """A claim of an unverified JWT, if the token looks like one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded)).get(claim)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _sts(
    world: World, ctx: _Context, request: sigv4.HttpRequest, params: dict[str, str]
) -> Response:
    info = ctx.info
    action = ctx.action
    if not action:
        raise ApiError(400, "MissingAction", "Missing Action")
    handler = _STS_ACTIONS.get(action)
    if params.get("Version") != STS_VERSION:
        raise ApiError(
            400,
            "InvalidAction",
            f"Could not find operation {action} for version "
            f"{params.get('Version', 'NO_VERSION_SPECIFIED')}",
        )
    if action not in _STS_ACTIONS:
        raise ApiError(
            400,
            "InvalidAction",
            f"Could not find operation {action} for version {STS_VERSION}",
        )
    if handler is None:
        # The one unsigned call here: trust comes from the web identity token.
        return _assume_role_with_web_identity(world, info, params)
    record = _authenticate(world, ctx, request)
    return handler(world, info, params, record)


def _get_caller_identity(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    principal = record.principal
    if (
        not world.caller_identity_in_deactivated_region
        and not info.is_global
        and world.account_state(principal.account_id, info.region) == "deactivated"
    ):
        raise region_disabled(principal.account_id)
    return query_success(
        STS_NS,
        "GetCallerIdentity",
        [
            ("UserId", principal.user_id),
            ("Account", principal.account_id),
            ("Arn", principal.arn),
        ],
    )


def _get_session_token(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    duration = duration_seconds(params, 43200, 129600)
    principal = record.principal

    def authorize() -> None:
        if record.credentials.session_token is not None:
            raise ApiError(
                403,
                "AccessDenied",
                "Cannot call GetSessionToken with session credentials",
            )
        if world.is_denied("sts", "GetSessionToken"):
            raise access_denied(principal, "sts:GetSessionToken")

    authorize_then_activate(world, info, principal.account_id, authorize)
    issued = world.issue_temporary(
        principal,
        duration,
        token_version=token_version(world, info, principal.account_id),
    )
    return query_success(STS_NS, "GetSessionToken", credentials_xml(issued))


def _get_federation_token(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    name = require(params, "Name")
    if not _FEDERATED_NAME_RE.match(name):
        raise ApiError(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{name}' at 'name' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[\\w+=,.@-]*",
        )
    duration = duration_seconds(params, 43200, 129600)
    caller = record.principal

    def authorize() -> None:
        if record.credentials.session_token is not None:
            raise ApiError(
                403,
                "AccessDenied",
                "Cannot call GetFederationToken with session credentials",
            )
        if world.is_denied("sts", "GetFederationToken"):
            raise access_denied(caller, "sts:GetFederationToken")

    authorize_then_activate(world, info, caller.account_id, authorize)
    account = caller.account_id
    arn = f"arn:aws:sts::{account}:federated-user/{name}"
    federated = Principal("federated-user", account, arn, f"{account}:{name}", arn)
    issued = world.issue_temporary(
        federated, duration, token_version=token_version(world, info, account)
    )
    return query_success(
        STS_NS,
        "GetFederationToken",
        credentials_xml(issued)
        + [("FederatedUser", [("FederatedUserId", federated.user_id), ("Arn", arn)])],
    )


def _session_name(params: dict[str, str]) -> str:
    name = require(params, "RoleSessionName")
    if not _SESSION_NAME_RE.match(name):
        raise ApiError(
            400,
            "ValidationError",
            f"1 validation error detected: Value '{name}' at 'roleSessionName' "
            "failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [\\w+=,.@-]*",
        )
    return name


def _assumed_role_result(
    world: World, info: HostInfo, role: Role, session: str, duration: int, chained: bool
) -> tuple[KeyRecord, XmlTree]:
    arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session}"
    user_id = f"{role.role_id}:{session}"
    principal = Principal("assumed-role", role.account_id, arn, user_id, role.arn)
    issued = world.issue_temporary(
        principal,
        duration,
        token_version=token_version(world, info, role.account_id),
        role_chained=chained,
    )
    result = credentials_xml(issued) + [
        ("AssumedRoleUser", [("AssumedRoleId", user_id), ("Arn", arn)])
    ]
    return issued, result


def _assume_role(
    world: World, info: HostInfo, params: dict[str, str], record: KeyRecord
) -> Response:
    role_arn = require(params, "RoleArn")
    session = _session_name(params)
    caller = record.principal
    chained = caller.kind == "assumed-role"
    duration = duration_seconds(params, 3600, 43200)
    if chained and duration > 3600:
        raise ApiError(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the 1 hour session limit for "
            "roles assumed by role chaining.",
        )
    with world.lock:
        role = world.roles.get(role_arn)
    denied = ApiError(
        403,
        "AccessDenied",
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on "
        f"resource: {role_arn}",
    )
    if role is None:
        # Nothing tells which account would issue: AWS answers AccessDenied.
        raise denied

    def authorize() -> None:
        enforce_policies(
            world,
            caller,
            "sts:AssumeRole",
            role_arn,
            _organization_keys(world, caller.account_id, role.account_id),
        )
        if (
            world.is_denied("sts", "AssumeRole")
            or not _trusts(world, role, caller)
            or not world.role_assumable(role.arn)
            or _suspended(world, role.account_id)
        ):
            raise denied

    authorize_then_activate(world, info, role.account_id, authorize)
    _, result = _assumed_role_result(world, info, role, session, duration, chained)
    return query_success(STS_NS, "AssumeRole", result)


def _organization_keys(
    world: World, principal_account: str, resource_account: str
) -> dict[str, str]:
    """``aws:PrincipalOrgID`` and ``aws:ResourceOrgID`` of a request: each
    present only when its account is in the organization."""
    keys = {}
    for key, account_id in (
        ("aws:PrincipalOrgID", principal_account),
        ("aws:ResourceOrgID", resource_account),
    ):
        if world.org_account(account_id) is not None:
            keys[key] = ORGANIZATION_ID
    return keys


def _assume_role_with_web_identity(
    world: World, info: HostInfo, params: dict[str, str]
) -> Response:
    role_arn = require(params, "RoleArn")
    session = _session_name(params)
    token = require(params, "WebIdentityToken")
    duration = duration_seconds(params, 3600, 43200)
    with world.lock:
        role = world.roles.get(role_arn)
    denied = ApiError(
        403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    )
    if role is None:
        raise denied
    if not info.is_global:
        _check_region_knows(world, info, role.account_id, None)

    def authorize() -> None:
        if not role.web_identity or world.is_denied("sts", "AssumeRoleWithWebIdentity"):
            raise denied
        with world.lock:
            policies = world.role_policies.get(role.arn)
            providers = set(world.oidc_providers)
        if policies is not None:
            claims = {
                name: value
                for name in ("iss", "aud", "sub")
                if (value := _jwt_claim(token, name)) is not None
            }
            if not policy.trust_allows_web_identity(policies.trust, providers, claims):
                raise denied

    authorize_then_activate(world, info, role.account_id, authorize)
    _, result = _assumed_role_result(world, info, role, session, duration, False)
    subject = _jwt_claim(token, "sub") or "web-identity-subject"
    audience = _jwt_claim(token, "aud") or "sts.amazonaws.com"
    provider = _jwt_claim(token, "iss") or "accounts.example.com"
    result += [
        ("SubjectFromWebIdentityToken", subject),
        ("Provider", provider),
        ("Audience", audience),
    ]
    return query_success(STS_NS, "AssumeRoleWithWebIdentity", result)


def _suspended(world: World, account_id: str) -> bool:
    """A suspended member account issues no credentials (UNCONFIRMED how AWS
    answers; AccessDenied here)."""
    member = world.org_account(account_id)
    return member is not None and member.status == "SUSPENDED"


_StsHandler = Callable[[World, HostInfo, "dict[str, str]", KeyRecord], Response]
_STS_ACTIONS: dict[str, _StsHandler | None] = {
    "GetCallerIdentity": _get_caller_identity,
    "GetSessionToken": _get_session_token,
    "GetFederationToken": _get_federation_token,
    "AssumeRole": _assume_role,
    "AssumeRoleWithWebIdentity": None,  # unsigned; dispatched separately
    # AssumeRoot, GetDelegatedAccessToken, GetWebIdentityToken.
    **sts_regional.ACTIONS,
}


# -- IAM ---------------------------------------------------------------------
def _iam(
    world: World, ctx: _Context, request: sigv4.HttpRequest, params: dict[str, str]
) -> Response:
    action = ctx.action
    if not action:
        raise ApiError(400, "MissingAction", "Missing Action")
    if action not in ("GetAccountSummary", "SetSecurityTokenServicePreferences"):
        raise ApiError(
            400,
            "InvalidAction",
            f"Could not find operation {action} for version {IAM_VERSION}",
        )
    record = _authenticate(world, ctx, request)
    account = record.principal.account_id
    denial = world.denial("iam", action, account)
    if denial is not None:
        raise access_denied(record.principal, f"iam:{action}", scp=denial == "scp")
    enforce_policies(world, record.principal, f"iam:{action}", "*")
    if action == "SetSecurityTokenServicePreferences":
        wanted = params.get("GlobalEndpointTokenVersion")
        versions = {"v1Token": 1, "v2Token": 2}
        if wanted not in versions:
            value = "null" if wanted is None else f"'{wanted}'"
            constraint = (
                "Member must not be null"
                if wanted is None
                else "Member must satisfy enum value set: [v1Token, v2Token]"
            )
            raise ApiError(
                400,
                "ValidationError",
                f"1 validation error detected: Value {value} at "
                f"'globalEndpointTokenVersion' failed to satisfy constraint: "
                f"{constraint}",
            )
        world.set_token_version(account, versions[wanted])
        return query_success(IAM_NS, action, None)
    with world.lock:
        users = sum(1 for (acct, _) in world.users if acct == account)
        roles = world.role_counts.get(account, 0)
    version = world.token_version(account)
    summary = {
        "Users": users,
        "UsersQuota": 5000,
        "Groups": 0,
        "GroupsQuota": 300,
        "Roles": roles,
        "RolesQuota": 1000,
        "Policies": 0,
        "PoliciesQuota": 1500,
        "AccountMFAEnabled": 0,
        "AccountAccessKeysPresent": 0,
        "MFADevices": 0,
        "MFADevicesInUse": 0,
        "GlobalEndpointTokenVersion": version,
    }
    entries: XmlTree = [
        ("entry", [("key", key), ("value", str(value))])
        for key, value in summary.items()
    ]
    return query_success(IAM_NS, action, [("SummaryMap", entries)])


# -- Account Management --------------------------------------------------------
_ACCOUNT_PATHS = {
    "/listRegions": "ListRegions",
    "/getRegionOptStatus": "GetRegionOptStatus",
}
_OPT_STATUSES = ("ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT")


def _validation(message: str) -> ApiError:
    return ApiError(400, "ValidationException", message)


def _account(world: World, ctx: _Context, request: sigv4.HttpRequest) -> Response:
    if ctx.action not in _ACCOUNT_PATHS.values() or request.method != "POST":
        raise ApiError(404, "UnknownOperationException", "Unknown operation")
    record = _authenticate(world, ctx, request)
    principal = record.principal
    denial = world.denial("account", ctx.action, principal.account_id)
    if denial is not None:
        denied = access_denied(principal, f"account:{ctx.action}", scp=denial == "scp")
        # REST-JSON services name the error with the Exception suffix.
        raise ApiError(403, "AccessDeniedException", denied.message)
    try:
        enforce_policies(
            world,
            principal,
            f"account:{ctx.action}",
            f"arn:aws:account::{principal.account_id}:account",
        )
    except ApiError as error:
        raise ApiError(403, "AccessDeniedException", error.message) from None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise _validation("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _validation("Request body must be a JSON object")
    # AccountId names another account of the organization; the simulator
    # answers for any account it knows (Organizations rules are not modelled).
    account = body.get("AccountId") or principal.account_id
    regions = world.regions_of_partition(ctx.info.partition)
    if ctx.action == "GetRegionOptStatus":
        name = body.get("RegionName")
        if name not in regions:
            raise _validation(f"Invalid region: {name}")
        return _json_response(
            200,
            {
                "RegionName": name,
                "RegionOptStatus": world.region_opt_status(account, name),
            },
            [],
        )
    max_results = body.get("MaxResults", 50)
    if not isinstance(max_results, int) or not 1 <= max_results <= 50:
        raise _validation("MaxResults must be between 1 and 50")
    wanted = body.get("RegionOptStatusContains")
    if wanted is not None and (
        not isinstance(wanted, list) or any(s not in _OPT_STATUSES for s in wanted)
    ):
        raise _validation("Invalid RegionOptStatusContains")
    start = 0
    token = body.get("NextToken")
    if token:
        try:
            start = int(base64.b64decode(token).decode().removeprefix("offset:"))
        except ValueError:
            raise _validation("Invalid NextToken") from None
    listed = [
        {"RegionName": r, "RegionOptStatus": world.region_opt_status(account, r)}
        for r in regions
    ]
    if wanted:
        listed = [entry for entry in listed if entry["RegionOptStatus"] in wanted]
    page = listed[start : start + max_results]
    result: dict[str, object] = {"Regions": page}
    if start + max_results < len(listed):
        result["NextToken"] = base64.b64encode(
            f"offset:{start + max_results}".encode()
        ).decode()
    return _json_response(200, result, [])


# -- Organizations (JSON 1.1) -------------------------------------------------
ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128"
_ORG_PAGE_LIMIT = 20  # ListAccounts' MaxResults range is 1..20


def _json11_response(payload: object) -> Response:
    request_id = new_request_id()
    return Response(
        200,
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", request_id),
        ],
        json.dumps(payload).encode(),
    )


def _json11_error(error: ApiError) -> Response:
    """JSON 1.1 errors name themselves in the body's ``__type``."""
    request_id = new_request_id()
    return Response(
        error.status,
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-RequestId", request_id),
        ],
        json.dumps({"__type": error.code, "Message": error.message}).encode(),
    )


def _org_input(message: str) -> ApiError:
    return ApiError(400, "InvalidInputException", message)


def _organizations(world: World, ctx: _Context, request: sigv4.HttpRequest) -> Response:
    target = request.header("X-Amz-Target") or ""
    if request.method != "POST" or not target.startswith(
        ORGANIZATIONS_TARGET_PREFIX + "."
    ):
        raise ApiError(400, "UnknownOperationException", "Unknown operation")
    if ctx.action == "DescribeOrganization":
        return _describe_organization(world, ctx, request)
    if ctx.action != "ListAccounts":
        raise ApiError(
            400, "UnknownOperationException", f"{ctx.action} is not simulated"
        )
    record = _authenticate(world, ctx, request)
    caller = record.principal.account_id
    with world.lock:
        org = world.state.organization
        if org is None:
            raise ApiError(
                400,
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        allowed = caller == org.management_account or caller in org.delegated_admins
    if not allowed or world.is_denied("organizations", "ListAccounts"):
        raise ApiError(
            400,
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        )
    try:
        enforce_policies(world, record.principal, "organizations:ListAccounts", "*")
    except ApiError as error:
        raise ApiError(400, "AccessDeniedException", error.message) from None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise _org_input("Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _org_input("Request body must be a JSON object")
    max_results = body.get("MaxResults", _ORG_PAGE_LIMIT)
    if not isinstance(max_results, int) or not 1 <= max_results <= _ORG_PAGE_LIMIT:
        raise _org_input(
            f"You provided a value that does not match the required pattern "
            f"(MaxResults must be from 1 to {_ORG_PAGE_LIMIT})."
        )
    start = 0
    token = body.get("NextToken")
    if token:
        try:
            start = int(base64.b64decode(token).decode().removeprefix("accounts:"))
        except ValueError:
            raise _org_input("The provided NextToken is not valid.") from None
    with world.lock:
        members = list(org.accounts.values())[start : start + max_results]
        more = start + max_results < len(org.accounts)
        management = org.management_account
    accounts = [
        {
            "Id": m.account_id,
            "Arn": f"arn:aws:organizations::{management}:account/"
            f"{ORGANIZATION_ID}/{m.account_id}",
            "Email": m.email,
            "Name": m.name,
            "Status": m.status,
            # Newer models carry State as well (SUSPENDED stays SUSPENDED).
            "State": m.status,
            "JoinedMethod": m.joined_method,
            "JoinedTimestamp": m.joined_timestamp,
        }
        for m in members
    ]
    result: dict[str, object] = {"Accounts": accounts}
    if more:
        result["NextToken"] = base64.b64encode(
            f"accounts:{start + max_results}".encode()
        ).decode()
    return _json11_response(result)


def _describe_organization(
    world: World, ctx: _Context, request: sigv4.HttpRequest
) -> Response:
    """DescribeOrganization: any account of the organization may call it
    (Organizations' API reference); its Id and management account."""
    record = _authenticate(world, ctx, request)
    caller = record.principal.account_id
    with world.lock:
        org = world.state.organization
        member = org is not None and (
            caller == org.management_account or caller in org.accounts
        )
        management = org.management_account if org is not None else ""
    if not member:
        raise ApiError(
            400,
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        )
    action = "organizations:DescribeOrganization"
    try:
        enforce_policies(world, record.principal, action, "*")
    except ApiError as error:
        raise ApiError(400, "AccessDeniedException", error.message) from None
    return _json11_response(
        {
            "Organization": {
                "Id": ORGANIZATION_ID,
                "Arn": f"arn:aws:organizations::{management}:organization/"
                f"{ORGANIZATION_ID}",
                "FeatureSet": "ALL",
                "MasterAccountArn": f"arn:aws:organizations::{management}:account/"
                f"{ORGANIZATION_ID}/{management}",
                "MasterAccountId": management,
                "MasterAccountEmail": f"{management}@example.com",
                "AvailablePolicyTypes": [],
            }
        }
    )


# -- throttling ----------------------------------------------------------------
def _limit_region(info: HostInfo) -> str:
    """The region a request's rate limit counts in (see ``throttle.py``)."""
    if info.service == "sts" and not info.is_global:
        return info.region
    return throttle.GLOBAL


def _throttle(
    world: World,
    ctx: _Context,
    request: sigv4.HttpRequest,
    params: dict[str, str],
    region: str,
) -> None:
    """Raise the service's throttling error if the request's bucket is empty.

    The simulator's choice (AWS's order is unconfirmed): the rate limit is
    decided before authentication, from the access key id as sent, so a
    throttled request costs no signature verification; an unknown key
    counts in the bucket of account None."""
    try:
        auth = sigv4.parse_auth(request)
    except sigv4.SigV4Error:
        auth = None
    if auth is not None:
        ctx.access_key_id = auth.access_key_id
        ctx.signing_region = auth.region_set if auth.asymmetric else auth.region
        ctx.presigned = auth.presigned
        ctx.algorithm = auth.algorithm
        ctx.region_set = auth.region_set
        with world.lock:
            record = world.keys.get(auth.access_key_id)
        if record is not None:
            ctx.caller_account_id = record.principal.account_id
    elif ctx.action == "AssumeRoleWithWebIdentity":
        role = _ROLE_ACCOUNT.match(params.get("RoleArn", ""))
        ctx.caller_account_id = role.group(1) if role else None
    if world.throttles.admit(
        ctx.info.service, ctx.caller_account_id, region, ctx.action
    ):
        return
    ctx.throttled = True
    if ctx.info.service == "organizations":
        # Users report this text for ListAccounts (boto/boto3#1588) and
        # another, "You have sent too many requests in too short a period of
        # time. Try again later." (awslabs/aws-deployment-framework#781):
        # which AWS sends when is unconfirmed.
        raise ApiError(
            400,
            "TooManyRequestsException",
            "AWS Organizations can't complete your request because another "
            "request is already in progress. Try again later.",
        )
    if ctx.info.service == "account":
        # HTTP 429 as botocore's model says; the text is API Gateway's
        # default (unconfirmed for Account Management).
        raise ApiError(429, "TooManyRequestsException", "Too Many Requests")
    raise ApiError(400, "Throttling", "Rate exceeded")


# -- entry point ---------------------------------------------------------------
def handle(
    world: World, info: HostInfo, request: sigv4.HttpRequest
) -> tuple[Response, LoggedRequest]:
    """Answer one request on a served host and describe it for the log."""
    ctx = _Context(info)
    params: dict[str, str] = {}
    query_protocol = info.service in ("sts", "iam")
    if query_protocol:
        params = dict(request.query_pairs())
        content_type = (request.header("Content-Type") or "").lower()
        if request.method == "POST" and (
            not content_type
            or content_type.startswith("application/x-www-form-urlencoded")
        ):
            params.update(
                parse_qsl(
                    request.body.decode("utf-8", "replace"), keep_blank_values=True
                )
            )
        ctx.action = params.get("Action", "")
    elif info.service == "account":
        ctx.action = _ACCOUNT_PATHS.get(request.raw_path, request.raw_path)
    else:
        target = request.header("X-Amz-Target") or ""
        ctx.action = target.rpartition(".")[2]
    namespace = IAM_NS if info.service == "iam" else STS_NS
    region = _limit_region(info)
    try:
        _throttle(world, ctx, request, params, region)
        if info.service == "sts":
            response = _sts(world, ctx, request, params)
        elif info.service == "iam":
            response = _iam(world, ctx, request, params)
        elif info.service == "account":
            response = _account(world, ctx, request)
        elif info.service == "organizations":
            response = _organizations(world, ctx, request)
        else:
            raise ApiError(
                400, "UnknownOperationException", f"{info.service} is not simulated"
            )
        error_code = None
    except ApiError as error:
        if query_protocol:
            response = query_error(namespace, error)
        elif info.service == "organizations":
            response = _json11_error(error)
        else:
            response = _json_error(error)
        error_code = error.code
    # A throttled request was not authenticated: its key names the signer.
    about = ctx.caller_account_id if ctx.throttled else ctx.account_id
    if ctx.action.startswith("AssumeRole"):
        role = _ROLE_ACCOUNT.match(params.get("RoleArn", ""))
        about = role.group(1) if role else None
    elif info.service == "sts" and ctx.action in sts_regional.ACTIONS:
        about = sts_regional.target_account(world, ctx.action, params) or about
    entry = LoggedRequest(
        host=info.host,
        service=info.service,
        action=ctx.action,
        signing_region=ctx.signing_region,
        access_key_id=ctx.access_key_id,
        status=response.status,
        error_code=error_code,
        presigned=ctx.presigned,
        account_id=about,
        algorithm=ctx.algorithm,
        region_set=ctx.region_set,
        throttled=ctx.throttled,
        caller_account_id=ctx.caller_account_id,
        region=region,
    )
    return response, entry
