"""Which client runs which row of a table of cases.

The rule (docs/development.md, "Which client runs what"): a behaviour that
depends on the client's own code (its credential providers, its botocore's
endpoint rules and errors, how it loads plugins, parses arguments, formats
output and exits) runs on every client. A table of inputs that only the
plugin's own code tells apart (bad values, hostile cache files, the cases
of one report) runs whole on one client, AWS's frozen CLI v2 (the CLI most
users run), and one representative row runs on every other client, which
shows that client's side of it: the exit status, the one line, no
traceback, nothing sent.

A command run whole (``activation-check --organization``, ``--baseline``,
``--report``, ``--shard``/``--merge``, ``set-global-endpoint-token-version``)
runs on every client in its headline test. Its further cases (which status
wins, a baseline, shard or listing refused, one more output form of the
same document, the simulator's IAM answers) are the plugin's own code
whichever CLI runs it: they run on ``FURTHER_CASES_ON``, one client of each
family (CLI v1's exit 255, CLI v2's 252, their error lines).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from testing.clients import CLI_V1, CLI_V2_FROZEN

#: The client that runs every row of such a table.
EVERY_ROW_ON = CLI_V2_FROZEN
#: The clients that run a whole command's further cases: AWS's frozen CLI
#: v2 (most users) and CLI v1, one of each family.
FURTHER_CASES_ON = (CLI_V1, CLI_V2_FROZEN)


def rows_by_client(
    kinds: Sequence[str],
    rows: Sequence[str] | Mapping[str, tuple[Any, ...]],
    *,
    representative: Sequence[str] = (),
) -> list[Any]:
    """Parameters for ``kind`` and a row: every row on ``EVERY_ROW_ON`` (or,
    when it is not one of ``kinds``, on the first kind), and the
    ``representative`` rows (default: the first) on each other kind. Rows
    are names (parameters ``kind, name``) or a mapping of names to tuples of
    values (parameters ``kind, *values``)."""
    names = list(rows)
    chosen = list(representative) or [names[0]]
    unknown = set(chosen) - set(names)
    assert not unknown, f"representative rows not in the table: {unknown}"
    full = EVERY_ROW_ON if EVERY_ROW_ON in kinds else kinds[0]
    pairs = []
    for kind in kinds:
        for name in names if kind == full else chosen:
            values = rows[name] if isinstance(rows, Mapping) else (name,)
            pairs.append(pytest.param(kind, *values, id=f"{kind}-{name}"))
    return pairs
