"""The arithmetic of benchmarks/organization_workflow.py, apart from any
simulator or process so that tests/unit/test_workflow_figures.py checks it:
its options, the least-squares slope, the floor a throttle sets, and the
counting of `unknown` answers in the product's and the peer's output.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional

#: The 17 commercial regions AWS enables by default in every account (no
#: opt-in): the regions an organization's accounts all have, so the
#: benchmark's default. ``--regions N`` takes the first N.
DEFAULT_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "sa-east-1",
)


def account_sizes(text: str) -> tuple[int, ...]:
    """``1000,2500,5000`` -> (1000, 2500, 5000): sorted, no repeats, each
    at least 2 (the management account and one member)."""
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of account counts, e.g. 1000,2500"
        ) from None
    if not sizes or sizes[0] < 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give account counts of at least 2, e.g. 1000,2500"
        )
    return tuple(sizes)


def region_choice(text: str) -> tuple[str, ...]:
    """``4`` -> the first 4 of DEFAULT_REGIONS; ``us-east-1,eu-west-1`` ->
    those (each one of DEFAULT_REGIONS, so every account has it enabled)."""
    if text.isdigit():
        count = int(text)
        if not 1 <= count <= len(DEFAULT_REGIONS):
            raise argparse.ArgumentTypeError(
                f"--regions {text}: give 1 to {len(DEFAULT_REGIONS)} regions"
            )
        return DEFAULT_REGIONS[:count]
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",")))
    unknown = [name for name in names if name not in DEFAULT_REGIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"--regions {text}: {', '.join(unknown) or 'nothing'} is not one of the "
            f"default-enabled regions ({', '.join(DEFAULT_REGIONS)}); or give a count"
        )
    return names


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number above 0")
    return value


@dataclass(frozen=True)
class Fit:
    """y = intercept + slope * x, fitted by least squares."""

    slope: float
    intercept: float


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    """The least-squares line through (xs, ys); at least two distinct xs."""
    if len(xs) != len(ys):
        raise ValueError("as many xs as ys")
    if len(set(xs)) < 2:
        raise ValueError("a slope needs at least two distinct sizes")
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return Fit(slope=slope, intercept=mean_y - slope * mean_x)


@dataclass(frozen=True)
class Answered:
    """One request as the simulator logged it: what its rate limit keys on
    (testing/simulator/throttle.py: service, calling account, region, API)."""

    service: str
    caller: str | None
    region: str | None
    api: str
    throttled: bool


#: Answered requests per token bucket: (calling account, region, API).
Loads = Counter[tuple[Optional[str], Optional[str], str]]


def bucket_loads(requests: Iterable[Answered], service: str = "sts") -> Loads:
    """Answered (not throttled) requests of ``service`` per token bucket
    (calling account, region, API): the work a run needs from each bucket."""
    return Counter(
        (r.caller, r.region, r.api)
        for r in requests
        if r.service == service and not r.throttled
    )


def floor_seconds(loads: Loads, rate: float, burst: int) -> float:
    """The least time a run can take when each bucket holds ``burst``
    tokens and refills at ``rate`` a second: its busiest bucket's
    (requests - burst) / rate. Buckets refill side by side, so the floor is
    the maximum, not the sum."""
    return max((max(0, n - burst) / rate for n in loads.values()), default=0.0)


def per_region(loads: Loads) -> dict[str, int]:
    """The busiest bucket's requests in each region (what the floor reads)."""
    busiest: dict[str, int] = {}
    for (_, region, _), count in loads.items():
        key = region or "?"
        busiest[key] = max(busiest.get(key, 0), count)
    return busiest


def product_unknowns(document: dict[str, object]) -> tuple[int, int]:
    """(region rows whose Status is unknown, accounts with at least one) in
    an `activation-check --output json` document (a shard's or --merge's)."""
    rows = accounts = 0
    for account in document.get("Accounts") or []:  # type: ignore[attr-defined]
        found = sum(
            1
            for region in account.get("Regions") or []
            if region.get("Status") == "unknown"
        )
        rows += found
        accounts += found > 0
    return rows, accounts


def peer_unknowns(stdout: str) -> tuple[int, int, int]:
    """(region answers, facts, accounts) that are ``unknown: ...`` in the
    boto3 peer's JSON lines (benchmarks/peers/same_findings.py)."""
    rows = facts = accounts = 0
    for line in stdout.splitlines():
        if not line.strip():
            continue
        account = json.loads(line)
        found = sum(
            1 for status in account["Regions"].values() if status.startswith("unknown")
        )
        version = account.get("TokenVersion")
        fact = isinstance(version, str) and version.startswith("unknown")
        rows += found
        facts += fact
        accounts += bool(found or fact)
    return rows, facts, accounts
