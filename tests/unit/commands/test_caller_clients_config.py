"""The clients the caller's own check builds carry ``--timeout`` (to
connect and to read), one attempt and the profile's region: read back
from the clients botocore built, since only an endpoint that hangs would
show a timeout in a run."""

from __future__ import annotations

from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import choose_probe
from awscli_regional_sts.commands.activation.run.caller_account import (
    SessionClients,
    ask_identity,
)
from tests.unit.commands.recording_session import (  # noqa: F401  (autouse)
    RecordingSession,
    no_region_from_outside,
)


def options(**changes: Any) -> CheckOptions:
    values: dict[str, Any] = {
        "regions": ("eu-west-1",),
        "partition": "aws",
        "profile": "default",
        "profile_region": "eu-west-3",
        "timeout": 7.0,
        "verify": "/etc/ssl/a-bundle.pem",
    }
    values.update(changes)
    return CheckOptions(**values)


def test_the_identity_client_has_the_timeout_and_the_profile_region() -> None:
    session = RecordingSession()
    answer = ask_identity(session, options())
    assert answer()["Account"]
    (client,) = session.clients
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (7.0, 7.0)
    assert client.meta.region_name == "eu-west-3"
    assert session.sts.sent[0].host == "sts.eu-west-3.amazonaws.com"


def test_probe_and_fact_clients_have_the_timeout_and_one_attempt() -> None:
    session = RecordingSession()
    clients = SessionClients(
        session=session, options=options(), throttle=Throttle(2, 0.0)
    )
    clients.probes(choose_probe("AKIAUSERKEYEXAMPLE1", False, None, {}), None)
    clients.fact_client("iam")
    probe, fact = session.clients
    for client in (probe, fact):
        config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (7.0, 7.0)
        assert config.retries["total_max_attempts"] == 1
    assert probe.meta.region_name == "eu-west-1"
