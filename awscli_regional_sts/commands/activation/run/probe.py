"""One region's probe: ask the region to issue credentials, and time it
(``model/observation.py`` says why a credential-issuing call, and what an
``Observation`` holds).

Probe clients are aimed at the region under test (``endpoints.aim_client``),
bypassing the plugin's own router.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    answered,
)

#: How a probe call is made: once, or through the run's ``Throttle``
#: (``functools.partial(throttle.call, key)``), which retries throttling.
Retry = Callable[[Callable[[], Any]], Any]


def once(call: Callable[[], Any]) -> Any:
    """The call, once: no retry."""
    return call()


def probe_region(
    client: Any,
    method: ProbeMethod,
    samples: int,
    endpoint: Callable[[], str | None] = lambda: None,
    clock: Callable[[], float] = time.perf_counter,
    retry: Retry = once,
) -> Observation:
    """Probe one region with a client already aimed at it (``aim_client``).

    The credential-issuing call goes first: it opens the connection, and if
    the region does not answer, nothing more is tried, so a dead region costs
    one timeout. Latency is the median of ``samples`` GetCallerIdentity
    calls made after it, on the open connection: the request round trip,
    without TLS set-up, and without the server-side work of issuing
    credentials. For GetCallerIdentity-only probes the first sample is the
    probe.
    """
    observation, _ = ask_region(client, method, retry)
    if answered(observation):
        sample_latency(client, method, samples, observation, clock)
    observation.endpoint = endpoint()
    return observation


def ask_region(
    client: Any, method: ProbeMethod, retry: Retry = once
) -> tuple[Observation, Any]:
    """The probe's credential-issuing call, and its answer (None on an
    error, and for GetCallerIdentity-only probes, whose first latency
    sample is the probe). ``retry`` makes the call: through the run's
    ``Throttle``, a throttled answer is retried, and the error of a call
    whose retry budget ran out counts its throttled answers."""
    observation = Observation()
    if not method.verifies:
        return observation, None
    try:
        return observation, retry(lambda: method.call(client))
    except Exception as error:  # every failure is a finding, not a crash
        observation.probe_error = CallError.from_exception(error)
        return observation, None


def sample_latency(
    client: Any,
    method: ProbeMethod,
    samples: int,
    observation: Observation,
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Time ``samples`` GetCallerIdentity calls into ``observation``; the
    first error ends the sampling (for GetCallerIdentity-only probes the
    first call's error is the probe's)."""
    for index in range(samples):
        start = clock()
        try:
            client.get_caller_identity()
        except Exception as error:
            failure = CallError.from_exception(error)
            if not method.verifies and index == 0:
                observation.probe_error = failure
            else:
                observation.sample_error = failure
            return
        observation.latencies_ms.append((clock() - start) * 1000.0)


class RegionLatencies:
    """Each region's latency, measured once for a whole organization check:
    a region's endpoint, and the caller whose GetCallerIdentity is timed,
    are the same for every account. The first probe of a region that gets
    an answer takes the samples, on its connection, as ``probe_region``
    would; the other accounts' rows report that figure."""

    def __init__(
        self, samples: int, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self._samples = samples
        self._clock = clock
        self._lock = threading.Lock()
        self._measured: dict[str, threading.Event] = {}
        self._figures: dict[str, list[float]] = {}

    def after_answer(self, region: str, client: Any, method: ProbeMethod) -> None:
        """Called after a probe of ``region`` got an answer: the first such
        call measures the region."""
        with self._lock:
            if region in self._measured:
                return
            done = self._measured[region] = threading.Event()
        observation = Observation()
        try:
            sample_latency(client, method, self._samples, observation, self._clock)
        finally:
            self._figures[region] = observation.latencies_ms
            done.set()

    def probe(
        self,
        region: str,
        client: Any,
        method: ProbeMethod,
        endpoint: Callable[[], str | None],
        retry: Retry = once,
    ) -> tuple[Observation, Any]:
        """The region's probe call on ``client`` (``ask_region``), its
        answer, and the URL it requested; the first probe of the region
        that gets an answer then measures the region."""
        observation, answer = ask_region(client, method, retry)
        if answered(observation):
            self.after_answer(region, client, method)
        observation.endpoint = endpoint()
        return observation, answer

    def of(self, region: str, wait: float) -> list[float]:
        """The region's samples (ms; empty when none could be taken),
        waiting up to ``wait`` seconds for the probe that takes them. Only
        for a region whose probe got an answer: one was then measuring."""
        with self._lock:
            done = self._measured.get(region)
        if done is None or not done.wait(wait):
            return []
        return list(self._figures.get(region, ()))
