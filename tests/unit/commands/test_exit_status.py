"""The exit statuses: one table (commands/accounts/exit_status.py) with
distinct members, and the help text and the docs that state it."""

from __future__ import annotations

import re
from pathlib import Path

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)

from awscli_regional_sts.commands.accounts.exit_status import EXITS, Exit, exit_status
from awscli_regional_sts.commands.activation.command import ActivationCheckCommand

DOCS = Path(__file__).resolve().parents[3] / "docs"
#: The outcomes that compete (a bad parameter ends the command before any
#: other is decided), in the order they win.
PRECEDENCE = [rule for rule in EXITS if rule.exit is not Exit.BAD_PARAMETER]


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![\w.-])(\d{1,3})(?![\w-]|\.\d)", text)]


def test_every_outcome_is_its_own_member_once_in_the_table() -> None:
    assert [rule.exit for rule in EXITS].count(Exit.OK) == 1
    assert sorted(rule.exit.value for rule in EXITS) == sorted(e.value for e in Exit)


def test_the_first_outcome_in_the_table_wins() -> None:
    assert exit_status() == 0
    assert exit_status(Exit.CHANGED, Exit.NOT_ACTIVE) == 1
    assert exit_status(Exit.OK, Exit.ACCOUNTS_FAILED, Exit.CHANGED) == 4
    assert exit_status(Exit.UNDETERMINED, Exit.NOT_WRITTEN) == 255
    assert exit_status(Exit.BAD_PARAMETER) == 252
    assert exit_status(Exit.BAD_PARAMETER, cli_major="1") == 255
    # A throttled listing: each CLI's status for a call AWS refused.
    assert exit_status(Exit.THROTTLED) == 254
    assert exit_status(Exit.THROTTLED, cli_major="1") == 255
    assert exit_status(Exit.THROTTLED, Exit.NOT_ACTIVE) == 254
    assert exit_status(Exit.NOT_WRITTEN, Exit.THROTTLED) == 255


def test_the_help_states_every_status_and_the_order() -> None:
    text = ActivationCheckCommand.DESCRIPTION
    paragraph = text[text.index("Exit status:") :]
    stated = set(numbers(paragraph))
    assert {r.status for r in EXITS} | {r.status_v1 for r in EXITS} <= stated
    order = paragraph[paragraph.index("the first in this order wins") :]
    assert numbers(order) == [r.status for r in PRECEDENCE if r.exit is not Exit.OK]


def test_activation_check_doc_lists_every_status() -> None:
    doc = (DOCS / "activation-check.md").read_text()
    section = doc[doc.index("## Exit status") :]
    section = section[: section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if re.match(r"\| \d", line)]
    stated = {n for row in rows for n in numbers(row.split("|")[1])}
    assert stated == {r.status for r in EXITS} | {r.status_v1 for r in EXITS}


def test_fleet_doc_gives_the_order() -> None:
    doc = (DOCS / "fleet.md").read_text()
    start = doc.index("**Exit status**, first match wins:")
    sentence = doc[start : doc.index("A bad parameter", start)]
    assert numbers(sentence) == [r.status for r in PRECEDENCE]
