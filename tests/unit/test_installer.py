"""The enabling helper's parsing: finding `aws` and its Python (in-process).

End to end with each real `aws`: tests/e2e/test_installer.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from awscli_regional_sts import installer


def test_missing_aws() -> None:
    with pytest.raises(installer.EnableError, match="cannot find"):
        installer.find_aws("/nonexistent/aws")


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
    assert installer.python_of(str(aws)) == python
