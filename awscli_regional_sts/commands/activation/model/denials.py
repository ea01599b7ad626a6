"""An account's own facts refused by a policy: which refusals count, and
the one line an organization check gives such an account.

The single-account check reports a denied fact as null with its reason
(the caller may lack the permission on purpose). In an organization audit
the member role is the audit's own, deployed for it (deploy/member-role.yaml),
so a refusal means the role lacks a permission the audit needs: the
account is reported as not checked (exit status 4), in one line that
names the permission and the principal it was refused to, and the other
accounts go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.commands.activation.model.account_facts import FACTS

#: Error codes AWS services answer a refusal by a policy with (IAM's
#: query protocol, the JSON services' "...Exception" form).
POLICY_DENIAL_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
)


@dataclass(frozen=True)
class FactDenial:
    """An IAM action of the account's facts that a policy refused."""

    action: str
    error: CallError


def is_policy_denial(error: CallError) -> bool:
    """A refusal by a policy, not STS saying that a region is deactivated."""
    return error.code in POLICY_DENIAL_CODES and not error.region_disabled


def fact_denials(
    outcomes: Mapping[str, tuple[Any, BaseException | None]],
) -> tuple[FactDenial, ...]:
    """The facts (``account_facts.FACTS``) among ``outcomes`` that a policy
    refused, in FACTS' order."""
    found = []
    for fact in FACTS:
        action = fact.action.value
        outcome = outcomes.get(fact.key)
        if outcome is None or outcome[1] is None:
            continue
        error = CallError.from_exception(outcome[1])
        if is_policy_denial(error):
            found.append(FactDenial(action, error))
    return tuple(found)


def denied_line(denials: Sequence[FactDenial], principal_arn: str) -> str:
    """One line for an account whose facts a policy refused: the
    permissions it lacks first (the AWS message may be shortened)."""
    actions = ", ".join(d.action for d in denials)
    first = denials[0].error
    return (
        f"not checked: {actions} denied to {principal_arn} ({first.code}); "
        f"give the member role {actions}: {first.message}"
    )
