"""The scheduled workflow (deploy/github-workflow-sts-audit.yml) end to
end: its own ``run:`` steps, read out of the YAML file, run as GitHub
would (testing/github_actions.py: the runner's environment, the matrix,
the actions it uses emulated), against the organization deployed from
the templates (tests/e2e/deployment.py).

The runner's AWS CLI v2 is AWS's own frozen build, as GitHub's hosted
runners have it (the only ``aws`` on the jobs' PATH, ahead of Debian's
Python); the plugin is installed by the workflow's own step, from a wheel
of this checkout, pinned by its sha256 (STS_AUDIT_PLUGIN). The listing
job lists the organization once (one ListAccounts in the simulator's log
for the N shards), the N shard jobs run in parallel on its listing, then
the merge job. Two scheduled runs: the first
finds no baseline and succeeds (its report becomes the baseline), the
second, after a region is deactivated, fails with the change in its step
summary, though a newer successful run of a fork's pull request on a
branch named main offers a baseline that would hide it; a third run's
merge job still compares with the first. Cost: one wheel build per
worker, then about 12 client processes per run (2 in the listing job, 4
per shard job, in parallel), two whole runs and a merge job.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from testing.clients import CLI_V1, CLI_V2_FROZEN, REPO_ROOT, AwsEnv, aws_command
from testing.github_actions import (
    Artifacts,
    JobResult,
    Runner,
    load_workflow,
    oidc_token,
)
from tests.e2e.deployment import (
    AUDIT,
    PROD,
    REGIONS,
    REPOSITORY,
    deploy_organization,
)
from tests.e2e.test_fleet_cli import comparable
from tests.e2e.test_packaging import _NOT_SOURCE

SUBJECT = f"repo:{REPOSITORY}:ref:refs/heads/main"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built from a copy of its sources."""
    source = tmp_path_factory.mktemp("source") / "awscli-regional-sts"
    shutil.copytree(REPO_ROOT, source, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-4000:]
    (found,) = out.glob("*.whl")
    return found


