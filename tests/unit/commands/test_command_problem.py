"""accounts/exit_status.py's one place that prints a command's error
line: a CommandProblem becomes ``aws sts NAME: error: ...`` and the run's
outcome; anything else is not its to catch."""

from __future__ import annotations

import pytest

from awscli_regional_sts.commands.accounts.exit_status import (
    CommandProblem,
    Exit,
    outcomes_or_error_line,
)


class NotWritten(CommandProblem):
    exit = Exit.NOT_WRITTEN


def test_the_runs_outcomes_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = outcomes_or_error_line("x", lambda: [Exit.CHANGED, Exit.OK])
    assert outcomes == (Exit.CHANGED, Exit.OK)
    assert capsys.readouterr().err == ""


def test_a_problem_is_one_line_and_its_outcome(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def bad() -> list[Exit]:
        raise CommandProblem("--regions: 'x' is not a region")

    assert outcomes_or_error_line("activation-check", bad) == (Exit.BAD_PARAMETER,)
    assert capsys.readouterr().err == (
        "aws sts activation-check: error: --regions: 'x' is not a region\n"
    )

    def unwritten() -> list[Exit]:
        raise NotWritten("--save: cannot write")

    assert outcomes_or_error_line("y", unwritten) == (Exit.NOT_WRITTEN,)
    assert capsys.readouterr().err == "aws sts y: error: --save: cannot write\n"


def test_other_errors_go_through() -> None:
    def broken() -> list[Exit]:
        raise KeyError("x")

    with pytest.raises(KeyError):
        outcomes_or_error_line("x", broken)
