"""`aws-regional-sts enable`, end to end with each real `aws` (its parsing:
tests/unit/test_installer.py; disable and doctor: test_lifecycle.py)."""

from __future__ import annotations

import configparser
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    REPO_ROOT,
    AwsEnv,
    aws_command,
    is_cli_v2,
)

TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"
#: PATH for the helper: the system's (Debian's CLI v2 is /usr/bin/aws), and
#: no CLI v1, so that the developer's own PATH cannot change the outcome.
SYSTEM_PATH = "/usr/bin:/bin"
SCRIPTS = Path(sys.executable).parent


def plugin_dir(env: AwsEnv) -> Path:
    return env.home / ".aws" / "cli" / "plugins" / "regional-sts"


def helper(
    env: AwsEnv,
    *args: str,
    script: str = "aws-regional-sts",
    path: str = SYSTEM_PATH,
    extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a life-cycle command as a user would, against the test's
    AWS_CONFIG_FILE and throwaway HOME."""
    environment = env.env({"PATH": path, **(extra or {})})
    return subprocess.run(
        [str(SCRIPTS / script), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=env.home,
    )


def enable(
    env: AwsEnv, aws: str, *args: str, alias: bool = False, path: str = SYSTEM_PATH
) -> subprocess.CompletedProcess[str]:
    """``aws-regional-sts enable``, or its alias ``aws-regional-sts-enable``."""
    if alias:
        return helper(env, "--aws", aws, *args, script="aws-regional-sts-enable")
    return helper(env, "enable", "--aws", aws, *args, path=path)


def plugins_of(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(path)
    return dict(parser["plugins"]) if parser.has_section("plugins") else {}


def routes_to_tokyo(env: AwsEnv, kind: str, aws: str | None = None) -> None:
    """The config the helper wrote, plus a profile: a routed call works
    (with ``aws``, if given, instead of the kind's executable)."""
    sim = env.simulator
    env.add_keys("tokyo", sim.add_user("alice"))
    env.config = (
        env.config_file.read_text() + "\n[profile tokyo]\nsts_region = ap-northeast-1\n"
    )
    env.write_files(kind, plugin=False)
    sim.clear_log()
    args = ["sts", "get-caller-identity", "--profile", "tokyo"]
    if aws is None:
        env.run(kind, *args, plugin=False).check()
    else:
        ran = subprocess.run(
            [aws, *args],
            env=env.env({"PATH": SYSTEM_PATH}),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=env.home,
        )
        assert ran.returncode == 0, ran.stderr
    assert [(r.host, r.status) for r in sim.requests] == [(TOKYO_HOST, 200)]


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_enables_and_then_routes(aws_env: AwsEnv, kind: str) -> None:
    (aws,) = aws_command(kind)
    done = enable(aws_env, aws, alias=True)
    assert done.returncode == 0, done.stderr
    expected = {"regional_sts": "awscli_regional_sts"}
    if is_cli_v2(kind):
        expected["cli_legacy_plugin_path"] = str(plugin_dir(aws_env))
        assert "AWS CLI 2." in done.stdout
        # Only the plugin on CLI v2's path: no awscli, no botocore.
        assert sorted(os.listdir(plugin_dir(aws_env))) == [
            ".awscli-regional-sts",
            "awscli_regional_sts",
        ]
    else:
        assert "AWS CLI 1." in done.stdout
        assert not plugin_dir(aws_env).exists()
    assert plugins_of(aws_env.config_file) == expected
    routes_to_tokyo(aws_env, kind)


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_dry_run_writes_nothing(aws_env: AwsEnv, kind: str) -> None:
    (aws,) = aws_command(kind)
    done = enable(aws_env, aws, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "plugins.regional_sts awscli_regional_sts" in done.stdout
    # It runs nothing, not even `aws --version` (test_install_trust.py):
    # a CLI on a Python may be v1 or v2, so both plans are shown; a frozen
    # CLI (no shebang) can only be v2.
    assert "cli_legacy_plugin_path" in done.stdout
    frozen = kind == CLI_V2_FROZEN
    assert ("If it is AWS CLI v1:" in done.stdout) == (not frozen)
    assert not aws_env.config_file.exists()
    assert not plugin_dir(aws_env).exists()


def test_cli_v2_is_refused_while_a_cli_v1_reads_the_same_config(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    (v2,) = aws_command(CLI_V2)
    (v1,) = aws_command(CLI_V1)
    on_path = tmp_path / "v1-bin"
    on_path.mkdir()
    (on_path / "aws").symlink_to(v1)
    done = enable(aws_env, v2, path=f"{on_path}:{SYSTEM_PATH}")
    assert done.returncode == 1
    assert "AWS CLI 1." in done.stderr
    assert "--own-config-file" in done.stderr  # a separate AWS_CONFIG_FILE
    assert "aws-regional-sts credentials" in done.stderr  # or the bridge
    assert not aws_env.config_file.exists()
    assert not plugin_dir(aws_env).exists()

    # A CLI v1 off PATH counts when named.
    done = enable(aws_env, v2, "--other-aws", v1)
    assert done.returncode == 1 and f"{v1} (AWS CLI 1." in done.stderr

    # The way out: this AWS_CONFIG_FILE is CLI v2's alone.
    done = enable(aws_env, v2, "--own-config-file", path=f"{on_path}:{SYSTEM_PATH}")
    assert done.returncode == 0, done.stderr
    assert plugins_of(aws_env.config_file)["cli_legacy_plugin_path"] == str(
        plugin_dir(aws_env)
    )
    # The CLI v1 on PATH keeps working with its own (default) config.
    v1_env = aws_env.env({"PATH": f"{on_path}:{SYSTEM_PATH}"})
    del v1_env["AWS_CONFIG_FILE"]
    assert (
        subprocess.run([v1, "--version"], env=v1_env, capture_output=True).returncode
        == 0
    )


@pytest.mark.parametrize("kind", [k for k in CLI_KINDS if not is_cli_v2(k)])
def test_cli_v1_is_refused_where_the_config_has_a_plugin_path(
    aws_env: AwsEnv, kind: str
) -> None:
    (aws,) = aws_command(kind)
    text = "[plugins]\ncli_legacy_plugin_path = /somewhere\n"
    aws_env.config_file.write_text(text)
    done = enable(aws_env, aws)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert "line 2" in line and "makes CLI v1 fail on every command" in line
    assert aws_env.config_file.read_text() == text


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
    done = enable(aws_env, str(aws), alias=True)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("aws-regional-sts-enable: /usr/bin/python3 (the Python")
    # The plugin runs from this checkout: that is what to install.
    assert line.endswith(f"/usr/bin/python3 -m pip install {REPO_ROOT}")
    assert not aws_env.config_file.exists()


def test_frozen_cli_v2_loads_the_plugin_from_its_directory(aws_env: AwsEnv) -> None:
    """AWS's frozen CLI v2 has no Python the helper could check the plugin
    with: it installs the plugin directory and writes
    ``cli_legacy_plugin_path``; the frozen CLI's own code imports the plugin
    from there (tests/e2e/test_frozen_bundle.py imports every module so)."""
    (aws,) = aws_command(CLI_V2_FROZEN)
    done = enable(aws_env, aws)
    assert done.returncode == 0, done.stderr
    assert "bundled" in done.stdout and "no Python to check with" in done.stdout
    assert plugins_of(aws_env.config_file) == {
        "cli_legacy_plugin_path": str(plugin_dir(aws_env)),
        "regional_sts": "awscli_regional_sts",
    }
    # It writes no bytecode itself: enable had it compile the copy, with its
    # own Python, where that Python looks.
    directory = plugin_dir(aws_env)
    sources = sorted(directory.rglob("*.py"))
    assert f"compiled {len(sources)} modules with {aws}'s own Python" in done.stdout
    compiled = sorted(directory.rglob("__pycache__/*.cpython-314.pyc"))
    assert len(compiled) == len(sources)
    # And it loads that bytecode, not the source: the routing module's
    # source replaced by one that would fail, same size and time, and the
    # CLI still routes.
    routing = directory / "awscli_regional_sts" / "plugin" / "routing.py"
    status = routing.stat()
    broken = b"raise SystemExit('the source was compiled')\n"
    routing.write_bytes(broken + b"#" * (status.st_size - len(broken) - 1) + b"\n")
    os.utime(routing, (status.st_atime, status.st_mtime))
    assert routing.stat().st_size == status.st_size
    # The directory is the only copy this CLI can import: routing proves it
    # loaded the plugin from there.
    routes_to_tokyo(aws_env, CLI_V2_FROZEN, aws=aws)
    # doctor has no Python to import with: it checks the directory, then
    # asks the CLI itself.
    checked = helper(aws_env, "doctor", "--aws", aws, "--profile", "tokyo")
    assert checked.returncode == 0, checked.stdout
    assert "bundled" in checked.stdout and "the CLI loads the plugin" in checked.stdout
    assert " import:" not in checked.stdout


def test_not_an_aws_cli(aws_env: AwsEnv) -> None:
    aws = fake_aws(aws_env.root, "#!/bin/sh", "something else")
    done = enable(aws_env, str(aws))
    assert done.returncode == 1
    assert "did not name an AWS CLI version" in done.stderr


def test_cli_v2_plugin_path_of_other_plugins_is_not_taken(aws_env: AwsEnv) -> None:
    (aws,) = aws_command(CLI_V2)
    others = aws_env.root / "other-plugins"
    (others / "awscli_plugin_endpoint").mkdir(parents=True)
    (others / "awscli_plugin_endpoint" / "__init__.py").write_text(
        "def awscli_initialize(cli):\n    pass\n"
    )
    text = (
        "[plugins]\nendpoint = awscli_plugin_endpoint\n"
        f"cli_legacy_plugin_path = {others}\n"
    )
    aws_env.config_file.write_text(text)
    done = enable(aws_env, aws)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert f"already names {others}" in line
    assert line.endswith(f"pip install --target {others} --no-deps {REPO_ROOT}")
    assert aws_env.config_file.read_text() == text
