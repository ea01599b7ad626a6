"""Issue 31, findings 1, 2 and 7, end to end with the real helper and
Debian's CLI v2: `enable` copies no package tree and runs no Python that
another local user could change (a real second user,
testing/local_users.py); the copy has modes 0755/0644; an `aws` in the
current folder (an empty PATH entry) never runs; `--dry-run` runs nothing.
The checks themselves: tests/unit/lifecycle/test_trust.py."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from testing.clients import CLI_V2, REPO_ROOT, AwsEnv, aws_command
from testing.local_users import OTHER_USER, other_uid

SYSTEM_PATH = "/usr/bin:/bin"
PYTHON = sys.executable


def run(
    env: AwsEnv,
    *args: str,
    path: str = SYSTEM_PATH,
    pythonpath: Path | None = None,
    umask: int | None = None,
    default_config: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`python -m awscli_regional_sts.cli ARGS` as the recipes run it, from
    ``pythonpath`` when given (the package found there comes first)."""
    extra = {"PATH": path}
    if pythonpath is not None:
        extra["PYTHONPATH"] = str(pythonpath)
    if default_config:  # ~/.aws/config: enable and doctor look for CLI v1s
        extra["AWS_CONFIG_FILE"] = str(env.home / ".aws" / "config")
    return subprocess.run(
        [PYTHON, "-m", "awscli_regional_sts.cli", *args],
        env=env.env(extra),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=env.home,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),  # noqa: PLW1509
    )


def plugin_dir(env: AwsEnv) -> Path:
    return env.home / ".aws" / "cli" / "plugins" / "regional-sts"


def package_copy(folder: Path) -> Path:
    """This checkout's package, as `pip install --target folder` leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        REPO_ROOT / "awscli_regional_sts",
        folder / "awscli_regional_sts",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return folder


def chown_tree(top: Path, uid: int) -> None:
    for folder, _, files in os.walk(top):
        os.chown(folder, uid, -1)
        for name in files:
            os.chown(os.path.join(folder, name), uid, -1)


def refused(done: subprocess.CompletedProcess[str], env: AwsEnv) -> str:
    """The one-line refusal; nothing copied, nothing written."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert not plugin_dir(env).exists()
    assert not env.config_file.exists()
    (line,) = done.stderr.splitlines()
    assert "Traceback" not in line
    return line


