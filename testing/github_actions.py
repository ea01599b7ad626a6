"""GitHub's side of a GitHub Actions run, for running a workflow file's own
``run:`` steps against the simulator as the runner would.

What the runner gives each job is made here: its environment
(``GITHUB_*`` and ``RUNNER_*`` variables, the files behind
``GITHUB_OUTPUT``, ``GITHUB_ENV`` and ``GITHUB_STEP_SUMMARY``), the
``${{ }}`` expressions of the ``env:`` mappings (the workflow keeps them
out of its scripts), the matrix, and ``bash --noprofile --norc -eo pipefail``
for each step. What the actions the workflow ``uses:`` do is emulated, as
their documentation says they do it: ``aws-actions/configure-aws-credentials``
(AssumeRoleWithWebIdentity with GitHub's OIDC token, the credentials
exported to the following steps), ``actions/upload-artifact`` and
``actions/download-artifact`` (a folder per artifact), and the ``gh`` CLI's
``api`` (the repository, and its workflow's runs as the REST API lists
them, its ``--jq`` filter applied with libjq) and ``run download`` over the
same artifacts. The
``run:`` scripts themselves are the file's, read from the YAML, not
retyped.
"""

from __future__ import annotations

import base64
import glob
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from testing.clients import REPO_ROOT

WORKFLOW = REPO_ROOT / "deploy" / "github-workflow-sts-audit.yml"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def oidc_token(
    subject: str, *, audience: str = "sts.amazonaws.com", issuer: str = GITHUB_ISSUER
) -> str:
    """A token shaped as GitHub's OIDC JWT (header.claims.signature), with
    the claims the caller role's trust policy reads. Unsigned: the
    simulator checks the claims, not the signature (AWS checks both)."""

    def part(value: Mapping[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    claims = {"iss": issuer, "aud": audience, "sub": subject}
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def load_workflow(path: Path = WORKFLOW) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict)
    # YAML 1.1 reads the key `on` as the boolean true.
    if True in document:
        document["on"] = document.pop(True)
    return document


_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _text(value: Any) -> str:
    """A YAML value as the runner passes it on (booleans lower-case)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def evaluate(text: Any, context: Mapping[str, Any]) -> str:
    """``${{ a.b }}`` and ``${{ a.b || 'default' }}`` in ``text``; any other
    expression raises (the workflow keeps to these)."""

    def one(match: re.Match[str]) -> str:
        for alternative in match.group(1).split("||"):
            alternative = alternative.strip()
            literal = re.fullmatch(r"'([^']*)'", alternative)
            if literal:
                return literal.group(1)
            if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+)+", alternative):
                raise NotImplementedError(f"expression {alternative!r}")
            value: Any = context
            for name in alternative.split("."):
                value = value.get(name) if isinstance(value, Mapping) else None
            if value not in (None, ""):
                return str(value).lower() if isinstance(value, bool) else str(value)
        return ""

    return _EXPRESSION.sub(one, _text(text))


@dataclass
class Artifacts:
    """The artifacts of a repository's runs: ``root/RUN_ID/NAME/...``, each
    run's conclusion, and what else the REST API tells of a run (its
    ``event``, ``head_branch``, ``head_repository``), as ``Runner`` records
    it or a test plants it (a fork's run)."""

    root: Path
    conclusions: dict[int, str] = field(default_factory=dict)
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)

    def upload(self, run_id: int, name: str, files: list[Path], base: Path) -> None:
        target = self.root / str(run_id) / name
        target.mkdir(parents=True, exist_ok=True)
        for path in files:
            destination = target / path.relative_to(base)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)

    def download(self, run_id: int, pattern: str, into: Path, merge: bool) -> None:
        for folder in sorted((self.root / str(run_id)).glob(pattern)):
            target = into if merge else into / folder.name
            shutil.copytree(folder, target, dirs_exist_ok=True)


