"""The parallel runner: which threads run the tasks (their names are in
every ``--debug`` line), what the caller gets back, and when."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from awscli_regional_sts.aws.runner import (
    Task,
    run_parallel,
    start_in_background,
    stream_parallel,
)


def where() -> tuple[str, bool]:
    """The thread a task runs on: its name and whether it is a daemon (one
    that a hung socket cannot keep from exiting)."""
    thread = threading.current_thread()
    return thread.name, thread.daemon


def test_tasks_run_on_named_daemon_threads_at_most_max_workers() -> None:
    tasks = [(str(i), where) for i in range(6)]
    one = {value for _, value, _ in stream_parallel(tasks, 1)}
    assert one == {("regional-sts-0", True)}
    none = {value for _, value, _ in stream_parallel(tasks, 0)}
    assert none == {("regional-sts-0", True)}
    named = {value for _, value, _ in stream_parallel(tasks, 2, name="probe")}
    assert named <= {("probe-0", True), ("probe-1", True)}


@pytest.mark.parametrize("max_workers", [0, 1])
def test_one_worker_runs_one_task_at_a_time(max_workers: int) -> None:
    second_started = threading.Event()

    def first() -> bool:
        # True if the second task starts while this one runs.
        return second_started.wait(0.2)

    outcomes = dict(
        (name, value)
        for name, value, _ in stream_parallel(
            [("first", first), ("second", second_started.set)], max_workers
        )
    )
    assert outcomes == {"first": False, "second": None}


def test_results_come_with_their_names_and_errors() -> None:
    def fail() -> None:
        raise ValueError("boom")

    outcomes = {
        name: (value, error)
        for name, value, error in stream_parallel([("a", lambda: 1), ("b", fail)], 2)
    }
    assert outcomes["a"] == (1, None)
    assert outcomes["b"][0] is None and str(outcomes["b"][1]) == "boom"


def test_a_slow_task_without_a_deadline_is_waited_for() -> None:
    def slow() -> str:
        time.sleep(0.6)  # longer than the caller's wait slices
        return "done"

    assert list(stream_parallel([("slow", slow)], 1)) == [("slow", "done", None)]


def test_an_error_of_the_task_source_is_raised_after_the_started_tasks() -> None:
    def tasks() -> Iterator[tuple[str, Task]]:
        yield "a", lambda: 1
        yield "b", lambda: 2
        raise RuntimeError("listing failed")

    seen: list[str] = []
    with pytest.raises(RuntimeError, match="^listing failed$"):
        for name, _, _ in stream_parallel(tasks(), 1):
            seen.append(name)
    assert seen == ["a", "b"]


def test_run_parallel_reports_progress_and_returns_every_result() -> None:
    progress: list[tuple[int, int]] = []
    results = run_parallel(
        {"a": lambda: 1, "b": lambda: 2, "c": lambda: 3},
        2,
        10.0,
        on_done=lambda done, total: progress.append((done, total)),
    )
    assert results == {"a": (1, None), "b": (2, None), "c": (3, None)}
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_run_parallel_with_nothing_to_do() -> None:
    assert run_parallel({}, 4, 1.0) == {}


def test_start_in_background_runs_on_a_named_daemon_thread() -> None:
    assert start_in_background(where)() == ("regional-sts-bg", True)
    assert start_in_background(where, name="clients")() == ("clients", True)


def test_start_in_background_gives_the_value_or_the_error() -> None:
    def fail() -> Any:
        raise KeyError("x")

    assert start_in_background(lambda: None)() is None
    with pytest.raises(KeyError):
        start_in_background(fail)()
