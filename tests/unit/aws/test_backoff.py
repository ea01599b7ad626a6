"""aws/backoff.py: full jitter, the budget, the AIMD window, and the
``Throttle`` that puts them together, on a clock, sleep and random draw
the test decides; aws/errors.py's one "is this throttling"."""

from __future__ import annotations

import threading
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.retries.standard import ThrottledRetryableChecker
from hypothesis import given
from hypothesis import strategies as st

from awscli_regional_sts.aws.backoff import (
    BASE_DELAY,
    DECREASE_FACTOR,
    MAX_DELAY,
    AimdWindow,
    Throttle,
    full_jitter,
    may_retry,
)
from awscli_regional_sts.aws.errors import (
    THROTTLING_CODES,
    CallError,
    RetryBudgetSpent,
    is_throttling,
    is_throttling_error,
)


def answer(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "AssumeRole",
    )


# -- what is throttling --


def test_botocores_throttled_codes_are_throttling() -> None:
    # The codes botocore's standard and adaptive modes read as throttling.
    assert set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES) <= THROTTLING_CODES


@pytest.mark.parametrize(
    ("code", "status", "throttling"),
    [
        ("Throttling", 400, True),  # STS, IAM
        ("TooManyRequestsException", 400, True),  # Organizations
        ("TooManyRequestsException", 429, True),  # Account Management
        ("ThrottlingException", 400, True),
        ("RequestLimitExceeded", 400, True),
        ("TooManyRequests", 429, True),
        ("Whatever", 429, True),  # HTTP 429 whatever the body says
        ("RegionDisabledException", 403, False),
        ("AccessDenied", 403, False),
        ("InvalidClientTokenId", 403, False),
    ],
)
def test_is_throttling(code: str, status: int, throttling: bool) -> None:
    assert is_throttling(code, status) is throttling
    assert is_throttling_error(answer(code, status)) is throttling
    assert CallError.from_exception(answer(code, status)).throttling is throttling


def test_no_answer_is_not_throttling() -> None:
    assert not is_throttling_error(EndpointConnectionError(endpoint_url="https://x"))


def test_a_spent_budget_keeps_the_last_answer_and_the_count() -> None:
    error = CallError.from_exception(RetryBudgetSpent(answer("Throttling"), 7))
    assert (error.code, error.message, error.status) == (
        "Throttling",
        "Rate exceeded",
        400,
    )
    assert error.throttled_answers == 7 and error.throttling


# -- the arithmetic --


def test_full_jitter_draws_from_zero_to_the_capped_exponential() -> None:
    seen: list[tuple[float, float]] = []

    def draw(low: float, high: float) -> float:
        seen.append((low, high))
        return high

    delays = [full_jitter(attempt, draw) for attempt in range(12)]
    assert delays[:3] == [BASE_DELAY, 2 * BASE_DELAY, 4 * BASE_DELAY]
    assert delays[-1] == MAX_DELAY and max(delays) == MAX_DELAY
    assert all(low == 0.0 for low, _ in seen)


@given(st.integers(min_value=0, max_value=10_000), st.floats(0.0, 1.0))
def test_full_jitter_is_never_negative_nor_over_the_cap(
    attempt: int, fraction: float
) -> None:
    delay = full_jitter(attempt, lambda low, high: low + fraction * (high - low))
    assert 0.0 <= delay <= MAX_DELAY


def test_may_retry_within_the_call_and_the_endpoints_budget() -> None:
    assert may_retry(now=9.9, call_first=0.0, endpoint_silent_since=0.0, budget=10)
    assert not may_retry(now=10, call_first=0.0, endpoint_silent_since=5.0, budget=10)
    # The endpoint has answered nothing but throttling for the budget.
    assert not may_retry(now=12, call_first=11, endpoint_silent_since=2, budget=10)


def test_the_window_halves_once_per_window_and_grows_by_one_per_window() -> None:
    window = AimdWindow(ceiling=16)
    tickets = [window.start() for _ in range(16)]
    assert not window.may_start()
    for ticket in tickets:  # all 16 throttled: one decrease, not 16
        window.throttled(ticket, now=1.0)
    assert window.limit == 16 * DECREASE_FACTOR and window.silent_since == 1.0
    window.throttled(window.start(), now=2.0)  # a call of the new epoch
    assert window.limit == 16 * DECREASE_FACTOR**2
    for _ in range(4):  # a window's worth of answers: one more call
        window.start()
        window.answered()
    assert 4.9 < window.limit < 5.0  # 4 + 1/4 + 1/4.25 + ...: about one more
    assert window.silent_since is None


@given(st.lists(st.booleans(), max_size=200), st.integers(1, 64))
def test_the_window_stays_between_one_and_the_ceiling(
    throttled: list[bool], ceiling: int
) -> None:
    window = AimdWindow(ceiling=ceiling)
    for was_throttled in throttled:
        ticket = window.start()
        if was_throttled:
            window.throttled(ticket, now=0.0)
        else:
            window.answered()
        assert 1.0 <= window.limit <= ceiling
        assert window.may_start()  # nothing else in flight


# -- the Throttle --