def runner(
    aws_env: AwsEnv,
    wheel: Path,
    run_id: int,
    artifacts: Artifacts,
    caller_arn: str,
    event: str = "schedule",
) -> Runner:
    # The runner's `aws`: AWS's frozen CLI v2, first on PATH.
    (frozen,) = aws_command(CLI_V2_FROZEN)
    tools = aws_env.root / "runner-bin"
    tools.mkdir(exist_ok=True)
    if not (tools / "aws").exists():
        (tools / "aws").symlink_to(frozen)

    def assume_role(role_arn: str, region: str) -> dict[str, str]:
        """What configure-aws-credentials does with GitHub's OIDC token:
        AssumeRoleWithWebIdentity, the credentials exported."""
        answer = (
            aws_env.run(
                CLI_V1,
                "sts",
                "assume-role-with-web-identity",
                "--role-arn",
                role_arn,
                "--role-session-name",
                "sts-activation-audit",
                "--web-identity-token",
                oidc_token(SUBJECT),
                "--region",
                region,
                "--output",
                "json",
                plugin=False,
            )
            .check()
            .json()["Credentials"]
        )
        return {
            "AWS_ACCESS_KEY_ID": answer["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": answer["SecretAccessKey"],
            "AWS_SESSION_TOKEN": answer["SessionToken"],
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }

    return Runner(
        workflow=load_workflow(),
        root=aws_env.root / f"run-{run_id}",
        run_id=run_id,
        artifacts=artifacts,
        context={
            "github": {
                "repository": REPOSITORY,
                "ref": "refs/heads/main",
                "ref_name": "main",
                "event_name": event,
                "token": "ghs_not-a-real-token",
            },
            "vars": {
                "STS_AUDIT_ROLE_ARN": caller_arn,
                # A pinned form the workflow accepts: a wheel with its hash.
                "STS_AUDIT_PLUGIN": f"{wheel} --hash=sha256:"
                + hashlib.sha256(wheel.read_bytes()).hexdigest(),
                "STS_AUDIT_ARGS": " ".join(REGIONS),
            },
            "inputs": {},
        },
        base_env={
            # The runner's tools: AWS's CLI v2 and a Python, no CLI v1.
            "PATH": f"{tools}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
            **aws_env.simulator.client_env(),
        },
        assume_role=assume_role,
    )


def run_workflow(run: Runner) -> tuple[list[JobResult], JobResult]:
    """The listing job, the shard jobs in parallel (the matrix), then the
    merge job."""
    listing = run.run_job("accounts")
    assert listing.status == 0, listing.log
    shards = run.workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    with ThreadPoolExecutor(len(shards)) as pool:
        results = list(
            pool.map(
                lambda item: run.run_job("shard", {"shard": item[1]}, item[0]),
                enumerate(shards),
            )
        )
    for result in results:
        assert result.status == 0, result.log
    merge = run.run_job("merge")
    run.artifacts.conclusions[run.run_id] = (
        "success" if merge.status == 0 else "failure"
    )
    return results, merge


def merged_report(artifacts: Artifacts, run_id: int) -> dict[str, Any]:
    path = artifacts.root / str(run_id) / "sts-audit-report" / "organization.json"
    return dict(json.loads(path.read_text()))


def test_the_workflow_runs_its_shards_merges_and_fails_on_drift(
    aws_env: AwsEnv, wheel: Path
) -> None:
    caller = deploy_organization(aws_env)
    for account_id in ("444444444441", "444444444442", "444444444443"):
        aws_env.simulator.add_member_account(account_id, member_role=None)
        aws_env.simulator.deploy_template(
            REPO_ROOT / "deploy" / "member-role.yaml",
            {"CallerRoleArn": caller},
            account_id=account_id,
        )
    artifacts = Artifacts(aws_env.root / "artifacts")
    shards = load_workflow()["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    assert len(shards) >= 3

    aws_env.simulator.clear_log()
    first_shards, first = run_workflow(runner(aws_env, wheel, 1001, artifacts, caller))
    assert first.status == 0, first.log
    # The organization was listed once for all the shards (one page: six
    # accounts), and each shard asked only which organization it is in.
    sent = [(r.service, r.action) for r in aws_env.simulator.requests]
    assert sent.count(("organizations", "ListAccounts")) == 1
    assert sent.count(("organizations", "DescribeOrganization")) == len(shards)
    assert "no earlier successful run" in first.log
    report = merged_report(artifacts, 1001)
    # Each shard job checked its own accounts; together, all of them.
    parts = [
        json.loads(
            (
                artifacts.root / "1001" / f"sts-audit-shard-{n}" / f"shard-{n}.json"
            ).read_text()
        )
        for n in shards
    ]
    assert [p["Shard"]["Count"] for p in parts] == [len(shards)] * len(shards)
    # The merged report equals one unsharded run (of the jobs' CLI).
    whole = aws_env.run(
        CLI_V2_FROZEN, *AUDIT, *REGIONS, "--output", "json", timeout=120
    )
    assert whole.returncode == 0, whole.output
    expected = {a["AccountId"]: comparable(a) for a in whole.json()["Accounts"]}
    assert {a["AccountId"]: comparable(a) for a in report["Accounts"]} == expected
    assert len(expected) == 6
    assert report["Summary"] == whole.json()["Summary"]
    # The summary page: the Markdown summary, counts first.
    assert first.summary.startswith("## STS activation:")
    assert "| Accounts | 6 |" in first.summary
    html = artifacts.root / "1001" / "sts-audit-report" / "sts-activation.html"
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert (
        artifacts.root / "1001" / "sts-audit-baseline" / "organization.json"
    ).exists()

    # A day later a region was deactivated in "prod": the merge job fails
    # with status 5 and its step summary shows the change.
    aws_env.simulator.set_region("eu-west-1", state="deactivated", account_id=PROD)
    # Meanwhile a fork's pull request ran on its branch named main and
    # succeeded, leaving a baseline that already has the change: never
    # taken (issue 31, finding 9).
    poisoned = json.loads(
        (
            artifacts.root / "1001" / "sts-audit-baseline" / "organization.json"
        ).read_text()
    )
    for account in poisoned["Accounts"]:
        for region in account["Regions"] if account["AccountId"] == PROD else []:
            if region["Region"] == "eu-west-1":
                region["Status"] = "inactive"
    assert '"inactive"' in json.dumps(poisoned) != json.dumps(report)
    planted = artifacts.root / "1500" / "sts-audit-baseline"
    planted.mkdir(parents=True)
    (planted / "organization.json").write_text(json.dumps(poisoned))
    artifacts.conclusions[1500] = "success"
    artifacts.runs[1500] = {
        "event": "pull_request",
        "head_branch": "main",
        "head_repository": {"full_name": "attacker/sts-audit"},
    }
    _, second = run_workflow(runner(aws_env, wheel, 1002, artifacts, caller))
    assert second.status == 5, second.log
    assert second.failed_step == "Fail on a change (5) or an account not checked (4)"
    assert (
        f"| `{PROD}` | `eu-west-1` | `Status` | `active` | `inactive` |"
        in second.summary
    ), second.summary
    assert merged_report(artifacts, 1002)["Changes"] == [
        {
            "AccountId": PROD,
            "Region": "eu-west-1",
            "Change": "Status",
            "Before": "active",
            "After": "inactive",
        }
    ]
    # The next run still compares with the last good baseline (run 1001):
    # a change is not forgotten because it was seen once. The baseline is
    # chosen in the merge job, and nothing changed since run 1002, whose
    # listing and shard jobs ran as above: their parts are what run 1003's
    # shard jobs would upload (about 20 s of CPU not spent on a second
    # copy), so run 1003 runs its merge job on them.
    for part in sorted((artifacts.root / "1002").glob("sts-audit-shard-*")):
        shutil.copytree(part, artifacts.root / "1003" / part.name)
    third = runner(aws_env, wheel, 1003, artifacts, caller).run_job("merge")
    assert third.status == 5, third.log
    assert (
        merged_report(artifacts, 1003)["Changes"]
        == merged_report(artifacts, 1002)["Changes"]
    )
