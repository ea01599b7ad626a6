"""The test-facing knobs of the simulator's rate limits (``throttle.py``),
mixed into ``Simulator``. Every rate and burst is the test's own: AWS
publishes none for STS."""

from __future__ import annotations

import time
from collections.abc import Callable

from .endpoints import host_catalog
from .throttle import GLOBAL, ManualClock, ThrottleRule
from .world import LoggedRequest, World


class ThrottleKnobs:
    """Rate limits, the clock they read, and waiting for the log."""

    _world: World

    def set_throttle(
        self,
        *,
        service: str,
        api: str | None = None,
        region: str | None = None,
        account_id: str | None = None,
        rate: float,
        burst: int,
    ) -> None:
        """Give each (calling account, region, API) that matches its own
        token bucket of ``burst`` tokens refilled at ``rate`` a second.

        ``service``: sts, iam, organizations or account. ``api``: an
        operation name (``AssumeRole``) or None for every one (each still
        has its own bucket). ``region``: an STS region, ``"global"`` (the
        STS global endpoint; the only region of the other services), or
        None for all. ``account_id``: one calling account, or None for each.
        The most specific matching rule applies (the latest among equals);
        the same filter again replaces the rule and refills its buckets."""
        if region is not None and region not in _limit_regions(service):
            raise ValueError(
                f"no {service} region {region!r}: name an STS region or "
                f"{GLOBAL!r}, or None for all"
            )
        self._world.throttles.set_rule(
            ThrottleRule(
                service=service,
                api=api,
                region=region,
                account_id=account_id,
                rate=rate,
                burst=burst,
            )
        )

    def throttle_region(self, region: str, *, seconds: float) -> None:
        """Make STS in ``region`` (or ``"global"``) throttle every request,
        of every account and API, for ``seconds`` on the throttle clock
        (0 ends it now)."""
        if region not in _limit_regions("sts"):
            raise ValueError(f"no STS region {region!r}")
        self._world.throttles.throttle_region(region, seconds)

    def clear_throttles(self) -> None:
        """No rate limits and no throttled regions (``reset`` does it too);
        the clock is kept."""
        self._world.throttles.clear()

    def use_manual_clock(self, start: float = 0.0) -> ManualClock:
        """Make the rate limits read a clock that moves only by its
        ``advance(seconds)``; returns it. Buckets made earlier keep their
        times: set the clock before the throttles."""
        clock = ManualClock(start)
        self._world.throttles.clock = clock
        return clock

    def use_real_clock(self) -> None:
        """Make the rate limits read ``time.monotonic`` (the default)."""
        self._world.throttles.clock = time.monotonic

    def wait_for_requests(
        self,
        predicate: Callable[[LoggedRequest], bool],
        *,
        count: int = 1,
        timeout: float = 30.0,
    ) -> list[LoggedRequest]:
        """Wait until the log holds ``count`` requests that match (e.g.
        ``lambda r: r.throttled``) and return them all; TimeoutError after
        ``timeout`` seconds."""
        world = self._world
        with world.logged:
            found: list[LoggedRequest] = []

            def enough() -> bool:
                found[:] = [r for r in world.requests if predicate(r)]
                return len(found) >= count

            if not world.logged.wait_for(enough, timeout):
                raise TimeoutError(
                    f"{len(found)} of {count} matching requests after {timeout}s"
                )
            return found


def _limit_regions(service: str) -> frozenset[str]:
    if service != "sts":
        return frozenset({GLOBAL})
    return frozenset(
        {info.region for info in host_catalog().values() if info.service == "sts"}
        | {GLOBAL}
    )
