"""Deploy a CloudFormation template of the project into the simulated
world, as CreateStack would in one account: its parameters checked, its
roles created with their policies (enforced by ``policy.py``), its OIDC
providers registered. Reading the template is ``testing/cloudformation.py``'s
job; this only puts the result in the world."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from testing.cloudformation import load_template, resolve

from .policy import RolePolicies
from .world import World


def deploy(
    world: World,
    template: Path | Mapping[str, Any],
    parameters: Mapping[str, str],
    account_id: str,
) -> dict[str, str]:
    """Create the stack's resources in ``account_id``; returns its outputs.
    A role of the same ARN is replaced (its policies with it)."""
    document = load_template(template) if isinstance(template, Path) else template
    stack = resolve(document, parameters, account_id)
    for _, properties in stack.of_type("AWS::IAM::OIDCProvider"):
        host = str(properties["Url"]).removeprefix("https://")
        with world.lock:
            world.oidc_providers.add(f"arn:aws:iam::{account_id}:oidc-provider/{host}")
    for _, properties in stack.of_type("AWS::IAM::Role"):
        trust = properties["AssumeRolePolicyDocument"]
        federated = any(
            "Federated" in (statement.get("Principal") or {})
            for statement in _listed(trust.get("Statement", []))
        )
        arn = world.add_role(properties["RoleName"], account_id, (), federated)
        policies = RolePolicies(
            identity=[p["PolicyDocument"] for p in properties.get("Policies", [])],
            trust=trust,
        )
        with world.lock:
            world.role_policies[arn] = policies
            world.state.unassumable_roles.discard(arn)
    return stack.outputs


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
