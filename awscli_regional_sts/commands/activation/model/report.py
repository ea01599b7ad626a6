"""The activation report: per region and per account, as plain data in the
CLI's PascalCase output shape, with the recommendation and the warnings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from awscli_regional_sts.aws.partitions import GLOBAL, is_opt_in_region
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model.account_facts import (
    DETAIL,
    FACTS,
    OPT_IN_ENABLED,
)
from awscli_regional_sts.commands.activation.model.denials import FactDenial


@dataclass(frozen=True)
class RegionResult:
    region: str
    endpoint: str | None
    status: RegionStatus
    verified: bool
    latency_ms: float | None
    detail: str
    #: Every latency sample (ms) behind ``latency_ms`` (their median), for
    #: telling a real difference from noise; not in the output.
    samples_ms: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "Region": self.region,
            "Endpoint": self.endpoint,
            "Status": str(self.status),
            "Verified": self.verified,
            "LatencyMs": self.latency_ms,
            "Detail": self.detail,
        }


@dataclass(frozen=True)
class AccountFacts:
    account: str
    arn: str
    #: Each fact's value, or None and why (``account_facts.fact_values``),
    #: by ``AccountFact.key``.
    values: Mapping[str, tuple[Any, str | None]] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The report's fields of the facts that have one, in FACTS' order:
        the value, and ``...Detail`` saying why it is null."""
        out: dict[str, Any] = {}
        for fact in FACTS:
            if fact.field is None:
                continue
            value, reason = self.values.get(fact.key, (None, None))
            out[fact.field] = value
            if reason:
                out[fact.field + DETAIL] = reason
        return out


@dataclass(frozen=True)
class Recommendation:
    region: str
    latency_ms: float
    global_latency_ms: float | None
    command: str
    #: The other regions whose latency cannot be told apart from the
    #: fastest one's (``within_noise``), fastest first; the chosen region
    #: is among those or is the fastest.
    tied_with: tuple[str, ...] = ()
    #: Why this region, in one sentence (always says when it is a tie).
    reason: str = ""

    @property
    def times_faster(self) -> float | None:
        if not self.global_latency_ms or self.latency_ms <= 0:
            return None
        return round(self.global_latency_ms / self.latency_ms, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "Region": self.region,
            "LatencyMs": self.latency_ms,
            "GlobalLatencyMs": self.global_latency_ms,
            "TimesFasterThanGlobal": self.times_faster,
            "Tie": bool(self.tied_with),
            "TiedWith": list(self.tied_with),
            "Reason": self.reason,
            "Command": self.command,
        }


@dataclass(frozen=True)
class Verdict:
    """``--require-active``'s answer: regions not active, and regions whose
    activation the probe could not tell (session credentials without
    ``--role-arn``): a different failure, with its own exit status."""

    failing: list[str]
    undetermined: list[str]


@dataclass
class Report:
    facts: AccountFacts
    partition: str
    probe: str
    regions: list[RegionResult]
    fastest: str | None = None
    recommendation: Recommendation | None = None
    warnings: list[str] = field(default_factory=list)
    #: The account's facts that a policy refused (``model/denials.py``).
    denials: tuple[FactDenial, ...] = ()

    def status_of(self, region: str) -> RegionStatus | None:
        for result in self.regions:
            if result.region == region:
                return result.status
        return None

    def verdict(self, regions: Sequence[str]) -> Verdict:
        """What ``--require-active`` decides about ``regions``: those not
        active, and those whose activation cannot be told (``unknown``),
        each as "region (status)"."""
        failing: list[str] = []
        undetermined: list[str] = []
        for region in regions:
            status = self.status_of(region)
            if status == RegionStatus.ACTIVE:
                continue
            if status == RegionStatus.UNKNOWN:
                undetermined.append(f"{region} ({status})")
            else:
                failing.append(f"{region} ({status or 'not checked'})")
        return Verdict(failing, undetermined)

    def to_dict(self) -> dict[str, Any]:
        """The command's output, in the CLI's PascalCase style."""
        out: dict[str, Any] = {
            "Account": self.facts.account,
            "Arn": self.facts.arn,
            "Partition": self.partition,
            **self.facts.fields(),
        }
        out["Probe"] = self.probe
        out["Fastest"] = self.fastest
        out["Recommendation"] = (
            self.recommendation.to_dict() if self.recommendation else None
        )
        out["Regions"] = [result.to_dict() for result in self.regions]
        out["Warnings"] = list(self.warnings)
        return out


#: Below this many milliseconds apart, two single samples say nothing about
#: which region is faster: the jitter of one round trip on a quiet network
#: is of that order.
NOISE_FLOOR_MS = 2.0
#: ... nor below this fraction of the faster one (jitter grows with the
#: distance and with a loaded machine).
NOISE_FRACTION = 0.2


