"""Read the project's CloudFormation templates (deploy/*.yaml) as
CloudFormation would: check the parameters against their own constraints
(what CreateStack refuses before it creates anything), then resolve the
intrinsic functions into the resources a stack would have.

Only what the templates use is supported (Ref, Fn::Sub, Fn::If,
Fn::Equals, Fn::Not, Fn::GetAtt of a role's or provider's Arn, Conditions,
AWS::NoValue and the pseudo parameters); anything else raises, so a
template that grows past this reader fails its tests instead of being read
wrong. The simulator (``Simulator.deploy_template``) creates the resolved
roles, and the permission tests read each policy's actions from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from testing.clients import REPO_ROOT

DEPLOY_DIR = REPO_ROOT / "deploy"
MEMBER_ROLE_TEMPLATE = DEPLOY_DIR / "member-role.yaml"
CALLER_ROLE_TEMPLATE = DEPLOY_DIR / "github-caller-role.yaml"
TEMPLATES = (MEMBER_ROLE_TEMPLATE, CALLER_ROLE_TEMPLATE)

_NO_VALUE = object()
_SHORT_TAGS = {
    "!Ref": "Ref",
    "!Sub": "Fn::Sub",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!Not": "Fn::Not",
    "!GetAtt": "Fn::GetAtt",
    "!Condition": "Condition",
}


class ParameterProblem(ValueError):
    """A parameter value CloudFormation refuses before creating anything."""


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags."""


def _construct(tag: str) -> Any:
    name = _SHORT_TAGS[tag]

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _tag in _SHORT_TAGS:
    _Loader.add_constructor(_tag, _construct(_tag))


def load_template(path: Path) -> dict[str, Any]:
    document = yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 (safe loader)
    assert isinstance(document, dict)
    return document


def check_parameters(
    template: Mapping[str, Any], given: Mapping[str, str]
) -> dict[str, str]:
    """Every parameter's value (given, or its default), checked against
    AllowedPattern, AllowedValues, MinLength and MaxLength as CreateStack
    checks them; ParameterProblem names the first that fails."""
    declared = template.get("Parameters", {})
    unknown = set(given) - set(declared)
    if unknown:
        raise ParameterProblem(
            f"Parameters: {sorted(unknown)} do not exist in the template"
        )
    values: dict[str, str] = {}
    for name, spec in declared.items():
        if name in given:
            value = given[name]
        elif "Default" in spec:
            value = str(spec["Default"])
        else:
            raise ParameterProblem(f"Parameters: [{name}] must have values")
        failed = (
            (
                "AllowedPattern" in spec
                and not re.fullmatch(spec["AllowedPattern"], value)
            )
            or ("AllowedValues" in spec and value not in spec["AllowedValues"])
            or ("MinLength" in spec and len(value) < int(spec["MinLength"]))
            or ("MaxLength" in spec and len(value) > int(spec["MaxLength"]))
        )
        if failed:
            raise ParameterProblem(
                f"Parameter {name} failed to satisfy constraint: "
                f"{spec.get('ConstraintDescription', 'see the template')}"
            )
        values[name] = value
    return values


