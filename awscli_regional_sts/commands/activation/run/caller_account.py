"""The caller's own account: which probe its credentials allow
(``plan.choose_probe``), the clients that sign as the caller, then the
one ``AccountCheck``.

Where the clients come from is the only difference between the
single-account command and an organization run that checks its
management account without a member role: ``SessionClients`` creates them
from the CLI's session; the organization hands over its shared clients
(``member_account.SharedCallerClients``), so that this account costs
no more requests, clients or connections than a member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from botocore.config import Config

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.identifiers import IdentifierError, parse_role_arn
from awscli_regional_sts.aws.runner import RequestPool, start_in_background
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.credentials import (
    caller_credentials,
    client_keys,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.model.account_facts import FACTS, asked
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
    choose_probe,
    identity_only,
)
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountCheck,
    AccountTarget,
    Schedule,
    backstop_seconds,
)
from awscli_regional_sts.commands.activation.run.probes import (
    ConnectionProbes,
    RegionProbes,
)
from awscli_regional_sts.commands.activation.run.signing import CallerSigner
from awscli_regional_sts.plugin.endpoints import aim_client, client_region, probe_config


class CallerClients(Protocol):
    def probes(self, plan: ProbePlan, keys: Any) -> RegionProbes:
        """Every region's probe, signed with ``keys`` (the caller's frozen
        credentials, or the role_arn profile's source credentials).
        Called in the calling thread: botocore does not promise that
        creating clients is thread-safe."""

    def fact_client(self, service: str) -> Any:
        """A client of ``service`` signed as the caller."""


@dataclass(frozen=True)
class SessionClients:
    """Clients created from the CLI's (or boto3's) session."""

    session: Any
    options: CheckOptions
    #: The run's throttling state: the probes retry through it.
    throttle: Throttle

    def probes(self, plan: ProbePlan, keys: Any) -> RegionProbes:
        options = self.options
        clients = {}
        for region in options.regions:
            client = self._client("sts", client_region(region), keys)
            clients[region] = (
                client,
                aim_client(client, region, options.router_handlers),
            )
        return ConnectionProbes(clients, plan.method, options.samples, self.throttle)

    def fact_client(self, service: str) -> Any:
        return self._client(service, self.options.profile_region or "us-east-1")

    def _client(self, service: str, region: str, keys: Any = None) -> Any:
        return self.session.create_client(
            service,
            region_name=region,
            verify=self.options.verify,
            config=probe_config(self.options.timeout),
            **(client_keys(keys) if keys is not None else {}),
        )


@dataclass(frozen=True)
class CallerAccount:
    """What checking the caller's own account needs besides its clients."""

    session: Any
    options: CheckOptions
    redactor: CredentialRedactor
    #: Starts the caller's GetCallerIdentity once its credentials are known
    #: to the redactor; returns what waits for its answer (it is asked
    #: while the probe clients are created).
    ask_identity: Callable[[], Callable[[], Mapping[str, Any]]]
    #: Called with the caller's account id before any probe; may raise to
    #: end the check (--baseline of another account).
    on_identity: Callable[[str], None] = lambda account: None


def ask_identity(
    session: Any, options: CheckOptions
) -> Callable[[], Mapping[str, Any]]:
    """The caller's GetCallerIdentity, started now through the CLI's own
    path (plugin routing included); the function returned waits for it.
    Its errors (no or expired credentials, denied, throttled) end the
    command before any probe is sent: the CLI prints them as one line."""
    client = session.create_client(
        "sts",
        region_name=options.profile_region,
        verify=options.verify,
        config=Config(connect_timeout=options.timeout, read_timeout=options.timeout),
    )
    answer: Callable[[], Mapping[str, Any]] = start_in_background(
        client.get_caller_identity
    )
    return answer


