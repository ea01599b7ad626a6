"""One member account's check in an organization-wide check, with the
fewest requests that find what the single-account check finds: at most
one per region and two for the account's own facts.

* Each region is probed by AssumeRole of the member role at the region's
  endpoint, with the caller's credentials (clients shared by every
  account, ``organization_check.py``). The member account issues those
  credentials, so its activation is what the answer tells.
* The first probe that succeeds also brings the member credentials that
  sign the account's own facts (IAM GetAccountSummary, Account Management
  ListRegions): no AssumeRole of its own for them. They are asked at once,
  on the shared member clients (``accounts/clients.py``), and dropped when
  the account's check ends. Only when no probe succeeded (every region
  inactive, refused or unreachable, or the role not assumable) is the role
  assumed once more through the CLI's own STS path, as before: its refusal
  is then the account's ``Error``.
* An opt-in region waits for ListRegions: one the account has not enabled
  (DISABLED) is reported without a probe (``classify.not_probed``); the
  others, and all of them when ListRegions cannot be asked or fails, are
  probed.
* No latency sample per account: a region's latency is measured once per
  run (``probe.RegionLatencies``), and every row whose probe got an answer
  reports that figure.

Every call goes through the run's ``RequestPool``, which bounds the
requests in flight across accounts; calls that finish an account already
under way go first.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import is_opt_in_region
from awscli_regional_sts.aws.runner import Outcome, RequestPool
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.account import (
    AccountFindings,
    account_report,
)
from awscli_regional_sts.commands.activation.classify import (
    OPT_IN_NOT_ENABLED,
    Classification,
    not_probed,
)
from awscli_regional_sts.commands.activation.denials import fact_denials
from awscli_regional_sts.commands.activation.facts import (
    opt_in_fact,
    read_opt_in_statuses,
    read_token_version,
    token_version_fact,
)
from awscli_regional_sts.commands.activation.options import (
    ROLE_SESSION_NAME,
    CheckOptions,
)
from awscli_regional_sts.commands.activation.plan import CredentialSource, ProbePlan
from awscli_regional_sts.commands.activation.probe import (
    Observation,
    ProbeMethod,
    ProbeOperation,
    RegionLatencies,
    answered,
)
from awscli_regional_sts.commands.activation.report import Report

#: Names of the facts' calls among the regions' in one account's outcomes.
TOKEN_VERSION = "@token-version"  # nosec B105  # a name (IAM action, API or report field), not a password
OPT_IN = "@opt-in"
ASSUME = "@assume-role"
#: An account's phases, one after the other at worst: the probes, the
#: facts (after the role is assumed once more when no probe succeeded), the
#: opt-in regions' probes.
PHASES = 3


@dataclass(frozen=True)
class MemberRun:
    """What the checks of every member account of one run share."""

    options: CheckOptions
    pool: RequestPool
    #: Per region: the probe client (signed as the caller, aimed at the
    #: region) and the URL it requested.
    probes: Mapping[str, tuple[Any, Callable[[], str | None]]]
    latencies: RegionLatencies
    signers: Signers
    #: IAM client signed as the member (``Signers.member_client``).
    iam: Any
    #: Account Management client signed as the member, or None where
    #: ListRegions does not exist (a partition without opt-in regions).
    account: Any
    #: Whether this botocore can ask ListRegions (CLI v2 2.9's cannot: the
    #: opt-in regions are then probed at once).
    lists_regions: bool
    #: AssumeRole of a role ARN through the CLI's own STS path.
    assume_role: Callable[[str], Mapping[str, Any]]
    redactor: CredentialRedactor
    #: Seconds one phase of an account may wait for its calls (a backstop:
    #: every request has its own timeout).
    wait: float


@dataclass
class _Issued:
    """The member credentials one AssumeRole answer brought, and the
    session's ARN (the report's ``Arn``)."""

    credentials: Mapping[str, Any]
    arn: str

    @classmethod
    def from_answer(cls, answer: Any) -> _Issued | None:
        if not isinstance(answer, Mapping) or "Credentials" not in answer:
            return None
        return cls(answer["Credentials"], str(answer["AssumedRoleUser"]["Arn"]))


@dataclass
class _Progress:
    """One account's check as it goes (touched by its own thread only)."""

    observations: dict[str, Observation] = field(default_factory=dict)
    facts: dict[str, tuple[Any, BaseException | None]] = field(default_factory=dict)
    decided: dict[str, Classification] = field(default_factory=dict)
    issued: _Issued | None = None
    #: Names submitted whose outcome has not arrived.
    awaiting: set[str] = field(default_factory=set)
    #: Opt-in regions waiting for ListRegions.
    deferred: list[str] = field(default_factory=list)
    #: Whether the role was assumed once more, for want of a probe's
    #: credentials.
    assumed: bool = False


def check_member(run: MemberRun, account_id: str, role_arn: str) -> Report | str:
    """One member's report, or the account's ``Error`` when its role could
    not be assumed at all."""
    return _MemberCheck(run, role_arn).run(account_id)