@dataclass(frozen=True)
class Stack:
    """A template resolved for one account: its resources' properties with
    every intrinsic function evaluated, and its outputs."""

    account_id: str
    resources: dict[str, tuple[str, dict[str, Any]]]  # logical id -> (type, props)
    outputs: dict[str, str]

    def of_type(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, (resource_type, properties) in self.resources.items():
            if resource_type == kind:
                yield logical_id, properties


def resolve(
    template: Mapping[str, Any],
    parameters: Mapping[str, str],
    account_id: str,
    *,
    partition: str = "aws",
    region: str = "us-east-1",
) -> Stack:
    """The stack ``template`` makes in ``account_id`` with ``parameters``
    (checked first, as CreateStack does)."""
    values = check_parameters(template, parameters)
    refs: dict[str, Any] = {
        **values,
        "AWS::AccountId": account_id,
        "AWS::Partition": partition,
        "AWS::Region": region,
        "AWS::NoValue": _NO_VALUE,
    }
    conditions: dict[str, bool] = {}
    context = _Context(refs, conditions, template.get("Conditions", {}), {})
    for name in template.get("Conditions", {}):
        context.condition(name)
    # Physical names and ARNs, as the resources' Ref and GetAtt give them.
    for logical_id, resource in template["Resources"].items():
        if "Condition" in resource and not context.condition(resource["Condition"]):
            continue
        kind = resource["Type"]
        if kind == "AWS::IAM::Role":
            name = context.evaluate(resource["Properties"]["RoleName"])
            arn = f"arn:{partition}:iam::{account_id}:role/{name}"
            refs[logical_id] = name
            context.attributes[f"{logical_id}.Arn"] = arn
        elif kind == "AWS::IAM::OIDCProvider":
            host = str(resource["Properties"]["Url"]).removeprefix("https://")
            arn = f"arn:{partition}:iam::{account_id}:oidc-provider/{host}"
            refs[logical_id] = arn
            context.attributes[f"{logical_id}.Arn"] = arn
        else:
            raise NotImplementedError(f"{logical_id}: resource type {kind}")
    resources = {}
    for logical_id, resource in template["Resources"].items():
        if logical_id in refs:
            resources[logical_id] = (
                resource["Type"],
                context.evaluate(resource["Properties"]),
            )
    outputs = {
        name: str(context.evaluate(output["Value"]))
        for name, output in template.get("Outputs", {}).items()
    }
    return Stack(account_id, resources, outputs)


@dataclass
class _Context:
    refs: dict[str, Any]
    conditions: dict[str, bool]
    declared: Mapping[str, Any]
    attributes: dict[str, str]

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            self.conditions[name] = bool(self.evaluate(self.declared[name]))
        return self.conditions[name]

    def evaluate(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.evaluate(item) for item in node]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref":
                return self.refs[argument]
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::If":
                name, then, otherwise = argument
                return self.evaluate(then if self.condition(name) else otherwise)
            if key == "Fn::Equals":
                left, right = (self.evaluate(a) for a in argument)
                return left == right
            if key == "Fn::Not":
                return not self.evaluate(argument[0])
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::GetAtt":
                return self.attributes[".".join(argument)]
            if key.startswith("Fn::"):
                raise NotImplementedError(key)
        evaluated = {k: self.evaluate(v) for k, v in node.items()}
        return {k: v for k, v in evaluated.items() if v is not _NO_VALUE}

    def _sub(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in self.attributes:
                return self.attributes[name]
            return str(self.refs[name])

        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", value, text)


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A policy document's statements, always as a list."""
    found = document.get("Statement", [])
    return list(found) if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def policy_actions(template_path: Path, **parameters: str) -> list[str]:
    """Every action the template's roles are allowed, identity policies and
    trust policies, in the order written (one stack, in a stand-in account,
    with ``parameters`` and the defaults)."""
    template = load_template(template_path)
    needed = {
        name: spec.get("Default", _EXAMPLES.get(name, ""))
        for name, spec in template.get("Parameters", {}).items()
    }
    needed.update(parameters)
    stack = resolve(template, {k: str(v) for k, v in needed.items()}, "123456789012")
    actions: list[str] = []
    for _, role in stack.of_type("AWS::IAM::Role"):
        documents = [role["AssumeRolePolicyDocument"]] + [
            policy["PolicyDocument"] for policy in role.get("Policies", [])
        ]
        for document in documents:
            for statement in statements(document):
                actions.extend(as_list(statement["Action"]))
    return actions


def without_action(template: Mapping[str, Any], action: str) -> dict[str, Any]:
    """A copy of ``template`` whose policies no longer allow ``action``:
    removed from every statement that names it, and a statement left with
    no action removed. Raises if no statement named it."""
    removed = 0

    def walk(node: Any) -> Any:
        nonlocal removed
        if isinstance(node, list):
            kept = []
            for item in node:
                item = walk(item)
                if isinstance(item, dict) and item.get("Action") == []:
                    continue
                kept.append(item)
            return kept
        if not isinstance(node, dict):
            return node
        copy = {key: walk(value) for key, value in node.items()}
        if "Action" in copy and "Effect" in copy:
            actions = as_list(copy["Action"])
            left = [a for a in actions if a != action]
            removed += len(actions) - len(left)
            copy["Action"] = left
        return copy

    result = walk(template)
    if not removed:
        raise ValueError(f"no statement allows {action}")
    assert isinstance(result, dict)
    return result


#: Values for parameters without a default, for reading a template alone.
_EXAMPLES = {
    "CallerRoleArn": "arn:aws:iam::123456789012:role/StsActivationAuditGitHubRole",
    "GitHubRepository": "example-org/sts-audit",
}
