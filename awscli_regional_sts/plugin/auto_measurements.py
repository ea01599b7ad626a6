"""The measurements behind ``sts_region = auto``, kept on disk per account
and partition.

One small JSON file per (partition, account) under the AWS CLI's usual
cache directory, ``~/.aws/cli/cache/regional-sts/aws-111122223333.json``,
holding per region: status, whether a credential-issuing call verified it,
and latency; when and how it was measured; and the profiles that use it (so
that a profile without ``role_arn`` finds its account without a request).
Nothing secret is written: no keys, no tokens, no ARNs of callers.

Files are read and written through ``files.py`` (regular files only, size
capped, owner-only, replaced atomically), so two ``aws`` processes at once
leave one complete file, never a mix. Readers treat anything unexpected
(missing, truncated, not JSON, wrong shape, a region name botocore does not
know) as no cache.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from awscli_regional_sts.aws.files import (
    FileMissing,
    FileProblem,
    read_own_json,
    write_json,
)
from awscli_regional_sts.aws.identifiers import is_account_id, is_partition_name
from awscli_regional_sts.aws.partitions import Partitions, default_partitions
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.aws.untrusted import quote

#: Bump when the file's shape changes; other versions count as no cache.
FORMAT_VERSION = 1
#: How long measurements are used before ``auto`` measures again.
TTL_SECONDS = 24 * 3600
#: Statuses ``auto`` may pick: active, or, for a latency-only measurement
#: (which says nothing about activation), reachable.
USABLE_STATUSES = frozenset({RegionStatus.ACTIVE, RegionStatus.REACHABLE})


class CacheProblem(Exception):
    """The cache cannot be used; the message says why, for --debug."""


@dataclass(frozen=True)
class RegionMeasurement:
    region: str
    status: RegionStatus
    verified: bool
    latency_ms: float | None


@dataclass(frozen=True)
class Measurements:
    """What one measurement found for one account in one partition."""

    partition: str
    account: str
    measured_at: float  # seconds since the epoch
    #: Verified where it could (activation-check) or latency only.
    method: MeasurementMethod
    regions: tuple[RegionMeasurement, ...]
    profiles: tuple[str, ...] = field(default=())

    def is_fresh(self, now: float | None = None, ttl: float = TTL_SECONDS) -> bool:
        age = (time.time() if now is None else now) - self.measured_at
        return 0 <= age < ttl

    def fastest(self) -> RegionMeasurement | None:
        """The fastest region that is active (or, for a latency-only
        measurement, reachable)."""
        usable = [
            r
            for r in self.regions
            if r.status in USABLE_STATUSES and r.latency_ms is not None
        ]
        return min(usable, key=lambda r: (r.latency_ms, r.region), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "Version": FORMAT_VERSION,
            "Partition": self.partition,
            "Account": self.account,
            "MeasuredAt": self.measured_at,
            "Method": self.method,
            "Profiles": list(self.profiles),
            "Regions": [
                {
                    "Region": r.region,
                    "Status": r.status,
                    "Verified": r.verified,
                    "LatencyMs": r.latency_ms,
                }
                for r in self.regions
            ],
        }


def cache_directory() -> Path:
    """``~/.aws/cli/cache/regional-sts``, next to the CLI's own caches."""
    return Path(os.path.expanduser("~")) / ".aws" / "cli" / "cache" / "regional-sts"


def cache_file(directory: Path, partition: str, account: str) -> Path:
    """The file of one (partition, account); both are checked, since they
    become a file name."""
    if not is_partition_name(partition) or not is_account_id(account):
        raise CacheProblem(f"no cache file for {partition!r}/{account!r}")
    return directory / f"{partition}-{account}.json"


def load(path: Path, partitions: Partitions) -> Measurements:
    """Read and check one cache file; raise CacheProblem if unusable."""
    try:
        data = read_own_json(path)
    except FileMissing as problem:
        raise CacheProblem(str(problem)) from None
    except FileProblem as problem:
        raise CacheProblem(f"ignoring unusable cache file: {problem}") from None
    try:
        return parse(data, partitions)
    except ValueError as error:
        raise CacheProblem(f"ignoring unusable cache file {path}: {error}") from None


