"""The enabling helper, end to end with each real `aws` (its parsing:
tests/unit/test_installer.py)."""

from __future__ import annotations

import configparser
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from testing.clients import CLI_KINDS, CLI_V2, REPO_ROOT, AwsEnv, aws_command

TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"


def enable(env: AwsEnv, aws: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the helper as a user would, against the test's AWS_CONFIG_FILE."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "aws-regional-sts-enable"),
            "--aws",
            aws,
            *args,
        ],
        env=env.env(),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=env.home,
    )


def plugins_of(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(path)
    return dict(parser["plugins"]) if parser.has_section("plugins") else {}


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_enables_and_then_routes(aws_env: AwsEnv, kind: str) -> None:
    (aws,) = aws_command(kind)
    done = enable(aws_env, aws)
    assert done.returncode == 0, done.stderr
    expected = {"regional_sts": "awscli_regional_sts"}
    if kind == CLI_V2:
        expected["cli_legacy_plugin_path"] = str(REPO_ROOT)
        assert "AWS CLI v2" in done.stdout
    else:
        assert "AWS CLI v1" in done.stdout
    assert plugins_of(aws_env.config_file) == expected

    # The config the helper wrote, plus a profile: a routed call works.
    sim = aws_env.simulator
    user = sim.add_user("alice")
    aws_env.add_keys("tokyo", user)
    aws_env.config = (
        aws_env.config_file.read_text()
        + "\n[profile tokyo]\nsts_region = ap-northeast-1\n"
    )
    sim.clear_log()
    aws_env.run(
        kind, "sts", "get-caller-identity", "--profile", "tokyo", plugin=False
    ).check()
    assert [(r.host, r.status) for r in sim.requests] == [(TOKYO_HOST, 200)]


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_dry_run_writes_nothing(aws_env: AwsEnv, kind: str) -> None:
    (aws,) = aws_command(kind)
    done = enable(aws_env, aws, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "plugins.regional_sts awscli_regional_sts" in done.stdout
    assert ("cli_legacy_plugin_path" in done.stdout) == (kind == CLI_V2)
    assert not aws_env.config_file.exists()


def fake_aws(directory: Path, shebang: str, version: str) -> Path:
    """An `aws` script that only answers --version."""
    path = directory / "aws"
    path.write_text(
        f"{shebang}\nimport sys\nprint({version!r})\n"
        if "python" in shebang
        else f"{shebang}\necho {version!r}\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_refuses_when_aws_python_cannot_import_the_plugin(aws_env: AwsEnv) -> None:
    # The system Python has neither awscli v1 nor the plugin installed.
    aws = fake_aws(
        aws_env.root, "#!/usr/bin/python3 -S", "aws-cli/1.40.0 Python/3.11.2"
    )
    done = enable(aws_env, str(aws))
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("aws-regional-sts-enable: /usr/bin/python3 (the Python")
    assert line.endswith("/usr/bin/python3 -m pip install awscli-regional-sts")
    assert not aws_env.config_file.exists()


def test_bundled_cli_v2_gets_the_plugin_path(aws_env: AwsEnv) -> None:
    aws = fake_aws(aws_env.root, "#!/bin/sh", "aws-cli/2.15.0 Python/3.11.6 exe")
    done = enable(aws_env, str(aws), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "bundled AWS CLI v2" in done.stdout
    assert f"plugins.cli_legacy_plugin_path {REPO_ROOT}" in done.stdout


def test_not_an_aws_cli(aws_env: AwsEnv) -> None:
    aws = fake_aws(aws_env.root, "#!/bin/sh", "something else")
    done = enable(aws_env, str(aws))
    assert done.returncode == 1
    assert "did not name an AWS CLI version" in done.stderr
