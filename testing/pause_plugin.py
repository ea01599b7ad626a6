"""A test-only AWS CLI plugin: holds the CLI at one event until Ctrl-C.

Loaded by the real `aws` next to the plugin under test, through
``AwsEnv.pause_at(event)``, so that a test can send SIGINT at a moment it
knows (e.g. while ``aws sts resolve-endpoint`` creates its client, or while
the organization check lists accounts) instead of guessing one with a sleep.
The first time the event named by PAUSE_AT fires, the handler writes the
line ``PAUSED_LINE`` to stderr and sleeps in the thread that fired it (a
plain ``time.sleep``, which a KeyboardInterrupt ends); later firings pass.
Never imported by the package; it imports nothing of it either.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

#: Environment variable naming the botocore/CLI event to pause at.
PAUSE_ENV = "PAUSE_AT"
#: What the plugin writes to stderr when it pauses (then the event name).
PAUSED_LINE = "pause-plugin: paused at"
#: Long enough that only a signal ends the pause during a test.
PAUSE_SECONDS = 120

_paused = threading.Event()


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    event = os.environ.get(PAUSE_ENV)
    if event:
        cli.register(event, _pause)


def _pause(event_name: str = "", **kwargs: Any) -> None:
    if _paused.is_set():
        return
    _paused.set()
    sys.stderr.write(f"{PAUSED_LINE} {event_name}\n")
    sys.stderr.flush()
    time.sleep(PAUSE_SECONDS)
