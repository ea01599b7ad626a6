"""Send an STS call to the next entry of ``sts_fallback`` when its region
is deactivated, unreachable or too slow.

Failover is a retry with another endpoint. botocore's ``Endpoint`` loops
``while needs-retry says so`` and builds (and signs) the request afresh from
``request_dict`` on every attempt, so the ``needs-retry.sts`` handler here
can point ``request_dict['url']`` and the signing region at the next entry
and answer "retry now" (0 seconds). botocore's own retry handler still runs
on every attempt and keeps throttling and other transient errors; it is
asked about the hops too, but only the first answer that is not None counts,
so its attempt limit never stops a hop. Each hop does use one of botocore's
attempts, which leaves fewer for throttling at the entry that answers.

An endpoint that failed so is remembered for a few minutes, in the process
and across processes (``failover_memory.py``): later calls try it last. Every STS
request consults that memory just before it is sent (``before-send.sts``),
after signing: a ``role_arn`` profile's call resolves its endpoint before
signing loads the role's credentials, whose AssumeRole may be what finds
the endpoint down, and the call then skips it without waiting a second
time. A skip sends nothing: the handler raises ``SkippedEndpoint``, which
botocore hands to ``needs-retry`` like any failed attempt, and the call
hops to the next entry. The last entry left is never skipped.

Only errors that depend on the region fail over: RegionDisabledException
(AccessDenied saying STS is not activated, from older releases), and no
connection or no answer in time. Errors that would be the same everywhere
(AccessDenied on a role, ExpiredToken, validation errors, a wrong MFA code)
and throttling never do.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import MutableMapping
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

from botocore import endpoint as botocore_endpoint
from botocore.exceptions import EndpointConnectionError

from awscli_regional_sts.aws.errors import NO_ANSWER_ERRORS, CallError
from awscli_regional_sts.aws.partitions import GLOBAL
from awscli_regional_sts.plugin.endpoints import (
    SDK_ENDPOINT,
    entry_endpoint,
    first_entry,
    operation_name,
    partition_mismatch,
    pin_signing_region,
)
from awscli_regional_sts.plugin.failover_memory import (
    FAILURE_MEMORY_SECONDS,
    MEMORY,
    Failure,
)
from awscli_regional_sts.plugin.failover_notice import (
    SKIPPED,
    FailoverState,
    annotate,
    describe_failure,
    failover_warning,
    label,
    notify,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import StsSettings
from awscli_regional_sts.plugin.signing import (
    ROUTED_ENTRY,
    Signing,
    request_signing,
    signing_accepts,
)

logger = logging.getLogger(LOGGER_NAME)

#: Key of the per-call failover state in botocore's request context.
CONTEXT_KEY = "awscli_regional_sts.plugin.failover"

#: The calls of this thread that may still send a request, newest last:
#: ``before-send`` gets the prepared request only, without its context.
#: Weak references, so that a call that ended without a last answer (an
#: error while signing) leaves nothing behind.
_calls = threading.local()


class SkippedEndpoint(EndpointConnectionError):
    """Raised in ``before-send`` to skip an endpoint that failed lately;
    botocore passes it to ``needs-retry``, which hops to the next entry.
    Never reaches the caller: it is raised only when another entry is left.

    A connection error to botocore: its legacy retry handler (CLI v1's
    default) re-raises any caught exception it does not count as
    retryable, even when an earlier handler (ours) already chose to retry.
    """

    fmt = "STS endpoint {endpoint} skipped: it failed lately ({reason})"

    def __init__(self, endpoint: str, failure: Failure, url: str) -> None:
        super().__init__(endpoint=endpoint, reason=failure.reason, endpoint_url=url)
        self.failure = failure


def _not_a_skip(record: logging.LogRecord) -> bool:
    """Logging filter: False for botocore's records about a SkippedEndpoint.

    botocore logs an attempt's exception with its traceback in two places
    (``Endpoint._do_get_response``: "Exception received when sending HTTP
    request."; the legacy retry handler, boto3's and CLI v1 1.41's default:
    "retry needed, retryable exception caught"), so ``--debug`` printed a
    traceback for every skip. A skip is not an error: its one line comes
    from ``fail_over_sts_request`` ("... skipped without a request: ...").
    """
    exc_info = record.exc_info
    return not (exc_info and isinstance(exc_info[1], SkippedEndpoint))


# On the modules' own logger objects, not by name: AWS CLI v1 from 1.46
# runs its bundled copy (awscli.botocore) under the name botocore, and the
# logger's name is whatever the module was imported as. A filter added
# twice is kept once.
botocore_endpoint.logger.addFilter(_not_a_skip)
try:
    from botocore import retryhandler as botocore_retryhandler
except ImportError:  # CLI v2's botocore has no legacy retry mode
    pass
else:
    botocore_retryhandler.logger.addFilter(_not_a_skip)


def failover_reason(response: Any, caught_exception: Any) -> CallError | None:
    """The error that makes a call fail over, or None when it must not.

    ``response`` is botocore's (http_response, parsed) or None;
    ``caught_exception`` what the attempt raised, or None.
    """
    if caught_exception is not None:
        error = CallError.from_exception(caught_exception)
        return error if error.no_answer else None
    if not isinstance(response, tuple) or len(response) != 2:
        return None
    answer = CallError.from_parsed_response(response[1])
    return answer if answer is not None and answer.region_disabled else None


def remember_failover_inputs(
    builtins: MutableMapping[str, Any],
    model: Any,
    context: MutableMapping[str, Any],
    *,
    settings: Callable[[], StsSettings],
    **kwargs: Any,
) -> None:
    """Handle ``before-endpoint-resolution.sts`` after the router: keep the
    rule set's inputs so that a hop resolves the next entry's endpoint
    exactly as the first one was (partition, FIPS, dual-stack).

    Nothing is kept (so nothing fails over) when the user configured an
    endpoint, which wins, or when the client is in another partition.
    """
    if builtins.get(SDK_ENDPOINT):
        return
    current = settings()
    if not current.fallback:
        return
    region = current.region
    if region is not None and partition_mismatch(
        builtins, region, current.source, model
    ):
        return
    # Without sts_region the list's own partition counts (every entry shares
    # it): a client created for aws-cn-global must not fail over to the aws
    # partition's regions.
    anchor = next((entry for entry in current.fallback if entry != GLOBAL), None)
    if (
        region is None
        and anchor is not None
        and partition_mismatch(builtins, anchor, current.profile_label, model)
    ):
        return
    first = context.get(ROUTED_ENTRY) or first_entry(builtins, region)
    state = FailoverState(
        builtins=dict(builtins),
        remaining=[entry for entry in current.fallback if entry != first],
        current=first,
        source=current.profile_label,
        timeout=current.timeout,
    )
    context[CONTEXT_KEY] = state
    calls = getattr(_calls, "states", None)
    if calls is None:
        calls = _calls.states = []
    calls[:] = [ref for ref in calls if _live(ref())]
    calls.append(weakref.ref(state))


def _live(state: FailoverState | None) -> bool:
    return state is not None and not state.done


def skip_failed_endpoint(request: Any, **kwargs: Any) -> None:
    """Handle ``before-send.sts``: raise SkippedEndpoint when the endpoint
    this request is about to go to failed within FAILURE_MEMORY_SECONDS (in
    this process or another) and another entry of its call is left.

    Signed requests cannot be re-aimed here (the host is signed), so the
    skip goes through ``needs-retry``, which re-aims and re-signs.
    """
    state = _newest_call()
    if state is None or state.current in state.deferred:
        return
    failure = MEMORY.recent_failure(state.current)
    if failure is None:
        return
    if all(MEMORY.recent_failure(entry) for entry in state.remaining):
        if state.remaining or state.tried:
            logger.debug(
                "STS: trying %s although it failed lately (%s): no other "
                "endpoint is left",
                state.current,
                failure.describe(time.time()),
            )
        return
    if not _same_host(state, str(getattr(request, "url", ""))):
        return
    raise SkippedEndpoint(state.current, failure, str(request.url))


def _newest_call() -> FailoverState | None:
    refs: list[weakref.ref[FailoverState]] = getattr(_calls, "states", None) or []
    for ref in reversed(refs):
        state = ref()
        if state is not None and not state.done:
            return state
    return None


def _same_host(state: FailoverState, url: str) -> bool:
    """Whether ``url`` goes to the call's current entry (and not, say, to a
    client that the plugin leaves alone)."""
    try:
        expected, _ = entry_endpoint(state.builtins, state.current)
    except Exception:  # an entry botocore cannot resolve: not ours to skip
        return False
    return urlsplit(expected).hostname == urlsplit(url).hostname


def fail_over_sts_request(
    request_dict: MutableMapping[str, Any],
    response: Any = None,
    caught_exception: Any = None,
    operation: Any = None,
    *,
    settings: Callable[[], StsSettings],
    **kwargs: Any,
) -> int | None:
    """Handle ``needs-retry.sts``: 0 (retry at once) after pointing the call
    at the next entry, or None to leave the decision to botocore."""
    context = request_dict.get("context")
    state = context.get(CONTEXT_KEY) if isinstance(context, MutableMapping) else None
    if not isinstance(state, FailoverState):
        return None
    if isinstance(caught_exception, SkippedEndpoint):
        failure = CallError(SKIPPED, caught_exception.failure.describe(time.time()))
        skipped = caught_exception.failure.reason
        state.deferred.add(state.current)
        state.remaining.append(state.current)
    else:
        skipped = ""
        reason = failover_reason(response, caught_exception)
        if reason is None:
            if state.tried:
                _after_failover(state, response, caught_exception)
            state.done = True
            return None
        failure = reason
        _remember_failure(state.current, failure)
    state.tried.append((state.current, failure))
    # Entries that failed lately go last, in their order.
    state.remaining.sort(key=lambda name: MEMORY.recent_failure(name) is not None)
    assert isinstance(context, MutableMapping)  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    hop = _next_entry(state, request_signing(context))
    if hop is None:
        state.done = True
        annotate(response, caught_exception, state)
        return None
    entry, url, signing_region = hop
    request_dict["url"] = _with_host_of(url, str(request_dict["url"]))
    pin_signing_region(context, signing_region)
    _say_hop(state, operation, failure, skipped, url, signing_region)
    state.current = entry
    return 0


def _remember_failure(entry: str, failure: CallError) -> None:
    """Keep ``entry``'s failure in the memory (other calls try it last)."""
    problem = MEMORY.remember_failure(entry, failure.code)
    logger.debug(
        "STS: %s will be tried last for %g s%s",
        entry,
        FAILURE_MEMORY_SECONDS,
        f" (in this process only: {problem})" if problem else "",
    )


