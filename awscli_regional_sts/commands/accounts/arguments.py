"""Checks of the options that commands working on accounts share (account
ids, a member role's name, whole numbers), each problem one line for
stderr, and the exit status the running CLI gives a bad parameter. Nothing
here talks to AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

import awscli

from awscli_regional_sts.aws.identifiers import is_account_id, is_role_name
from awscli_regional_sts.aws.untrusted import parse_whole, quote
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem
from awscli_regional_sts.commands.accounts.members import DEFAULT_MEMBER_ROLE_NAME


class ArgumentProblem(CommandProblem, ValueError):
    """An invalid argument, as one line for stderr; nothing was sent."""


def cli_major() -> str:
    """The running AWS CLI's major version, which decides the status of a
    bad parameter (``exit_status.EXITS``)."""
    return str(getattr(awscli, "__version__", "1")).split(".", 1)[0]


def names(
    option: str,
    values: Sequence[str] | None,
    check: Callable[[str], None],
    what: str,
) -> tuple[str, ...] | None:
    """The names of a list option, each checked, without repeats; shells'
    users also type ``a,b``."""
    if values is None:
        return None
    chosen: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if not name:
                continue
            check(name)
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise ArgumentProblem(f"{option}: name at least one {what}")
    return tuple(chosen)


def account_ids(option: str, values: Sequence[str] | None) -> tuple[str, ...] | None:
    """12-digit account ids, or None when the option was not given."""

    def check(name: str) -> None:
        if not is_account_id(name):
            raise ArgumentProblem(
                f"{option}: {quote(name)} is not an AWS account id (12 digits)"
            )

    return names(option, values, check, "account id")


def member_role_name(value: str | None) -> str:
    """``--member-role-name``, or the role Organizations creates."""
    if value is None:
        return DEFAULT_MEMBER_ROLE_NAME
    if not is_role_name(value):
        raise ArgumentProblem(
            f"--member-role-name: {quote(value)} is not an IAM role name "
            "(1 to 64 of letters, digits and +=,.@_-)"
        )
    return value


def whole_number(option: str, value: Any, default: int, maximum: int) -> int:
    """A whole number in ASCII digits (not ``²``), from 1 to ``maximum``."""
    if value is None:
        return default
    number = parse_whole(value)
    if number is None or not 1 <= number <= maximum:
        raise ArgumentProblem(
            f"{option}: expected a whole number from 1 to {maximum} (digits "
            f"0-9), got {quote(value)}"
        )
    return number
