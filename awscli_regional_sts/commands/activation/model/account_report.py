"""One account's report from what its check found, however it was found:
each region classified, the account's facts, the recommendation and the
warnings. Pure: ``run/account_check.py`` gathers the findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from awscli_regional_sts.commands.activation.model.account_facts import (
    OPT_IN,
    TOKEN_VERSION,
    fact_values,
)
from awscli_regional_sts.commands.activation.model.classify import (
    Classification,
    classify,
)
from awscli_regional_sts.commands.activation.model.denials import FactDenial
from awscli_regional_sts.commands.activation.model.observation import Observation
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import ProbePlan
from awscli_regional_sts.commands.activation.model.report import (
    AccountFacts,
    RegionResult,
    Report,
    recommend,
    sts_region_warning,
    token_version_warning,
)


@dataclass
class AccountFindings:
    """Everything one account's report is made of, however it was found."""

    #: GetCallerIdentity-shaped: ``Account`` and ``Arn`` of the checked account.
    identity: Mapping[str, str]
    plan: ProbePlan
    #: What each region's probe saw; a region missing here was abandoned.
    observations: Mapping[str, Observation]
    #: Each fact's outcome by key (``account_facts.FACTS``); a fact
    #: missing here was not asked or not answered in time.
    facts: Mapping[str, tuple[Any, BaseException | None]]
    #: Whether the caller's credentials answer for this account.
    same_account: bool = True
    #: Regions decided without a probe (an opt-in region that ListRegions
    #: says is not enabled), with their classification.
    decided: Mapping[str, Classification] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The account's facts that a policy refused (``model/denials.py``).
    denials: tuple[FactDenial, ...] = ()


def region_results(
    findings: AccountFindings,
    options: CheckOptions,
    opt_in: tuple[Mapping[str, str], str | None],
) -> list[RegionResult]:
    """Each region's row, classified."""
    opt_in_statuses, opt_in_reason = opt_in
    results = []
    for region in options.regions:
        observation = findings.observations.get(region) or Observation(abandoned=True)
        verdict = findings.decided.get(region) or classify(
            region,
            options.partition,
            findings.plan.method,
            observation,
            opt_in_statuses.get(region),
            opt_in_reason,
            options.timeout,
        )
        results.append(
            RegionResult(
                region=region,
                endpoint=observation.endpoint,
                status=verdict.status,
                verified=verdict.verified,
                latency_ms=observation.latency_ms,
                detail=verdict.detail,
                samples_ms=tuple(observation.latencies_ms),
            )
        )
    return results


def account_report(findings: AccountFindings, options: CheckOptions) -> Report:
    """Classify each region and assemble the account's report."""
    values = fact_values(findings.facts, options.partition, findings.same_account)
    opt_in_value, opt_in_reason = values[OPT_IN.key]
    opt_in_statuses: dict[str, str] = opt_in_value or {}
    token_version, token_reason = values[TOKEN_VERSION.key]
    results = region_results(findings, options, (opt_in_statuses, opt_in_reason))
    identity = findings.identity
    fastest, recommendation = recommend(
        results, options.profile, (options.sts_region, options.profile_region)
    )
    report = Report(
        facts=AccountFacts(
            account=identity["Account"], arn=identity["Arn"], values=values
        ),
        partition=options.partition,
        probe=findings.plan.description,
        regions=results,
        fastest=fastest,
        recommendation=recommendation,
        warnings=list(findings.warnings),
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