class _MemberCheck:
    def __init__(self, run: MemberRun, role_arn: str) -> None:
        self._run = run
        self._role_arn = role_arn
        self._method = ProbeMethod(
            ProbeOperation.ASSUME_ROLE,
            role_arn=role_arn,
            role_session_name=ROLE_SESSION_NAME,
        )
        self._results: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._state = _Progress()

    def run(self, account_id: str) -> Report | str:
        run, state = self._run, self._state
        options = run.options
        defer = run.lists_regions
        for region in options.regions:
            if defer and is_opt_in_region(options.partition, region):
                state.deferred.append(region)
            else:
                self._submit(region, self._probe_task(region))
        try:
            error = self._collect()
            if error is not None:
                return error
            issued = state.issued
            if issued is None:
                return f"AssumeRole of {self._role_arn}: no answer in time"
            return account_report(
                AccountFindings(
                    {"Account": account_id, "Arn": issued.arn},
                    ProbePlan(
                        self._method,
                        CredentialSource.CALLER,
                        f"AssumeRole of {self._role_arn} as the caller",
                    ),
                    self._observations(),
                    token_version_fact(state.facts.get(TOKEN_VERSION)),
                    opt_in_fact(
                        state.facts.get(OPT_IN),
                        options.partition,
                        run.account is not None,
                    ),
                    state.decided,
                    denials=fact_denials(state.facts),
                ),
                options,
            )
        finally:
            if state.issued is not None:
                credentials = state.issued.credentials
                run.redactor.discard(
                    credentials["SecretAccessKey"], credentials["SessionToken"]
                )
            state.issued = None

    # -- the calls --

    def _submit(self, name: str, task: Callable[[], Any], urgent: bool = False) -> None:
        self._state.awaiting.add(name)
        self._run.pool.submit(name, task, self._results, urgent=urgent)

    def _probe_task(self, region: str) -> Callable[[], Any]:
        run, method = self._run, self._method
        client, endpoint = run.probes[region]

        def probe() -> tuple[Observation, _Issued | None]:
            observation, answer = run.latencies.probe(region, client, method, endpoint)
            return observation, _Issued.from_answer(answer)

        return probe

    def _fact_task(
        self, read: Callable[[Any], Any], client: Any, issued: _Issued
    ) -> Callable[[], Any]:
        signers = self._run.signers

        def fact() -> Any:
            with signers.signing_as(issued.credentials):
                return read(client)

        return fact

    # -- the outcomes --

    def _collect(self) -> str | None:
        """Take every outcome as it arrives, starting what it makes
        possible; the account's ``Error`` when its role cannot be assumed."""
        run, state = self._run, self._state
        deadline = time.monotonic() + PHASES * run.wait
        while state.awaiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None  # the rest is abandoned
            try:
                name, value, error = self._results.get(timeout=remaining)
            except queue.Empty:
                return None
            state.awaiting.discard(name)
            if name == ASSUME:
                if error is not None:
                    reason = CallError.from_exception(error).describe()
                    return f"AssumeRole of {self._role_arn}: {reason}"
                self._start_facts(_Issued.from_answer(value))
            elif name.startswith("@"):
                state.facts[name] = (value, error)
                if name == OPT_IN:
                    self._probe_deferred(None if error is not None else value)
            else:
                self._took_probe(name, value, error)
            if state.issued is None and not state.assumed and not self._probing():
                # No probe brought credentials: assume the role once more,
                # through the CLI's own path, as the facts always were.
                state.assumed = True
                self._submit(ASSUME, lambda: run.assume_role(self._role_arn), True)
        return None

    def _probing(self) -> bool:
        return any(not name.startswith("@") for name in self._state.awaiting)

    def _took_probe(self, region: str, value: Any, error: BaseException | None) -> None:
        if error is not None:
            self._state.observations[region] = Observation(
                probe_error=CallError.from_exception(error)
            )
            return
        observation, issued = value
        self._state.observations[region] = observation
        if issued is not None and self._state.issued is None:
            self._start_facts(issued)

    def _start_facts(self, issued: _Issued | None) -> None:
        run, state = self._run, self._state
        if issued is None:
            return
        credentials = issued.credentials
        # Known to the log filter before anything is signed with them.
        run.redactor.add(credentials["SecretAccessKey"], credentials["SessionToken"])
        state.issued = issued
        self._submit(
            TOKEN_VERSION,
            self._fact_task(read_token_version, run.iam, issued),
            urgent=True,
        )
        if run.account is not None:
            self._submit(
                OPT_IN,
                self._fact_task(read_opt_in_statuses, run.account, issued),
                urgent=True,
            )
        else:
            self._probe_deferred(None)

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
                self._submit(region, self._probe_task(region), urgent=True)
        state.deferred = []

    def _observations(self) -> dict[str, Observation]:
        """Every region's observation, with the region's latency where its
        probe got an answer (a region not settled in time is abandoned)."""
        run, state = self._run, self._state
        observations = {}
        for region in run.options.regions:
            observation = state.observations.get(region)
            if observation is None:
                observation = Observation(abandoned=True)
            elif region not in state.decided and answered(observation):
                observation.latencies_ms = run.latencies.of(region, run.wait)
            observations[region] = observation
        return observations
