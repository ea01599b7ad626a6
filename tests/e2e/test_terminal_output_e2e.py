"""Issue 31, finding 10a: a member account's name is its admin's to choose,
and ``--output text`` and ``table`` printed it raw, so a terminal acted on
the escape sequences in it (an OSC-8 hyperlink, CSI sequences that clear
the screen or move the cursor). Now every control character of text that
came from AWS is shown escaped in those formats, and ``--output json``
keeps the name exact; on AWS's frozen CLI v2 and CLI v1 against the
simulator.
"""

from __future__ import annotations

import re

import pytest

from testing.clients import CLI_V1, CLI_V2_FROZEN, AwsEnv
from tests.e2e.test_organization_cli import ORG, build_organization

HOSTILE_ID = "666666666666"
#: A hyperlink that shows "click" and leads elsewhere (OSC 8), a screen
#: clear and a cursor move (CSI), a one-character CSI (C1), a bell, DEL and
#: a right-to-left override.
HOSTILE_NAME = (
    "ops\x1b]8;;https://attacker.example/\x1b\\click\x1b]8;;\x1b\\"
    "\x1b[2J\x1b[1A\x9b31m\x07\x7f\u202eend"
)
#: How text and table show it.
SHOWN = (
    "ops\\x1b]8;;https://attacker.example/\\x1b\\click\\x1b]8;;\\x1b\\"
    "\\x1b[2J\\x1b[1A\\u009b31m\\x07\\x7f\\u202eend"
)
#: Control characters a terminal acts on; text output's own tabs and line
#: ends are allowed.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CHECK = (*ORG, "--regions", "us-east-1", "--accounts", HOSTILE_ID)


@pytest.mark.parametrize("kind", [CLI_V2_FROZEN, CLI_V1])
def test_names_from_aws_reach_the_terminal_escaped(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    aws_env.simulator.add_member_account(HOSTILE_ID, name=HOSTILE_NAME)
    for output in ("text", "table"):
        result = aws_env.run(kind, *CHECK, "--output", output)
        assert result.returncode == 0, result.output
        assert not RAW_CONTROL.search(result.stdout), (output, result.stdout)
        assert not RAW_CONTROL.search(result.stderr), (output, result.stderr)
        assert SHOWN in result.stdout, (output, result.stdout)
    result = aws_env.run(kind, *CHECK, "--output", "json")
    assert result.returncode == 0, result.output
    (account,) = [a for a in result.json()["Accounts"] if a["AccountId"] == HOSTILE_ID]
    assert account["Name"] == HOSTILE_NAME
