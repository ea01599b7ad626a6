"""aws/runner.py's RequestPool: bounded, urgent calls first, outcomes in
the order they finish, errors handed back."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

from awscli_regional_sts.aws.runner import Outcome, RequestPool


def outcomes(
    results: queue.SimpleQueue[Outcome], count: int, deadline: float
) -> Iterator[Outcome]:
    """Up to ``count`` outcomes from ``results`` as they arrive, until the
    monotonic time ``deadline`` (the product takes them as its own state
    machine needs: run/account_check.py)."""
    for _ in range(count):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            yield results.get(timeout=remaining)
        except queue.Empty:
            return


def test_urgent_calls_go_first_and_errors_come_back() -> None:
    pool = RequestPool(1)
    results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def hold() -> str:
        started.set()
        release.wait(5)
        return "held"

    def record(name: str) -> str:
        ran.append(name)
        return name

    def fail() -> None:
        raise ValueError("no")

    pool.submit("hold", hold, results)
    started.wait(5)  # the one thread is busy: the rest queue up
    pool.submit("later", lambda: record("later"), results)
    pool.submit("failing", fail, results)
    pool.submit("first", lambda: record("first"), results, urgent=True)
    release.set()
    got = {
        name: (value, error)
        for name, value, error in outcomes(results, 4, time.monotonic() + 5)
    }
    pool.close()
    assert ran == ["first", "later"]
    assert got["hold"] == ("held", None)
    assert isinstance(got["failing"][1], ValueError)


def test_outcomes_stop_at_the_deadline() -> None:
    pool = RequestPool(2)
    results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    never = threading.Event()
    pool.submit("quick", lambda: 1, results)
    pool.submit("stuck", lambda: never.wait(2), results)
    got = [name for name, _, _ in outcomes(results, 2, time.monotonic() + 0.3)]
    assert got == ["quick"]
    never.set()
    pool.close()


def test_at_most_workers_calls_at_once() -> None:
    pool = RequestPool(3)
    results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    lock = threading.Lock()
    now = [0]
    most = [0]

    def call() -> None:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.01)
        with lock:
            now[0] -= 1

    for index in range(20):
        pool.submit(str(index), call, results)
    assert len(list(outcomes(results, 20, time.monotonic() + 5))) == 20
    pool.close()
    assert most[0] == 3


def test_one_worker_runs_one_call_at_a_time() -> None:
    """The pool is the bound on requests in flight: with one worker, a
    second call starts only when the first has ended."""
    pool = RequestPool(1)
    results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    second_started = threading.Event()

    def first() -> bool:
        # True if another call started while this one was running.
        return second_started.wait(0.3)

    pool.submit("first", first, results)
    pool.submit("second", second_started.set, results)
    got = {name: value for name, value, _ in outcomes(results, 2, time.monotonic() + 5)}
    assert got == {"first": False, "second": None}
    pool.close()


def test_a_call_that_never_returns_does_not_keep_the_process_alive() -> None:
    """Outcomes not read by the deadline are left behind: the pool's
    threads are daemon threads, which the interpreter does not wait for at
    exit (a hung probe must not hold `aws` after it has printed)."""
    before = set(threading.enumerate())
    pool = RequestPool(2, name="hung-test")
    started = [t for t in threading.enumerate() if t not in before]
    assert len(started) == 2
    assert all(thread.daemon for thread in started)
    pool.close()


def test_close_lets_the_calls_already_submitted_finish() -> None:
    """close() while calls still wait: they all run, then the threads end."""
    pool = RequestPool(1, name="closing-test")
    results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    started = threading.Event()
    release = threading.Event()

    def hold() -> str:
        started.set()
        release.wait(5)
        return "held"

    pool.submit("hold", hold, results)
    started.wait(5)
    pool.submit("waiting", lambda: "ran", results)
    pool.submit("urgent", lambda: "ran first", results, urgent=True)
    pool.close()
    release.set()
    got = {name: value for name, value, _ in outcomes(results, 3, time.monotonic() + 5)}
    assert got == {"hold": "held", "waiting": "ran", "urgent": "ran first"}
    for thread in threading.enumerate():
        if thread.name.startswith("closing-test"):
            thread.join(5)
            assert not thread.is_alive()
