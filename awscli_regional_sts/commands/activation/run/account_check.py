"""One account's check, whichever account it is: the caller's own, an
organization's member, or the management account without a member role.

``AccountCheck`` probes every region, reads the account's facts
(``model/account_facts.FACTS``) with credentials its ``Signer`` gives, and
classifies. It is told, not asked: how to sign (``signing.py``), how each
region is probed and where its latency comes from (``probes.py``), where
its calls run (a ``RequestPool``: the check's own, or the organization's,
shared by every account) and how long it may wait.

* The facts start as soon as the signer has credentials: at once for the
  caller's (signed by the caller's own clients), after the first probe
  that assumed a member role for a member (no AssumeRole of their own).
  When no probe brought any, the signer obtains them once more.
* With ``defer_opt_in``, an opt-in region waits for ListRegions: one the
  account has not enabled is reported without a probe
  (``classify.not_probed``); the others, and all of them when ListRegions
  cannot be asked or fails, are probed.
"""

from __future__ import annotations

import math
import queue
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import is_opt_in_region
from awscli_regional_sts.aws.runner import Outcome, RequestPool
from awscli_regional_sts.commands.activation.model.account_facts import (
    FACTS,
    OPT_IN,
    OPT_IN_NOT_ENABLED,
    AccountFact,
)
from awscli_regional_sts.commands.activation.model.account_report import (
    AccountFindings,
    account_report,
)
from awscli_regional_sts.commands.activation.model.classify import (
    Classification,
    not_probed,
)
from awscli_regional_sts.commands.activation.model.denials import fact_denials
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    answered,
)
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import ProbePlan
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run.probes import RegionProbes
from awscli_regional_sts.commands.activation.run.signing import Issued, Signer

#: The outcome name of the signer's own AssumeRole, when no probe made one.
_ASSUME = "assume-role"
#: How long the calling thread waits at a time (for Ctrl-C).
_SLICE_SECONDS = 0.25


def backstop_seconds(
    task_count: int,
    max_workers: int,
    timeout: float,
    samples: int,
    throttle_budget: float = 0.0,
) -> float:
    """How long to wait for all probes before giving up on the stragglers.

    Each request is already bounded by ``timeout`` (connect and read), and a
    region that does not answer costs one request; this only catches a
    server that trickles bytes slowly enough to dodge the read timeout.
    A throttled call may retry for ``throttle_budget`` seconds more
    (``aws/backoff.py``): never abandoned for that.
    """
    waves = math.ceil(task_count / max(1, max_workers))
    return waves * timeout * (samples + 1) + 5.0 + throttle_budget


class AccountNotChecked(Exception):
    """The account's credentials could not be obtained at all: its line's
    ``Error``."""


@dataclass(frozen=True)
class AccountTarget:
    """Which account, and how to reach it."""

    account_id: str
    plan: ProbePlan
    probes: RegionProbes
    signer: Signer
    #: Client per fact service (``AccountFact.service``), signed as the
    #: account; a fact whose client is missing is not asked.
    fact_clients: Mapping[str, Any]
    #: Whether the caller's credentials answer for this account
    #: (ListRegions is asked only then).
    same_account: bool = True
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schedule:
    """Where the account's calls run and how long it may wait."""

    pool: RequestPool
    #: Seconds from the start after which the calls not finished are
    #: abandoned (a backstop: every request has its own timeout).
    deadline: float
    #: The run's throttling state: the facts' calls retry through it (the
    #: probes' through their ``RegionProbes``), each service an endpoint.
    throttle: Throttle
    #: Hold opt-in regions back until ListRegions answers.
    defer_opt_in: bool = False
    progress: Callable[[int, int], None] = lambda done, total: None


@dataclass
class _State:
    """One account's check as it goes (touched by its own thread only)."""

    observations: dict[str, Observation] = field(default_factory=dict)
    answers: dict[str, tuple[Any, BaseException | None]] = field(default_factory=dict)
    decided: dict[str, Classification] = field(default_factory=dict)
    issued: Issued | None = None
    awaiting: set[str] = field(default_factory=set)
    deferred: list[str] = field(default_factory=list)
    assumed: bool = False
    submitted: int = 0
    done: int = 0


