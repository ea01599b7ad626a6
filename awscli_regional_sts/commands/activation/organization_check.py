"""The organization-wide activation check: every account of an AWS
Organization, each reached through its member role.

How one member account is checked, and why:

* Organizations ListAccounts lists the accounts, a page at a time, only as
  account workers ask for the next one: the listing is never held whole.
* The member role (``OrganizationAccountAccessRole`` unless told otherwise)
  is assumed once with the caller's credentials through the CLI's own STS
  path. A role that cannot be assumed makes that account's ``Error``; the
  others go on. The member credentials sign the account's own facts (IAM
  GetAccountSummary, Account Management ListRegions) and are dropped as soon
  as the account's check ends: held in memory only, never printed or kept.
* Each region is then probed by the single-account check's own logic
  (``check.assess_account``): AssumeRole of the same member role at the
  region's endpoint, with the caller's credentials. The member account is
  the one that issues those credentials, so its activation is what the
  answer tells (activation counts for the role's account: docs/sts-facts.md).
* The caller's own account is checked the same way when it has the
  member role (deploy/member-role.yaml as a plain stack), so that it is
  ``Verified`` where a member is; without one (Organizations creates none
  in the management account), with the caller's own credentials.
* A member role that may not read the account's own facts (a policy
  refuses GetAccountSummary or ListRegions) leaves the account not
  checked, its ``Error`` naming the permission (denials.py).
* The probe clients (one per region, signed as the caller) are shared by all
  accounts: botocore clients are thread-safe, and sharing them keeps the
  number of clients and TLS connections independent of the account count.
* One semaphore, shared by every account, bounds the requests in flight
  (``max_concurrency``); at most ``max_accounts_in_flight`` accounts are
  under way at once. Each finished account goes to ``on_result`` at once
  and is forgotten here; the summary keeps counts per region only, so
  memory does not grow with the organization.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from botocore.config import Config

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import DEFAULT_ENABLED_REGIONS
from awscli_regional_sts.aws.runner import stream_parallel
from awscli_regional_sts.commands.accounts.credentials import (
    assume_member_role,
    caller_credentials,
    client_keys,
    close_client,
    secrets_known,
)
from awscli_regional_sts.commands.accounts.members import (
    MemberAccount,
    Selected,
    list_accounts,
    member_role_arn,
    select_accounts,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.account import (
    AccountInputs,
    ActivationCheck,
    assess_account,
    backstop_seconds,
)
from awscli_regional_sts.commands.activation.denials import denied_line
from awscli_regional_sts.commands.activation.fleet.shards import ShardCut
from awscli_regional_sts.commands.activation.options import (
    ROLE_SESSION_NAME,
    CheckOptions,
    OrganizationOptions,
)
from awscli_regional_sts.commands.activation.organization import (
    AccountResult,
    OrganizationSummary,
)
from awscli_regional_sts.commands.activation.plan import CredentialSource, ProbePlan
from awscli_regional_sts.commands.activation.probe import (
    PROBE_DURATION_SECONDS,
    Observation,
    ProbeMethod,
    ProbeOperation,
    probe_region,
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
        on_result: Callable[[AccountResult], None],
        progress: Callable[[int, int], None] = lambda checked, failed: None,
        redactor: CredentialRedactor | None = None,
        on_organization: Callable[[str | None], None] = lambda organization_id: None,
    ) -> None:
        self._session = session
        # The profile's sts_region concerns the caller's own calls, not the
        # member accounts: no per-account warning about it.
        self._options = dataclasses.replace(options, sts_region=None)
        self._organization = organization
        self._on_result = on_result
        self._progress = progress
        self._redactor = redactor or CredentialRedactor()
        # botocore does not promise that creating clients is thread-safe.
        self._client_lock = threading.Lock()
        self._gate = threading.BoundedSemaphore(options.max_concurrency)
        self._caller_account: str | None = None
        #: Called with the organization's id once the first page of
        #: ListAccounts names it, before any other request; may raise to end
        #: the run (--baseline of another organization).
        self._on_organization = on_organization
        self.organization_id: str | None = None
        self.management_account_id: str | None = None
        self.shard_cut = (
            ShardCut(organization.shard) if organization.shard is not None else None
        )

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
        organizations = self._session.create_client(
            "organizations", region_name=region, **self._client_args()
        )
        selected = select_accounts(
            self._identified(list_accounts(organizations)),
            self._organization.accounts,
            self._organization.include_suspended,
        )
        if self.shard_cut is not None:
            # Cut before skipped accounts are counted, so that each shard
            # counts its own and the shards' counts add up.
            selected = self.shard_cut.cut(
                selected, lambda item: item.account.account_id
            )

        def count_skip() -> None:
            summary.skipped += 1

        # The first account is fetched here, in the calling thread, so that
        # a caller who may not list accounts gets the CLI's one-line error
        # before any other request.
        accounts = enumerate(_checked_only(selected, count_skip))
        first = next(accounts, None)

        # The CLI's own STS path (the plugin's router included) gets the
        # member credentials; the probes bypass it to reach each region.
        sts = self._session.create_client(
            "sts", region_name=options.profile_region, **self._client_args()
        )
        self._caller_account = str(sts.get_caller_identity()["Account"])
        probe_clients = {}
        for name in options.regions:
            client = self._session.create_client(
                "sts",
                region_name=client_region(name),
                verify=options.verify,
                config=self._probe_config(),
            )
            probe_clients[name] = (
                client,
                aim_client(client, name, options.router_handlers),
            )

        def tasks() -> Iterator[tuple[str, Callable[[], AccountResult]]]:
            items = accounts if first is None else itertools.chain([first], accounts)
            for index, item in items:
                yield (
                    str(index),
                    functools.partial(self._check, item, sts, probe_clients),
                )

        for index, result, error in stream_parallel(
            tasks(), self._organization.max_accounts_in_flight, name="org-check"
        ):
            if error is not None:  # _check keeps its own errors; not expected
                raise error
            result.index = int(index)
            summary.add(result)
            self._on_result(result)
            self._progress(summary.checked, summary.failed)
        return summary

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

    def _check(
        self,
        selected: Selected,
        sts: Any,
        probe_clients: Mapping[str, tuple[Any, Callable[[], str | None]]],
    ) -> AccountResult:
        account = selected.account
        if selected.error is not None:
            return AccountResult(account, error=selected.error)
        try:
            result = self._check_member(
                account,
                sts,
                probe_clients,
                own=account.account_id == self._caller_account,
            )
        except Exception as error:  # one account's failure never stops the rest
            return AccountResult(
                account, error=CallError.from_exception(error).describe()
            )
        report = result.report
        if report is not None and report.denials:
            # The audit's role lacks a permission: the account is not checked.
            return AccountResult(
                account, error=denied_line(report.denials, report.facts.arn)
            )
        return result

    def _check_caller_account(self, account: MemberAccount, why: str) -> AccountResult:
        """The caller's own account (the management or delegated
        administrator account) where it has no member role that the caller
        may assume (Organizations creates none there): checked as ``aws sts
        activation-check`` without --organization would, with the caller's
        credentials and that command's choice of probe. ``why`` (the
        AssumeRole error) goes into its warnings."""
        # It creates its clients as it goes: keep the other accounts from
        # creating theirs meanwhile.
        with self._client_lock:
            report = ActivationCheck(
                self._session, self._options, redactor=self._redactor
            ).run()
        if report.denials:
            # Neither its member role nor the caller may read its facts.
            line = denied_line(report.denials, report.facts.arn)
            return AccountResult(
                account, error=f"{why}; with the caller's own credentials: {line}"
            )
        report.warnings.append(f"checked with the caller's own credentials: {why}")
        return AccountResult(account, report=report)

    def _check_member(
        self,
        account: MemberAccount,
        sts: Any,
        probe_clients: Mapping[str, tuple[Any, Callable[[], str | None]]],
        own: bool = False,
    ) -> AccountResult:
        """A member account through its member role; the caller's ``own``
        account too, like any member, when it has that role (a plain stack
        of deploy/member-role.yaml), else with the caller's credentials."""
        options = self._options
        role_arn = member_role_arn(
            options.partition, account.account_id, self._organization.member_role_name
        )
        try:
            response = assume_member_role(
                sts, role_arn, ROLE_SESSION_NAME, self._gate, PROBE_DURATION_SECONDS
            )
        except Exception as error:
            reason = CallError.from_exception(error).describe()
            why = f"AssumeRole of {role_arn}: {reason}"
            if own:
                return self._check_caller_account(account, why)
            return AccountResult(account, error=why)
        identity = {
            "Account": account.account_id,
            "Arn": response["AssumedRoleUser"]["Arn"],
        }
        clients: list[Any] = []
        with secrets_known(self._redactor, response["Credentials"]):
            try:
                report = self._assess_member(
                    role_arn, identity, response, clients, probe_clients
                )
            finally:
                for client in clients:
                    close_client(client)
                del clients, response
        return AccountResult(account, report=report)

    def _assess_member(
        self,
        role_arn: str,
        identity: Mapping[str, str],
        response: dict[str, Any],
        clients: list[Any],
        probe_clients: Mapping[str, tuple[Any, Callable[[], str | None]]],
    ) -> Any:
        """One member's check with its role's credentials (``response``);
        the clients it signs with go to ``clients``, which the caller
        closes."""
        options = self._options
        member_keys = client_keys(response["Credentials"])
        region = options.profile_region or "us-east-1"
        with self._client_lock:
            iam = self._session.create_client(
                "iam", region_name=region, **self._client_args(), **member_keys
            )
            clients.append(iam)
            regions_client = None
            if options.partition in DEFAULT_ENABLED_REGIONS:
                regions_client = self._session.create_client(
                    "account",
                    region_name=region,
                    **self._client_args(),
                    **member_keys,
                )
                clients.append(regions_client)
        # Only the clients hold the member credentials from here on.
        del member_keys
        method = ProbeMethod(
            ProbeOperation.ASSUME_ROLE,
            role_arn=role_arn,
            role_session_name=ROLE_SESSION_NAME,
        )
        plan = ProbePlan(
            method,
            CredentialSource.CALLER,
            f"AssumeRole of {role_arn} as the caller",
        )
        probes: dict[str, Callable[[], Observation]] = {
            name: functools.partial(
                probe_region, client, method, options.samples, endpoint
            )
            for name, (client, endpoint) in probe_clients.items()
        }
        return assess_account(
            AccountInputs(identity, plan, probes, iam, regions_client),
            options,
            gate=self._gate,
            deadline=self._deadline(),
        )

    # -- helpers --

    def _deadline(self) -> float:
        """Backstop for one account's tasks: they queue behind the tasks of
        every account in flight, since all share one semaphore."""
        options = self._options
        in_flight_tasks = (len(options.regions) + 3) * (
            self._organization.max_accounts_in_flight
        )
        return backstop_seconds(
            in_flight_tasks, options.max_concurrency, options.timeout, options.samples
        )

    def _client_args(self) -> dict[str, Any]:
        options = self._options
        return {
            "verify": options.verify,
            "config": Config(
                connect_timeout=options.timeout, read_timeout=options.timeout
            ),
        }

    def _probe_config(self) -> Any:
        """One attempt and ``--timeout`` per call, as for the single-account
        probes, and a connection pool as large as the shared concurrency:
        a shared client may carry that many requests at once."""
        return probe_config(self._options.timeout).merge(
            Config(max_pool_connections=self._options.max_concurrency)
        )


def _checked_only(
    selected: Iterator[Selected], on_skip: Callable[[], None]
) -> Iterator[Selected]:
    """The selected accounts that get a line; the skipped ones are counted."""
    for item in selected:
        if item.skipped:
            on_skip()
        else:
            yield item
