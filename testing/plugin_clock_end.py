"""A test-only AWS CLI plugin: the clock that stops after the plugin under
test (see ``testing/plugin_clock.py``). Writes one JSON line of
milliseconds to the file named by PLUGIN_CLOCK_TO when the command ends.
Never imported by the package.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from typing import Any

_marks: dict[str, float] = {}


def _since(name: str, now: float) -> float | None:
    start = os.environ.get(name)
    return None if start is None else (now - float(start)) * 1000.0


_marks["import"] = _since("PLUGIN_CLOCK_IMPORTED", time.perf_counter()) or 0.0


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    _marks["initialize"] = (
        _since("PLUGIN_CLOCK_INITIALIZING", time.perf_counter()) or 0.0
    )
    cli.register("building-command-table.sts", _sts_table_end)
    atexit.register(_write)


def _sts_table_end(**kwargs: Any) -> None:
    spent = _since("PLUGIN_CLOCK_STS_TABLE", time.perf_counter())
    if spent is not None:
        _marks["sts_command_table"] = spent


def _write() -> None:
    with open(os.environ["PLUGIN_CLOCK_TO"], "a", encoding="utf-8") as out:
        out.write(json.dumps(_marks) + "\n")
