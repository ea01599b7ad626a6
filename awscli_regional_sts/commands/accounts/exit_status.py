"""The exit statuses of the commands that work on accounts
(``activation-check``, ``set-global-endpoint-token-version``), decided
here and nowhere else, from one table; and the one kind of error they
end with.

Each ``Exit`` is a distinct outcome; two of them may share a number (255
is both "could not write" and CLI v1's bad parameter), never a member.
When several outcomes apply, the first in ``EXITS`` wins. The commands'
help (``DESCRIPTION``), docs/activation-check.md and docs/fleet.md state
this table; tests/unit/commands/test_exit_status.py holds them to it.
Plain data; nothing here talks to AWS or imports the CLI.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum


class Exit(Enum):
    """What a run ended with."""

    #: An invalid option value, an unusable file: nothing sent.
    BAD_PARAMETER = "bad-parameter"
    #: ``--save`` or ``--report`` could not write.
    NOT_WRITTEN = "not-written"
    #: A call the run cannot go on without (Organizations ListAccounts,
    #: DescribeOrganization) was throttled until ``--throttle-budget`` was
    #: spent: the run ends, nothing more sent.
    THROTTLED = "throttled"
    #: ``--require-active``: a required region is not active.
    NOT_ACTIVE = "not-active"
    #: ``--require-active``: none inactive, but one's activation cannot be
    #: told (``unknown``: session credentials without ``--role-arn``).
    UNDETERMINED = "undetermined"
    #: A selected account could not be checked (or changed): its ``Error``.
    ACCOUNTS_FAILED = "accounts-failed"
    #: ``--baseline``: something changed since the baseline report.
    CHANGED = "changed"
    OK = "ok"


@dataclass(frozen=True)
class ExitRule:
    exit: Exit
    #: The status on AWS CLI v2 ...
    status: int
    #: ... and on AWS CLI v1, where it differs.
    status_v1: int


#: Every outcome and its status, in the order they win.
EXITS = (
    # Each CLI's own status for a bad parameter: v2's
    # PARAM_VALIDATION_ERROR_RC, v1's ParamValidationError. It ends the
    # command before anything else is decided.
    ExitRule(Exit.BAD_PARAMETER, status=252, status_v1=255),
    # The CLI's general error status.
    ExitRule(Exit.NOT_WRITTEN, status=255, status_v1=255),
    # Each CLI's own status for a call AWS answered with an error, as when
    # the CLI's own retries of a throttled call give up: v2's
    # CLIENT_ERROR_RC (a ClientError), v1's one status for every error.
    ExitRule(Exit.THROTTLED, status=254, status_v1=255),
    ExitRule(Exit.NOT_ACTIVE, status=1, status_v1=1),
    ExitRule(Exit.UNDETERMINED, status=3, status_v1=3),
    ExitRule(Exit.ACCOUNTS_FAILED, status=4, status_v1=4),
    ExitRule(Exit.CHANGED, status=5, status_v1=5),
    ExitRule(Exit.OK, status=0, status_v1=0),
)


def exit_status(*exits: Exit, cli_major: str = "2") -> int:
    """The status of a run that ended with ``exits`` (none: 0): the first
    of them in ``EXITS``' order, as the running CLI (``cli_major``) gives
    it."""
    for rule in EXITS:
        if rule.exit in exits:
            return rule.status_v1 if cli_major == "1" else rule.status
    return 0


class CommandProblem(Exception):
    """What stops a command: one line for stderr that says what was wrong
    and how to fix it (printed by the command's entry point, after
    ``aws sts NAME: error: ``), and the run's outcome."""

    exit = Exit.BAD_PARAMETER


def outcomes_or_error_line(
    command_name: str, run: Callable[[], Sequence[Exit]]
) -> tuple[Exit, ...]:
    """What ``run`` ended with; a CommandProblem printed here as the
    command's one error line (``aws sts NAME: error: ...``) and taken as
    its outcome: the one place every command's entry point prints it."""
    try:
        return tuple(run())
    except CommandProblem as problem:
        sys.stderr.write(f"aws sts {command_name}: error: {problem}\n")
        return (problem.exit,)
