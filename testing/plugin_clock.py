"""A test-only AWS CLI plugin: the clock that starts before the plugin under
test, inside the CLI's own interpreter (for benchmarks/plugin_overhead.py).

Listed first in ``[plugins]``, before ``regional_sts``, with
``testing/plugin_clock_end.py`` listed after it. The CLI imports every
plugin module in that order, then calls each ``awscli_initialize`` in that
order, and runs the handlers of one event in the order they were
registered; so the times between this module's marks and the end clock's
are the plugin's import, its ``awscli_initialize``, and its handler of
``building-command-table.sts`` (the commands it adds to ``aws sts``),
measured by the CLI's own Python, frozen or not (``-X importtime`` cannot
reach a frozen CLI). The marks travel in environment variables of this
process: the two modules may be imported under other names (CLI v1 loads
copies from PYTHONPATH). Never imported by the package.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ["PLUGIN_CLOCK_IMPORTED"] = repr(time.perf_counter())


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    os.environ["PLUGIN_CLOCK_INITIALIZING"] = repr(time.perf_counter())
    cli.register("building-command-table.sts", _sts_table_start)


def _sts_table_start(**kwargs: Any) -> None:
    os.environ["PLUGIN_CLOCK_STS_TABLE"] = repr(time.perf_counter())
