"""Throttling as a rate, not a finding: retry a throttled call with
exponential back-off and full jitter, inside the run's budget, while the
requests in flight toward each endpoint adapt (AIMD).

* **Back-off.** After the n-th throttled answer of a call (n from 0), it
  sleeps ``uniform(0, min(MAX_DELAY, BASE_DELAY * 2**n))``: "full jitter"
  of AWS's Architecture Blog, "Exponential Backoff And Jitter" (2015), the
  formula of botocore's standard and adaptive retry modes
  (``botocore/retries/standard.py``, ``ExponentialBackoff.delay_amount``,
  which caps at the same 20 s). botocore starts throttled retries at 1 s;
  here the window below already slows an endpoint that throttles, so the
  back-off only has to spread the retries, and starts at 0.1 s.
* **The budget** (``--throttle-budget``, seconds). One per run, read per
  endpoint: a throttled call is retried until it has waited the budget
  since its own first throttled answer, and only while its endpoint got an
  answer that was not throttling within the budget. An endpoint that only
  throttles for longer than the budget is then given up on once: every
  later call to it gets one attempt, and its rows are ``unknown`` with the
  count of throttled answers, until it answers again. Not one deadline for
  the whole run, which a run of 10,000 accounts outlasts while every
  endpoint answers at its rate; not a count of retries, which an
  organization's size would have to scale.
* **The window** (``AimdWindow``): how many calls may be in flight toward
  one endpoint. It starts at the ceiling (``--max-concurrency``), is
  multiplied by ``DECREASE_FACTOR`` on a throttled answer (once per window
  of calls, as TCP halves once per round trip, RFC 5681), and grows by
  ``1/window`` per answer (one more call per window's worth of answers:
  TCP's congestion avoidance), never above the ceiling nor below 1. The
  anchors: TCP's AIMD (Chiu and Jain, 1989; RFC 5681) and botocore's
  ``adaptive`` retry mode (``botocore/retries/adaptive.py``,
  ``throttling.py``), which lowers a client's send rate on throttling
  (CUBIC, beta 0.7) and raises it as answers come; here the endpoint's
  concurrency is adapted rather than a rate, since every request of a
  check runs on the run's pool.

The arithmetic (``full_jitter``, ``AimdWindow``, ``may_retry``) is plain
and takes the time and the random draw as arguments; ``Throttle`` holds
the state of a run, behind one lock, with an injectable clock, sleep and
random draw, so that tests decide every delay.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from awscli_regional_sts.aws.errors import RetryBudgetSpent, is_throttling_error

#: The first throttled retry's longest sleep, seconds.
BASE_DELAY = 0.1
#: The longest sleep before a retry (botocore's ``_MAX_BACKOFF``).
MAX_DELAY = 20.0
#: ``--throttle-budget``'s default, seconds.
DEFAULT_BUDGET_SECONDS = 60.0
#: What a throttled answer multiplies its endpoint's window by (TCP: 1/2).
DECREASE_FACTOR = 0.5

T = TypeVar("T")


def full_jitter(
    attempt: int,
    draw: Callable[[float, float], float],
    base: float = BASE_DELAY,
    cap: float = MAX_DELAY,
) -> float:
    """The sleep before retry ``attempt`` (0 for the first):
    ``draw(0, min(cap, base * 2**attempt))``."""
    try:
        ceiling = min(cap, math.ldexp(base, attempt))
    except OverflowError:  # base * 2**attempt is past the largest float
        ceiling = cap
    return draw(0.0, ceiling)


def may_retry(
    now: float, call_first: float, endpoint_silent_since: float, budget: float
) -> bool:
    """Whether a throttled call may be retried: it has been throttled for
    less than ``budget`` seconds, and so has its endpoint without an
    answer."""
    return now - call_first < budget and now - endpoint_silent_since < budget


@dataclass
class AimdWindow:
    """One endpoint's window of calls in flight (plain arithmetic; the
    caller holds the lock)."""

    ceiling: int
    limit: float = 0.0
    in_flight: int = 0
    #: Bumped by each decrease: a call started before it brings no second
    #: decrease (one per window, as TCP's once per round trip).
    epoch: int = 0
    #: When the endpoint's answers became throttling only (None while it
    #: answers).
    silent_since: float | None = None

    def __post_init__(self) -> None:
        self.ceiling = max(1, self.ceiling)
        if self.limit <= 0:
            self.limit = float(self.ceiling)

    def may_start(self) -> bool:
        return self.in_flight < max(1, math.floor(self.limit))

    def start(self) -> int:
        """Count a call in; its ticket is the current epoch."""
        self.in_flight += 1
        return self.epoch

    def answered(self) -> None:
        """A call ended in anything but throttling: additive increase."""
        self.in_flight -= 1
        self.silent_since = None
        self.limit = min(float(self.ceiling), self.limit + 1.0 / self.limit)

    def throttled(self, ticket: int, now: float) -> float:
        """A call started in epoch ``ticket`` was throttled: multiplicative
        decrease, once per epoch. Returns ``silent_since``, set by now."""
        self.in_flight -= 1
        if self.silent_since is None:
            self.silent_since = now
        if ticket == self.epoch:
            self.limit = max(1.0, self.limit * DECREASE_FACTOR)
            self.epoch += 1
        return self.silent_since


class Throttle:
    """A run's throttling state: each endpoint's window, and the budget.

    ``call(endpoint, fn)`` runs ``fn`` once the endpoint's window has room,
    retries it while it is throttled and the budget allows, and raises
    ``RetryBudgetSpent`` (the last throttled answer, and how many there
    were) when it does not. Any other error is raised as it came.
    """

    def __init__(
        self,
        ceiling: int,
        budget: float = DEFAULT_BUDGET_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[float, float], float] = random.uniform,  # nosec B311  # jitter, not a secret
    ) -> None:
        self.ceiling = max(1, ceiling)
        self.budget = budget
        self._clock, self._sleep, self._draw = clock, sleep, draw
        self._changed = threading.Condition()
        self._windows: dict[str, AimdWindow] = {}
        #: Throttled answers seen in the run, retried or not.
        self.throttled_answers = 0

    def window(self, endpoint: str) -> AimdWindow:
        """The endpoint's window (made on first use); for tests and reports."""
        with self._changed:
            return self._window(endpoint)

    def call(self, endpoint: str, fn: Callable[[], T]) -> T:
        throttled = 0
        first: float | None = None  # when this call was first throttled
        while True:
            ticket = self._enter(endpoint)
            try:
                value = fn()
            except Exception as error:
                if not is_throttling_error(error):
                    self._leave(endpoint)
                    raise
                now = self._clock()
                if first is None:
                    first = now
                throttled += 1
                if not self._throttled(endpoint, ticket, now, first):
                    raise RetryBudgetSpent(error, throttled) from error
                delay = full_jitter(throttled - 1, self._draw)
                self._sleep(min(delay, max(0.0, first + self.budget - now)))
                continue
            self._leave(endpoint)
            return value

    def _window(self, endpoint: str) -> AimdWindow:
        window = self._windows.get(endpoint)
        if window is None:
            window = self._windows[endpoint] = AimdWindow(self.ceiling)
        return window

    def _enter(self, endpoint: str) -> int:
        with self._changed:
            window = self._window(endpoint)
            while not window.may_start():
                # Woken by every call that leaves; the slice lets Ctrl-C in.
                self._changed.wait(0.25)
            return window.start()

    def _leave(self, endpoint: str) -> None:
        with self._changed:
            self._windows[endpoint].answered()
            self._changed.notify_all()

    def _throttled(self, endpoint: str, ticket: int, now: float, first: float) -> bool:
        """Count a throttled answer in; whether the call may be retried."""
        with self._changed:
            self.throttled_answers += 1
            silent = self._windows[endpoint].throttled(ticket, now)
            self._changed.notify_all()
            return may_retry(now, first, silent, self.budget)
