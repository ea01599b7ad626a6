"""IAM policies, as the simulator enforces them on the roles a test deploys
from the project's CloudFormation templates (``Simulator.deploy_template``).

A role created from a template carries its identity policies (the role's
``Policies``) and its trust policy (``AssumeRolePolicyDocument``), read
from the YAML file and resolved for the account. For such a role's
sessions, as IAM does: a request is allowed only if a statement of an
identity policy allows its action on its resource, and no statement denies
it; everything else is denied ("... because no identity-based policy
allows the <action> action"). AssumeRole and AssumeRoleWithWebIdentity of
such a role also need its trust policy to allow the caller (an AWS
principal's ARN, an account id or ``arn:...:root``; or a federated OIDC
provider of the account, with the token's claims as condition keys).

Principals without template policies (the tests' IAM users, the roles
``add_role`` and ``add_member_account`` create) are not limited here, as
before, so the rest of the suite keeps its world.

Modelled: Allow and Deny statements; ``Action`` and ``Resource`` with
``*`` and ``?`` wildcards (actions case-insensitively); the condition
operators StringEquals, StringLike, ArnEquals and ArnLike (every key must
match, any of its values; a key missing from the request fails the
condition, as IAM's non-IfExists operators do); policy variables such as
``${aws:PrincipalOrgID}`` in a condition's values, read from the request
(missing: the value matches nothing); the organization keys
``aws:PrincipalOrgID`` and ``aws:ResourceOrgID`` on sts:AssumeRole (present
only for an account in the organization, as IAM adds them only then);
Principal ``AWS`` and ``Federated``.
Simplifications: AssumeRole needs both the caller's identity policy (for a
caller limited here) and the role's trust policy, also within one account
(IAM may let a trust policy that names the caller's ARN suffice there:
stricter here, never looser); the OIDC token's signature and expiry are
not verified (AWS checks them against the provider's keys), only its
issuer, audience and subject claims.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .world import Principal

#: The OIDC issuer GitHub Actions signs its tokens with.
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


@dataclass
class RolePolicies:
    """A template role's policies, as resolved documents."""

    identity: list[dict[str, Any]] = field(default_factory=list)
    trust: dict[str, Any] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return _as_list(document.get("Statement", []))


def _glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _substituted(value: str, context: Mapping[str, str]) -> str | None:
    """A condition value with its policy variables (``${aws:...}``) read
    from the request; None when one is missing (matches nothing)."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        found = context.get(match.group(1))
        missing = missing or found is None
        return found or ""

    text = _VARIABLE.sub(one, value)
    return None if missing else text


def _conditions_hold(
    condition: Mapping[str, Any] | None, context: Mapping[str, str]
) -> bool:
    for operator, tests in (condition or {}).items():
        for key, wanted in tests.items():
            actual = context.get(key)
            if actual is None:
                return False
            values = [
                v
                for v in (_substituted(str(w), context) for w in _as_list(wanted))
                if v is not None
            ]
            if operator in ("StringEquals", "ArnEquals"):
                ok = actual in values
            elif operator in ("StringLike", "ArnLike"):
                ok = any(_glob(v, actual) for v in values)
            else:
                raise NotImplementedError(f"condition operator {operator}")
            if not ok:
                return False
    return True


def decide(
    documents: Sequence[Mapping[str, Any]],
    action: str,
    resource: str,
    context: Mapping[str, str] | None = None,
) -> str | None:
    """ "deny" (an explicit Deny applies), "allow", or None (nothing allows:
    an implicit deny)."""
    allowed = False
    for document in documents:
        for statement in _statements(document):
            if not any(
                _glob(a, action, ignore_case=True)
                for a in _as_list(statement.get("Action", []))
            ):
                continue
            if not any(
                _glob(r, resource) for r in _as_list(statement.get("Resource", "*"))
            ):
                continue
            if not _conditions_hold(statement.get("Condition"), context or {}):
                continue
            if statement.get("Effect") == "Deny":
                return "deny"
            allowed = True
    return "allow" if allowed else None


def denial_message(
    principal: Principal, action: str, resource: str, decision: str | None
) -> str:
    """IAM's AccessDenied wording for an identity-policy decision."""
    reason = (
        "with an explicit deny in an identity-based policy"
        if decision == "deny"
        else f"because no identity-based policy allows the {action} action"
    )
    return (
        f"User: {principal.arn} is not authorized to perform: {action} on "
        f"resource: {resource} {reason}"
    )


def trust_allows_aws(trust: Mapping[str, Any], principal: Principal) -> bool:
    """Whether a trust policy lets an AWS principal call sts:AssumeRole."""
    names = {
        principal.base_arn,
        principal.account_id,
        f"arn:aws:iam::{principal.account_id}:root",
    }
    for statement in _statements(trust):
        if statement.get("Effect") != "Allow":
            continue
        if not any(
            _glob(a, "sts:AssumeRole", ignore_case=True)
            for a in _as_list(statement.get("Action", []))
        ):
            continue
        trusted = _as_list((statement.get("Principal") or {}).get("AWS", []))
        if any(t == "*" or t in names for t in trusted) and _conditions_hold(
            statement.get("Condition"), {"aws:PrincipalArn": principal.base_arn}
        ):
            return True
    return False


def trust_allows_web_identity(
    trust: Mapping[str, Any], providers: set[str], claims: Mapping[str, str]
) -> bool:
    """Whether a trust policy lets the holder of an OIDC token with these
    claims (``iss``, ``aud``, ``sub``) call AssumeRoleWithWebIdentity."""
    issuer = claims.get("iss", "")
    host = issuer.removeprefix("https://")
    context = {f"{host}:{name}": value for name, value in claims.items()}
    for statement in _statements(trust):
        if statement.get("Effect") != "Allow":
            continue
        if not any(
            _glob(a, "sts:AssumeRoleWithWebIdentity", ignore_case=True)
            for a in _as_list(statement.get("Action", []))
        ):
            continue
        for provider in _as_list(
            (statement.get("Principal") or {}).get("Federated", [])
        ):
            if (
                provider in providers
                and provider.endswith(f":oidc-provider/{host}")
                and _conditions_hold(statement.get("Condition"), context)
            ):
                return True
    return False
