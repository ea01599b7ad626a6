"""The regions' probes of one account, and where each row's latency comes
from: sampled on the probe's own connection (``ConnectionProbes``), or the
run's figure for the region, measured once for every account
(``SharedProbes``).

A probe task answers ``(Observation, answer)``: what the region said, and
the probe call's answer (member credentials in an AssumeRole answer).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    answered,
)
from awscli_regional_sts.commands.activation.run.probe import (
    RegionLatencies,
    Retry,
    ask_region,
    sample_latency,
)

#: A region's probe client (aimed at the region) and the URL it requested.
AimedClient = tuple[Any, Callable[[], "str | None"]]
ProbeTask = Callable[[], tuple[Observation, Any]]


def probe_retry(throttle: Throttle, region: str) -> Retry:
    """A region's probe calls through the run's ``Throttle``: each STS
    region is an endpoint of its own (its window, its budget)."""
    return functools.partial(throttle.call, f"sts/{region}")


class RegionProbes(Protocol):
    def task(self, region: str) -> ProbeTask:
        """The region's probe."""

    def latencies(self, region: str, observation: Observation) -> list[float]:
        """The row's latency samples, for a probe that got an answer."""


@dataclass(frozen=True)
class ConnectionProbes:
    """Each region's probe call, then ``samples`` GetCallerIdentity calls
    on its connection (``probe.probe_region``): the single-account check.
    For a GetCallerIdentity-only probe the first sample is the probe."""

    clients: Mapping[str, AimedClient]
    method: ProbeMethod
    samples: int
    throttle: Throttle

    def task(self, region: str) -> ProbeTask:
        client, endpoint = self.clients[region]
        method, samples = self.method, self.samples
        retry = probe_retry(self.throttle, region)

        def probe() -> tuple[Observation, Any]:
            observation, answer = ask_region(client, method, retry)
            if answered(observation):
                sample_latency(client, method, samples, observation)
            observation.endpoint = endpoint()
            return observation, answer

        return probe

    def latencies(self, region: str, observation: Observation) -> list[float]:
        return observation.latencies_ms


@dataclass(frozen=True)
class SharedProbes:
    """Each region's probe on the run's shared client; the region's
    latency is the run's figure (``probe.RegionLatencies``), taken by the
    first probe of the region that got an answer."""

    clients: Mapping[str, AimedClient]
    method: ProbeMethod
    figures: RegionLatencies
    #: Seconds a row may wait for the probe that measures its region.
    wait: float
    throttle: Throttle

    def task(self, region: str) -> ProbeTask:
        client, endpoint = self.clients[region]
        method, figures = self.method, self.figures
        retry = probe_retry(self.throttle, region)
        return lambda: figures.probe(region, client, method, endpoint, retry)

    def latencies(self, region: str, observation: Observation) -> list[float]:
        return self.figures.of(region, self.wait)
