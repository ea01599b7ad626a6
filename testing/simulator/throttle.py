"""Rate limits as the simulator applies them: token buckets per (service,
calling account, region, API), a switch that makes a region throttle
everything for a while, and the clock both read.

Every number here is the simulator's, set by the test: AWS publishes no STS
rate (and says rates cannot be raised), so nothing here claims to be AWS's.
Only the shape is AWS's: a bucket holds at most ``burst`` tokens, gains
``rate`` tokens a second, and each answered request takes one; a request
that finds no token is throttled and takes none (the simulator's choice).

The region of a key is the STS endpoint's region, ``"global"`` for
sts.amazonaws.com; IAM, Organizations and Account Management are global
services, so their key's region is ``"global"`` too (the service keeps the
keys apart). ``throttle_region`` applies to STS only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: The key region of the STS global endpoint and of the global services.
GLOBAL = "global"
SERVICES = frozenset({"sts", "iam", "organizations", "account"})


class ManualClock:
    """A clock that moves only when the test says so (``advance``), so that a
    test decides exactly when a bucket refills or a switch ends."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class ThrottleRule:
    """Rate and burst for the requests it matches (None matches any)."""

    service: str
    api: str | None
    region: str | None
    account_id: str | None
    rate: float  # tokens (requests) a second
    burst: int  # the bucket's size, and what a new bucket holds

    def matches(self, service: str, account: str | None, region: str, api: str) -> bool:
        return (
            self.service == service
            and self.api in (None, api)
            and self.region in (None, region)
            and self.account_id in (None, account)
        )

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.api, self.region, self.account_id))


@dataclass
class _Bucket:
    tokens: float
    updated: float


#: (service, calling account, key region, API)
BucketKey = tuple[str, "str | None", str, str]


class Throttles:
    """The rules, their buckets and the region switches, behind their own
    lock (deciding must stay cheap: it runs before any signature work)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic
        self._rules: list[ThrottleRule] = []
        self._buckets: dict[tuple[ThrottleRule, BucketKey], _Bucket] = {}
        self._regions: dict[str, float] = {}  # key region -> end on the clock

    def set_rule(self, rule: ThrottleRule) -> None:
        if rule.service not in SERVICES:
            raise ValueError(f"service must be one of {sorted(SERVICES)}")
        if not rule.rate >= 0 or rule.rate == float("inf"):
            raise ValueError("rate must be a finite number of requests a second >= 0")
        if isinstance(rule.burst, bool) or not isinstance(rule.burst, int):
            raise ValueError("burst must be a whole number of requests >= 1")
        if rule.burst < 1:
            raise ValueError("burst must be a whole number of requests >= 1")
        with self._lock:
            # The same filter again replaces the rule and forgets its buckets.
            self._rules = [r for r in self._rules if not _same_filter(r, rule)]
            self._rules.append(rule)
            self._buckets = {
                k: b for k, b in self._buckets.items() if not _same_filter(k[0], rule)
            }

    def throttle_region(self, region: str, seconds: float) -> None:
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError("seconds must be a finite number >= 0")
        with self._lock:
            if seconds == 0:
                self._regions.pop(region, None)
            else:
                self._regions[region] = self.clock() + seconds

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._buckets.clear()
            self._regions.clear()

    def admit(self, service: str, account: str | None, region: str, api: str) -> bool:
        """Whether a request may be answered now; False: throttle it."""
        with self._lock:
            if not self._rules and not self._regions:
                return True
            now = self.clock()
            if service == "sts" and region in self._regions:
                if now < self._regions[region]:
                    return False
                del self._regions[region]
            rule = _rule_for(self._rules, service, account, region, api)
            if rule is None:
                return True
            key = (rule, (service, account, region, api))
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(rule.burst), now)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(rule.burst), bucket.tokens + elapsed * rule.rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True


def _same_filter(a: ThrottleRule, b: ThrottleRule) -> bool:
    return (a.service, a.api, a.region, a.account_id) == (
        b.service,
        b.api,
        b.region,
        b.account_id,
    )


def _rule_for(
    rules: list[ThrottleRule],
    service: str,
    account: str | None,
    region: str,
    api: str,
) -> ThrottleRule | None:
    """The most specific matching rule; among equals, the latest set."""
    best: ThrottleRule | None = None
    for rule in rules:
        if rule.matches(service, account, region, api) and (
            best is None or rule.specificity >= best.specificity
        ):
            best = rule
    return best