#: A ``gh`` that answers the commands the workflow runs from Artifacts'
#: folder (passed in GH_FAKE_ARTIFACTS), as GitHub's API would: ``api`` of
#: the repository (its default branch, main) and of a workflow's runs
#: (``branch`` and ``status`` filtered as the API does, newest first; only
#: the fields the workflow reads), ``--jq`` applied with libjq; and
#: ``run download``.
_FAKE_GH = """#!{python}
import json, os, shutil, sys
from urllib.parse import parse_qs, urlsplit
import jq
root = os.environ["GH_FAKE_ARTIFACTS"]
repository = os.environ["GITHUB_REPOSITORY"]
args = sys.argv[1:]

def runs(query):
    with open(os.path.join(root, "conclusions.json")) as f:
        conclusions = json.load(f)
    with open(os.path.join(root, "runs.json")) as f:
        details = json.load(f)
    listed = []
    for run_id in sorted((int(k) for k in conclusions), reverse=True):
        run = {{"id": run_id, "status": "completed",
               "conclusion": conclusions[str(run_id)],
               "repository": {{"full_name": repository}},
               **details.get(str(run_id), {{}})}}
        if "branch" in query and run["head_branch"] != query["branch"][0]:
            continue
        if "status" in query and run["conclusion"] != query["status"][0]:
            continue
        listed.append(run)
    return {{"total_count": len(listed), "workflow_runs": listed}}

if args[:1] == ["api"]:
    url = urlsplit(args[1])
    path, query = url.path.strip("/"), parse_qs(url.query)
    if path == "repos/" + repository:
        answer = {{"full_name": repository, "default_branch": "main"}}
    elif path.startswith("repos/" + repository + "/actions/workflows/") \\
            and path.endswith("/runs"):
        answer = runs(query)
    else:
        sys.exit("fake gh: unsupported api " + path)
    if "--jq" in args:
        for value in jq.compile(args[args.index("--jq") + 1]).input_value(answer).all():
            print(value if isinstance(value, str) else json.dumps(value))
    else:
        print(json.dumps(answer))
elif args[:2] == ["run", "download"]:
    run, name = args[2], args[args.index("--name") + 1]
    into = args[args.index("--dir") + 1] if "--dir" in args else "."
    source = os.path.join(root, run, name)
    if not os.path.isdir(source):
        sys.exit("no artifact matches any of the names or patterns provided")
    shutil.copytree(source, into, dirs_exist_ok=True)
else:
    sys.exit("fake gh: unsupported " + " ".join(args))
"""


@dataclass
class JobResult:
    name: str
    status: int  # the first failing step's, or 0
    failed_step: str | None
    summary: str
    outputs: dict[str, str]
    log: str


