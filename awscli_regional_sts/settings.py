"""Which STS region a session asked for, and whether that value is usable.

The setting is read at the first STS request of a session, not at start-up,
so that commands which never call STS pay nothing for it. A bad value stops
that first request before anything is sent, with one line saying what was
wrong and what would be accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ProfileNotFound

from awscli_regional_sts.partitions import Partition, Partitions, default_partitions

if TYPE_CHECKING:
    from botocore.session import Session

#: Profile key in ~/.aws/config: ``sts_region = ap-northeast-1``.
PROFILE_KEY = "sts_region"
#: Environment variable that overrides the profile key for one command.
ENV_VAR = "AWS_STS_REGION"


class InvalidStsRegionError(BotoCoreError):
    """The configured STS region cannot be used; nothing was sent.

    A ``BotoCoreError`` so that both CLI versions print it as one line,
    without a traceback, and exit 255, as they do for botocore's own
    configuration errors.
    """

    fmt = "Invalid STS region in {source}: {value!r} {problem}; expected {expected}"


@dataclass(frozen=True)
class StsSettings:
    """The STS region a session asked for, and where that was said.

    ``region`` is None when nothing asked for one: the plugin then changes
    nothing. ``source`` names the setting for messages and the debug log,
    e.g. "sts_region in profile 'tokyo'" or "environment variable
    AWS_STS_REGION".
    """

    region: str | None
    source: str


def validate_sts_region(
    value: object,
    *,
    source: str,
    configured_region: str | None = None,
    partitions: Partitions,
) -> str:
    """Return ``value`` if it names a region STS can be reached in, else raise.

    ``configured_region`` is the session's own region (``region`` of the
    profile, ``AWS_DEFAULT_REGION`` or ``--region``); credentials of one
    partition are useless in another, so the STS region must share it.
    """
    configured = (
        partitions.region_partition(configured_region) if configured_region else None
    )
    shown = configured or partitions.by_name("aws")

    def fail(problem: str, expected: str | None = None) -> InvalidStsRegionError:
        return InvalidStsRegionError(
            source=source,
            value=value,
            problem=problem,
            expected=expected or _expected(shown, partitions),
        )

    if not isinstance(value, str):
        raise fail("is not a single value")
    if not value:
        raise fail("is empty")
    if value.strip() != value or any(c.isspace() for c in value):
        raise fail("contains white space")
    partition = partitions.region_partition(value)
    if partition is None:
        raise fail("is not a region name")
    if configured is not None and configured.name != partition.name:
        raise fail(
            f"is in partition {partition.name}, but the configured region "
            f"{configured_region!r} is in partition {configured.name}",
            f"a region of partition {configured.name}: "
            + ", ".join(configured.sts_regions),
        )
    return value


def check_fips_endpoint(
    settings: StsSettings, partitions: Partitions, *, setting: str
) -> None:
    """Raise unless the STS region has a FIPS endpoint in botocore's data.

    Called when the client asks for FIPS endpoints (``setting`` names how):
    botocore's rule set would otherwise build a FIPS host name that does not
    exist, and the request would fail with a DNS error.
    """
    region = settings.region
    if region is None:
        return
    partition = partitions.region_partition(region)
    if partition is not None and region in partition.sts_fips_regions:
        return
    fips_regions = sorted(
        name for p in partitions.partitions for name in p.sts_fips_regions
    )
    raise InvalidStsRegionError(
        source=settings.source,
        value=region,
        problem=f"has no FIPS STS endpoint, and {setting} asks for FIPS",
        expected="a region with a FIPS STS endpoint: " + ", ".join(fips_regions),
    )


def read_sts_settings(session: Session, *, override: str | None = None) -> StsSettings:
    """Read and validate the STS region of a botocore session.

    Precedence: ``override`` (from ``register(sts_region=...)``), then the
    environment variable ``AWS_STS_REGION`` (an empty value counts as unset,
    as shells export empty variables freely), then ``sts_region`` in the
    session's profile.
    """
    value: object
    if override is not None:
        value, source = override, "register(sts_region=...)"
    elif os.environ.get(ENV_VAR):
        value, source = os.environ[ENV_VAR], f"environment variable {ENV_VAR}"
    else:
        try:
            scoped = session.get_scoped_config()
        except ProfileNotFound:
            # botocore reports the missing profile itself, more clearly.
            return StsSettings(None, "no profile")
        if PROFILE_KEY not in scoped:
            return StsSettings(None, f"no {PROFILE_KEY} in the profile")
        value = scoped[PROFILE_KEY]
        profile = session.profile or "default"
        source = f"{PROFILE_KEY} in profile {profile!r}"
    configured_region = session.get_config_variable("region")
    region = validate_sts_region(
        value,
        source=source,
        configured_region=configured_region
        if isinstance(configured_region, str)
        else None,
        partitions=default_partitions(),
    )
    return StsSettings(region, source)


class SessionStsSettings:
    """The STS settings of one session, read at first use and then kept.

    Errors are not kept: each STS request of a misconfigured session raises
    the same error again, so none is ever sent.
    """

    def __init__(self, session: Session, *, override: str | None = None) -> None:
        self._session = session
        self._override = override
        self._settings: StsSettings | None = None

    def __call__(self) -> StsSettings:
        if self._settings is None:
            self._settings = read_sts_settings(self._session, override=self._override)
        return self._settings


def _expected(partition: Partition | None, partitions: Partitions) -> str:
    example = partitions.example_region
    if partition is not None and example not in partition.sts_regions:
        example = partition.sts_regions[0] if partition.sts_regions else example
    text = f"a region name such as {example}"
    if partition is not None:
        text += f"; STS regions in partition {partition.name}: " + ", ".join(
            partition.sts_regions
        )
    return text