def within_noise(faster: RegionResult, slower: RegionResult) -> bool:
    """Whether the measurement cannot tell ``slower`` from ``faster`` (by
    median latency, ``faster`` first).

    With two samples or more in each region: when their sample ranges
    overlap (the faster region's slowest sample is at least the slower
    region's fastest), some single round trip of the slower region beat
    one of the faster's, so the medians' order may be luck. When either
    region has one sample there is no range: the difference must then be
    more than max(NOISE_FLOOR_MS, NOISE_FRACTION of the faster median).
    """
    if faster.latency_ms is None or slower.latency_ms is None:
        return False
    if len(faster.samples_ms) >= 2 and len(slower.samples_ms) >= 2:
        return max(faster.samples_ms) >= min(slower.samples_ms)
    floor = max(NOISE_FLOOR_MS, NOISE_FRACTION * faster.latency_ms)
    return slower.latency_ms - faster.latency_ms <= floor


def recommend(
    results: Sequence[RegionResult],
    profile: str,
    preferred: Sequence[str | None] = (),
) -> tuple[str | None, Recommendation | None]:
    """The fastest active region (the global row aside) and the region to
    recommend, with how to use it.

    The recommendation is the fastest region, unless other regions cannot
    be told apart from it (``within_noise``): then the first of
    ``preferred`` (the profile's ``sts_region``, then its ``region``) that
    is among those tied wins, and the reason says it is a tie.
    """
    candidates = sorted(
        (
            r
            for r in results
            if r.status == RegionStatus.ACTIVE
            and r.region != GLOBAL
            and r.latency_ms is not None
        ),
        key=lambda r: (r.latency_ms, r.region),
    )
    if not candidates:
        return None, None
    fastest = candidates[0]
    tied = [fastest] + [r for r in candidates[1:] if within_noise(fastest, r)]
    chosen = next(
        (r for name in preferred if name for r in tied if r.region == name),
        fastest,
    )
    assert chosen.latency_ms is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    global_ms = next(
        (
            r.latency_ms
            for r in results
            if r.region == GLOBAL and r.status == RegionStatus.ACTIVE
        ),
        None,
    )
    others = tuple(r.region for r in tied if r is not chosen)
    command = f"aws configure set sts_region {chosen.region} --profile {profile}"
    return fastest.region, Recommendation(
        region=chosen.region,
        latency_ms=chosen.latency_ms,
        global_latency_ms=global_ms,
        command=command,
        tied_with=others,
        reason=_reason(chosen, tied, preferred),
    )


def _reason(
    chosen: RegionResult,
    tied: Sequence[RegionResult],
    preferred: Sequence[str | None],
) -> str:
    if len(tied) == 1:
        return "the fastest active region"
    timings = ", ".join(f"{r.region} {r.latency_ms:g} ms ({_samples(r)})" for r in tied)
    why = (
        "the profile's own region among them"
        if chosen.region in preferred
        else "the fastest of them"
    )
    return (
        f"a tie: {timings} cannot be told apart by this measurement; "
        f"{chosen.region} is {why}"
    )


def _samples(result: RegionResult) -> str:
    count = len(result.samples_ms) or 1
    return f"{count} sample{'s' if count != 1 else ''}"


def sts_region_warning(
    results: Sequence[RegionResult], sts_region: str | None, source: str
) -> str | None:
    """A warning when the profile's STS region is not active; ``source``
    names where the value came from (``StsSettings.source``: the profile
    key or the environment variable)."""
    if not sts_region:
        return None
    for result in results:
        if result.region == sts_region and result.status != RegionStatus.ACTIVE:
            consequence = (
                "whether its STS calls will work cannot be told"
                if result.status == RegionStatus.UNKNOWN
                else "STS calls of this profile may fail"
            )
            return (
                f"STS region {sts_region} ({source}) is {result.status}: "
                f"{consequence} ({result.detail})"
            )
    return None


def token_version_warning(
    token_version: int | None,
    partition: str,
    results: Sequence[RegionResult],
    opt_in_statuses: Mapping[str, str],
) -> str | None:
    """Warn when the global endpoint's v1 tokens meet enabled opt-in regions."""
    if token_version != 1:
        return None
    enabled = {
        region
        for region, status in opt_in_statuses.items()
        if status in OPT_IN_ENABLED and is_opt_in_region(partition, region)
    }
    enabled.update(
        r.region
        for r in results
        if r.status == RegionStatus.ACTIVE and is_opt_in_region(partition, r.region)
    )
    if not enabled:
        return None
    names = sorted(enabled)
    shown = ", ".join(names[:4]) + (
        f" and {len(names) - 4} more" if len(names) > 4 else ""
    )
    return (
        "the global endpoint issues v1 session tokens, which are not valid in "
        f"the enabled opt-in regions ({shown}): use a "
        "regional endpoint (sts_region) or run 'aws iam "
        "set-security-token-service-preferences --global-endpoint-token-version "
        "v2Token'"
    )
