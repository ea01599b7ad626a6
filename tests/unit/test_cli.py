"""The ``aws-regional-sts`` console script's own behaviour (each
subcommand has its own tests)."""

from __future__ import annotations

import argparse
from typing import Any, Callable

import pytest

from awscli_regional_sts import cli


def _interrupted_subcommand(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    def run(args: Any) -> int:
        raise KeyboardInterrupt

    return run


def test_ctrl_c_ends_with_status_130_and_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        cli,
        "SUBCOMMANDS",
        (("credentials", f"{__name__}:_interrupted_subcommand", "help"),),
    )
    assert cli.main(["credentials"]) == cli.INTERRUPTED_STATUS == 130
    out, err = capsys.readouterr()
    assert out == "" and err == ""
