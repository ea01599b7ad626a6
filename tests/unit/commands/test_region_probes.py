"""Where each row's probe goes and its latency comes from
(run/probes.py): each region's calls through the run's Throttle as an
endpoint of its own; on the probe's own connection for one account, the
run's figure for the region in an organization."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.run.probe import RegionLatencies
from awscli_regional_sts.commands.activation.run.probes import (
    ConnectionProbes,
    SharedProbes,
    probe_retry,
)

T = TypeVar("T")
GST = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
GCI = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="session credentials")


class Recording(Throttle):
    """The run's Throttle, noting each call's endpoint."""

    def __init__(self) -> None:
        super().__init__(4, 0.0, sleep=lambda seconds: None)
        self.endpoints: list[str] = []

    def call(self, endpoint: str, fn: Callable[[], T]) -> T:
        self.endpoints.append(endpoint)
        return super().call(endpoint, fn)


class Sts:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def get_session_token(self, **params: Any) -> Any:
        self.calls.append("GetSessionToken")
        return {"Credentials": {"AccessKeyId": "ASIA"}}

    def get_caller_identity(self) -> Any:
        self.calls.append("GetCallerIdentity")
        return {}


def test_probe_retry_makes_each_region_an_endpoint() -> None:
    throttle = Recording()
    assert probe_retry(throttle, "eu-west-1")(lambda: "answer") == "answer"
    assert throttle.endpoints == ["sts/eu-west-1"]


def test_one_accounts_probe_samples_its_own_connection() -> None:
    throttle, sts = Recording(), Sts()
    probes = ConnectionProbes(
        {"eu-west-1": (sts, lambda: "https://sts.eu-west-1.amazonaws.com/")},
        GST,
        2,
        throttle,
    )
    observation, answer = probes.task("eu-west-1")()
    assert answer == {"Credentials": {"AccessKeyId": "ASIA"}}
    assert sts.calls == ["GetSessionToken", "GetCallerIdentity", "GetCallerIdentity"]
    assert throttle.endpoints == ["sts/eu-west-1"]
    assert observation.endpoint == "https://sts.eu-west-1.amazonaws.com/"
    assert len(observation.latencies_ms) == 2
    assert probes.latencies("eu-west-1", observation) is observation.latencies_ms


def test_an_identity_only_probe_is_its_first_sample() -> None:
    sts = Sts()
    probes = ConnectionProbes({"eu-west-1": (sts, lambda: None)}, GCI, 3, Recording())
    observation, answer = probes.task("eu-west-1")()
    assert answer is None
    assert sts.calls == ["GetCallerIdentity"] * 3
    assert len(observation.latencies_ms) == 3


def test_an_organizations_rows_take_the_runs_figure_for_the_region() -> None:
    throttle, first, second = Recording(), Sts(), Sts()
    ticks = iter(range(0, 100, 5))
    figures = RegionLatencies(1, clock=lambda: float(next(ticks)) / 1000)
    probes = [
        SharedProbes({"eu-west-1": (sts, lambda: "u")}, GST, figures, 1.0, throttle)
        for sts in (first, second)
    ]
    observations = [p.task("eu-west-1")() for p in probes]
    # The first answered probe measured the region; the second did not.
    assert first.calls == ["GetSessionToken", "GetCallerIdentity"]
    assert second.calls == ["GetSessionToken"]
    assert throttle.endpoints == ["sts/eu-west-1", "sts/eu-west-1"]
    for (observation, answer), shared in zip(observations, probes):
        assert answer == {"Credentials": {"AccessKeyId": "ASIA"}}
        assert observation.endpoint == "u"
        assert shared.latencies("eu-west-1", observation) == [5.0]
    assert probes[0].latencies("ap-east-1", Observation()) == []


class Held(Sts):
    """Its GetCallerIdentity waits for ``release`` (a measurement under
    way in another thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.sampling = threading.Event()

    def get_caller_identity(self) -> Any:
        self.sampling.set()
        self.release.wait(10)
        return super().get_caller_identity()


def test_a_row_waits_only_so_long_for_its_regions_measurement() -> None:
    sts = Held()
    figures = RegionLatencies(1)
    shared = SharedProbes(
        {"eu-west-1": (sts, lambda: "u")}, GST, figures, 0.05, Recording()
    )
    measuring = threading.Thread(target=shared.task("eu-west-1"))
    measuring.start()
    try:
        assert sts.sampling.wait(10)
        # Still measuring: the row gives up after its wait, without figure.
        assert shared.latencies("eu-west-1", Observation()) == []
        assert figures.of("eu-west-1", 0.05) == []
    finally:
        sts.release.set()
        measuring.join(10)
    assert len(shared.latencies("eu-west-1", Observation())) == 1
