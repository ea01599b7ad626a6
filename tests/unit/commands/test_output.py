"""The commands' one way to print their document (commands/accounts/output.py):
control characters escaped for text and table, exact for json."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from awscli_regional_sts.commands.accounts.output import (
    output_format,
    print_document,
)
from awscli_regional_sts.commands.accounts.progress import Progress

NAME = "ops\x1b]8;;https://x/\x1b\\click\x9b2J"
DOCUMENT = {"Accounts": [{"AccountId": "666666666666", "Name": NAME}]}


class Session:
    def __init__(self, output: str | None) -> None:
        self._output = output

    def get_config_variable(self, name: str) -> str | None:
        return self._output if name == "output" else None


def arguments(output: str | None) -> SimpleNamespace:
    return SimpleNamespace(output=output, query=None, color="off")


@pytest.mark.parametrize("output", ["text", "table"])
def test_text_and_table_show_control_characters_escaped(
    output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    print_document("activation-check", DOCUMENT, Session(None), arguments(output))
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x9b" not in printed
    assert "ops\\x1b]8;;https://x/\\x1b\\click\\u009b2J" in printed
    assert DOCUMENT["Accounts"][0]["Name"] == NAME  # the caller's copy is kept


def test_json_keeps_the_text_exact(capsys: pytest.CaptureFixture[str]) -> None:
    # No --output: the profile's output, else json.
    print_document("activation-check", DOCUMENT, Session(None), arguments(None))
    assert json.loads(capsys.readouterr().out) == DOCUMENT
    assert output_format(Session("table"), arguments(None)) == "table"
    assert output_format(Session("table"), arguments("text")) == "text"


def test_the_progress_line_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    Progress(lambda done, total: f"{done}/{total} \x1b[2J{NAME}")(1, 2)
    line = capsys.readouterr().err
    assert line.startswith("\rChecking STS activation: 1/2 \\x1b[2J")
    assert "\x1b" not in line and "\x9b" not in line


def test_the_table_is_titled_with_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = {"Account": "111122223333", "Partition": "aws"}
    print_document("activation-check", document, Session(None), arguments("table"))
    title = capsys.readouterr().out.splitlines()[1]
    assert title.strip("| ") == "activation-check"