@dataclass
class Runner:
    """Runs jobs of one workflow run, as a GitHub-hosted runner would."""

    workflow: dict[str, Any]
    root: Path
    run_id: int
    artifacts: Artifacts
    #: The run's context for ``${{ }}``: github, vars, inputs.
    context: dict[str, Any]
    #: What every job's process gets besides the runner's variables
    #: (PATH with the tools, the simulator's proxy and CA bundle).
    base_env: dict[str, str]
    #: Emulates configure-aws-credentials: (role ARN, region) -> the
    #: variables the action exports.
    assume_role: Any

    def job_env(self, name: str, home: Path) -> dict[str, str]:
        temp = home / "runner-temp"
        workspace = home / "workspace"
        for folder in (temp, workspace):
            folder.mkdir(parents=True, exist_ok=True)
        gh_dir = home / "gh-bin"
        gh_dir.mkdir(exist_ok=True)
        gh = gh_dir / "gh"
        gh.write_text(_FAKE_GH.format(python=sys.executable))
        gh.chmod(0o755)
        self.artifacts.root.mkdir(parents=True, exist_ok=True)
        github = self.context["github"]
        self.artifacts.runs.setdefault(
            self.run_id,
            {
                "event": github["event_name"],
                "head_branch": github["ref_name"],
                "head_repository": {"full_name": github["repository"]},
            },
        )
        (self.artifacts.root / "conclusions.json").write_text(
            json.dumps(self.artifacts.conclusions)
        )
        (self.artifacts.root / "runs.json").write_text(json.dumps(self.artifacts.runs))
        env = {
            **self.base_env,
            "PATH": f"{gh_dir}:{self.base_env['PATH']}",
            "HOME": str(home / "home"),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_JOB": name,
            "GITHUB_RUN_ID": str(self.run_id),
            "GITHUB_WORKFLOW": str(self.workflow.get("name", "")),
            # Where the docs say to copy the file (docs/deploy.md).
            "GITHUB_WORKFLOW_REF": f"{github['repository']}/.github/workflows/"
            f"sts-activation-audit.yml@{github['ref']}",
            "GITHUB_REPOSITORY": github["repository"],
            "GITHUB_REF": github["ref"],
            "GITHUB_REF_NAME": github["ref_name"],
            "GITHUB_EVENT_NAME": github["event_name"],
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
            "RUNNER_OS": "Linux",
            "GH_FAKE_ARTIFACTS": str(self.artifacts.root),
        }
        (home / "home").mkdir(exist_ok=True)
        return env

    def run_job(
        self, name: str, matrix: Mapping[str, Any] | None = None, index: int = 0
    ) -> JobResult:
        job = self.workflow["jobs"][name]
        home = self.root / f"{name}-{index}"
        home.mkdir(parents=True)
        env = self.job_env(name, home)
        files = {
            key: home / key.lower()
            for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")
        }
        for key, path in files.items():
            path.write_text("")
            env[key] = str(path)
        strategy = job.get("strategy", {})
        total = 1
        for values in (strategy.get("matrix") or {}).values():
            total *= len(values) if isinstance(values, list) else 1
        context = {
            **self.context,
            "matrix": dict(matrix or {}),
            "strategy": {"job-index": index, "job-total": total},
            "runner": {"temp": env["RUNNER_TEMP"]},
        }
        job_env = {
            k: evaluate(v, context) for k, v in (self.workflow.get("env") or {}).items()
        }
        job_env.update(
            {k: evaluate(v, context) for k, v in (job.get("env") or {}).items()}
        )
        exported: dict[str, str] = {}
        log: list[str] = []
        outputs: dict[str, str] = {}
        steps: dict[str, Any] = {}
        context["steps"] = steps
        failure: tuple[int, str] | None = None
        for position, step in enumerate(job["steps"]):
            step_name = step.get("name") or step.get("uses") or f"step {position}"
            context["env"] = {**job_env, **exported}
            if not _condition(str(step.get("if", "")), context, failure is None):
                continue
            step_env = {**env, **job_env, **exported}
            step_env.update(
                {k: evaluate(v, context) for k, v in (step.get("env") or {}).items()}
            )
            if "run" in step:
                script = home / f"step-{position}.sh"
                script.write_text(step["run"])
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                    env=step_env,
                    cwd=env["GITHUB_WORKSPACE"],
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                log.append(f"$ {step_name}\n{proc.stdout}{proc.stderr}")
                if proc.returncode != 0 and failure is None:
                    log.append(f"FAILED {step_name}: exit {proc.returncode}")
                    failure = (proc.returncode, step_name)
            else:
                self._use(step, context, step_env, exported, log)
            exported.update(_read_env_file(files["GITHUB_ENV"]))
            written = _read_env_file(files["GITHUB_OUTPUT"])
            files["GITHUB_OUTPUT"].write_text("")
            if step.get("id"):
                steps[step["id"]] = {"outputs": written}
                outputs.update({f"{step['id']}.{k}": v for k, v in written.items()})
        status, failed = failure if failure is not None else (0, None)
        return self._result(name, status, failed, files, outputs, log, job)

    def _result(
        self,
        name: str,
        status: int,
        failed: str | None,
        files: Mapping[str, Path],
        outputs: dict[str, str],
        log: list[str],
        job: Mapping[str, Any],
    ) -> JobResult:
        return JobResult(
            name,
            status,
            failed,
            files["GITHUB_STEP_SUMMARY"].read_text(),
            outputs,
            "\n".join(log),
        )

    def _use(
        self,
        step: Mapping[str, Any],
        context: Mapping[str, Any],
        env: Mapping[str, str],
        exported: dict[str, str],
        log: list[str],
    ) -> None:
        action = str(step["uses"]).split("@", 1)[0]
        inputs = {k: evaluate(v, context) for k, v in (step.get("with") or {}).items()}
        workspace = Path(env["GITHUB_WORKSPACE"])
        if action == "aws-actions/configure-aws-credentials":
            exported.update(
                self.assume_role(inputs["role-to-assume"], inputs["aws-region"])
            )
        elif action == "actions/upload-artifact":
            files: list[Path] = []
            base = workspace
            for line in inputs["path"].splitlines():
                for found in glob.glob(str(workspace / line.strip())):
                    path = Path(found)
                    if path.is_dir():
                        # A folder's files, kept relative to it.
                        files += [p for p in sorted(path.rglob("*")) if p.is_file()]
                        base = path
                    else:
                        files.append(path)
                        base = path.parent
            if not files and inputs.get("if-no-files-found", "warn") == "error":
                raise AssertionError(f"upload-artifact: no files for {inputs['path']}")
            if files:
                self.artifacts.upload(self.run_id, inputs["name"], files, base)
        elif action == "actions/download-artifact":
            into = workspace / inputs.get("path", ".")
            into.mkdir(parents=True, exist_ok=True)
            pattern = inputs.get("pattern") or inputs["name"]
            # One artifact by name lands in `path` itself; by pattern, each
            # in a folder of its name unless merge-multiple (the action's
            # README, v4).
            merge = not inputs.get("pattern") or inputs.get("merge-multiple") == "true"
            self.artifacts.download(self.run_id, pattern, into, merge)
        else:
            raise NotImplementedError(f"action {action}")
        log.append(f"uses {action}")


def _condition(text: str, context: Mapping[str, Any], succeeded: bool) -> bool:
    """A step's ``if:``: ``always()``, ``success()``, ``failure()`` and
    comparisons of a context value with a string, joined by ``&&``; without
    a status function, ``success()`` is implied, as GitHub does."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    status_given = False
    result = True
    for term in (t.strip() for t in text.split("&&") if t.strip()):
        if term == "always()":
            status_given = True
        elif term == "success()":
            status_given = True
            result = result and succeeded
        elif term == "failure()":
            status_given = True
            result = result and not succeeded
        else:
            match = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", term)
            if not match:
                raise NotImplementedError(f"condition {term!r}")
            value = evaluate("${{ " + match.group(1) + " }}", context)
            equal = value == match.group(3)
            result = result and (equal if match.group(2) == "==" else not equal)
    return result and (succeeded or status_given)


def _read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines and NAME<<DELIMITER blocks, as the runner reads
    GITHUB_ENV and GITHUB_OUTPUT."""
    values: dict[str, str] = {}
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = []
            index += 1
            while lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        index += 1
    return values
