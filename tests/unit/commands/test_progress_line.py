"""accounts/progress.py: one self-overwriting line on stderr, only for a
terminal, and cleared at the end."""

from __future__ import annotations

import sys

import pytest

from awscli_regional_sts.commands.accounts.progress import TITLE, Progress


def describe(done: int, total: int) -> str:
    return f"{done} of {total} regions"


def test_each_call_overwrites_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(describe)
    progress(1, 3)
    progress(2, 3)
    progress.clear()
    assert TITLE == "Checking STS activation"
    assert capsys.readouterr().err == (
        "\rChecking STS activation: 1 of 3 regions "
        "\rChecking STS activation: 2 of 3 regions "
        "\r\x1b[K"
    )


def test_its_own_title(capsys: pytest.CaptureFixture[str]) -> None:
    Progress(describe, "Token versions")(4, 5)
    assert capsys.readouterr().err == "\rToken versions: 4 of 5 regions "


class Stderr:
    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.written: list[str] = []
        self.flushes = 0

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        self.flushes += 1


def test_only_a_terminal_gets_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Stderr(terminal=False))
    assert Progress.on_terminal(describe) is None
    terminal = Stderr(terminal=True)
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = Progress.on_terminal(describe, "Accounts")
    assert progress is not None
    progress(1, 2)
    assert terminal.flushes == 1
    progress.clear()
    assert terminal.flushes == 2
    default = Progress.on_terminal(describe)
    assert default is not None
    default(0, 1)
    assert terminal.written == [
        "\rAccounts: 1 of 2 regions ",
        "\r\x1b[K",
        "\rChecking STS activation: 0 of 1 regions ",
    ]
