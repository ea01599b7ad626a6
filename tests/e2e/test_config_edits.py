"""How `aws-regional-sts enable` and `disable` edit the user's config file,
end to end through the real commands and a real `aws`: through a symbolic
link, byte for byte, with its owner and mode, never another user's, and
never over another writer's change (the parts: tests/unit/lifecycle/
test_configwrite.py). The suite runs as root, as the root-with-another-
user's-HOME case needs; uid/gid 65534 (nobody/nogroup) stand for the other
user."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle import configwrite
from testing.clients import CLI_V2, AwsEnv, aws_command
from tests.e2e.test_installer import SCRIPTS, enable, helper, plugin_dir

NOBODY = 65534
#: A config in CRLF, with an empty [plugins] section (as a previous
#: `disable` leaves it) and no final newline.
DOTFILE = b"# dotfiles/aws-config\r\n[default]\r\nregion = eu-west-1\r\n\r\n[plugins]"
ENABLED_LINE = b"regional_sts = awscli_regional_sts"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root to give files to another user"
)


def no_aws_path(tmp_path: Path) -> str:
    """A PATH without any `aws`: `disable` then skips its `aws --version`
    check (a Latin-1 config is one no `aws` here can parse)."""
    empty = tmp_path / "no-aws"
    empty.mkdir(exist_ok=True)
    return str(empty)


def test_enable_and_disable_write_through_a_link_keeping_owner_and_mode(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    """A dotfile manager's link stays a link, and its target (mode 0640,
    group nogroup) gets the lines and loses them again."""
    (aws,) = aws_command(CLI_V2)
    target = tmp_path / "dotfiles" / "aws-config"
    target.parent.mkdir()
    text = b"[default]\nregion = eu-west-1\n"
    target.write_bytes(text)
    os.chown(target, 0, NOBODY)
    target.chmod(0o640)
    aws_env.config_file.symlink_to(target)

    def kept() -> None:
        assert aws_env.config_file.is_symlink()
        assert os.readlink(aws_env.config_file) == str(target)
        status = target.stat()
        assert (stat.S_IMODE(status.st_mode), status.st_gid) == (0o640, NOBODY)

    done = enable(aws_env, aws)
    assert done.returncode == 0, done.stderr
    kept()
    assert ENABLED_LINE in target.read_bytes()

    done = helper(aws_env, "disable", "--aws", aws)
    assert done.returncode == 0, done.stderr
    kept()
    assert target.read_bytes() == text + b"[plugins]\n"
    assert not plugin_dir(aws_env).exists()


def test_enable_and_disable_keep_crlf_and_a_missing_final_newline(
    aws_env: AwsEnv,
) -> None:
    """Only the added lines come and go: CRLF stays CRLF, and a file without
    a final newline has none after either command."""
    (aws,) = aws_command(CLI_V2)
    aws_env.config_file.write_bytes(DOTFILE)

    done = enable(aws_env, aws)
    assert done.returncode == 0, done.stderr
    enabled = aws_env.config_file.read_bytes()
    path = str(plugin_dir(aws_env)).encode()
    assert enabled == (
        DOTFILE + b"\r\ncli_legacy_plugin_path = " + path + b"\r\n" + ENABLED_LINE
    )

    done = helper(aws_env, "disable", "--aws", aws)
    assert done.returncode == 0, done.stderr
    assert aws_env.config_file.read_bytes() == DOTFILE


def test_disable_keeps_a_latin1_byte_and_crlf(aws_env: AwsEnv, tmp_path: Path) -> None:
    before = b"# caf\xe9 \xff\xfe\r\n[plugins]\r\n"
    after = b"[profile x]\r\nregion = eu-west-1\r\n"
    aws_env.config_file.write_bytes(before + ENABLED_LINE + b"\r\n" + after)
    done = helper(aws_env, "disable", path=no_aws_path(tmp_path))
    assert done.returncode == 0, done.stderr
    assert aws_env.config_file.read_bytes() == before + after


@pytest.mark.parametrize("command", ["enable", "disable"])
def test_root_is_refused_another_users_config_file(
    aws_env: AwsEnv, command: str
) -> None:
    (aws,) = aws_command(CLI_V2)
    text = b"[default]\nregion = eu-west-1\n[plugins]\n" + ENABLED_LINE + b"\n"
    config = aws_env.config_file
    config.write_bytes(text)
    os.chown(config, NOBODY, NOBODY)
    config.chmod(0o600)
    done = helper(aws_env, command, "--aws", aws)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert str(config) in line
    assert "nobody (uid 65534)" in line and "root (uid 0)" in line
    assert "sudo -u nobody" in line
    assert "Traceback" not in done.stderr
    assert config.read_bytes() == text
    status = config.stat()
    assert (status.st_uid, stat.S_IMODE(status.st_mode)) == (NOBODY, 0o600)
    assert not plugin_dir(aws_env).exists()


def test_disable_waits_for_another_writer_and_keeps_its_change(
    aws_env: AwsEnv, tmp_path: Path
) -> None:
    config = aws_env.config_file
    config.write_bytes(b"[plugins]\n" + ENABLED_LINE + b"\n")
    added = b"[profile added-meanwhile]\nregion = eu-west-1\n"
    with configwrite.locked(config):
        disable = subprocess.Popen(
            [str(SCRIPTS / "aws-regional-sts"), "disable"],
            env=aws_env.env({"PATH": no_aws_path(tmp_path), "PYTHONUNBUFFERED": "1"}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=aws_env.home,
        )
        assert disable.stdout is not None
        # It has read the file and is about to write it: without the lock
        # it writes now, and the change below would be lost.
        assert "Removing line 2" in disable.stdout.readline()
        time.sleep(0.5)
        assert config.read_bytes() == b"[plugins]\n" + ENABLED_LINE + b"\n"
        # The other writer's change, made as it would be (a new file renamed
        # over the old one), while it holds the lock.
        new = config.with_name("config.new")
        new.write_bytes(config.read_bytes() + added)
        os.replace(new, config)
    out, err = disable.communicate(timeout=60)
    assert disable.returncode == 0, err
    assert config.read_bytes() == b"[plugins]\n" + added
