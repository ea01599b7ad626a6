"""docs/deploy.md's commands match the files they deploy: every
``ParameterKey=`` of a ``create-stack`` or ``create-stack-set`` names a
parameter of the template that command's ``--template-body`` reads, every
template parameter without a default is given, the stack-set command is
service-managed, and every repository variable the doc sets is one the
workflow reads (and the one it requires is set)."""

from __future__ import annotations

import re

from testing.clients import REPO_ROOT
from testing.cloudformation import load_template
from testing.github_actions import WORKFLOW

DOC = REPO_ROOT / "docs" / "deploy.md"


def shell_commands() -> list[str]:
    """The doc's ```sh blocks, one string per command (continuation lines
    joined)."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip()]
    return commands


def test_stack_commands_use_the_templates_parameter_names() -> None:
    checked = 0
    for command in shell_commands():
        if not re.search(r"aws cloudformation create-stack(-set)? ", command):
            continue
        (path,) = re.findall(r"--template-body file://(\S+)", command)
        declared = load_template(REPO_ROOT / path)["Parameters"]
        given = re.findall(r"ParameterKey=(\w+)", command)
        assert given, command
        assert set(given) <= set(declared), (path, set(given) - set(declared))
        required = {name for name, spec in declared.items() if "Default" not in spec}
        assert required <= set(given), (path, required - set(given))
        if "create-stack-set" in command:
            assert "--permission-model SERVICE_MANAGED" in command
            assert "--auto-deployment Enabled=true" in command
        checked += 1
    assert checked == 3  # the caller role, the stack set, the management's stack
    # The parameters the prose names exist too.
    prose = set(re.findall(r"ParameterKey=(\w+)", DOC.read_text()))
    declared_anywhere = {
        name
        for path in (REPO_ROOT / "deploy").glob("*.yaml")
        for name in load_template(path)["Parameters"]
    }
    assert prose <= declared_anywhere, prose - declared_anywhere


def test_the_repository_variables_are_the_workflows() -> None:
    workflow = WORKFLOW.read_text()
    read = set(re.findall(r"vars\.(\w+)", workflow))
    doc = DOC.read_text()
    set_here = set(re.findall(r"gh variable set (\w+)", doc))
    named = set(re.findall(r"`(STS_AUDIT_\w+)`", doc))
    assert set_here <= read and named <= read, (set_here | named) - read
    assert "STS_AUDIT_ROLE_ARN" in set_here
    assert read <= set_here | named, read - set_here - named
