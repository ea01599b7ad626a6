"""How ``aws sts set-global-endpoint-token-version`` hands its options to
the CLI's plugin hook (token_version/command.py): the number option stays
text for arguments.py's one-line check, every other option still goes
through ``process-cli-arg`` as any CLI command's, and ``help`` (an
argument of no option) is shown."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest

from awscli_regional_sts.commands.token_version.command import (
    SetGlobalEndpointTokenVersionCommand,
)

EVENT = "process-cli-arg.custom.set-global-endpoint-token-version"
GLOBALS = SimpleNamespace(region=None, endpoint_url=None, verify_ssl=True)


def command(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[Any]]:
    """The command on a plain session, its run replaced by a recorder of
    the parsed arguments it would get."""
    session = botocore.session.Session()
    cmd = SetGlobalEndpointTokenVersionCommand(session)
    ran: list[Any] = []

    def run_main(parsed_args: Any, parsed_globals: Any) -> int:
        ran.append(parsed_args)
        return 0

    monkeypatch.setattr(cmd, "_run_main", run_main)
    return cmd, ran


def test_other_options_reach_plugins_and_the_number_stays_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cmd, ran = command(monkeypatch)
    seen: list[tuple[str, Any]] = []

    def another_plugin(cli_argument: Any, value: Any, **kwargs: Any) -> Any:
        seen.append((cli_argument.name, value))
        return "Renamed" if cli_argument.name == "member-role-name" else None

    cmd._session.register(EVENT, another_plugin)
    args = ["--token-version", "v2Token", "--member-role-name", "Ops"]
    assert cmd([*args, "--max-accounts-in-flight", "x1"], GLOBALS) == 0
    # Options given a value, flags included; not the number, nor those
    # not given (None).
    assert sorted(seen) == [
        ("dry-run", False),
        ("member-role-name", "Ops"),
        ("organization", False),
        ("token-version", "v2Token"),
    ]
    (parsed,) = ran
    assert parsed.member_role_name == "Renamed"
    # The CLI would have called int("x1") and failed with Python's words.
    assert parsed.max_accounts_in_flight == "x1"
    assert parsed.token_version == "v2Token"


def test_help_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    cmd, ran = command(monkeypatch)
    shown: list[Any] = []
    monkeypatch.setattr(
        cmd, "_display_help", lambda parsed_args, parsed_globals: shown.append(1)
    )
    cmd(["help"], GLOBALS)
    assert shown == [1] and ran == []