def _next_entry(state: FailoverState, signing: Signing) -> tuple[str, str, str] | None:
    """(entry, URL, signing region) of the next remaining entry that
    botocore can resolve and the request's signing can reach, taken off
    ``state.remaining`` with those passed over; None when none is left."""
    while state.remaining:
        entry = state.remaining.pop(0)
        try:
            url, signing_region = entry_endpoint(state.builtins, entry)
        except Exception as error:  # an entry botocore cannot resolve is skipped
            logger.debug("STS failover: skipping %s: %s", entry, error)
            continue
        if not signing_accepts(signing, entry, signing_region):
            continue
        return entry, url, signing_region
    return None


def _say_hop(
    state: FailoverState,
    operation: Any,
    failure: CallError,
    skipped: str,
    url: str,
    signing_region: str,
) -> None:
    """The debug lines of one hop: why the call leaves its entry and where
    it goes; for a skip, why nothing was sent."""
    logger.debug(
        "STS %s failing over: %s %s; sending it to %s, signed for %s (%s)",
        operation_name(operation),
        label(state.tried[-1][0]),
        describe_failure(failure, state.timeout),
        url,
        signing_region,
        state.source,
    )
    if skipped:
        logger.debug(
            "STS: %s skipped without a request: it %s within the last "
            "%g s; tried again after that, or when no other entry is left",
            state.tried[-1][0],
            "did not answer or refused"
            if skipped in NO_ANSWER_ERRORS
            else f"answered {skipped}",
            FAILURE_MEMORY_SECONDS,
        )


def _with_host_of(endpoint_url: str, request_url: str) -> str:
    """``request_url`` with the scheme and host of ``endpoint_url`` (STS
    endpoints have no path; the request's path and query are kept)."""
    new = urlsplit(endpoint_url)
    old = urlsplit(request_url)
    return urlunsplit((new.scheme, new.netloc, old.path, old.query, old.fragment))


def _after_failover(state: FailoverState, response: Any, caught_exception: Any) -> None:
    """After a hop: the warning on success, the list of tries on an error."""
    status = getattr(response[0], "status_code", 0) if response else 0
    if caught_exception is None and status and status < 300:
        notify(failover_warning(state), state.source)
    else:
        annotate(response, caught_exception, state)
