"""A botocore session for tests that read back the clients a check
builds (their timeouts, attempts and region show only against an
endpoint that hangs), with no region from outside the test."""

from __future__ import annotations

from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest

from tests.unit.sts_answers import FakeSts


@pytest.fixture(autouse=True)
def no_region_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The session knows no region but the one the run passes: a client
    built without it would get botocore's ``aws-global``."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))


class RecordingSession(botocore.session.Session):
    """A botocore session with the caller's keys that keeps every client
    it creates and answers STS with ``FakeSts``."""

    def __init__(self) -> None:
        super().__init__()
        self.set_credentials("AKIAUSERKEYEXAMPLE1", "user-secret")
        self.sts = FakeSts({"eu-west-3": "ok"})
        self.register("before-send.sts", self.sts)
        self.clients: list[Any] = []

    def create_client(self, *args: Any, **kwargs: Any) -> Any:
        client = super().create_client(*args, **kwargs)
        self.clients.append(client)
        return client
