"""Setting the global endpoint token version in each account: the
caller's, the named ones, or every ACTIVE account of the organization.

How accounts are reached, as ``aws sts activation-check --organization``
reaches them (the shared parts are in ``commands/accounts``):

* Organizations ListAccounts lists the accounts a page at a time, as
  workers ask for the next one; the first page is fetched in the calling
  thread, so that a caller who may not list accounts gets the CLI's own
  one-line error before anything else is sent.
* A member account is reached by AssumeRole of its member role with the
  caller's credentials, through the CLI's own STS client (the plugin's
  routing included: ``sts_region`` and failover apply). The member
  credentials sign that account's IAM calls on one IAM client shared by
  every member (``accounts/clients.py``: no client or TLS connection per
  member, and none of the CLI's handlers on those calls), and are dropped
  when its calls end: in memory only, never printed.
* With --organization or --accounts, the caller's own account (the
  management account) is reached through its member role when it has one
  (a plain stack of deploy/member-role.yaml), else with the caller's
  credentials (Organizations creates no member role there); alone, it is
  worked on with the caller's credentials.
* At most ``max_accounts_in_flight`` accounts are under way at once; each
  account's calls (AssumeRole, GetAccountSummary, perhaps
  SetSecurityTokenServicePreferences) are sequential. Each finished
  account goes to ``on_result`` at once; the summary keeps counts only.

IAM is global: its client is made for the profile's region (us-east-1
without one), and botocore's endpoint data gives the partition's one IAM
endpoint (iam.amazonaws.com, iam.cn-north-1.amazonaws.com.cn, ...).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

from botocore.config import Config

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.runner import stream_parallel
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.credentials import (
    assume_member_role,
    caller_credentials,
    close_client,
    secrets_known,
)
from awscli_regional_sts.commands.accounts.members import (
    list_accounts,
    member_role_arn,
    select_accounts,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.token_version.arguments import (
    TokenVersionArguments,
)
from awscli_regional_sts.commands.token_version.plan import (
    AccountOutcome,
    Summary,
    TokenVersion,
    set_account,
)

#: RoleSessionName of every AssumeRole of a member role (CloudTrail shows it).
ROLE_SESSION_NAME = "sts-set-token-version"
#: Seconds to connect and to read, per request; botocore's retries apply.
CALL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    """One account to work on, or why it gets only an ``Error``."""

    account_id: str
    error: str | None = None


class TokenVersionRun:
    """Runs the change (or the dry run) over the chosen accounts."""

    def __init__(
        self,
        session: Any,
        arguments: TokenVersionArguments,
        *,
        partition: str,
        region: str | None,
        verify: Any,
        on_result: Callable[[AccountOutcome], None],
        progress: Callable[[int, int], None] = lambda done, failed: None,
        redactor: CredentialRedactor | None = None,
    ) -> None:
        self._session = session
        self._arguments = arguments
        self._partition = partition
        self._region = region
        self._verify = verify
        self._on_result = on_result
        self._progress = progress
        self._redactor = redactor or CredentialRedactor()
        # botocore does not promise that creating clients is thread-safe.
        self._client_lock = threading.Lock()
        #: The sessions of the member accounts' IAM client (set by run).
        self._signers: Signers | None = None

    def run(self) -> Summary:
        arguments = self._arguments
        caller_credentials(self._session, self._redactor)
        summary = Summary()
        listed: Iterator[Target] = iter(())
        if arguments.organization:
            listed = self._listed_targets(summary)
            # The first page now, in this thread (see the module docstring).
            first = next(listed, None)
            if first is not None:
                listed = itertools.chain([first], listed)
        # The CLI's own STS path (the plugin's routing included); shared by
        # the account workers for AssumeRole (botocore clients are
        # thread-safe), with a connection for each.
        sts = self._create_client(
            "sts",
            self._region,
            max_pool_connections=arguments.max_accounts_in_flight,
        )
        caller_account = str(sts.get_caller_identity()["Account"])
        caller_iam = self._create_client("iam", self._iam_region())
        member_iam = None
        if arguments.uses_member_roles:
            self._signers = Signers(self._session)
            member_iam = self._signers.member_client(
                "iam",
                self._iam_region(),
                self._verify,
                self._config(arguments.max_accounts_in_flight),
            )
        if arguments.organization:
            targets = listed
        elif arguments.accounts is not None:
            targets = (Target(account_id) for account_id in arguments.accounts)
        else:
            targets = iter([Target(caller_account)])

        def tasks() -> Iterator[tuple[str, Callable[[], AccountOutcome]]]:
            for index, target in enumerate(targets):
                task = functools.partial(
                    self._account, target, sts, caller_account, caller_iam, member_iam
                )
                yield str(index), task

        try:
            for index, outcome, error in stream_parallel(
                tasks(), arguments.max_accounts_in_flight, name="token-version"
            ):
                if error is not None:  # _account keeps its own errors
                    raise error
                outcome = dataclasses.replace(outcome, index=int(index))
                summary.add(outcome)
                self._on_result(outcome)
                self._progress(summary.accounts, summary.failed)
        finally:
            close_client(caller_iam)
        return summary

    # -- which accounts --

    def _listed_targets(self, summary: Summary) -> Iterator[Target]:
        organizations = self._create_client(
            "organizations", self._region or "us-east-1"
        )
        selected = select_accounts(
            list_accounts(organizations),
            self._arguments.accounts,
            include_suspended=False,
        )
        for item in selected:
            account = item.account
            if item.skipped:
                summary.skipped += 1
            elif item.error is None:
                yield Target(account.account_id)
            elif account.status is None:
                yield Target(
                    account.account_id,
                    "not changed: ListAccounts does not list this account",
                )
            else:
                yield Target(
                    account.account_id,
                    f"not changed: the account is {account.status}",
                )

    # -- one account --

    def _account(
        self,
        target: Target,
        sts: Any,
        caller_account: str,
        caller_iam: Any,
        member_iam: Any,
    ) -> AccountOutcome:
        if target.error is not None:
            return AccountOutcome(account_id=target.account_id, error=target.error)
        try:
            own = target.account_id == caller_account
            if own and member_iam is None:
                return self._set(target.account_id, caller_iam)
            own_iam = caller_iam if own else None
            return self._member(target.account_id, sts, member_iam, own_iam)
        except Exception as error:  # one account's failure never stops the rest
            return AccountOutcome(
                account_id=target.account_id,
                error=CallError.from_exception(error).describe(),
            )

    def _member(
        self, account_id: str, sts: Any, iam: Any, own_iam: Any = None
    ) -> AccountOutcome:
        """An account through its member role (``iam``: the shared member
        client); the caller's own account (``own_iam``: its IAM client with
        the caller's credentials) too when it has one, else with the
        caller's credentials."""
        role_arn = member_role_arn(
            self._partition, account_id, self._arguments.member_role_name
        )
        try:
            response = assume_member_role(sts, role_arn, ROLE_SESSION_NAME)
        except Exception as error:
            if own_iam is not None:
                return self._set(account_id, own_iam)
            reason = CallError.from_exception(error).describe()
            return AccountOutcome(
                account_id=account_id, error=f"AssumeRole of {role_arn}: {reason}"
            )
        credentials = response.pop("Credentials")
        del response
        assert self._signers is not None  # nosec B101  # run() made them for member roles
        signing = self._signers.signing_as(credentials)
        with secrets_known(self._redactor, credentials), signing:
            return self._set(account_id, iam)

    def _set(self, account_id: str, iam: Any) -> AccountOutcome:
        def read() -> Any:
            return iam.get_account_summary().get("SummaryMap", {})

        def write(version: TokenVersion) -> None:
            iam.set_security_token_service_preferences(
                GlobalEndpointTokenVersion=version.value
            )

        return set_account(
            account_id,
            self._arguments.target,
            self._arguments.dry_run,
            read,
            write,
            lambda error: CallError.from_exception(error).describe(),
        )

    # -- clients --

    def _iam_region(self) -> str:
        return self._region or "us-east-1"

    def _config(self, max_pool_connections: int | None = None) -> Any:
        config = Config(connect_timeout=CALL_TIMEOUT, read_timeout=CALL_TIMEOUT)
        if max_pool_connections is not None:
            config = config.merge(Config(max_pool_connections=max_pool_connections))
        return config

    def _create_client(
        self,
        service: str,
        region: str | None,
        *,
        max_pool_connections: int | None = None,
    ) -> Any:
        with self._client_lock:
            return self._session.create_client(
                service,
                region_name=region,
                verify=self._verify,
                config=self._config(max_pool_connections),
            )
