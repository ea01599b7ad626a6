"""A test-only AWS CLI plugin: writes down every client the CLI creates.

Loaded by the real `aws` (CLI v1 current and legacy, CLI v2) next to the
plugin under test, through ``AwsEnv.record_clients()``, so that tests can
assert the connect and read timeouts a client was really given instead of
timing a command. One JSON line per client (service, region, timeouts) is
appended to the file named by RECORD_CLIENTS_TO. Never imported by the
package; it imports nothing of it either.
"""

from __future__ import annotations

import json
import os
from typing import Any

#: Environment variable naming the file the lines are appended to.
RECORD_ENV = "RECORD_CLIENTS_TO"


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    cli.register("creating-client-class", _add_recorder)


def _add_recorder(base_classes: list[type], **kwargs: Any) -> None:
    # First base: its __init__ runs the client's own, then records.
    base_classes.insert(0, _Recorder)


class _Recorder:
    meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = self.meta.config
        line = {
            "service": self.meta.service_model.service_name,
            "region": self.meta.region_name,
            "connect_timeout": config.connect_timeout,
            "read_timeout": config.read_timeout,
        }
        with open(os.environ[RECORD_ENV], "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
