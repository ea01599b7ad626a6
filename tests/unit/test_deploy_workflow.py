"""The scheduled workflow's own guards, read from the YAML file
(deploy/github-workflow-sts-audit.yml): which run's report becomes the
baseline (the ``gh api --jq`` filter applied to a list of runs shaped as
GitHub's REST API returns it, with libjq, the library behind jq), and
which jobs may ask GitHub for an OIDC token. In process; the install
step's refusal of an unpinned plugin runs its bash in
tests/e2e/test_workflow_guards_e2e.py."""

from __future__ import annotations

from typing import Any

import jq
import pytest

from testing.github_actions import load_workflow

REPOSITORY = "example-org/sts-audit"
FORK = "attacker/sts-audit"


def run(
    run_id: int,
    *,
    event: str = "schedule",
    branch: str = "main",
    head: str = REPOSITORY,
    conclusion: str = "success",
) -> dict[str, Any]:
    """One entry of ``workflow_runs`` (GET .../actions/workflows/W/runs),
    the fields the filter reads and a few it must not trust."""
    return {
        "id": run_id,
        "name": "STS activation audit",
        "event": event,
        "head_branch": branch,
        "status": "completed",
        "conclusion": conclusion,
        "repository": {"full_name": REPOSITORY},
        "head_repository": {"full_name": head},
    }


def baseline_filter() -> str:
    (step,) = [
        s
        for s in load_workflow()["jobs"]["merge"]["steps"]
        if s.get("name") == "Fetch the last baseline"
    ]
    return str(step["env"]["BASELINE_RUN"])


def chosen(runs: list[dict[str, Any]]) -> list[Any]:
    """What ``gh api --jq`` prints for these runs (newest first, as the
    API lists them) in a run of REPOSITORY whose default branch is main."""
    program = jq.compile(baseline_filter())
    environ = {"GITHUB_REPOSITORY": REPOSITORY, "DEFAULT_BRANCH": "main"}
    # libjq reads `env` from the process: give it the runner's variables.
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        return list(
            program.input_value({"total_count": len(runs), "workflow_runs": runs}).all()
        )


def test_a_forks_run_on_a_branch_named_main_is_never_the_baseline() -> None:
    """The poisoning of issue 31 (finding 9): a newer successful run whose
    head is a fork's branch named main, and other runs that are not the
    default branch's scheduled or by-hand runs, all newer than the one
    that counts."""
    runs = [
        run(909, event="pull_request", head=FORK),
        run(908, event="pull_request_target", head=FORK),
        run(907, event="push"),
        run(906, event="workflow_dispatch", branch="feature"),
        run(905, event="schedule", conclusion="failure"),
        run(904, event="workflow_run", head=FORK),
        run(903, event="workflow_dispatch"),
        run(902, event="schedule"),
    ]
    assert chosen(runs) == [903]
    assert chosen(runs[:6] + runs[7:]) == [902]


def test_no_trusted_run_means_no_baseline() -> None:
    assert chosen([run(909, event="pull_request", head=FORK)]) == []
    assert chosen([]) == []


def test_id_token_only_in_jobs_that_assume_a_role() -> None:
    """A job may ask for GitHub's OIDC token only if it runs
    configure-aws-credentials; the workflow's default grants none."""
    workflow = load_workflow()
    assert "id-token" not in workflow["permissions"]
    assuming = set()
    for name, job in workflow["jobs"].items():
        assumes = any(
            str(step.get("uses", "")).startswith(
                "aws-actions/configure-aws-credentials@"
            )
            for step in job["steps"]
        )
        if assumes:
            assuming.add(name)
        assert (job.get("permissions", {}).get("id-token") == "write") == assumes, name
    # The merge job, which runs the plugin over every part, holds none.
    assert "merge" not in assuming and {"accounts", "shard"} <= assuming


def test_every_job_installs_the_plugin_with_the_same_guarded_step() -> None:
    """The pin check is written once per job that installs the plugin (the
    listing, the shards, the merge): the copies are one text, so none can
    drift."""
    jobs = load_workflow()["jobs"]
    installs = [
        step["run"]
        for job in jobs.values()
        for step in job["steps"]
        if "pip install" in step.get("run", "")
    ]
    assert len(installs) == 3 and len(set(installs)) == 1
    assert "STS_AUDIT_PLUGIN" in installs[0]
