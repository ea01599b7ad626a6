"""`enable --dry-run` starts no process (issue 31, finding 7): every way
Python starts one raises an audit event, and none is raised. End to end
(an `aws` that notes each run): tests/e2e/test_install_trust.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest

from awscli_regional_sts.lifecycle import enable

#: The audit events of starting a program (sys.audit's table).
_STARTS = ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.system")
_seen: list[str] | None = None


def _hook(event: str, _args: Any) -> None:
    if _seen is not None and event.startswith(_STARTS):
        _seen.append(event)


sys.addaudithook(_hook)  # cannot be removed: it records only inside a test


@pytest.mark.parametrize("first_line", ["#!/usr/bin/python3\n", "\x7fELF\x02"])
def test_a_dry_run_starts_no_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    first_line: str,
) -> None:
    global _seen
    for folder in ("named", "other"):
        (tmp_path / folder).mkdir()
        aws = tmp_path / folder / "aws"
        aws.write_text(first_line)
        aws.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'other'}:/usr/bin:")
    monkeypatch.setenv("HOME", str(tmp_path))
    parser = argparse.ArgumentParser()
    run = enable.enable_arguments(parser)
    args = parser.parse_args(["--aws", str(tmp_path / "named" / "aws"), "--dry-run"])
    args.label = "aws-regional-sts enable"
    _seen = []
    try:
        status = run(args)
        seen = list(_seen)
    finally:
        _seen = None
    assert seen == []
    assert status == 0
    out = capsys.readouterr().out
    assert f"Would run {tmp_path / 'other' / 'aws'} --version" in out
    assert "plugins.regional_sts awscli_regional_sts" in out
    assert ("If it is AWS CLI v1:" in out) == first_line.startswith("#!")
