"""One member account's check in an organization-wide check, with the
fewest requests that find what the single-account check finds: at most
one per region and one per account fact.

* Each region is probed by AssumeRole of the member role at the region's
  endpoint, with the caller's credentials (clients shared by every
  account, ``organization_run.py``). The member account issues those
  credentials, so its activation is what the answer tells.
* The first probe that succeeds also brings the member credentials that
  sign the account's own facts (``signing.MemberSigner``): no AssumeRole
  of their own; they are dropped when the account's check ends. Only when
  no probe succeeded is the role assumed once more through the CLI's own
  STS path: its refusal is then the account's ``Error``.
* An opt-in region waits for ListRegions (``Schedule.defer_opt_in``).
* No latency sample per account: a region's latency is measured once per
  run (``probe.RegionLatencies``), and every row whose probe got an answer
  reports that figure.

Every call goes through the run's ``RequestPool``, which bounds the
requests in flight across accounts; calls that finish an account already
under way go first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.runner import RequestPool
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.model.observation import (
    ROLE_SESSION_NAME,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
)
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
)
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountCheck,
    AccountTarget,
    Schedule,
)
from awscli_regional_sts.commands.activation.run.probe import RegionLatencies
from awscli_regional_sts.commands.activation.run.probes import (
    AimedClient,
    ConnectionProbes,
    RegionProbes,
    SharedProbes,
)
from awscli_regional_sts.commands.activation.run.signing import MemberSigner
from awscli_regional_sts.plugin.endpoints import probe_config

#: An account's phases, one after the other at worst: the probes, the
#: facts (after the role is assumed once more when no probe succeeded), the
#: opt-in regions' probes.
PHASES = 3


@dataclass(frozen=True)
class MemberRun:
    """What the checks of every member account of one run share."""

    options: CheckOptions
    pool: RequestPool
    #: Every member call's throttling state (``aws/backoff.py``): one per run.
    throttle: Throttle
    #: Per region: the probe client (signed as the caller, aimed at the
    #: region) and the URL it requested.
    probes: Mapping[str, AimedClient]
    latencies: RegionLatencies
    signers: Signers
    #: Client per fact service, signed as the member
    #: (``Signers.member_client``); a fact whose service is missing (no
    #: opt-in regions in the partition) is not asked.
    fact_clients: Mapping[str, Any]
    #: Whether this botocore can ask ListRegions (CLI v2 2.9's cannot: the
    #: opt-in regions are then probed at once).
    lists_regions: bool
    #: AssumeRole of a role ARN through the CLI's own STS path.
    assume_role: Callable[[str], Mapping[str, Any]]
    redactor: CredentialRedactor
    #: Seconds one phase of an account may wait for its calls (a backstop:
    #: every request has its own timeout).
    wait: float

    @property
    def schedule(self) -> Schedule:
        """Every account's calls on the run's pool, ``PHASES`` waits long."""
        return Schedule(
            pool=self.pool,
            deadline=PHASES * self.wait,
            throttle=self.throttle,
            defer_opt_in=self.lists_regions,
        )


def check_member(run: MemberRun, account_id: str, role_arn: str) -> Report:
    """One member's report; raises ``AccountNotChecked`` when its role
    could not be assumed at all."""
    method = ProbeMethod(
        operation=ProbeOperation.ASSUME_ROLE,
        role_arn=role_arn,
        role_session_name=ROLE_SESSION_NAME,
    )
    target = AccountTarget(
        account_id=account_id,
        plan=ProbePlan(
            method,
            CredentialSource.CALLER,
            f"AssumeRole of {role_arn} as the caller",
        ),
        probes=SharedProbes(
            clients=run.probes,
            method=method,
            figures=run.latencies,
            wait=run.wait,
            throttle=run.throttle,
        ),
        signer=MemberSigner(
            role_arn=role_arn,
            signers=run.signers,
            redactor=run.redactor,
            assume_role=run.assume_role,
        ),
        fact_clients=run.fact_clients,
    )
    return AccountCheck(run.options, target, run.schedule).run()


@dataclass(frozen=True)
class SharedCallerClients:
    """The clients an organization run lends the check of the caller's own
    account (its management account without a member role), so that it
    costs no more requests, clients or connections than a member: the
    run's probe clients and per-region latencies where the probes sign as
    the caller, clients from the CLI's session where they sign with the
    profile's source credentials."""

    #: The probes of clients from the CLI's session
    #: (``caller_account.SessionClients.probes``).
    session_probes: Callable[[ProbePlan, Any], RegionProbes]
    run: MemberRun

    def probes(self, plan: ProbePlan, keys: Any) -> RegionProbes:
        run = self.run
        if plan.credentials != CredentialSource.CALLER:
            return self.session_probes(plan, keys)
        if plan.method.verifies:
            return SharedProbes(
                clients=run.probes,
                method=plan.method,
                figures=run.latencies,
                wait=run.wait,
                throttle=run.throttle,
            )
        # GetCallerIdentity only: its first sample is the probe.
        return ConnectionProbes(
            run.probes, plan.method, run.options.samples, run.throttle
        )

    def fact_client(self, service: str) -> Any:
        options = self.run.options
        return self.run.signers.caller_client(
            service,
            options.profile_region or "us-east-1",
            options.verify,
            # One attempt: the run's Throttle retries throttling
            # (``plugin/endpoints.probe_config``).
            probe_config(options.timeout),
        )
