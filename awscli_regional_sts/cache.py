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
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from awscli_regional_sts.files import FileProblem, read_json, write_json
from awscli_regional_sts.partitions import Partitions
from awscli_regional_sts.status import MeasurementMethod, RegionStatus

#: Bump when the file's shape changes; other versions count as no cache.
FORMAT_VERSION = 1
#: How long measurements are used before ``auto`` measures again.
TTL_SECONDS = 24 * 3600
#: Statuses ``auto`` may pick: active, or, for a latency-only measurement
#: (which says nothing about activation), reachable.
USABLE_STATUSES = frozenset({RegionStatus.ACTIVE, RegionStatus.REACHABLE})

_ACCOUNT = re.compile(r"\d{12}")
_PARTITION = re.compile(r"[a-z][a-z0-9-]{1,30}")


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
    if not _PARTITION.fullmatch(partition) or not _ACCOUNT.fullmatch(account):
        raise CacheProblem(f"no cache file for {partition!r}/{account!r}")
    return directory / f"{partition}-{account}.json"


def load(path: Path, partitions: Partitions) -> Measurements:
    """Read and check one cache file; raise CacheProblem if unusable."""
    try:
        data = read_json(path)
    except FileProblem as problem:
        raise CacheProblem(str(problem)) from None
    try:
        return parse(data, partitions)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise CacheProblem(f"ignoring unusable cache file {path}: {error}") from None


def parse(data: Any, partitions: Partitions) -> Measurements:
    """Build Measurements from parsed JSON, checking every field."""
    if not isinstance(data, dict) or data.get("Version") != FORMAT_VERSION:
        raise ValueError("not a cache file of this version")
    partition = str(data["Partition"])
    account = str(data["Account"])
    if not _PARTITION.fullmatch(partition) or not _ACCOUNT.fullmatch(account):
        raise ValueError("bad partition or account")
    known = partitions.by_name(partition)
    if known is None:
        raise ValueError(f"unknown partition {partition!r}")
    measured_at = float(data["MeasuredAt"])
    regions = []
    for entry in data["Regions"]:
        region = str(entry["Region"])
        # Never a host name from unchecked text: only regions botocore lists.
        if region not in known.sts_regions:
            raise ValueError(f"{region!r} is not an STS region of {partition}")
        latency = entry.get("LatencyMs")
        regions.append(
            RegionMeasurement(
                region,
                RegionStatus(str(entry["Status"])),
                bool(entry.get("Verified")),
                float(latency) if latency is not None else None,
            )
        )
    profiles = tuple(str(p) for p in data.get("Profiles") or ())
    return Measurements(
        partition,
        account,
        measured_at,
        MeasurementMethod(str(data["Method"])),
        tuple(regions),
        profiles,
    )


def save(directory: Path, measurements: Measurements) -> Path:
    """Write atomically; keep the profiles an earlier file listed. Raises
    OSError (e.g. a read-only home): callers note it and go on."""
    path = cache_file(directory, measurements.partition, measurements.account)
    data = measurements.to_json()
    try:
        earlier = read_json(path)
        kept = [p for p in earlier.get("Profiles", ()) if isinstance(p, str)]
    except (FileProblem, AttributeError, TypeError):
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
