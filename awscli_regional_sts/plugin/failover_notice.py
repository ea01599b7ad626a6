"""What failover says about one call: how each endpoint failed, the one
line on stderr after a call that failed over and got its answer, and what
was tried, added to the error a call that ran out of entries gets.

``FailoverState`` is the call's record of its way through the entries
(failover.py keeps it in the request context), read here for the words.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any

from awscli_regional_sts.aws.errors import NO_ANSWER_ERRORS, CallError
from awscli_regional_sts.aws.partitions import GLOBAL
from awscli_regional_sts.aws.untrusted import printable
from awscli_regional_sts.plugin.failover_memory import MEMORY
from awscli_regional_sts.plugin.registry import LOGGER_NAME

logger = logging.getLogger(LOGGER_NAME)

#: One warning per process, whatever the number of calls that failed over
#: (and at most one per profile per hour across processes: failover_memory.py).
_warned = False

#: The code a skipped endpoint has in the list of what a call tried.
SKIPPED = "skipped"


@dataclass
class FailoverState:
    """One call's way through its endpoints; lives in the request context,
    which botocore keeps across the attempts of one call."""

    #: The endpoint rule set's inputs of the first attempt, after routing.
    builtins: dict[str, Any]
    #: Entries not tried yet, in order.
    remaining: list[str]
    #: What the endpoint in use is called in messages.
    current: str
    #: Where the failover list came from, for messages.
    source: str
    timeout: float | None
    tried: list[tuple[str, CallError]] = field(default_factory=list)
    #: Entries skipped once and moved to the end; never skipped again.
    deferred: set[str] = field(default_factory=set)
    #: The call has had its last answer.
    done: bool = False

    def summary(self) -> str:
        return ", ".join(f"{name} ({failure.code})" for name, failure in self.tried)


def describe_failure(failure: CallError, timeout: float | None) -> str:
    """How one endpoint failed, for the warning and the debug log."""
    if failure.code == SKIPPED:
        return f"was skipped (it failed lately: {failure.message})"
    if failure.timed_out:
        limit = f" within {timeout:g} s" if timeout else " in time"
        return f"did not answer{limit} ({failure.code})"
    if failure.unreachable:
        return f"could not be reached ({failure.code})"
    return f"answered {failure.code}"


def failover_warning(state: FailoverState) -> str:
    """The one line on stderr that says a failover happened, and the fix."""
    causes = "; ".join(
        f"STS {label(name)} {describe_failure(failure, state.timeout)}"
        for name, failure in state.tried
    )
    first, first_failure = state.tried[0]
    no_answer = first_failure.unreachable or (
        first_failure.code == SKIPPED
        and first_failure.message.split(" ")[0] in NO_ANSWER_ERRORS
    )
    if no_answer:
        fix = "check the network path to that endpoint, or raise sts_timeout"
    else:
        fix = (
            f"activate STS in {first} for the account (IAM console, Account "
            "settings) or choose another sts_region with "
            "'aws sts activation-check'"
        )
    return (
        f"awscli-regional-sts: {causes}; used {label(state.current, bare=True)} "
        f"({state.source}). To stop failing over, {fix}."
    )


def notify(line: str, label: str) -> None:
    """The failover notice: always in --debug; on stderr once per process
    and at most once per ``label`` (the profile's setting) per
    NOTICE_PERIOD_SECONDS across processes, so that a script of many
    commands is not flooded."""
    global _warned
    logger.debug("%s", line)
    if _warned:
        return
    _warned = True
    if not MEMORY.notice_due(label):
        logger.debug(
            "STS failover notice not repeated on stderr: already printed for "
            "%s within the last hour (delete %s to see it again)",
            label,
            MEMORY.path,
        )
        return
    # The codes and messages in it are what an endpoint answered.
    sys.stderr.write(printable(line) + "\n")
    sys.stderr.flush()
    problem = MEMORY.remember_notice(label)
    if problem:
        logger.debug("STS failover notice not remembered: %s", problem)


def annotate(response: Any, caught_exception: Any, state: FailoverState) -> None:
    """Add what was tried to the error the caller gets."""
    note = f" (awscli-regional-sts tried: {state.summary()})"
    if not state.tried:
        return
    if caught_exception is not None:
        args = getattr(caught_exception, "args", ())
        text = str(args[0]) if args else str(caught_exception)
        if note not in text:
            caught_exception.args = (text + note, *args[1:])
        return
    parsed = response[1] if isinstance(response, tuple) and len(response) == 2 else None
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    if isinstance(error, dict):
        message = str(error.get("Message") or "")
        if note not in message:
            error["Message"] = message + note


def label(name: str, bare: bool = False) -> str:
    if name == GLOBAL:
        return "the global endpoint" if bare else "at the global endpoint"
    return name if bare else f"in {name}"