def parse(data: Any, partitions: Partitions) -> Measurements:
    """Build Measurements from parsed JSON, checking every field's type and
    range first: anything unexpected raises ValueError (never TypeError,
    OverflowError or a recursion error), which callers take for "no cache".
    """
    fields = _fields(data, "the file", _REQUIRED, _OPTIONAL)
    version = fields["Version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError("not a cache file of this version")
    partition = _text(fields["Partition"], "Partition", is_partition_name)
    account = _text(fields["Account"], "Account", is_account_id)
    known = partitions.by_name(partition)
    if known is None:
        raise ValueError(f"unknown partition {partition!r}")
    measured_at = _number(fields["MeasuredAt"], "MeasuredAt", MAX_EPOCH)
    method = _member(MeasurementMethod, fields["Method"], "Method")
    entries = fields["Regions"]
    if not isinstance(entries, list) or len(entries) > MAX_REGIONS:
        raise ValueError(f"Regions is not a list of at most {MAX_REGIONS} entries")
    regions = []
    for entry in entries:
        values = _fields(entry, "a Regions entry", _REGION_REQUIRED, _REGION_OPTIONAL)
        region = values["Region"]
        # Never a host name from unchecked text: only regions botocore lists.
        if not isinstance(region, str) or region not in known.sts_regions:
            raise ValueError(f"{quote(region)} is not an STS region of {partition}")
        latency = values.get("LatencyMs")
        verified = values.get("Verified", False)
        if not isinstance(verified, bool):
            raise ValueError("Verified is not true or false")
        regions.append(
            RegionMeasurement(
                region,
                _member(RegionStatus, values["Status"], "Status"),
                verified,
                None
                if latency is None
                else _number(latency, "LatencyMs", MAX_LATENCY_MS),
            )
        )
    profiles = fields.get("Profiles", [])
    if (
        not isinstance(profiles, list)
        or len(profiles) > MAX_PROFILES
        or not all(isinstance(p, str) and 0 < len(p) <= 256 for p in profiles)
    ):
        raise ValueError(f"Profiles is not a list of at most {MAX_PROFILES} names")
    return Measurements(
        partition, account, measured_at, method, tuple(regions), tuple(profiles)
    )


#: Bounds of what a cache file may hold; beyond them it is not one of ours.
MAX_REGIONS = 200
MAX_PROFILES = 1000
MAX_LATENCY_MS = 600_000.0
#: 2100-01-01: a later "measured at" is no clock this file came from.
MAX_EPOCH = 4_102_444_800.0

_REQUIRED = frozenset(
    {"Version", "Partition", "Account", "MeasuredAt", "Method", "Regions"}
)
_OPTIONAL = frozenset({"Profiles"})
_REGION_REQUIRED = frozenset({"Region", "Status"})
_REGION_OPTIONAL = frozenset({"Verified", "LatencyMs"})


def _fields(
    data: Any, what: str, required: frozenset[str], optional: frozenset[str]
) -> dict[str, Any]:
    """``data`` if it is an object with every required key and no unknown
    one (an unknown key means another version or another writer)."""
    if not isinstance(data, dict):
        raise ValueError(f"{what} is not an object")
    missing = required - data.keys()
    if missing:
        raise ValueError(f"{what} has no {', '.join(sorted(missing))}")
    unknown = data.keys() - required - optional
    if unknown:
        raise ValueError(f"{what} has unknown keys")
    return data


def _text(value: Any, name: str, valid: Callable[[object], bool]) -> str:
    if not isinstance(value, str) or not valid(value):
        raise ValueError(f"{name} is not valid")
    return value


def _number(value: Any, name: str, maximum: float) -> float:
    """A finite number from 0 to ``maximum``; bool is not a number here, and
    a huge integer is compared before it is converted (no OverflowError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} is not a number")
    if not (0 <= value <= maximum):  # False for NaN; exact for any int
        raise ValueError(f"{name} is out of range")
    return float(value)


def _member(enum: Any, value: Any, name: str) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"{name} is not a word")
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"{name} {quote(value)} is unknown") from None


def save(directory: Path, measurements: Measurements) -> Path:
    """Write atomically; keep the profiles an earlier file listed. Raises
    OSError (e.g. a read-only home): callers note it and go on."""
    path = cache_file(directory, measurements.partition, measurements.account)
    data = measurements.to_json()
    # Profiles of an earlier file are kept only if that file is a good one:
    # a corrupt file is simply replaced.
    try:
        kept = list(load(path, default_partitions()).profiles)
    except CacheProblem:
        kept = []
    data["Profiles"] = sorted(set(kept) | set(measurements.profiles))
    write_json(path, data)
    return path


def find_for_profile(
    directory: Path, partition: str, profile: str, partitions: Partitions
) -> tuple[Measurements | None, list[str]]:
    """The freshest file of ``partition`` that lists ``profile``, and notes
    on the files that could not be used (for --debug)."""
    notes: list[str] = []
    best: Measurements | None = None
    try:
        candidates = sorted(directory.glob(f"{partition}-*.json"))
    except OSError as error:
        return None, [f"cannot list {directory}: {error}"]
    for path in candidates:
        try:
            found = load(path, partitions)
        except CacheProblem as problem:
            notes.append(str(problem))
            continue
        if found.partition != partition or profile not in found.profiles:
            continue
        if best is None or found.measured_at > best.measured_at:
            best = found
    return best, notes
