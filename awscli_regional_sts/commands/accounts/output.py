"""How the commands print their document: through the CLI's own formatter,
so ``--output`` and ``--query`` work as for any command.

With ``--output text`` or ``table`` the document goes to a terminal as it
is, and part of it came from AWS: a member account's name is its admin's to
choose, and an escape sequence in it (an OSC-8 hyperlink, a CSI that moves
the cursor or rewrites a line) would be acted on by the terminal. Those two
formats get every control character escaped (``aws/untrusted.py``'s
``printable``); ``json`` and ``yaml`` escape them in their own syntax and
keep every value exact.
"""

from __future__ import annotations

from typing import Any

from awscli.formatter import get_formatter

from awscli_regional_sts.aws.untrusted import printable_data

#: The CLI's output formats that print text as it is.
TERMINAL_FORMATS = frozenset({"text", "table"})


def output_format(session: Any, parsed_globals: Any) -> str:
    """``--output``, else the profile's ``output``, else json (the CLI's
    default)."""
    chosen = parsed_globals.output or session.get_config_variable("output")
    return str(chosen or "json")


def print_document(
    command_name: str, document: dict[str, Any], session: Any, parsed_globals: Any
) -> None:
    """Print ``document`` as the CLI prints a command's response."""
    output = output_format(session, parsed_globals)
    if output in TERMINAL_FORMATS:
        document = printable_data(document)
    get_formatter(output, parsed_globals)(command_name, document)
