"""The workflow's install step (deploy/github-workflow-sts-audit.yml, the
same text in the shard and merge jobs), its own bash read from the YAML,
run as the runner would (``bash --noprofile --norc -eo pipefail``): it
installs only a pinned plugin, a git URL at a full commit SHA or a wheel
with its sha256, and refuses anything else (unset, a branch, a tag, a short
SHA, an unpinned URL, a name from an index, a second line smuggling pip
options) in one line, non-zero, before pip runs.

``python3`` on the step's PATH is a recorder (no install, no network): the
real install from a wheel with its hash is tests/e2e/test_workflow_e2e.py's.
Cost: one bash per case.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testing.github_actions import load_workflow

SHA = "0123456789abcdef0123456789abcdef01234567"
HASH = "sha256:" + "ab" * 32
WHEEL_URL = "https://example.com/awscli_regional_sts-1.0-py3-none-any.whl"
RECORDER = """#!{python}
import json, os, sys
with open(os.environ["PIP_RECORD"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def install_step() -> str:
    (script,) = {
        step["run"]
        for step in load_workflow()["jobs"]["shard"]["steps"]
        if "pip install" in step.get("run", "")
    }
    return str(script)


def run_step(
    tmp_path: Path, plugin: str | None
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "python3").write_text(RECORDER.format(python=sys.executable))
    (tools / "python3").chmod(0o755)
    record = tmp_path / "pip-calls"
    record.touch()
    script = tmp_path / "step.sh"
    script.write_text(install_step())
    env = {
        "PATH": f"{tools}:/usr/bin:/bin",
        "RUNNER_TEMP": str(tmp_path),
        "PIP_RECORD": str(record),
    }
    if plugin is not None:
        # What `${{ vars.STS_AUDIT_PLUGIN }}` gives: "" when unset.
        env["STS_AUDIT_PLUGIN"] = plugin
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = [json.loads(line) for line in record.read_text().splitlines()]
    return proc, calls


@pytest.mark.parametrize(
    "plugin",
    [
        None,
        "",
        "git+https://github.com/awscli-regional-sts/awscli-regional-sts@main",
        "git+https://github.com/example-org/awscli-regional-sts@v1.4.0",
        "git+https://github.com/example-org/awscli-regional-sts",
        "git+https://github.com/example-org/awscli-regional-sts@0123456",
        f"git+https://github.com/example-org/awscli-regional-sts@{SHA.upper()}",
        f"git+http://github.com/example-org/awscli-regional-sts@{SHA}",
        f"git+https://github.com/example-org/awscli-regional-sts@{SHA}#egg=x",
        WHEEL_URL,
        f"{WHEEL_URL} --hash=sha256:abc",
        f"https://example.com/awscli_regional_sts-1.0.tar.gz --hash={HASH}",
        "awscli-regional-sts==1.0",
        f"git+https://github.com/example-org/awscli-regional-sts@{SHA}\n--index-url https://example.com/simple",
        f"-e git+https://github.com/example-org/awscli-regional-sts@{SHA}",
    ],
    ids=lambda p: repr(p)[:60],
)
def test_an_unpinned_plugin_stops_the_job_in_one_line(
    tmp_path: Path, plugin: str | None
) -> None:
    proc, calls = run_step(tmp_path, plugin)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert calls == []  # pip never ran
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("::error::STS_AUDIT_PLUGIN "), lines[0]
    assert "docs/deploy.md" in lines[0]


@pytest.mark.parametrize(
    "plugin, hashed",
    [
        (f"git+https://github.com/example-org/awscli-regional-sts@{SHA}", False),
        (
            f"{WHEEL_URL} --hash={HASH}",
            True,
        ),
        (f"/srv/wheels/{WHEEL_URL.rsplit('/', 1)[1]} --hash={HASH}", True),
    ],
)
def test_a_pinned_plugin_is_installed_as_given(
    tmp_path: Path, plugin: str, hashed: bool
) -> None:
    proc, calls = run_step(tmp_path, plugin)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pip, enable = calls
    assert pip[:3] == ["-m", "pip", "install"]
    assert "--no-deps" in pip and ("--require-hashes" in pip) == hashed
    # The requirement reaches pip as a requirements file's one line,
    # never as words of its command line.
    requirement = Path(pip[pip.index("-r") + 1])
    assert requirement.read_text() == plugin + "\n"
    assert plugin not in pip
    assert enable == ["-m", "awscli_regional_sts.cli", "enable"]
