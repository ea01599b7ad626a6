"""The deployed audit in the simulator, as docs/deploy.md sets it up: a
management account with the GitHub caller role (deploy/github-caller-role.yaml)
and the member role (deploy/member-role.yaml, a plain stack), and member
accounts with the member role (the StackSet's instances), each stack
deployed from the YAML files with its policies enforced. The caller's
credentials come from GitHub's OIDC token through AssumeRoleWithWebIdentity,
made by the CLI itself from a ``web_identity_token_file`` profile.

The organization:

* 111122223333, the management account (the caller role's);
* 222222222222 "prod": every region active;
* 333333333333 "dev": eu-west-1 deactivated, ap-east-1 (opt-in) not enabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from testing.clients import AwsEnv
from testing.cloudformation import (
    CALLER_ROLE_TEMPLATE,
    MEMBER_ROLE_TEMPLATE,
    load_template,
)
from testing.github_actions import oidc_token
from testing.simulator import ACCOUNT_ID

PROD, DEV = "222222222222", "333333333333"
ACCOUNTS = (ACCOUNT_ID, PROD, DEV)
REPOSITORY = "example-org/sts-audit"
MEMBER_ROLE = "StsActivationAuditRole"
REGIONS = ("--regions", "us-east-1", "eu-west-1", "ap-east-1")
AUDIT = ("sts", "activation-check", "--organization", "--member-role-name", MEMBER_ROLE)


def deploy_organization(
    aws_env: AwsEnv,
    *,
    caller_template: Path | Mapping[str, Any] = CALLER_ROLE_TEMPLATE,
    member_templates: Mapping[str, Mapping[str, Any]] | None = None,
    allow_token_version_change: bool = False,
    token_subject: str = f"repo:{REPOSITORY}:ref:refs/heads/main",
) -> str:
    """Build the organization, deploy the stacks (``member_templates``:
    another template for some accounts, e.g. with a permission removed),
    and point the default profile at the caller role through a GitHub
    OIDC token for ``token_subject``. Returns the caller role's ARN."""
    sim = aws_env.simulator
    sim.create_organization()
    sim.add_member_account(PROD, name="prod", member_role=None)
    sim.add_member_account(DEV, name="dev", member_role=None)
    sim.set_region("eu-west-1", state="deactivated", account_id=DEV)
    sim.set_region("ap-east-1", state="not-enabled", account_id=DEV)
    outputs = sim.deploy_template(
        caller_template, {"GitHubRepository": REPOSITORY}, account_id=ACCOUNT_ID
    )
    caller_arn = outputs["GitHubCallerRoleArn"]
    parameters = {
        "CallerRoleArn": caller_arn,
        "AllowTokenVersionChange": "true" if allow_token_version_change else "false",
    }
    member = load_template(MEMBER_ROLE_TEMPLATE)
    for account_id in ACCOUNTS:
        template = (member_templates or {}).get(account_id, member)
        sim.deploy_template(template, parameters, account_id=account_id)
    token = aws_env.root / "github-oidc-token"
    token.write_text(oidc_token(token_subject))
    aws_env.config = (
        "[default]\nregion = us-east-1\n"
        f"role_arn = {caller_arn}\n"
        f"web_identity_token_file = {token}\n"
        "role_session_name = GitHubActions\n"
    )
    aws_env.credentials = ""
    return caller_arn


def organization_with_keys(aws_env: AwsEnv, members: int) -> list[str]:
    """An organization of ``members`` member accounts, the default profile
    the management account's keys, on the simulator's real clock (its
    throttling rates are per second of real time; a test before may have
    left a manual clock, which reset keeps). Returns the members' ids."""
    simulator = aws_env.simulator
    simulator.use_real_clock()
    user = simulator.add_user("admin")
    aws_env.config = "[default]\nregion = us-east-1\n"
    aws_env.add_keys("default", user)
    simulator.create_organization()
    return simulator.add_member_accounts(members)
