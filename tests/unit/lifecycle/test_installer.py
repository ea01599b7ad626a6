"""The life-cycle helpers' parsing: finding `aws` and its Python (in-process).

End to end with each real `aws`: tests/e2e/test_installer.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle import detection


def test_missing_aws() -> None:
    with pytest.raises(detection.CliError, match="cannot find"):
        detection.find_aws("/nonexistent/aws")


@pytest.mark.parametrize(
    ("first_lines", "python"),
    [
        ("#!/opt/venv/bin/python3\n", "/opt/venv/bin/python3"),
        ("#!/usr/bin/python3 -S\n", "/usr/bin/python3"),
        (
            '#!/bin/sh\n\'\'\'exec\' "/a very/long/python" "$0" "$@"\n',
            "/a very/long/python",
        ),
        ("#!/bin/sh\n'''exec' /long/path/python \"$0\" \"$@\"\n", "/long/path/python"),
        ("#!/bin/bash\n", None),
        ("\x7fELF\x02\x01", None),
    ],
)
def test_python_of(tmp_path: Path, first_lines: str, python: str | None) -> None:
    aws = tmp_path / "aws"
    aws.write_text(first_lines)
    assert detection.python_of(str(aws)) == python


def test_all_on_path_lists_each_real_aws_once(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    aws = first / "aws"
    aws.write_text("#!/bin/sh\n")
    aws.chmod(0o755)
    (second / "aws").symlink_to(aws)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "aws").write_text("not executable")
    path = f"{first}:{second}:{tmp_path / 'c'}"
    assert detection.all_on_path(path) == [str(aws)]


def test_config_file_honours_the_variable(tmp_path: Path) -> None:
    env = {"AWS_CONFIG_FILE": str(tmp_path / "cfg"), "HOME": str(tmp_path)}
    assert detection.config_file(env) == tmp_path / "cfg"
    assert detection.credentials_file({}).name == "credentials"