def run_account_check(
    caller: CallerAccount,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Report:
    """``aws sts activation-check`` without --organization: the caller's
    account on clients of the session, every call in flight at once up to
    ``--max-concurrency``, each region sampled on its own connection."""
    options = caller.options
    tasks = len(options.regions) + len(FACTS)
    pool = RequestPool(min(options.max_concurrency, tasks), name="regional-sts")
    throttle = Throttle(options.max_concurrency, options.throttle_budget)
    schedule = Schedule(
        pool=pool,
        deadline=backstop_seconds(
            tasks,
            options.max_concurrency,
            options.timeout,
            options.samples,
            options.throttle_budget,
        ),
        throttle=throttle,
        progress=progress,
    )
    try:
        return check_caller_account(
            caller, SessionClients(caller.session, options, throttle), schedule
        )
    finally:
        pool.close()


def check_caller_account(
    caller: CallerAccount, clients: CallerClients, schedule: Schedule
) -> Report:
    """The caller's account's report: probes as ``plan.choose_probe``
    says, facts signed by the caller's own clients."""
    options = caller.options
    _, frozen = caller_credentials(caller.session, caller.redactor)
    identity = caller.ask_identity()
    plan, keys = _plan(caller, frozen)
    # Created before the identity's answer arrives: at start-up these two
    # were the check's largest fixed cost before the probes start.
    probes = clients.probes(plan, keys)
    answer = identity()
    account_id, arn = str(answer["Account"]), str(answer["Arn"])
    caller.on_identity(account_id)
    role_account = _arn_account(plan.method.role_arn)
    warnings: tuple[str, ...] = ()
    if role_account and role_account != account_id:
        warnings = (
            f"the probes ask account {role_account} (the role's), not "
            f"{account_id}: activation is per account",
        )
    # Opt-in regions exist in the aws partition only, and ListRegions
    # answers for the caller's account, which must be the one probed.
    same_account = role_account is None or role_account == account_id
    fact_clients = {
        fact.service: clients.fact_client(fact.service)
        for fact in FACTS
        if asked(fact, options.partition) and (same_account or not fact.opt_in_only)
    }
    target = AccountTarget(
        account_id=account_id,
        plan=plan,
        probes=probes,
        signer=CallerSigner(arn),
        fact_clients=fact_clients,
        same_account=same_account,
        warnings=warnings,
    )
    return AccountCheck(options, target, schedule).run()


def _plan(caller: CallerAccount, frozen: Any) -> tuple[ProbePlan, Any]:
    """The probe plan and the keys its clients sign with."""
    config = _profile_config(caller.session)
    plan = choose_probe(
        frozen.access_key if frozen else None,
        bool(frozen and frozen.token),
        caller.options.role_arn,
        config,
    )
    if plan.credentials != CredentialSource.SOURCE:
        return plan, frozen
    try:
        keys = _source_credentials(caller.session, config)
    except Exception as error:
        reason = f"the profile's source credentials did not load ({error})"
        return identity_only(reason), frozen
    caller.redactor.add(keys.secret_key, keys.token)
    return plan, keys


def _profile_config(session: Any) -> Mapping[str, Any]:
    try:
        config: Mapping[str, Any] = session.get_scoped_config()
    except Exception:
        return {}
    return config


def _source_credentials(session: Any, config: Mapping[str, Any]) -> Any:
    """The credentials the CLI would use to assume the profile's role."""
    source_profile = config.get("source_profile")
    if source_profile:
        credentials = type(session)(profile=source_profile).get_credentials()
    else:
        credentials = _credential_source(str(config.get("credential_source")))
    if credentials is None:
        raise ValueError("no credentials found")
    return credentials.get_frozen_credentials()


def _credential_source(name: str) -> Any:
    from botocore import credentials

    if name == "Environment":
        return credentials.EnvProvider().load()
    if name == "EcsContainer":
        return credentials.ContainerProvider().load()
    if name == "Ec2InstanceMetadata":
        fetcher = credentials.InstanceMetadataFetcher(timeout=2, num_attempts=1)
        return credentials.InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    raise ValueError(f"unsupported credential_source {quote(name)}")


def _arn_account(arn: str | None) -> str | None:
    """The account of a role ARN (a profile's role_arn is not checked
    before: anything else has no account to compare)."""
    try:
        return str(parse_role_arn(arn).account)
    except IdentifierError:
        return None
