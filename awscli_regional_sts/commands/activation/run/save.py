"""``activation-check --save``: keep a report's statuses and latencies for
``sts_region = auto`` (see nearest.py and cache.py)."""

from __future__ import annotations

import logging
import time
from typing import Any

from awscli_regional_sts.aws.identifiers import IdentifierError, parse_role_arn
from awscli_regional_sts.aws.partitions import Partition, default_partitions
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.plugin import auto_measurements as cache
from awscli_regional_sts.plugin.registry import LOGGER_NAME

logger = logging.getLogger(LOGGER_NAME)


def save_for_auto(report: Any, profile: str, role_arn: str | None = None) -> str | None:
    """Save an activation-check report (its JSON form) for ``auto``; return
    None, or one line saying why it was not saved.

    Only the rows of regions are kept (the global endpoint is not a value of
    ``sts_region``), with their status, Verified and latency. They are saved
    under the account whose activation was probed: with ``--role-arn``
    (``role_arn``) the role's account, which issues the probe's credentials,
    not the caller's (``report["Account"]``). The profile is then not
    recorded in that file: its own calls are issued by the caller's account,
    whose activation may differ; a profile whose ``role_arn`` is in the
    role's account finds the file by that account (nearest.py).
    """
    partition = default_partitions().by_name(str(report.get("Partition")))
    caller = str(report.get("Account") or "")
    account = caller
    if role_arn is not None:
        try:
            account = str(parse_role_arn(role_arn).account)
        except IdentifierError:
            return (
                "measurements not saved: the account of --role-arn "
                f"{quote(role_arn)}, whose activation was probed, is not known"
            )
    profiles = _profiles_recorded(profile, account, caller)
    if partition is None:
        return (
            "measurements not saved: unknown partition "
            f"{quote(report.get('Partition'))}"
        )
    regions = _region_measurements(report, partition)
    try:
        path = cache.save(
            cache.cache_directory(),
            cache.Measurements(
                partition=partition.name,
                account=account,
                measured_at=time.time(),
                method=MeasurementMethod.ACTIVATION_CHECK,
                regions=regions,
                profiles=profiles,
            ),
        )
    except (OSError, cache.CacheProblem) as error:
        return f"measurements not saved: {error}"
    logger.debug("activation-check: measurements saved to %s", path)
    return None


def _profiles_recorded(profile: str, account: str, caller: str) -> tuple[str, ...]:
    """The profile, when its own calls are issued by the account probed;
    none when that is a role's other account."""
    if account == caller:
        return (profile,)
    logger.debug(
        "activation-check: saving for account %s (the role's, whose "
        "activation was probed), not the caller's %s; profile %r is "
        "not recorded in it",
        account,
        caller,
        profile,
    )
    return ()


def _region_measurements(
    report: Any, partition: Partition
) -> tuple[cache.RegionMeasurement, ...]:
    """The report's rows of the partition's STS regions (the global
    endpoint is not a value of ``sts_region``)."""
    return tuple(
        cache.RegionMeasurement(
            region=str(row["Region"]),
            status=RegionStatus(str(row["Status"])),
            verified=bool(row.get("Verified")),
            latency_ms=row.get("LatencyMs"),
        )
        for row in report.get("Regions") or ()
        if row.get("Region") in partition.sts_regions
    )
