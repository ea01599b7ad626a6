"""A region's probe and its latency samples (run/probe.py): the probe call
goes through the run's retry, a failed sample after an answered probe is
a sampling error (not the probe's), and an organization's measurement of a
region records what it got."""

from __future__ import annotations

from typing import Any, Callable

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
from botocore.exceptions import EndpointConnectionError

from awscli_regional_sts.commands.activation.model.observation import (
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.run.probe import (
    RegionLatencies,
    probe_region,
)

GST = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
GCI = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="session credentials")


class Sts:
    """GetSessionToken answers; GetCallerIdentity answers ``good`` times,
    then the connection drops."""

    def __init__(self, good: int) -> None:
        self.good = good
        self.calls: list[str] = []

    def get_session_token(self, **params: Any) -> Any:
        self.calls.append("GetSessionToken")
        return {"Credentials": {}}

    def get_caller_identity(self) -> Any:
        self.calls.append("GetCallerIdentity")
        if self.good <= 0:
            raise EndpointConnectionError(endpoint_url="https://sts.x")
        self.good -= 1
        return {}


def test_the_probe_call_goes_through_the_retry() -> None:
    retried: list[str] = []

    def retry(call: Callable[[], Any]) -> Any:
        retried.append("probe")
        return call()

    sts = Sts(good=1)
    observation = probe_region(sts, GST, 1, retry=retry)
    assert retried == ["probe"]
    assert sts.calls == ["GetSessionToken", "GetCallerIdentity"]
    assert observation.probe_error is None and len(observation.latencies_ms) == 1


def test_a_sample_that_fails_after_an_answered_probe_is_a_sampling_error() -> None:
    sts = Sts(good=1)
    observation = probe_region(sts, GST, 3)
    assert sts.calls == ["GetSessionToken", "GetCallerIdentity", "GetCallerIdentity"]
    assert observation.probe_error is None
    assert observation.sample_error is not None
    assert len(observation.latencies_ms) == 1
    # The very first sample failing is still not the probe's error.
    observation = probe_region(Sts(good=0), GST, 3)
    assert observation.probe_error is None and observation.sample_error is not None
    # GetCallerIdentity only: its first call is the probe, the next ones
    # samples.
    observation = probe_region(Sts(good=0), GCI, 3)
    assert observation.probe_error is not None and observation.sample_error is None
    observation = probe_region(Sts(good=1), GCI, 3)
    assert observation.probe_error is None and observation.sample_error is not None


def test_an_organizations_measurement_keeps_the_samples_it_got() -> None:
    figures = RegionLatencies(3, clock=iter([0.0, 0.004, 1.0]).__next__)
    sts = Sts(good=1)
    observation, answer = figures.probe("eu-west-1", sts, GST, lambda: "u")
    assert observation.probe_error is None and answer == {"Credentials": {}}
    assert sts.calls == ["GetSessionToken", "GetCallerIdentity", "GetCallerIdentity"]
    assert figures.of("eu-west-1", 1) == [4.0]
