"""`aws-regional-sts disable` and `doctor`, end to end with each real `aws`
(enable: test_installer.py; the parsing underneath: tests/unit/)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    aws_command,
    is_cli_v2,
)
from tests.e2e.test_installer import SCRIPTS, SYSTEM_PATH, enable, helper, plugin_dir

#: A config with another plugin, comments and profile keys: disable must
#: leave all of it byte for byte.
OTHERS = (
    "# my settings\n"
    "[default]\n"
    "region = eu-west-1\n"
    "sts_region = ap-northeast-1\n"
    "\n"
    "[profile tokyo]\n"
    "sts_region = ap-northeast-1 ; comment kept\n"
    "s3 =\n"
    "    max_concurrent_requests = 4\n"
)


def unimportable(tmp: Path) -> dict[str, str]:
    """An environment in which `import awscli_regional_sts` fails, as after
    `pip uninstall` (PYTHONPATH comes before site-packages)."""
    shadow = tmp / "uninstalled" / "awscli_regional_sts"
    shadow.mkdir(parents=True, exist_ok=True)
    (shadow / "__init__.py").write_text(
        "raise ImportError('awscli_regional_sts was uninstalled')\n"
    )
    return {"PYTHONPATH": str(shadow.parent)}


def aws_version(
    env: AwsEnv, kind: str, extra: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*aws_command(kind), "--version"],
        env=env.env(extra),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env.home,
    )


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_disable_removes_exactly_what_enable_wrote(
    aws_env: AwsEnv, kind: str, tmp_path: Path
) -> None:
    (aws,) = aws_command(kind)
    aws_env.config_file.write_text(OTHERS)
    assert enable(aws_env, aws).returncode == 0
    enabled = aws_env.config_file.read_text()
    assert enabled != OTHERS
    # With the package gone (unimportable, as after `pip uninstall` or with
    # the plugin directory removed), the enabled CLI fails on every command.
    # The frozen CLI v2 ignores PYTHONPATH: its copy in the plugin
    # directory is removed instead.
    if kind == CLI_V2_FROZEN:
        shutil.rmtree(plugin_dir(aws_env) / "awscli_regional_sts")
        gone: dict[str, str] = {}
    else:
        gone = unimportable(tmp_path)
    assert aws_version(aws_env, kind, gone).returncode != 0

    dry = helper(aws_env, "disable", "--aws", aws, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert aws_env.config_file.read_text() == enabled

    done = helper(aws_env, "disable", "--aws", aws)
    assert done.returncode == 0, done.stderr
    # `aws configure set` added a [plugins] section; only its header stays.
    assert aws_env.config_file.read_text().replace("[plugins]\n", "") == OTHERS
    assert "sts_region keys stay" in done.stdout
    assert not plugin_dir(aws_env).exists()
    # ... and works again after disable, with the package still gone.
    after = aws_version(aws_env, kind, gone)
    assert after.returncode == 0, after.stderr
    assert "aws-cli/" in after.stdout + after.stderr


def test_disable_keeps_other_plugins_and_their_path(aws_env: AwsEnv) -> None:
    (aws,) = aws_command(CLI_V2)
    assert enable(aws_env, aws).returncode == 0
    # Another plugin, enabled by hand afterwards, needs the path to stay.
    text = aws_env.config_file.read_text().replace(
        "[plugins]\n", "[plugins]\nendpoint = awscli_plugin_endpoint\n"
    )
    aws_env.config_file.write_text(text)
    done = helper(aws_env, "disable", "--aws", aws, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Keeping plugins.cli_legacy_plugin_path" in done.stdout
    assert "regional_sts = awscli_regional_sts" in done.stdout
    assert "endpoint" not in done.stdout.split("Keeping")[0]


def doctor(
    env: AwsEnv, kind: str, *args: str, **kw: object
) -> subprocess.CompletedProcess[str]:
    (aws,) = aws_command(kind)
    return helper(env, "doctor", "--aws", aws, *args, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_doctor_healthy_after_enable_and_sends_nothing(
    aws_env: AwsEnv, kind: str
) -> None:
    (aws,) = aws_command(kind)
    assert enable(aws_env, aws).returncode == 0
    aws_env.config_file.write_text(
        aws_env.config_file.read_text()
        + "[profile tokyo]\nsts_region = ap-northeast-1\n"
        + "sts_fallback = eu-west-1 global\n"
    )
    aws_env.simulator.clear_log()
    done = doctor(aws_env, kind, "--profile", "tokyo")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "healthy"
    assert all(line.startswith("ok ") for line in lines[:-1]), lines
    checks = " ".join(lines)
    assert "AWS CLI " + ("2." if is_cli_v2(kind) else "1.") in checks
    assert f"reads {aws_env.config_file} (AWS_CONFIG_FILE)" in checks
    assert "the CLI loads the plugin" in checks
    # Nothing reached the simulator (nor tried to).
    assert aws_env.simulator.requests == []
    assert aws_env.simulator.connects == []

    as_json = json.loads(
        doctor(aws_env, kind, "--profile", "tokyo", "--output", "json").stdout
    )
    assert as_json["Healthy"] is True
    assert {f["Check"] for f in as_json["Findings"]} >= {
        "aws",
        "files",
        "plugin",
        "load",
    }


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_doctor_names_each_problem_with_its_fix(aws_env: AwsEnv, kind: str) -> None:
    # Keys, but no plugin; a typo in a key; an unknown region.
    aws_env.config_file.write_text(
        "[profile tokyo]\nsts_region = ap-northeast-11\nsts-fallback = eu-west-1\n"
        "[profile other]\nsts_regions = eu-west-1\nsts_regional_endpoints = regional\n"
    )
    done = doctor(aws_env, kind, "--profile", "tokyo")
    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if line.startswith("PROBLEM")]
    text = "\n".join(problems)
    assert all("fix: " in line for line in problems), problems
    assert "plugin: not enabled" in text
    assert f"fix: aws-regional-sts enable --aws {aws_command(kind)[0]}" in text
    assert "'sts-fallback' (line 3" in text and "did you mean sts_fallback?" in text
    assert "'sts_regions'" in text and "did you mean sts_region?" in text
    assert "sts_regional_endpoints" not in text  # botocore's own key
    assert "'ap-northeast-11' is not a region" in text
    assert "did you mean ap-northeast-1?" in text
    assert "no plugin reads them" in text
    assert aws_env.simulator.connects == []


def test_doctor_finds_cli_v2_without_a_plugin_path(aws_env: AwsEnv) -> None:
    aws_env.config_file.write_text("[plugins]\nregional_sts = awscli_regional_sts\n")
    done = doctor(aws_env, CLI_V2)
    assert done.returncode == 1
    assert "CLI v2 loads no [plugins] entry without plugins.cli_legacy_plugin_path" in (
        done.stdout
    )


@pytest.mark.parametrize("kind", [k for k in CLI_KINDS if not is_cli_v2(k)])
def test_doctor_finds_a_plugin_path_under_cli_v1(aws_env: AwsEnv, kind: str) -> None:
    aws_env.config_file.write_text(
        "[plugins]\nregional_sts = awscli_regional_sts\ncli_legacy_plugin_path = /x\n"
    )
    done = doctor(aws_env, kind)
    assert done.returncode == 1
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("PROBLEM")]
    assert "line 3" in line and "makes CLI v1 fail on every command" in line
    assert f"fix: delete line 3 of {aws_env.config_file}" in line


def test_doctor_finds_the_v1_v2_conflict_in_the_default_config(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    (v2,) = aws_command(CLI_V2)
    assert enable(aws_env, v2).returncode == 0
    # The same lines in ~/.aws/config, which every CLI reads by default,
    # and a CLI v1 on PATH.
    default = aws_env.home / ".aws" / "config"
    default.write_text(aws_env.config_file.read_text())
    on_path = tmp_path / "v1-bin"
    on_path.mkdir()
    (on_path / "aws").symlink_to(aws_command(CLI_V1)[0])
    env = aws_env.env({"PATH": f"{on_path}:{SYSTEM_PATH}"})
    del env["AWS_CONFIG_FILE"]
    done = subprocess.run(
        [
            str(SCRIPTS / "aws-regional-sts"),
            "doctor",
            "--aws",
            v2,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=aws_env.home,
    )
    assert done.returncode == 1, done.stdout
    (line,) = [x for x in done.stdout.splitlines() if "shared config" in x]
    # That CLI v1 already fails on the line; doctor names it.
    assert line.startswith("PROBLEM") and f"{on_path}/aws (an AWS CLI v1" in line
    assert "--own-config-file" in line


@pytest.mark.parametrize(
    "args",
    [
        ("--profile", "nosuch"),
        ("--output", "xml"),
        ("--aws", "/nonexistent/aws"),
        ("--bogus",),
    ],
)
def test_doctor_bad_input_one_line(aws_env: AwsEnv, args: tuple[str, ...]) -> None:
    aws_env.config_file.write_text("[default]\nregion = eu-west-1\n")
    done = helper(aws_env, "doctor", *args)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("aws-regional-sts")
    assert "Traceback" not in done.stderr and done.stdout == ""
