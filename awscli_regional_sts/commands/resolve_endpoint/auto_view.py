"""What ``sts_region = auto`` would choose, read from its cache file only
(``aws sts resolve-endpoint`` sends nothing, so it never measures)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from awscli_regional_sts.aws.partitions import Partitions
from awscli_regional_sts.plugin import auto_measurements as cache
from awscli_regional_sts.plugin.nearest import auto_lookup, saved_measurements

if TYPE_CHECKING:
    from botocore.session import Session

#: What a report says when ``auto`` has nothing fresh in its cache.
NOT_MEASURED = "auto: not measured yet; the first STS call will measure"


@dataclass(frozen=True)
class AutoState:
    """What the ``auto`` cache says, read without measuring."""

    #: The region the first STS call would use, or None (it will measure).
    region: str | None
    note: str
    cache_file: str | None = None
    age_seconds: float | None = None
    method: str | None = None
    account: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "Region": self.region,
            "Note": self.note,
            "CacheFile": self.cache_file,
            "AgeSeconds": self.age_seconds,
            "Method": self.method,
            "Account": self.account,
        }


def auto_from_cache(
    session: Session, partitions: Partitions, *, now: float | None = None
) -> AutoState:
    """What ``auto`` would choose from its cache file, read only (never
    measured: this report sends nothing). Mirrors ``nearest``: the file of
    the role's account, else the freshest file listing the profile."""
    directory = cache.cache_directory()
    found = saved_measurements(directory, auto_lookup(session, partitions), partitions)
    if found is None:
        return AutoState(region=None, note=NOT_MEASURED)
    path = str(cache.cache_file(directory, found.partition, found.account))
    moment = time.time() if now is None else now
    age = round(moment - found.measured_at, 1)
    best = found.fastest()
    if not found.is_fresh(now=moment):
        region = None
        note = (
            f"auto: the measurements in {path} are {_age(age)} old (kept "
            f"{_age(cache.TTL_SECONDS)}); the first STS call will measure again"
        )
    elif best is None:
        region = None
        note = (
            f"auto: {path} names no usable region; the first STS call will "
            "measure again"
        )
    else:
        region = best.region
        note = (
            f"fastest active region measured by {found.method} for account "
            f"{found.account}, {_age(age)} ago ({path})"
        )
    return AutoState(
        region=region,
        note=note,
        cache_file=path,
        age_seconds=age,
        method=str(found.method),
        account=found.account,
    )


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"
