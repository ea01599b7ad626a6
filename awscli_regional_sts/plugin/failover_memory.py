"""What failover remembers between calls and between processes: which
endpoints failed lately, and when each profile's failover notice was last
printed.

Kept in memory for the process and in one small owner-only file beside the
``auto`` cache, ``~/.aws/cli/cache/regional-sts/state.json``, read and
written only through ``files.py`` (regular file, size cap, atomic replace).
It holds endpoint names (a region or ``global``), error codes, the labels
of the settings that printed a notice (``sts_fallback in profile 'tokyo'``)
and times: nothing secret.

Every read checks the file and its folders as ``files.read_own_json``
does (owned by this user or root, writable by nobody else, no symlink) and
then each field; anything unexpected is "nothing remembered" (said once in
--debug), and the next write replaces the file, or, in a folder someone
else can change, writes nothing.

Every write is a merge that loses nothing: under an exclusive lock on
``state.json.lock`` (``files.exclusive_lock``: ``flock``, Linux and macOS),
the file is read, everything this process has learned is merged in (the
later time of two wins), what expired is dropped, and the file is replaced
atomically. The lock is waited for at most LOCK_WAIT_SECONDS; without it
(a holder that is stopped, no ``fcntl`` as on Windows, a file system
without locks) the writer checks its own entries in the file it just
wrote and merges again while another replace took them away, at most
UNLOCKED_ATTEMPTS times. Lock holders check too, so a writer without the
lock cannot make them lose theirs either. Without a lock this narrows the
window and does not close it (a replace based on an older read can still
come after the check); what is lost is this process's entries in the file,
which its next write puts back: one more try of a failing endpoint, or
one more notice, never a wrong answer.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awscli_regional_sts.aws.files import (
    FileMissing,
    FileProblem,
    exclusive_lock,
    read_own_json,
    write_json,
)
from awscli_regional_sts.plugin.auto_measurements import cache_directory
from awscli_regional_sts.plugin.registry import LOGGER_NAME

logger = logging.getLogger(LOGGER_NAME)

#: How long an endpoint that refused, hung or answered
#: RegionDisabledException is tried last: long enough to spare a script or
#: a service the timeout on every call during an outage, short enough that
#: a recovered endpoint is used again soon.
FAILURE_MEMORY_SECONDS = 300.0
#: The failover notice is printed on stderr at most once per profile in
#: this many seconds (always in --debug).
NOTICE_PERIOD_SECONDS = 3600.0

FILE_NAME = "state.json"
LOCK_SUFFIX = ".lock"
#: The longest wait for another process's lock: it is held for one read and
#: one small write, so this is only reached when its holder is stopped or
#: the disk stalls; the write then goes on without the lock.
LOCK_WAIT_SECONDS = 1.0
#: Merges tried while other writers keep replacing the file under us.
UNLOCKED_ATTEMPTS = 5
FORMAT_VERSION = 1
#: A state file is a few hundred bytes; anything near this is not ours.
MAX_BYTES = 64 * 1024
MAX_ENTRIES = 200
#: A remembered time this far ahead is no clock's: the entry is ignored, so
#: that a bad file cannot silence a notice or skip an endpoint for good.
CLOCK_SKEW_SECONDS = 60.0

_ENDPOINT = re.compile(r"[a-z][a-z0-9-]{1,40}")
_REASON = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_MAX_LABEL = 200


@dataclass(frozen=True)
class Failure:
    """An endpoint's last failure: when, and its error code."""

    at: float
    reason: str

    def describe(self, now: float) -> str:
        return f"{self.reason} {max(0.0, now - self.at):.0f} s ago"


@dataclass
class _State:
    failures: dict[str, Failure]
    notices: dict[str, float]


