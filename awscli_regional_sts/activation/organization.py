"""The organization-wide activation check: every account of an AWS
Organization, each reached through its member role, as plain data.

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
  answer tells (sts-facts: activation counts for the role's account).
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

import contextlib
import dataclasses
import functools
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Callable

from awscli_regional_sts.activation import DEFAULT_MEMBER_ROLE_NAME
from awscli_regional_sts.activation.check import (
    CALLER,
    GLOBAL_ENDPOINT_PARTITION,
    AccountInputs,
    ActivationCheck,
    CheckOptions,
    CredentialRedactor,
    ProbePlan,
    Report,
    assess_account,
    backstop_seconds,
)
from awscli_regional_sts.activation.probe import (
    ACTIVE,
    ASSUME_ROLE,
    INACTIVE,
    NOT_ENABLED,
    PROBE_DURATION_SECONDS,
    UNKNOWN,
    UNREACHABLE,
    Observation,
    ProbeError,
    ProbeMethod,
    aim_client,
    client_region,
    probe_config,
    probe_region,
)

ROLE_SESSION_NAME = "sts-activation-check"
#: ListAccounts' largest page.
LIST_ACCOUNTS_PAGE_SIZE = 20
#: Organizations' account state that the check runs on by default.
ACTIVE_ACCOUNT = "ACTIVE"

#: Summary column of each status, in the CLI's PascalCase.
SUMMARY_COLUMNS = {
    ACTIVE: "Active",
    INACTIVE: "Inactive",
    NOT_ENABLED: "NotEnabled",
    UNREACHABLE: "Unreachable",
    UNKNOWN: "Unknown",
}


@dataclass(frozen=True)
class OrganizationOptions:
    member_role_name: str = DEFAULT_MEMBER_ROLE_NAME
    #: Only these account ids (``--accounts``), or None for every account.
    accounts: tuple[str, ...] | None = None
    include_suspended: bool = False
    max_accounts_in_flight: int = 4


@dataclass(frozen=True)
class MemberAccount:
    account_id: str
    name: str | None
    #: ``State`` where the model has it (it supersedes the deprecated
    #: ``Status``), else ``Status``: ACTIVE, SUSPENDED, ...; None when the
    #: account was named in ``--accounts`` but not listed.
    status: str | None

    @classmethod
    def from_listing(cls, entry: Mapping[str, Any]) -> MemberAccount:
        status = entry.get("State") or entry.get("Status")
        return cls(str(entry["Id"]), entry.get("Name"), status and str(status))


def list_accounts(organizations: Any) -> Iterator[MemberAccount]:
    """Every account of the organization, fetching each page of ListAccounts
    only when the previous one has been used up."""
    params: dict[str, Any] = {"MaxResults": LIST_ACCOUNTS_PAGE_SIZE}
    while True:
        page = organizations.list_accounts(**params)
        for entry in page.get("Accounts", []):
            yield MemberAccount.from_listing(entry)
        token = page.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


@dataclass(frozen=True)
class Selected:
    """One listed account and what to do with it."""

    account: MemberAccount
    #: Why the account gets no check but an ``Error`` line (e.g. it was named
    #: in ``--accounts`` but is suspended or not in the organization).
    error: str | None = None
    #: Left out without a line (a suspended account nobody asked for); only
    #: counted in the summary.
    skipped: bool = False


def select_accounts(
    listed: Iterable[MemberAccount],
    wanted: tuple[str, ...] | None,
    include_suspended: bool,
) -> Iterator[Selected]:
    """What to do with each listed account: check it, report why it was not
    checked (only for accounts named in ``wanted``), or skip it silently.
    Accounts named in ``wanted`` that the listing lacks come last, with an
    error: an audit must not lose an account without saying so."""
    remaining = dict.fromkeys(wanted) if wanted else None
    for account in listed:
        if remaining is not None:
            if account.account_id not in remaining:
                continue
            del remaining[account.account_id]
        if account.status != ACTIVE_ACCOUNT and not include_suspended:
            if remaining is None:
                yield Selected(account, skipped=True)
            else:
                yield Selected(
                    account,
                    error=f"not checked: the account is {account.status} "
                    "(pass --include-suspended to try it)",
                )
        else:
            yield Selected(account)
    for account_id in remaining or ():
        yield Selected(
            MemberAccount(account_id, None, None),
            error="not checked: ListAccounts does not list this account",
        )


def member_role_arn(partition: str, account_id: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


@dataclass
class AccountResult:
    """One account's line: the per-account report, or why there is none."""

    account: MemberAccount
    report: Report | None = None
    error: str | None = None
    #: Position in the ListAccounts order (the document keeps that order).
    index: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The same keys for every account, checked or not, so that
        ``--query`` and the table/text formats see one shape."""
        report = self.report.to_dict() if self.report else {}
        recommendation = report.get("Recommendation")
        if recommendation:
            # The command names the caller's profile, which does not reach
            # the member account: no usable command can be given.
            recommendation = {k: v for k, v in recommendation.items() if k != "Command"}
        return {
            "AccountId": self.account.account_id,
            "Name": self.account.name,
            "AccountStatus": self.account.status,
            "Arn": report.get("Arn"),
            "GlobalEndpointTokenVersion": report.get("GlobalEndpointTokenVersion"),
            "GlobalEndpointTokenVersionDetail": report.get(
                "GlobalEndpointTokenVersionDetail"
            ),
            "Probe": report.get("Probe"),
            "Fastest": report.get("Fastest"),
            "Recommendation": recommendation,
            "Regions": report.get("Regions", []),
            "Warnings": report.get("Warnings", []),
            "Error": self.error,
        }


class OrganizationSummary:
    """Counts only: accounts checked, failed and skipped, and per region how
    many checked accounts have each status."""

    def __init__(self, regions: Iterable[str]) -> None:
        self.counts: dict[str, dict[str, int]] = {
            region: dict.fromkeys(SUMMARY_COLUMNS, 0) for region in regions
        }
        self.checked = 0
        self.failed = 0
        self.skipped = 0

    def add(self, result: AccountResult) -> None:
        if result.report is None:
            self.failed += 1
            return
        self.checked += 1
        for row in result.report.regions:
            counts = self.counts.get(row.region)
            if counts is not None:
                counts[row.status] = counts.get(row.status, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "AccountsChecked": self.checked,
            "AccountsWithError": self.failed,
            "AccountsSkipped": self.skipped,
            "Regions": [
                {
                    "Region": region,
                    **{SUMMARY_COLUMNS[s]: n for s, n in counts.items()},
                }
                for region, counts in self.counts.items()
            ],
        }


class _Feed:
    """Hands the selected accounts to the workers one at a time (the
    listing is a generator, which is not thread-safe), and keeps a listing
    error for the main thread."""

    def __init__(self, selected: Iterator[Selected]) -> None:
        self._selected = selected
        self._lock = threading.Lock()
        self._index = 0
        self._first: Selected | None = None
        self.error: BaseException | None = None
        self.on_skip: Callable[[], None] = lambda: None

    def prime(self) -> None:
        """Fetch the first account in the calling thread, so that a caller
        who may not list accounts gets the CLI's one-line error before any
        other request."""
        self._first = self._advance()

    def next(self) -> tuple[int, Selected] | None:
        with self._lock:
            item: Selected | None
            if self._first is not None:
                item, self._first = self._first, None
            else:
                if self.error is not None:
                    return None
                try:
                    item = self._advance()
                except Exception as error:  # the main thread re-raises it
                    self.error = error
                    return None
            if item is None:
                return None
            self._index += 1
            return self._index - 1, item

    def _advance(self) -> Selected | None:
        for item in self._selected:
            if item.skipped:
                self.on_skip()
                continue
            return item
        return None


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

    @property
    def probe_description(self) -> str:
        return (
            f"AssumeRole of each account's {self._organization.member_role_name} "
            "with the caller's credentials, at each region's endpoint"
        )

    def run(self) -> OrganizationSummary:
        options = self._options
        # Credentials first, so that their secrets are known to the log
        # redactor before any request is signed with them.
        credentials = self._session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials else None
        if frozen is not None:
            self._redactor.add(frozen.secret_key, frozen.token)
        region = options.profile_region or "us-east-1"
        summary = OrganizationSummary(options.regions)
        organizations = self._session.create_client(
            "organizations", region_name=region, **self._client_args()
        )
        feed = _Feed(
            select_accounts(
                list_accounts(organizations),
                self._organization.accounts,
                self._organization.include_suspended,
            )
        )

        def count_skip() -> None:
            summary.skipped += 1

        feed.on_skip = count_skip
        feed.prime()

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

        results: queue.Queue[AccountResult] = queue.Queue()

        def worker() -> None:
            while True:
                item = feed.next()
                if item is None:
                    return
                index, selected = item
                result = self._check(selected, sts, probe_clients)
                result.index = index
                results.put(result)

        workers = [
            threading.Thread(target=worker, name=f"org-check-{n}", daemon=True)
            for n in range(self._organization.max_accounts_in_flight)
        ]
        for thread in workers:
            thread.start()
        # The main thread waits in short slices, so Ctrl-C reaches it at once.
        while True:
            try:
                result = results.get(timeout=0.25)
            except queue.Empty:
                if results.empty() and not any(t.is_alive() for t in workers):
                    break
                continue
            summary.add(result)
            self._on_result(result)
            self._progress(summary.checked, summary.failed)
        if feed.error is not None:
            raise feed.error
        return summary

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
            if account.account_id == self._caller_account:
                return self._check_caller_account(account)
            return self._check_member(account, sts, probe_clients)
        except Exception as error:  # one account's failure never stops the rest
            return AccountResult(
                account, error=ProbeError.from_exception(error).describe()
            )

    def _check_caller_account(self, account: MemberAccount) -> AccountResult:
        """The caller's own account (the management or delegated
        administrator account) has no member role by default: check it as
        ``aws sts activation-check`` without --organization would, with the
        caller's credentials and that command's choice of probe."""
        # It creates its clients as it goes: keep the other accounts from
        # creating theirs meanwhile.
        with self._client_lock:
            report = ActivationCheck(
                self._session, self._options, redactor=self._redactor
            ).run()
        return AccountResult(account, report=report)

    def _check_member(
        self,
        account: MemberAccount,
        sts: Any,
        probe_clients: Mapping[str, tuple[Any, Callable[[], str | None]]],
    ) -> AccountResult:
        options = self._options
        role_arn = member_role_arn(
            options.partition, account.account_id, self._organization.member_role_name
        )
        try:
            with self._gate:
                response = sts.assume_role(
                    RoleArn=role_arn,
                    RoleSessionName=ROLE_SESSION_NAME,
                    DurationSeconds=PROBE_DURATION_SECONDS,
                )
        except Exception as error:
            reason = ProbeError.from_exception(error).describe()
            return AccountResult(account, error=f"AssumeRole of {role_arn}: {reason}")
        keys = response["Credentials"]
        identity = {
            "Account": account.account_id,
            "Arn": response["AssumedRoleUser"]["Arn"],
        }
        secrets = (keys["SecretAccessKey"], keys["SessionToken"])
        self._redactor.add(*secrets)
        clients: list[Any] = []
        try:
            member_keys = {
                "aws_access_key_id": keys["AccessKeyId"],
                "aws_secret_access_key": keys["SecretAccessKey"],
                "aws_session_token": keys["SessionToken"],
            }
            region = options.profile_region or "us-east-1"
            with self._client_lock:
                iam = self._session.create_client(
                    "iam", region_name=region, **self._client_args(), **member_keys
                )
                clients.append(iam)
                regions_client = None
                if options.partition == GLOBAL_ENDPOINT_PARTITION:
                    regions_client = self._session.create_client(
                        "account",
                        region_name=region,
                        **self._client_args(),
                        **member_keys,
                    )
                    clients.append(regions_client)
            # Only the clients hold the member credentials from here on.
            del keys, member_keys, response
            method = ProbeMethod(
                ASSUME_ROLE, role_arn=role_arn, role_session_name=ROLE_SESSION_NAME
            )
            plan = ProbePlan(method, CALLER, f"AssumeRole of {role_arn} as the caller")
            probes: dict[str, Callable[[], Observation]] = {
                name: functools.partial(
                    probe_region, client, method, options.samples, endpoint
                )
                for name, (client, endpoint) in probe_clients.items()
            }
            report = assess_account(
                AccountInputs(identity, plan, probes, iam, regions_client),
                options,
                gate=self._gate,
                deadline=self._deadline(),
            )
        finally:
            for client in clients:
                _close(client)
            del clients
            self._redactor.discard(*secrets)
        return AccountResult(account, report=report)

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
        from botocore.config import Config

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
        from botocore.config import Config

        return probe_config(self._options.timeout).merge(
            Config(max_pool_connections=self._options.max_concurrency)
        )


def _close(client: Any) -> None:
    """Close a client's connections now (botocore >= 1.23 has close())."""
    close = getattr(client, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()
