"""The organization-wide activation check: every account of an AWS
Organization, each reached through its member role.

* Organizations ListAccounts lists the accounts, a page at a time, only as
  account workers ask for the next one; or ``--accounts-from``'s listing
  gives them, checked against DescribeOrganization (``account_listing.py``).
* Throttling is a rate, not a finding: every call but the CLI's own STS
  path makes one attempt and retries throttling through the run's
  ``Throttle`` (``aws/backoff.py``: back-off, budget, each endpoint's window).
* A member account is checked by ``member_account.check_member``: each region
  probed by AssumeRole of the member role (``OrganizationAccountAccessRole``
  unless told otherwise) at the region's endpoint, with the caller's
  credentials; the credentials of the first probe that succeeds sign the
  account's own facts (IAM GetAccountSummary, Account Management
  ListRegions) and are dropped as soon as the account's check ends: held
  in memory only. Activation counts for the role's account
  (docs/sts-facts.md), so the answers tell the member's.
* The caller's own account is checked the same way when it has the
  member role (one AssumeRole through the CLI's STS path tells; StackSets
  do not deploy there); without it, as without --organization, with a
  warning, on the run's clients (docs/organization.md).
* A member role that may not read the account's own facts leaves the
  account not checked, its ``Error`` naming the permission (``denials``).
* Every client is created once per run and shared by all accounts
  (botocore clients are thread-safe; ``accounts/clients.py``): clients and
  TLS connections do not grow with the organization.
* One ``RequestPool`` of ``max_concurrency`` threads sends every member
  request; at most ``max_accounts_in_flight`` accounts are under way at
  once. Each finished account goes to ``on_result`` and is forgotten here;
  the summary keeps counts per region only.
* Each region's latency is measured once, after its first answered probe.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from botocore.config import Config

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.runner import (
    RequestPool,
    start_in_background,
    stream_parallel,
)
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.credentials import (
    assume_member_role,
    caller_credentials,
)
from awscli_regional_sts.commands.accounts.members import (
    MemberAccount,
    Selected,
    member_role_arn,
    select_accounts,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.fleet.listing import AccountListing
from awscli_regional_sts.commands.activation.fleet.shards import Shard, ShardCut
from awscli_regional_sts.commands.activation.model.account_facts import (
    FACTS,
    OPT_IN,
    asked,
    lists_regions,
)
from awscli_regional_sts.commands.activation.model.denials import denied_line
from awscli_regional_sts.commands.activation.model.observation import (
    PROBE_DURATION_SECONDS,
    ROLE_SESSION_NAME,
)
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
    OrganizationOptions,
)
from awscli_regional_sts.commands.activation.model.organization_report import (
    AccountResult,
    OrganizationSummary,
)
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountNotChecked,
    backstop_seconds,
)
from awscli_regional_sts.commands.activation.run.account_listing import (
    checked_only,
    organization_accounts,
)
from awscli_regional_sts.commands.activation.run.caller_account import (
    CallerAccount,
    SessionClients,
    check_caller_account,
)
from awscli_regional_sts.commands.activation.run.member_account import (
    MemberRun,
    SharedCallerClients,
    check_member,
)
from awscli_regional_sts.commands.activation.run.probe import RegionLatencies
from awscli_regional_sts.commands.activation.run.throttled_organizations import (
    ThrottledOrganizations,
)
from awscli_regional_sts.plugin.endpoints import aim_client, client_region, probe_config


class OrganizationCheck:
    """Runs the per-account check in every selected account of the
    organization, handing each result to ``on_result`` as it finishes."""

    def __init__(
        self,
        session: Any,
        options: CheckOptions,
        organization: OrganizationOptions,
        shard: Shard | None,
        on_result: Callable[[AccountResult], None],
        progress: Callable[[int, int], None] = lambda checked, failed: None,
        redactor: CredentialRedactor | None = None,
        on_organization: Callable[[str | None], None] = lambda organization_id: None,
        listing: AccountListing | None = None,
    ) -> None:
        self._session = session
        self._options = options
        self._organization = organization
        self._on_result = on_result
        self._progress = progress
        self._redactor = redactor or CredentialRedactor()
        self._caller_account: str | None = None
        self._caller: tuple[CallerAccount, SharedCallerClients] | None = None
        #: Called with the organization's id once the first page of
        #: ListAccounts names it, before any other request; may raise to end
        #: the run (--baseline of another organization).
        self._on_organization = on_organization
        self.organization_id: str | None = None
        self.management_account_id: str | None = None
        self.shard_cut = ShardCut(shard) if shard is not None else None
        #: ``--accounts-from``'s listing: no ListAccounts then.
        self._listing = listing
        #: Every request of the run but the CLI's own STS path retries
        #: throttling through it (``aws/backoff.py``).
        self._throttle = Throttle(options.max_concurrency, options.throttle_budget)

    @property
    def probe_description(self) -> str:
        return (
            f"AssumeRole of each account's {self._organization.member_role_name} "
            "with the caller's credentials, at each region's endpoint"
        )

    def run(self) -> OrganizationSummary:
        options = self._options
        caller_credentials(self._session, self._redactor)
        region = options.profile_region or "us-east-1"
        summary = OrganizationSummary(options.regions)
        signers = Signers(self._session)
        selected = self._selected(signers, region)

        def count_skip() -> None:
            summary.skipped += 1

        # The first account first: a caller who may not list accounts (or a
        # listing of another organization) gets one line before any other
        # request. On a daemon thread, as the identity below: Ctrl-C lands
        # in the wait, never in http.client (Python 3.14 reports its
        # half-built response at exit).
        accounts = enumerate(checked_only(selected, count_skip))
        first = start_in_background(lambda: next(accounts, None), name="org-listing")()

        # The CLI's own STS path (the plugin's router included) says who
        # the caller is, and assumes a member role when no probe could.
        sts = self._session.create_client(
            "sts",
            region_name=options.profile_region,
            verify=options.verify,
            config=Config(
                connect_timeout=options.timeout,
                read_timeout=options.timeout,
                # The workers share it for the roles no probe could assume.
                max_pool_connections=options.max_concurrency,
            ),
        )
        caller = start_in_background(sts.get_caller_identity, name="org-identity")()
        self._caller_account = str(caller["Account"])
        pool = RequestPool(options.max_concurrency, name="org-request")
        run = self._member_run(sts, pool, signers, self._throttle)
        self._caller = self._caller_on(run, caller)

        def tasks() -> Iterator[tuple[str, Callable[[], AccountResult]]]:
            items = accounts if first is None else itertools.chain([first], accounts)
            for index, item in items:
                yield str(index), functools.partial(self._check, item, run)

        try:
            for index, result, error in stream_parallel(
                tasks(), self._organization.max_accounts_in_flight, name="org-check"
            ):
                if error is not None:  # _check keeps its own errors; not expected
                    raise error
                result.index = int(index)
                summary.add(result)
                self._on_result(result)
                self._progress(summary.checked, summary.failed)
        finally:
            pool.close()
        return summary

    def _member_run(
        self,
        sts: Any,
        pool: RequestPool,
        signers: Signers,
        throttle: Throttle,
    ) -> MemberRun:
        """The clients and limits every member's check shares."""
        options = self._options

        probes = {}
        for name in options.regions:
            client = signers.caller_client(
                "sts",
                client_region(name),
                options.verify,
                # The members' probes (the pool's limit) and, alongside,
                # those of the caller's own account, which borrows them.
                self._one_attempt(2 * options.max_concurrency),
            )
            probes[name] = (client, aim_client(client, name, options.router_handlers))
        latencies = RegionLatencies(options.samples)
        region = options.profile_region or "us-east-1"
        facts_config = self._one_attempt(options.max_concurrency)
        fact_clients = {
            fact.service: signers.member_client(
                fact.service, region, options.verify, facts_config
            )
            for fact in FACTS
            if asked(fact, options.partition)
        }
        account = fact_clients.get(OPT_IN.service)

        def assume_role(role_arn: str) -> Any:
            return assume_member_role(
                sts, role_arn, ROLE_SESSION_NAME, duration=PROBE_DURATION_SECONDS
            )

        return MemberRun(
            options=options,
            pool=pool,
            throttle=throttle,
            probes=probes,
            latencies=latencies,
            signers=signers,
            fact_clients=fact_clients,
            lists_regions=account is not None and lists_regions(account),
            assume_role=assume_role,
            redactor=self._redactor,
            wait=self._wait(),
        )

    def _selected(self, signers: Signers, region: str) -> Iterator[Selected]:
        """The accounts listed, selected and (with --shard) cut, lazily."""
        organizations = signers.caller_client(
            "organizations",
            region,
            self._options.verify,
            self._one_attempt(self._options.max_concurrency),
        )
        selected = select_accounts(
            self._identified(
                organization_accounts(
                    ThrottledOrganizations(organizations, self._throttle),
                    self._listing,
                )
            ),
            self._organization.accounts,
            self._organization.include_suspended,
        )
        if self.shard_cut is None:
            return selected
        # Cut before skipped accounts are counted, so that each shard
        # counts its own and the shards' counts add up.
        return self.shard_cut.cut(selected, lambda item: item.account.account_id)

    def _caller_on(
        self, run: MemberRun, identity: Mapping[str, Any]
    ) -> tuple[CallerAccount, SharedCallerClients]:
        """How the caller's own account is checked when it has no member
        role: on the run's clients, with the identity the run asked."""
        caller = CallerAccount(
            session=self._session,
            options=self._options,
            redactor=self._redactor,
            ask_identity=lambda: functools.partial(dict, identity),
        )
        probes = SessionClients(self._session, self._options, self._throttle).probes
        return caller, SharedCallerClients(probes, run)

    def _identified(self, listed: Iterator[MemberAccount]) -> Iterator[MemberAccount]:
        """The listing, telling ``on_organization`` who the organization is
        as soon as its first account arrives."""
        first = True
        for account in listed:
            if first:
                first = False
                self.organization_id = account.organization_id
                self.management_account_id = account.management_account_id
                self._on_organization(account.organization_id)
            yield account

    # -- one account --

    def _check(self, selected: Selected, run: MemberRun) -> AccountResult:
        account = selected.account
        if selected.error is not None:
            return AccountResult(account=account, error=selected.error)
        try:
            role_arn = member_role_arn(
                self._options.partition,
                account.account_id,
                self._organization.member_role_name,
            )
            if account.account_id == self._caller_account:
                why = self._without_member_role(run, role_arn)
                if why is not None:
                    return self._check_caller_account(account, why, run)
            found = check_member(run, account.account_id, role_arn)
        except AccountNotChecked as error:
            return AccountResult(account=account, error=str(error))
        except Exception as error:  # one account's failure never stops the rest
            return AccountResult(
                account=account, error=CallError.from_exception(error).describe()
            )
        if found.denials:
            # The audit's role lacks a permission: the account is not checked.
            return AccountResult(
                account=account, error=denied_line(found.denials, found.facts.arn)
            )
        return AccountResult(account=account, report=found)

    @staticmethod
    def _without_member_role(run: MemberRun, role_arn: str) -> str | None:
        """Why the caller's own account cannot be checked through its
        member role (one AssumeRole tells), or None when it can."""
        try:
            run.assume_role(role_arn)
        except Exception as error:
            reason = CallError.from_exception(error).describe()
            return f"AssumeRole of {role_arn}: {reason}"
        return None

    def _check_caller_account(
        self, account: MemberAccount, why: str, run: MemberRun
    ) -> AccountResult:
        """The caller's own account (the management or delegated
        administrator account) where it has no member role that the caller
        may assume (Organizations creates none there): checked as ``aws sts
        activation-check`` without --organization would, with the caller's
        credentials and that command's choice of probe. ``why`` (the
        AssumeRole error) goes into its warnings."""
        assert self._caller is not None  # nosec B101  # set by run() before any account
        caller, clients = self._caller
        report = check_caller_account(caller, clients, run.schedule)
        if report.denials:
            # Neither its member role nor the caller may read its facts.
            line = denied_line(report.denials, report.facts.arn)
            return AccountResult(
                account=account,
                error=f"{why}; with the caller's own credentials: {line}",
            )
        report.warnings.append(f"checked with the caller's own credentials: {why}")
        return AccountResult(account=account, report=report)

    # -- helpers --

    def _wait(self) -> float:
        """Backstop for one phase of an account's calls: they queue behind
        the calls of every account in flight, since all share one pool."""
        options = self._options
        in_flight_tasks = (len(options.regions) + 3) * (
            self._organization.max_accounts_in_flight
        )
        return backstop_seconds(
            in_flight_tasks,
            options.max_concurrency,
            options.timeout,
            options.samples,
            options.throttle_budget,
        )

    def _one_attempt(self, connections: int) -> Any:
        """Every client of the run but the CLI's own STS path: one attempt
        and ``--timeout`` per call (``probe_config``), ``connections`` in
        its pool. The run's ``Throttle`` retries throttling, never
        botocore: its legacy mode (CLI v1's and boto3's default) stops
        retrying HTTP 429 in a session once an Organizations client was
        made there (botocore 1.44.18; docs/sts-facts.md, section 12)."""
        return probe_config(self._options.timeout).merge(
            Config(max_pool_connections=connections)
        )