class AccountCheck:
    def __init__(
        self, options: CheckOptions, target: AccountTarget, schedule: Schedule
    ) -> None:
        self._options = options
        self._target = target
        self._schedule = schedule
        self._results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._state = _State()

    def run(self) -> Report:
        """The account's report; raises AccountNotChecked when no
        credentials for its facts could be obtained."""
        options, state = self._options, self._state
        for region in options.regions:
            if self._schedule.defer_opt_in and is_opt_in_region(
                options.partition, region
            ):
                state.deferred.append(region)
            else:
                self._submit(region, self._target.probes.task(region))
        self._start_facts(self._target.signer.at_start(), urgent=False)
        try:
            self._collect()
            if state.issued is None:
                raise AccountNotChecked(
                    f"AssumeRole of {self._role()}: no answer in time"
                )
            return account_report(self._findings(state.issued), options)
        finally:
            if state.issued is not None:
                self._target.signer.forget(state.issued)
            state.issued = None

    # -- the calls --

    def _submit(self, name: str, task: Callable[[], Any], urgent: bool = False) -> None:
        self._state.awaiting.add(name)
        self._state.submitted += 1
        self._schedule.pool.submit(name, task, self._results, urgent=urgent)

    def _start_facts(self, issued: Issued | None, urgent: bool = True) -> None:
        state, target = self._state, self._target
        if issued is None:
            return
        state.issued = issued
        started_opt_in = False
        for fact in FACTS:
            client = target.fact_clients.get(fact.service)
            if client is None:
                continue
            started_opt_in = started_opt_in or fact is OPT_IN
            self._submit(fact.key, self._fact_task(fact, client, issued), urgent)
        if not started_opt_in:
            self._probe_deferred(None)

    def _fact_task(
        self, fact: AccountFact, client: Any, issued: Issued
    ) -> Callable[[], Any]:
        signer, throttle = self._target.signer, self._schedule.throttle

        def read() -> Any:
            with signer.signing(issued):
                return throttle.call(fact.service, lambda: fact.read(client))

        return read

    # -- the outcomes --

    def _collect(self) -> None:
        """Take every outcome as it arrives, starting what it makes possible."""
        state = self._state
        end = time.monotonic() + self._schedule.deadline
        while state.awaiting:
            remaining = end - time.monotonic()
            if remaining <= 0:
                return  # the rest is abandoned
            try:
                name, value, error = self._results.get(
                    timeout=min(remaining, _SLICE_SECONDS)
                )
            except queue.Empty:
                continue
            state.awaiting.discard(name)
            state.done += 1
            self._schedule.progress(state.done, state.submitted)
            self._took(name, value, error)
            if state.issued is None and not state.assumed and not self._probing():
                # No probe brought credentials: the signer obtains them once
                # more (a member role: through the CLI's own STS path).
                state.assumed = True
                self._submit(_ASSUME, self._target.signer.assume, urgent=True)

    def _took(self, name: str, value: Any, error: BaseException | None) -> None:
        state = self._state
        if name == _ASSUME:
            if error is not None:
                reason = CallError.from_exception(error).describe()
                raise AccountNotChecked(f"AssumeRole of {self._role()}: {reason}")
            self._start_facts(value)
        elif name in self._fact_keys():
            state.answers[name] = (value, error)
            if name == OPT_IN.key:
                self._probe_deferred(None if error is not None else value)
        elif error is not None:
            state.observations[name] = Observation(
                probe_error=CallError.from_exception(error)
            )
        else:
            observation, answer = value
            state.observations[name] = observation
            if state.issued is None:
                self._start_facts(self._target.signer.from_probe(answer))

    def _probing(self) -> bool:
        facts = self._fact_keys()
        return any(
            name not in facts and name != _ASSUME for name in self._state.awaiting
        )

    @staticmethod
    def _fact_keys() -> frozenset[str]:
        return frozenset(fact.key for fact in FACTS)

    def _role(self) -> str:
        return self._target.plan.method.role_arn or self._target.account_id

    def _probe_deferred(self, statuses: Mapping[str, str] | None) -> None:
        """Probe the opt-in regions that ListRegions does not say are not
        enabled (every one, when it did not answer)."""
        state = self._state
        for region in state.deferred:
            status = (statuses or {}).get(region)
            if status == OPT_IN_NOT_ENABLED:
                state.decided[region] = not_probed(status)
                state.observations[region] = Observation()
            else:
                self._submit(region, self._target.probes.task(region), urgent=True)
        state.deferred = []

    def _findings(self, issued: Issued) -> AccountFindings:
        """What was found, each answered row with its latency."""
        state, target = self._state, self._target
        observations = {}
        for region in self._options.regions:
            observation = state.observations.get(region)
            if observation is None:
                observation = Observation(abandoned=True)
            elif region not in state.decided and answered(observation):
                observation.latencies_ms = target.probes.latencies(region, observation)
            observations[region] = observation
        return AccountFindings(
            identity={"Account": target.account_id, "Arn": issued.arn},
            plan=target.plan,
            observations=observations,
            facts=dict(state.answers),
            same_account=target.same_account,
            decided=state.decided,
            warnings=list(target.warnings),
            denials=fact_denials(state.answers),
        )
