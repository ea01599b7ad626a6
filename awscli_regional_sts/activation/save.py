"""``activation-check --save``: keep a report's statuses and latencies for
``sts_region = auto`` (see nearest.py and cache.py)."""

from __future__ import annotations

import logging
import time
from typing import Any

from awscli_regional_sts import cache
from awscli_regional_sts.partitions import default_partitions
from awscli_regional_sts.registry import LOGGER_NAME
from awscli_regional_sts.status import MeasurementMethod, RegionStatus

logger = logging.getLogger(LOGGER_NAME)


def save_for_auto(report: Any, profile: str) -> str | None:
    """Save an activation-check report (its JSON form) for ``auto``; return
    None, or one line saying why it was not saved.

    Only the rows of regions are kept (the global endpoint is not a value of
    ``sts_region``), with their status, Verified and latency.
    """
    partitions = default_partitions()
    partition = partitions.by_name(str(report.get("Partition")))
    account = str(report.get("Account") or "")
    if partition is None:
        return f"measurements not saved: unknown partition {report.get('Partition')!r}"
    regions = tuple(
        cache.RegionMeasurement(
            str(row["Region"]),
            RegionStatus(str(row["Status"])),
            bool(row.get("Verified")),
            row.get("LatencyMs"),
        )
        for row in report.get("Regions") or ()
        if row.get("Region") in partition.sts_regions
    )
    try:
        path = cache.save(
            cache.cache_directory(),
            cache.Measurements(
                partition.name,
                account,
                time.time(),
                MeasurementMethod.ACTIVATION_CHECK,
                regions,
                (profile,),
            ),
        )
    except (OSError, cache.CacheProblem) as error:
        return f"measurements not saved: {error}"
    logger.debug("activation-check: measurements saved to %s", path)
    return None
