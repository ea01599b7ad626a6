"""A bounded parallel runner for blocking calls (STS probes, accounts).

Daemon threads, not a ThreadPoolExecutor: the executor joins its threads at
exit, so a socket that hangs would keep Ctrl-C from stopping the command.
The calling thread waits in short slices, so a KeyboardInterrupt reaches it
at once, and results reach it as they finish.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable

#: How long the calling thread waits at a time (for Ctrl-C).
_SLICE_SECONDS = 0.25

Task = Callable[[], Any]


class _Handout:
    """Tasks handed out so far, and whether the source has run dry; guarded
    by the runner's lock."""

    started = 0
    exhausted = False


def stream_parallel(
    tasks: Iterable[tuple[str, Task]],
    max_workers: int,
    deadline: float | None = None,
    *,
    name: str = "regional-sts",
) -> Iterator[tuple[str, Any, BaseException | None]]:
    """Run ``(name, task)`` pairs on at most ``max_workers`` daemon threads,
    yielding ``(name, value, error)`` as each task finishes.

    ``tasks`` is consumed lazily, one item per free worker (a paged listing
    is fetched only as fast as it is worked off). With a ``deadline`` (in
    seconds) the tasks not finished by then are abandoned. An error raised
    by ``tasks`` itself is raised here once the started tasks are done.
    """
    source = iter(tasks)
    lock = threading.Lock()
    finished: queue.SimpleQueue[tuple[str, Any, BaseException | None]] = (
        queue.SimpleQueue()
    )
    failure: list[BaseException] = []
    state = _Handout()

    def next_task() -> tuple[str, Task] | None:
        with lock:
            if state.exhausted:
                return None
            try:
                item = next(source)
            except StopIteration:
                state.exhausted = True
                return None
            except Exception as error:  # raised again in the calling thread
                failure.append(error)
                state.exhausted = True
                return None
            state.started += 1
            return item

    def worker() -> None:
        while True:
            item = next_task()
            if item is None:
                return
            task_name, task = item
            try:
                finished.put((task_name, task(), None))
            except BaseException as error:  # reported to the calling thread
                finished.put((task_name, None, error))

    workers = [
        threading.Thread(target=worker, name=f"{name}-{index}", daemon=True)
        for index in range(max(1, max_workers))
    ]
    for thread in workers:
        thread.start()
    end = None if deadline is None else time.monotonic() + deadline
    delivered = 0
    while True:
        with lock:
            if state.exhausted and delivered == state.started:
                break
        wait = _SLICE_SECONDS
        if end is not None:
            remaining = end - time.monotonic()
            if remaining <= 0:
                return
            wait = min(remaining, wait)
        try:
            outcome = finished.get(timeout=wait)
        except queue.Empty:
            if finished.empty() and not any(t.is_alive() for t in workers):
                break
            continue
        delivered += 1
        yield outcome
    if failure:
        raise failure[0]


def run_parallel(
    tasks: Mapping[str, Task],
    max_workers: int,
    deadline: float,
    on_done: Callable[[int, int], None] = lambda done, total: None,
) -> dict[str, tuple[Any, BaseException | None]]:
    """Run ``tasks`` on at most ``max_workers`` daemon threads.

    Returns ``{name: (value, error)}`` for the tasks that finished within
    ``deadline`` seconds; the others are left out (their threads are
    abandoned). ``on_done(done, total)`` is called as each one finishes.
    """
    results: dict[str, tuple[Any, BaseException | None]] = {}
    workers = min(max_workers, len(tasks))
    if not workers:
        return results
    for name, value, error in stream_parallel(tasks.items(), workers, deadline):
        results[name] = (value, error)
        on_done(len(results), len(tasks))
        if len(results) == len(tasks):
            break
    return results


def start_in_background(task: Task, *, name: str = "regional-sts-bg") -> Task:
    """Start ``task`` on a daemon thread now; return a function that waits
    for it (in short slices, so Ctrl-C gets through) and returns its value
    or raises its error. For one blocking call that can overlap work the
    calling thread must do itself (creating clients: botocore does not
    promise that a session is safe to use from several threads)."""
    done = threading.Event()
    outcome: list[Any] = [None, None]

    def run() -> None:
        try:
            outcome[0] = task()
        except BaseException as error:  # raised again in the waiting thread
            outcome[1] = error
        finally:
            done.set()

    threading.Thread(target=run, name=name, daemon=True).start()

    def wait() -> Any:
        while not done.wait(_SLICE_SECONDS):
            pass
        if outcome[1] is not None:
            raise outcome[1]
        return outcome[0]

    return wait


Outcome = tuple[str, Any, "BaseException | None"]
#: A submitted call: its name, the call, and where its outcome goes.
_Job = tuple[str, Task, "queue.SimpleQueue[Outcome]"]


class RequestPool:
    """A fixed set of daemon threads that run submitted calls, the urgent
    ones first: one bound on the requests in flight for a whole run, with
    no thread started per account.

    Each call's ``(name, value, error)`` goes to the queue given with it,
    so that whoever submitted several calls takes their outcomes in the
    order they finish (its own queue). Urgent calls (those that finish an
    account already under way) go before the others, so that accounts end
    soon and their memory is freed.

    The calls wait in a heap under a lock, and the threads on a
    ``SimpleQueue`` that holds one token per call: the queue is C code,
    where ``queue.PriorityQueue`` and ``queue.Queue`` take a Python
    condition variable on every put and get, a cost paid twice per request
    of an organization check (docs/performance.md, section 11).
    """

    def __init__(self, workers: int, *, name: str = "regional-sts-pool") -> None:
        self._lock = threading.Lock()
        self._jobs: list[tuple[int, int, _Job | None]] = []
        self._ready: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._order = itertools.count()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{index}", daemon=True)
            for index in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def submit(
        self,
        name: str,
        task: Task,
        results: queue.SimpleQueue[Outcome],
        *,
        urgent: bool = False,
    ) -> None:
        self._push(0 if urgent else 1, (name, task, results))

    def close(self) -> None:
        """Let the threads end once the calls submitted so far are done."""
        for _ in self._threads:
            self._push(2, None)

    def _push(self, rank: int, job: _Job | None) -> None:
        with self._lock:
            heapq.heappush(self._jobs, (rank, next(self._order), job))
        self._ready.put(None)

    def _work(self) -> None:
        while True:
            # One token per call pushed: the heap holds at least one.
            self._ready.get()
            with self._lock:
                _, _, job = heapq.heappop(self._jobs)
            if job is None:
                return
            name, task, results = job
            try:
                results.put((name, task(), None))
            except BaseException as error:  # reported to the submitter
                results.put((name, None, error))