class Scripted:
    """A call that answers the scripted outcomes in turn, on a manual
    clock that the sleeps move."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.now = 0.0
        self.sleeps: list[float] = []
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def throttle(self, budget: float = 10.0, ceiling: int = 4) -> Throttle:
        return Throttle(
            ceiling,
            budget,
            clock=lambda: self.now,
            sleep=self.sleep,
            draw=lambda low, high: high,
        )


def test_a_throttled_call_is_retried_with_growing_sleeps_until_it_answers() -> None:
    call = Scripted(answer("Throttling"), answer("Throttling"), answer("X", 429), "ok")
    throttle = call.throttle()
    assert throttle.call("sts/eu-west-1", call) == "ok"
    assert call.sleeps == [BASE_DELAY, 2 * BASE_DELAY, 4 * BASE_DELAY]
    assert throttle.throttled_answers == 3
    window = throttle.window("sts/eu-west-1")
    assert window.in_flight == 0 and window.silent_since is None


def test_other_errors_are_raised_at_once() -> None:
    call = Scripted(answer("RegionDisabledException", 403))
    with pytest.raises(ClientError):
        call.throttle().call("sts/eu-west-1", call)
    assert call.calls == 1 and call.sleeps == []


def test_the_budget_ends_the_retries_with_the_count() -> None:
    call = Scripted(answer("Throttling"))
    throttle = call.throttle(budget=1.0)
    with pytest.raises(RetryBudgetSpent) as spent:
        throttle.call("sts/eu-west-1", call)
    # Sleeps of 0.1, 0.2, 0.4 and the last one clipped to the budget.
    assert call.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.3])
    assert spent.value.throttled_answers == call.calls == 5
    # The endpoint has answered only throttling for the budget: the next
    # call gets one attempt.
    call.sleeps.clear()
    with pytest.raises(RetryBudgetSpent) as once:
        throttle.call("sts/eu-west-1", call)
    assert once.value.throttled_answers == 1 and call.sleeps == []
    # Another endpoint has its own budget.
    call.outcomes = [answer("Throttling"), "ok"]
    assert throttle.call("sts/us-west-2", call) == "ok"
    assert call.sleeps == [BASE_DELAY]


def test_an_answer_reopens_a_spent_endpoint() -> None:
    call = Scripted(answer("Throttling"))
    throttle = call.throttle(budget=1.0)
    with pytest.raises(RetryBudgetSpent):
        throttle.call("iam", call)
    call.outcomes = ["ok"]
    assert throttle.call("iam", call) == "ok"
    call.outcomes = [answer("Throttling"), "ok"]
    assert throttle.call("iam", call) == "ok"  # retried again


def test_calls_wait_for_room_in_a_shrunken_window() -> None:
    throttle = Throttle(4, 10.0, sleep=lambda seconds: None)
    window = throttle.window("sts/eu-west-1")
    window.limit = 1.0
    window.start()  # one call in flight: the window is full
    entered = threading.Event()

    def second() -> None:
        throttle.call("sts/eu-west-1", entered.set)

    thread = threading.Thread(target=second, daemon=True)
    thread.start()
    assert not entered.wait(0.3)
    throttle._leave("sts/eu-west-1")  # the first call answers
    assert entered.wait(5)
    thread.join(5)


# -- the edges: a huge attempt, a given limit, epochs, a window of one --


def test_full_jitter_follows_its_formula_for_any_cap() -> None:
    def draw(low: float, high: float) -> float:
        return high

    # min(cap, base * 2**attempt), also for a cap over base * 2**64 (the
    # cap itself from attempt 64 on, before).
    huge = 2.0**80
    assert full_jitter(64, draw, base=1.0, cap=huge) == 2.0**64
    assert full_jitter(65, draw, base=1.0, cap=huge) == 2.0**65
    assert full_jitter(80, draw, base=1.0, cap=huge) == huge
    # 2**5000 is past the largest float: the ceiling is the cap.
    assert full_jitter(5000, draw) == MAX_DELAY
    assert full_jitter(5000, draw, cap=float("inf")) == float("inf")


def test_a_window_keeps_a_limit_it_is_given() -> None:
    window = AimdWindow(ceiling=8, limit=1.0)
    assert window.limit == 1.0
    window.start()
    assert not window.may_start()  # one call in flight fills it
    assert AimdWindow(ceiling=8, limit=0.0).limit == 8.0  # none given: the ceiling


def test_a_call_of_an_earlier_window_brings_no_second_decrease() -> None:
    window = AimdWindow(ceiling=16)
    window.throttled(window.start(), now=1.0)  # epoch 0 -> 1: 16 -> 8
    early, late = window.start(), window.start()
    window.throttled(early, now=2.0)  # epoch 1 -> 2: 8 -> 4
    assert (window.limit, window.epoch) == (4.0, 2)
    window.throttled(late, now=2.0)  # started in epoch 1, before that decrease
    assert (window.limit, window.epoch) == (4.0, 2)


def test_a_ceiling_of_one_lets_one_call_in_flight() -> None:
    throttle = Throttle(1, 10.0)
    window = throttle.window("sts/eu-west-1")
    assert throttle.ceiling == window.ceiling == 1 and window.limit == 1.0
    window.start()
    assert not window.may_start()
    assert Throttle(0).ceiling == 1


def test_a_spent_budget_raises_from_the_last_throttled_answer() -> None:
    first, last = answer("Throttling"), answer("TooManyRequestsException")
    call = Scripted(first, last)
    with pytest.raises(RetryBudgetSpent) as spent:
        call.throttle(budget=0.15).call("sts/eu-west-1", call)
    assert spent.value.last_error is last and spent.value.__cause__ is last
    assert spent.value.throttled_answers == 3
    assert str(spent.value) == "throttled 3 times; retry budget spent"
    assert CallError.from_exception(spent.value).code == "TooManyRequestsException"


def test_a_status_that_is_not_a_number_is_no_status() -> None:
    error = ClientError(
        {
            "Error": {"Code": "Whatever", "Message": "m"},
            "ResponseMetadata": {"HTTPStatusCode": "429"},
        },
        "AssumeRole",
    )
    assert CallError.from_exception(error).status is None
