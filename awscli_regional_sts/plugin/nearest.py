"""``sts_region = auto``: the fastest region whose STS is active, from the
cache, or measured once within a bounded time.

Where the measurements come from, best first:

1. ``aws sts activation-check --save``: every region probed with a
   credential-issuing call, so "active" is verified where the probe could.
2. First use, when no fresh cache exists: each candidate region gets ONE
   unsigned GetCallerIdentity in parallel (no credentials leave the machine;
   the answer is an error, but its round trip is the latency), each cut at
   FIRST_USE_TIMEOUT, all within FIRST_USE_BUDGET seconds. Candidates are the
   partition's regions enabled by default (opt-in regions may not be enabled
   for the account) and the profile's own region. This says nothing about
   activation: the region is only assumed active, and ``sts_fallback`` is
   what catches a deactivated one.

The account whose file to read must be known without a request: a profile
with ``role_arn`` names it (the role's account, which is also the one whose
activation counts for AssumeRole); any other profile is found by name in
the files, which list the profiles that saved or used them. After a
first-use measurement of such a profile, one signed GetCallerIdentity tells
the account, so that the next command finds its file.

Anything wrong with the cache (missing, corrupt, read-only home) leads to a
safe choice, never an error: a fresh measurement, or, if nothing answered,
botocore's own endpoint; each with a ``--debug`` note.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from botocore import UNSIGNED
from botocore.config import Config

from awscli_regional_sts.aws.identifiers import IdentifierError, parse_role_arn
from awscli_regional_sts.aws.partitions import Partition, Partitions, default_partitions
from awscli_regional_sts.aws.runner import run_parallel
from awscli_regional_sts.aws.status import MeasurementMethod, RegionStatus
from awscli_regional_sts.plugin import auto_measurements
from awscli_regional_sts.plugin.endpoints import aim_client, probe_config
from awscli_regional_sts.plugin.registry import LOGGER_NAME, session_handler_ids
from awscli_regional_sts.plugin.settings import StsSettings

if TYPE_CHECKING:
    from botocore.session import Session

logger = logging.getLogger(LOGGER_NAME)

#: ``session.create_client``, or a stand-in with its signature.
CreateClient = Callable[..., Any]

#: Per-probe connect and read timeout of a first-use measurement.
FIRST_USE_TIMEOUT = 2.0
#: The whole first-use measurement ends after this many seconds.
FIRST_USE_BUDGET = 3.0
FIRST_USE_CONCURRENCY = 20


@dataclass(frozen=True)
class Choice:
    """The region ``auto`` chose (None: leave botocore's choice) and why."""

    region: str | None
    source: str


def role_account(profile_config: Any, partition: str) -> str | None:
    """The account of the profile's ``role_arn``, if it is in ``partition``."""
    arn = profile_config.get("role_arn") if hasattr(profile_config, "get") else None
    try:
        role = parse_role_arn(arn)
    except IdentifierError:
        return None
    return role.account.value if role.in_partition(partition) else None


@dataclass(frozen=True)
class AutoLookup:
    """What ``auto`` needs to find its measurements without a request."""

    profile: str
    #: The partition of the profile's region (aws without one).
    partition: Partition
    #: The profile's region, if it names one.
    configured: str | None
    #: The role's account for a role_arn profile, else None (the files are
    #: then searched for the profile's name).
    account: str | None


def auto_lookup(session: Session, partitions: Partitions) -> AutoLookup:
    """The profile, partition and account whose measurements ``auto`` uses."""
    configured = session.get_config_variable("region")
    region = configured if isinstance(configured, str) else None
    partition = partitions.of_region_or_aws(region)
    try:
        scoped = session.get_scoped_config()
    except Exception:
        scoped = {}
    return AutoLookup(
        session.profile or "default",
        partition,
        region,
        role_account(scoped, partition.name),
    )


def saved_measurements(
    directory: Path, lookup: AutoLookup, partitions: Partitions
) -> auto_measurements.Measurements | None:
    """The saved measurements for ``lookup`` (fresh or not), or None; why
    none were usable goes to the debug log."""
    partition = lookup.partition.name
    if lookup.account is not None:
        try:
            path = auto_measurements.cache_file(directory, partition, lookup.account)
            return auto_measurements.load(path, partitions)
        except auto_measurements.CacheProblem as problem:
            logger.debug("sts_region = auto: %s", problem)
            return None
    found, notes = auto_measurements.find_for_profile(
        directory, partition, lookup.profile, partitions
    )
    for note in notes:
        logger.debug("sts_region = auto: %s", note)
    if found is None:
        logger.debug(
            "sts_region = auto: no saved measurements list profile %r",
            lookup.profile,
        )
    return found


def choose_nearest_region(
    session: Session, settings: StsSettings, create_client: CreateClient
) -> Choice:
    """Resolve ``auto`` for a session (called once, at its first STS request).

    ``create_client`` makes the measuring clients: the session's own, not
    the plugin's wrapper, which would ask for the settings being resolved.
    """
    label = f"{settings.source} (auto)"
    partitions = default_partitions()
    lookup = auto_lookup(session, partitions)
    profile, partition, account = lookup.profile, lookup.partition, lookup.account
    directory = auto_measurements.cache_directory()

    saved = saved_measurements(directory, lookup, partitions)
    if saved is not None and saved.is_fresh():
        best = saved.fastest()
        if best is not None:
            return Choice(
                best.region,
                f"{label}: fastest active region measured by {saved.method} "
                f"for account {saved.account}",
            )
        logger.debug("sts_region = auto: the saved measurements name no usable region")

    measured = measure_first_use(create_client, partition, lookup.configured)
    best = measured.fastest()
    if best is None:
        logger.debug(
            "sts_region = auto: no candidate region answered within %g s; "
            "leaving the endpoint to botocore",
            FIRST_USE_BUDGET,
        )
        return Choice(None, f"{label}: nothing measured")
    if account is None:
        account = _account_of_caller(create_client, best.region)
    if account is not None:
        try:
            path = auto_measurements.save(
                directory,
                auto_measurements.Measurements(
                    partition.name,
                    account,
                    time.time(),
                    MeasurementMethod.FIRST_USE,
                    measured.regions,
                    (profile,),
                ),
            )
            logger.debug("sts_region = auto: measurements saved to %s", path)
        except (OSError, auto_measurements.CacheProblem) as error:
            logger.debug("sts_region = auto: measurements not saved: %s", error)
    return Choice(best.region, f"{label}: fastest of a first-use measurement")


def candidate_regions(partition: Partition, configured: str | None) -> list[str]:
    """Regions a first-use measurement tries: enabled by default, plus the
    profile's own region."""
    regions = partition.enabled_by_default()
    if configured and configured in partition.sts_regions and configured not in regions:
        regions.append(configured)
    return regions


def measure_first_use(
    create_client: CreateClient, partition: Partition, configured: str | None
) -> auto_measurements.Measurements:
    """One unsigned GetCallerIdentity per candidate region, in parallel."""
    router = session_handler_ids()
    config = probe_config(FIRST_USE_TIMEOUT).merge(Config(signature_version=UNSIGNED))
    tasks = {}
    # Clients are created here, in this thread; each is used by one thread.
    for region in candidate_regions(partition, configured):
        client = create_client("sts", region_name=region, config=config)
        aim_client(client, region, router)
        tasks[region] = _timed(client)
    started = time.monotonic()
    outcomes = run_parallel(tasks, FIRST_USE_CONCURRENCY, FIRST_USE_BUDGET)
    regions = []
    for region in tasks:
        latency, _ = outcomes.get(region, (None, None))
        regions.append(
            auto_measurements.RegionMeasurement(
                region,
                RegionStatus.REACHABLE
                if latency is not None
                else RegionStatus.UNREACHABLE,
                False,
                latency,
            )
        )
    logger.debug(
        "sts_region = auto: measured %d regions in %.2f s (latency only: "
        "activation not verified): %s",
        len(regions),
        time.monotonic() - started,
        ", ".join(f"{r.region}={r.latency_ms}" for r in regions),
    )
    return auto_measurements.Measurements(
        partition.name, "", time.time(), MeasurementMethod.FIRST_USE, tuple(regions)
    )


def _timed(client: Any) -> Any:
    def probe() -> float | None:
        start = time.perf_counter()
        try:
            client.get_caller_identity()
        except Exception as error:
            # An unsigned call is answered with an error: that is the point.
            # Only an answer counts, i.e. a parsed error response (a dict, as
            # ClientError has). botocore's ReadTimeoutError also has a
            # `response` attribute (None, from requests' exception class):
            # counting it made a hung region "measured" at the probe timeout.
            if not isinstance(getattr(error, "response", None), dict):
                return None  # no answer: no connection or timed out
        return round((time.perf_counter() - start) * 1000.0, 1)

    return probe


def _account_of_caller(create_client: CreateClient, region: str) -> str | None:
    """The caller's account, by one signed GetCallerIdentity to ``region``,
    for profiles whose account is not in their configuration."""
    try:
        client: Any = create_client(
            "sts", region_name=region, config=probe_config(FIRST_USE_TIMEOUT)
        )
        aim_client(client, region, session_handler_ids())
        return str(client.get_caller_identity()["Account"])
    except Exception as error:  # only the cache's key is lost
        logger.debug("sts_region = auto: account not known (%s); not saved", error)
        return None
