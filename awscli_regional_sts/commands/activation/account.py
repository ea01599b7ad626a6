"""One account's activation check: every region probed in parallel, plus
the account's facts (token version, opt-in statuses), classified into a
report.

``ActivationCheck`` needs only a botocore session (the CLI's, or boto3's);
``assess_account`` is the part an organization-wide check runs per member
account.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.config import Config

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.runner import run_parallel, start_in_background
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.credentials import (
    caller_credentials,
    client_keys,
)
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.classify import Classification, classify
from awscli_regional_sts.commands.activation.denials import FactDenial, fact_denials
from awscli_regional_sts.commands.activation.facts import (
    has_opt_in_regions,
    opt_in_fact,
    read_opt_in_statuses,
    read_token_version,
    token_version_fact,
)
from awscli_regional_sts.commands.activation.options import CheckOptions
from awscli_regional_sts.commands.activation.plan import (
    CredentialSource,
    ProbePlan,
    choose_probe,
    identity_only,
)
from awscli_regional_sts.commands.activation.probe import (
    Observation,
    ProbeMethod,
    RegionLatencies,
    answered,
    probe_region,
)
from awscli_regional_sts.commands.activation.report import (
    AccountFacts,
    RegionResult,
    Report,
    recommend,
    sts_region_warning,
    token_version_warning,
)
from awscli_regional_sts.plugin.endpoints import aim_client, client_region, probe_config


def backstop_seconds(
    task_count: int, max_workers: int, timeout: float, samples: int
) -> float:
    """How long to wait for all probes before giving up on the stragglers.

    Each request is already bounded by ``timeout`` (connect and read), and a
    region that does not answer costs one request; this only catches a
    server that trickles bytes slowly enough to dodge the read timeout.
    """
    waves = math.ceil(task_count / max(1, max_workers))
    return waves * timeout * (samples + 1) + 5.0


@dataclass
class AccountInputs:
    """What one account's check runs with, whoever built it: the
    single-account command (the caller's own account) or the organization
    check (a member account reached through its member role)."""

    #: GetCallerIdentity-shaped: ``Account`` and ``Arn`` of the checked account.
    identity: Mapping[str, str]
    plan: ProbePlan
    #: One task per region (``options.regions``): the region's probe.
    probes: Mapping[str, Callable[[], Observation]]
    #: IAM client signed as the checked account (GetAccountSummary).
    iam: Any
    #: Account Management client signed as the checked account, or None when
    #: ListRegions must not be asked (it would answer for another account).
    account: Any = None
    warnings: list[str] = field(default_factory=list)


def assess_account(
    inputs: AccountInputs,
    options: CheckOptions,
    progress: Callable[[int, int], None] = lambda done, total: None,
    *,
    gate: AbstractContextManager[Any] | None = None,
    deadline: float | None = None,
) -> Report:
    """Probe every region of one account in parallel, fetch the account's
    facts, and classify: the per-account check, as plain data.

    ``gate`` (e.g. a semaphore shared by several accounts' checks) is held
    around each task, so that concurrency stays bounded across accounts;
    ``deadline`` then replaces the backstop, which must allow for the wait.
    """
    tasks: dict[str, Callable[[], Any]] = dict(inputs.probes)
    iam = inputs.iam
    tasks["@token-version"] = lambda: read_token_version(iam)
    account = inputs.account
    if account is not None:
        tasks["@opt-in"] = lambda: read_opt_in_statuses(account)
    if gate is not None:
        tasks = {name: _gated(task, gate) for name, task in tasks.items()}

    outcomes = run_parallel(
        tasks,
        options.max_concurrency,
        deadline
        if deadline is not None
        else backstop_seconds(
            len(tasks), options.max_concurrency, options.timeout, options.samples
        ),
        progress,
    )
    opt_in_statuses, opt_in_reason = opt_in_fact(
        outcomes.get("@opt-in"), options.partition, account is not None
    )
    return account_report(
        AccountFindings(
            inputs.identity,
            inputs.plan,
            {region: _observation(outcomes.get(region)) for region in options.regions},
            token_version_fact(outcomes.get("@token-version")),
            (opt_in_statuses, opt_in_reason),
            warnings=inputs.warnings,
            denials=fact_denials(outcomes),
        ),
        options,
    )


@dataclass
class AccountFindings:
    """Everything one account's report is made of, however it was found."""

    #: GetCallerIdentity-shaped: ``Account`` and ``Arn`` of the checked account.
    identity: Mapping[str, str]
    plan: ProbePlan
    #: What each region's probe saw; a region missing here was abandoned.
    observations: Mapping[str, Observation]
    #: The token version, or None and why.
    token_version: tuple[int | None, str | None]
    #: Every region's opt-in status (empty when unknown), and why unknown.
    opt_in: tuple[dict[str, str], str | None]
    #: Regions decided without a probe (an opt-in region that ListRegions
    #: says is not enabled), with their classification.
    decided: Mapping[str, Classification] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The account's facts that a policy refused (denials.py).
    denials: tuple[FactDenial, ...] = ()


def account_report(findings: AccountFindings, options: CheckOptions) -> Report:
    """Classify each region and assemble the account's report."""
    opt_in_statuses, opt_in_reason = findings.opt_in
    token_version, token_reason = findings.token_version
    plan = findings.plan
    results = []
    for region in options.regions:
        observation = findings.observations.get(region) or Observation(abandoned=True)
        verdict = findings.decided.get(region) or classify(
            region,
            options.partition,
            plan.method,
            observation,
            opt_in_statuses.get(region),
            opt_in_reason,
            options.timeout,
        )
        results.append(
            RegionResult(
                region,
                observation.endpoint,
                verdict.status,
                verdict.verified,
                observation.latency_ms,
                verdict.detail,
                tuple(observation.latencies_ms),
            )
        )

    identity = findings.identity
    facts = AccountFacts(
        identity["Account"], identity["Arn"], token_version, token_reason
    )
    fastest, recommendation = recommend(
        results, options.profile, (options.sts_region, options.profile_region)
    )
    report = Report(
        facts,
        options.partition,
        plan.description,
        results,
        fastest,
        recommendation,
        list(findings.warnings),
        denials=findings.denials,
    )
    for warning in (
        sts_region_warning(results, options.sts_region, options.sts_region_source),
        token_version_warning(
            token_version, options.partition, results, opt_in_statuses
        ),
    ):
        if warning:
            report.warnings.append(warning)
    return report


def _gated(
    task: Callable[[], Any], gate: AbstractContextManager[Any]
) -> Callable[[], Any]:
    def run() -> Any:
        with gate:
            return task()

    return run


@dataclass(frozen=True)
class LentClients:
    """What an organization check lends the check of the caller's own
    account, so that this account costs no more requests than a member
    and no client copied from the CLI's session: the caller's identity it
    already asked, a factory of clients signed as the caller without the
    CLI's handlers (``accounts/clients.py``), its probe clients, and its
    per-region latencies (measured once per run, as for every member)."""

    #: GetCallerIdentity-shaped: the caller's ``Account`` and ``Arn``.
    caller_identity: Mapping[str, str]
    #: (service, region, config) -> client signed as the caller.
    create: Callable[[str, str, Any], Any]
    #: Per region: the organization's probe client, signed as the caller
    #: and aimed at the region, and the URL it requested.
    probes: Mapping[str, tuple[Any, Callable[[], str | None]]]
    latencies: RegionLatencies
    #: Seconds a probe may wait for its region's latency samples.
    wait: float


class ActivationCheck:
    """Runs the check against a botocore session (the CLI's, or boto3's)."""

    def __init__(
        self,
        session: Any,
        options: CheckOptions,
        progress: Callable[[int, int], None] = lambda done, total: None,
        redactor: CredentialRedactor | None = None,
        on_identity: Callable[[str], None] = lambda account: None,
        lent: LentClients | None = None,
    ) -> None:
        self._session = session
        self._lent = lent
        self._options = options
        self._progress = progress
        self._redactor = redactor or CredentialRedactor()
        #: Called with the caller's account id before any probe; may raise
        #: to end the check (--baseline of another account).
        self._on_identity = on_identity

    def run(self) -> Report:
        options = self._options
        credentials, frozen = caller_credentials(self._session, self._redactor)
        # The caller's GetCallerIdentity is in flight while the probe
        # clients are created (CPU work, in this thread): at start-up these
        # two were the check's largest fixed cost before the probes start.
        # Its errors (no or expired credentials, denied) still end the
        # command before any probe is sent. An organization check has asked
        # it already.
        identity_answer: Callable[[], Mapping[str, Any]]
        if self._lent is not None:
            identity_answer = functools.partial(dict, self._lent.caller_identity)
        else:
            identity_answer = start_in_background(
                self._identity_client().get_caller_identity
            )
        plan = choose_probe(
            frozen.access_key if frozen else None,
            bool(frozen and frozen.token),
            options.role_arn,
            self._profile_config(),
        )
        warnings: list[str] = []
        probe_keys: Any = frozen
        if plan.credentials == CredentialSource.SOURCE:
            try:
                probe_keys = self._source_credentials()
                self._redactor.add(probe_keys.secret_key, probe_keys.token)
            except Exception as error:
                reason = f"the profile's source credentials did not load ({error})"
                plan = identity_only(reason)
                probe_keys = frozen
        # Clients are created here, in the calling thread: botocore does not
        # promise that creating clients is thread-safe; using one client per
        # thread is.
        as_caller = plan.credentials == CredentialSource.CALLER
        lent = self._lent.probes if self._lent is not None and as_caller else {}
        clients = {
            region: lent[region][0]
            if region in lent
            else self._create_client(
                "sts", client_region(region), probe_keys, as_caller
            )
            for region in options.regions
        }
        answer: Mapping[str, Any] = identity_answer()
        identity = {"Account": answer["Account"], "Arn": answer["Arn"]}
        self._on_identity(str(identity["Account"]))
        role_account = _arn_account(plan.method.role_arn)
        if role_account and role_account != identity["Account"]:
            warnings.append(
                f"the probes ask account {role_account} (the role's), not "
                f"{identity['Account']}: activation is per account"
            )

        probes: dict[str, Callable[[], Observation]] = {}
        for region, client in clients.items():
            if region not in lent:
                endpoint = aim_client(client, region, options.router_handlers)
                probes[region] = _bind_probe(
                    client, plan.method, options.samples, endpoint
                )
            elif self._lent is not None and plan.method.verifies:
                probes[region] = _bind_shared_probe(
                    client, plan.method, region, lent[region][1], self._lent
                )
            else:  # GetCallerIdentity-only: its first sample is the probe
                probes[region] = _bind_probe(
                    client, plan.method, options.samples, lent[region][1]
                )
        iam = self._create_client(
            "iam", options.profile_region or "us-east-1", as_caller=True
        )
        # Opt-in regions exist in the aws partition only, and ListRegions
        # answers for the caller's account, which must be the one probed.
        same_account = role_account is None or role_account == identity["Account"]
        account = None
        if has_opt_in_regions(options.partition) and same_account:
            account = self._create_client(
                "account", options.profile_region or "us-east-1", as_caller=True
            )
        return assess_account(
            AccountInputs(identity, plan, probes, iam, account, warnings),
            options,
            self._progress,
        )

    # -- helpers that talk to botocore --

    def _identity_client(self) -> Any:
        """The client for the caller's GetCallerIdentity, through the CLI's
        own path (plugin routing included). That call's errors (no or
        expired credentials, denied, throttled) end the command: the CLI
        prints them as one line."""
        return self._session.create_client(
            "sts",
            region_name=self._options.profile_region,
            verify=self._options.verify,
            config=Config(
                connect_timeout=self._options.timeout,
                read_timeout=self._options.timeout,
            ),
        )

    def _create_client(
        self,
        service: str,
        region: str,
        credentials: Any = None,
        as_caller: bool = False,
    ) -> Any:
        if self._lent is not None and as_caller:
            return self._lent.create(
                service, region, probe_config(self._options.timeout)
            )
        keys = client_keys(credentials) if credentials is not None else {}
        return self._session.create_client(
            service,
            region_name=region,
            verify=self._options.verify,
            config=probe_config(self._options.timeout),
            **keys,
        )

    def _profile_config(self) -> Mapping[str, Any]:
        try:
            config: Mapping[str, Any] = self._session.get_scoped_config()
        except Exception:
            return {}
        return config

    def _source_credentials(self) -> Any:
        """The credentials the CLI would use to assume the profile's role."""
        config = self._profile_config()
        source_profile = config.get("source_profile")
        if source_profile:
            source = type(self._session)(profile=source_profile)
            credentials = source.get_credentials()
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


def _bind_probe(
    client: Any, method: ProbeMethod, samples: int, endpoint: Callable[[], Any]
) -> Callable[[], Observation]:
    return lambda: probe_region(client, method, samples, endpoint)


def _bind_shared_probe(
    client: Any,
    method: ProbeMethod,
    region: str,
    endpoint: Callable[[], Any],
    lent: LentClients,
) -> Callable[[], Observation]:
    """The probe of a region on the organization's client, whose latency is
    the organization's figure for the region (sampled once per run)."""

    def probe() -> Observation:
        observation, _ = lent.latencies.probe(region, client, method, endpoint)
        if answered(observation):
            observation.latencies_ms = lent.latencies.of(region, lent.wait)
        return observation

    return probe


def _observation(
    outcome: tuple[Any, BaseException | None] | None,
) -> Observation:
    if outcome is None:
        return Observation(abandoned=True)
    value, error = outcome
    if error is not None:
        return Observation(probe_error=CallError.from_exception(error))
    assert isinstance(value, Observation)  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    return value


_ARN_ACCOUNT = re.compile(r"^arn:[^:]+:iam::(\d{12}):")


def _arn_account(arn: str | None) -> str | None:
    match = _ARN_ACCOUNT.match(arn or "")
    return match.group(1) if match else None