class Memory:
    """The remembered state of this process, merged with the file's at
    every use (another process may have learned something). Thread-safe:
    a boto3 session's clients may be used by many threads."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._mine = _State({}, {})
        #: Why the file was not used, each said once in --debug.
        self._said: set[str] = set()

    def clear(self) -> None:
        """Forget what this process learned (the file stays)."""
        with self._lock:
            self._mine = _State({}, {})
            self._said.clear()

    @property
    def path(self) -> Path:
        return self._path or cache_directory() / FILE_NAME

    def recent_failure(self, endpoint: str, now: float | None = None) -> Failure | None:
        """The failure of ``endpoint`` within FAILURE_MEMORY_SECONDS, if any."""
        now = time.time() if now is None else now
        with self._lock:
            found = self._merged().failures.get(endpoint)
        if found is None or not (0 <= now - found.at < FAILURE_MEMORY_SECONDS):
            return None
        return found

    def remember_failure(self, endpoint: str, reason: str) -> str | None:
        """Note that ``endpoint`` failed now; return why the file could not
        be written (for --debug), or None."""
        if not _REASON.fullmatch(reason):
            reason = "Error"
        failure = Failure(time.time(), reason)
        with self._lock:
            self._mine.failures[endpoint] = failure
            return self._write()

    def notice_due(self, label: str, now: float | None = None) -> bool:
        """Whether the notice of ``label`` was not printed in the period."""
        now = time.time() if now is None else now
        with self._lock:
            last = self._merged().notices.get(_key(label))
        return last is None or not (0 <= now - last < NOTICE_PERIOD_SECONDS)

    def remember_notice(self, label: str) -> str | None:
        at = time.time()
        with self._lock:
            self._mine.notices[_key(label)] = at
            return self._write()

    def _merged(self) -> _State:
        """The file's state with this process's on top (the later of two)."""
        state = self._read()
        for endpoint, failure in self._mine.failures.items():
            known = state.failures.get(endpoint)
            if known is None or known.at < failure.at:
                state.failures[endpoint] = failure
        for label, at in self._mine.notices.items():
            state.notices[label] = max(at, state.notices.get(label, at))
        return state

    def _read(self) -> _State:
        try:
            return parse(read_own_json(self.path, MAX_BYTES))
        except FileMissing:
            pass
        except (FileProblem, ValueError) as problem:
            if str(problem) not in self._said:
                self._said.add(str(problem))
                logger.debug("failover memory %s not used: %s", self.path, problem)
        return _State({}, {})

    def _write(self) -> str | None:
        """Merge what this process learned into the file (under the lock
        when it can be had), drop what expired, replace the file atomically;
        return why the file could not be written (for --debug), or None."""
        path = self.path
        try:
            with exclusive_lock(
                path.with_name(path.name + LOCK_SUFFIX), LOCK_WAIT_SECONDS
            ):
                # Locked or not, the same merge; the check after it is what
                # makes a writer without the lock lose nothing either.
                for attempt in range(UNLOCKED_ATTEMPTS):
                    if attempt:
                        time.sleep(0.01 * attempt)
                    write_json(path, to_json(_unexpired(self._merged())))
                    if _holds(self._read(), _unexpired(self._mine)):
                        return None
        except OSError as error:
            return f"{path} not written: {error}"
        return (
            f"{path}: other processes kept replacing it; this process's "
            "entries may be missing from it"
        )


def _unexpired(state: _State, now: float | None = None) -> _State:
    """``state`` without the entries whose period is over."""
    now = time.time() if now is None else now
    return _State(
        {
            name: failure
            for name, failure in state.failures.items()
            if now - failure.at < FAILURE_MEMORY_SECONDS
        },
        {
            label: at
            for label, at in state.notices.items()
            if now - at < NOTICE_PERIOD_SECONDS
        },
    )


def _holds(found: _State, mine: _State) -> bool:
    """Whether ``found`` keeps each of ``mine``'s entries (or a later one)."""
    return all(
        name in found.failures and found.failures[name].at >= failure.at
        for name, failure in mine.failures.items()
    ) and all(
        found.notices.get(label, -1.0) >= at for label, at in mine.notices.items()
    )


def parse(data: Any) -> _State:
    """A state file's content, every field checked; else ValueError."""
    if not isinstance(data, dict) or set(data) != {"Version", "Failures", "Notices"}:
        raise ValueError("not a state file")
    version = data["Version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError("not a state file of this version")
    failures_data, notices_data = data["Failures"], data["Notices"]
    if not isinstance(failures_data, dict) or not isinstance(notices_data, dict):
        raise ValueError("not a state file")
    if len(failures_data) + len(notices_data) > MAX_ENTRIES:
        raise ValueError("too many entries")
    failures = {}
    for endpoint, entry in failures_data.items():
        if not _ENDPOINT.fullmatch(endpoint):
            raise ValueError("bad endpoint name")
        if not isinstance(entry, dict) or set(entry) != {"At", "Reason"}:
            raise ValueError("bad failure entry")
        reason = entry["Reason"]
        if not isinstance(reason, str) or not _REASON.fullmatch(reason):
            raise ValueError("bad failure reason")
        failures[endpoint] = Failure(_time(entry["At"]), reason)
    notices = {}
    for label, at in notices_data.items():
        if not 0 < len(label) <= _MAX_LABEL or not label.isprintable():
            raise ValueError("bad notice label")
        notices[label] = _time(at)
    return _State(failures, notices)


def _key(label: str) -> str:
    """A label as the file keeps it: printable (a profile name may hold
    anything, and a bad key would make the whole file unreadable), short."""
    return "".join(c if c.isprintable() else "?" for c in label)[:_MAX_LABEL]


def _time(value: Any) -> float:
    """Seconds since the epoch, finite and not ahead of this clock."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a time is not a number")
    if not (0 <= value <= time.time() + CLOCK_SKEW_SECONDS) or not math.isfinite(value):
        raise ValueError("a time is out of range")
    return float(value)


def to_json(state: _State) -> dict[str, Any]:
    return {
        "Version": FORMAT_VERSION,
        "Failures": {
            name: {"At": failure.at, "Reason": failure.reason}
            for name, failure in sorted(state.failures.items())
        },
        "Notices": dict(sorted(state.notices.items())),
    }


#: The one Memory of the process (the file's path is found at each use, so
#: a changed HOME is followed).
MEMORY = Memory()