def test_a_package_tree_another_user_planted_is_not_copied(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    """Finding 1: another user made the recipe's folder first (the old
    README's /tmp/regional-sts), so pip only warned; `enable` then copied
    that user's package into ~/.aws/cli/plugins/, run by every `aws`."""
    (aws,) = aws_command(CLI_V2)
    planted = package_copy(tmp_path / "regional-sts")
    chown_tree(planted, other_uid())
    line = refused(run(aws_env, "enable", "--aws", aws, pythonpath=planted), aws_env)
    assert line.startswith(
        "aws-regional-sts enable: refusing to copy the plugin from "
        f"{planted}/awscli_regional_sts: {planted} is owned by {OTHER_USER} "
    )
    assert 'dir=$(mktemp -d); python3 -m pip install --target "$dir"' in line


@pytest.mark.parametrize("where", ["", "awscli_regional_sts/plugin/routing.py"])
def test_a_package_tree_others_can_write_is_not_copied(
    aws_env: AwsEnv, tmp_path: Path, where: str
) -> None:
    """Finding 2's source: a tree (here its folder, or one module) that
    anyone may write; a folder above it writable by all and not sticky
    (where the tree could be swapped) is refused the same way."""
    (aws,) = aws_command(CLI_V2)
    source = package_copy(tmp_path / "source")
    (source / where).chmod(0o777 if where == "" else 0o666)
    line = refused(run(aws_env, "enable", "--aws", aws, pythonpath=source), aws_env)
    mode = "0777" if where == "" else "0666"
    assert (
        f"{source / where if where else source} is writable by group or others "
        f"(mode {mode}, owner root (uid 0))"
    ) in line


def test_the_copy_has_fixed_modes_whatever_the_source_and_umask(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    """Finding 2: the copy took the source's modes (0777/0666 made it
    writable by all). Now folders 0755 and files 0644, from a source of
    0700 folders and 0600/0755 files, with umask 000."""
    (aws,) = aws_command(CLI_V2)
    source = package_copy(tmp_path / "source")
    for folder, _, files in os.walk(source / "awscli_regional_sts"):
        os.chmod(folder, 0o700)
        for index, name in enumerate(files):
            os.chmod(os.path.join(folder, name), 0o755 if index % 2 else 0o600)
    done = run(aws_env, "enable", "--aws", aws, pythonpath=source, umask=0)
    assert done.returncode == 0, done.stderr
    copy = plugin_dir(aws_env)
    modes = {
        stat.S_IMODE(path.lstat().st_mode) | (0o1000 if path.is_dir() else 0)
        for path in [copy, *copy.rglob("*")]
        if "__pycache__" not in path.parts
    }
    assert modes == {0o1000 | 0o755, 0o644}
    assert (copy / "awscli_regional_sts" / "plugin" / "routing.py").is_file()


def test_a_python_others_can_write_is_not_run(aws_env: AwsEnv, tmp_path: Path) -> None:
    """The import check runs the CLI's Python: not one in a folder that
    anyone may write. The stand-in Python notes each `-c` run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "python-ran"
    python = bin_dir / "python3"
    python.write_text(
        f'#!/bin/sh\n[ "$1" = -c ] && echo ran >> {marker}\nexec {PYTHON} "$@"\n'
    )
    aws = tmp_path / "aws"
    aws.write_text(f"#!{python}\nprint('aws-cli/1.99.0 Python/3')\n")
    for script in (python, aws):
        script.chmod(0o755)
    bin_dir.chmod(0o777)
    line = refused(run(aws_env, "enable", "--aws", str(aws)), aws_env)
    assert line == (
        f"aws-regional-sts enable: refusing to run {python} (the Python that aws "
        f"runs on): {bin_dir} is writable by group or others (mode 0777, owner "
        "root (uid 0)); run an interpreter that only you or root can change, or "
        "fix its owner and mode (chown, chmod go-w)"
    )
    # doctor's import check, with the plugin enabled by hand: the same line.
    aws_env.config_file.write_text("[plugins]\nregional_sts = awscli_regional_sts\n")
    done = run(aws_env, "doctor", "--aws", str(aws))
    assert done.returncode == 1
    assert f"import: refusing to run {python} (the Python" in done.stdout
    assert not marker.exists()


def planted_aws(folder: Path, marker: Path) -> None:
    """An `aws` that notes that it ran, and passes for a CLI v1."""
    folder.mkdir(parents=True, exist_ok=True)
    aws = folder / "aws"
    aws.write_text(f'#!/bin/sh\necho "$@" >> {marker}\necho aws-cli/1.99.0\n')
    aws.chmod(0o755)


@pytest.mark.parametrize(
    "path",
    [f":{SYSTEM_PATH}", f"{SYSTEM_PATH}:", "/usr/bin::/bin", f".:{SYSTEM_PATH}"],
)
def test_an_aws_in_the_current_folder_never_runs_on_a_dry_run(
    aws_env: AwsEnv, path: str
) -> None:
    """Finding 7: an empty PATH entry (or `.`) is the current folder; its
    ./aws ran as the user, even with --dry-run."""
    marker = aws_env.root / "ran"
    planted_aws(aws_env.home, marker)
    done = run(aws_env, "enable", "--dry-run", path=path)
    assert not marker.exists(), marker.read_text()
    assert done.returncode == 0, done.stderr
    assert "Would run /usr/bin/aws --version" in done.stdout


def test_an_aws_in_the_current_folder_never_runs(aws_env: AwsEnv) -> None:
    """The same, for a real `enable` and then `doctor`, which both look for
    every CLI v1 on PATH that reads ~/.aws/config; each kind of entry at
    once."""
    marker = aws_env.root / "ran"
    planted_aws(aws_env.home, marker)
    path = ":/usr/bin:.:/bin:"
    done = run(aws_env, "enable", path=path, default_config=True)
    assert done.returncode == 0, done.stderr
    assert "/usr/bin/aws (AWS CLI 2." in done.stdout
    done = run(aws_env, "doctor", path=path, default_config=True)
    assert "ok       shared config: no CLI v1 on PATH reads" in done.stdout
    assert not marker.exists(), marker.read_text()


def test_a_dry_run_starts_no_process(aws_env: AwsEnv, tmp_path: Path) -> None:
    """--dry-run printed its plan after running `aws --version` and every
    other `aws` on PATH. Now it runs none: it says what it would run."""
    marker = tmp_path / "ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    planted_aws(bin_dir, marker)
    path = f"{bin_dir}:{SYSTEM_PATH}"
    done = run(aws_env, "enable", "--dry-run", path=path)
    assert done.returncode == 0, done.stderr
    assert f"Would run {bin_dir}/aws --version: which AWS CLI it is" in done.stdout
    done = run(aws_env, "enable", "--dry-run", "--aws", "/usr/bin/aws", path=path)
    assert done.returncode == 0, done.stderr
    assert f"Would run {bin_dir}/aws --version: a CLI v1 there?" in done.stdout
    assert not marker.exists(), marker.read_text()
    assert not aws_env.config_file.exists()
    assert not plugin_dir(aws_env).exists()
