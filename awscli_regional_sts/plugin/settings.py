"""Which STS region a session asked for, and whether that value is usable.

The settings are read when the session creates its first STS client
(through the plugin's ``create_client`` wrapper, registration.py) or, for a
client created otherwise, at its first STS request; not at start-up, so
that commands which never call STS pay nothing for them. A bad value
(``sts_region``, ``AWS_STS_REGION``, ``register(sts_region=...)``,
``sts_fallback``, ``sts_timeout``) is reported then, before anything is
sent, with one line saying what was wrong and what would be accepted; the
bad value itself is quoted through ``values.quote``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ProfileNotFound

from awscli_regional_sts.aws.partitions import (
    GLOBAL,
    Partition,
    Partitions,
    default_partitions,
    expected_fips_region_text,
    expected_region_text,
    unknown_region_text,
)
from awscli_regional_sts.aws.untrusted import parse_decimal, quote

if TYPE_CHECKING:
    from botocore.session import Session

#: Profile key in ~/.aws/config: ``sts_region = ap-northeast-1``.
PROFILE_KEY = "sts_region"
#: Environment variable that overrides the profile key for one command.
ENV_VAR = "AWS_STS_REGION"
#: ``sts_region = auto``: the fastest region measured (see nearest.py).
#: The word in ``sts_fallback`` for the global endpoint is partitions.GLOBAL.
AUTO = "auto"
#: Profile key and variable for the ordered failover list (see failover.py).
FALLBACK_KEY = "sts_fallback"
FALLBACK_ENV_VAR = "AWS_STS_FALLBACK"
#: Profile key and variable: connect and read timeout of STS clients, in
#: seconds, applied only when failover or auto is configured.
TIMEOUT_KEY = "sts_timeout"
TIMEOUT_ENV_VAR = "AWS_STS_TIMEOUT"
#: Without ``sts_timeout``, a profile with a failover list gets this: STS
#: answers in well under a second from anywhere, while botocore's 60 s
#: default would hold a command a minute per hung region.
DEFAULT_FAILOVER_TIMEOUT = 10.0
MAX_TIMEOUT = 300.0
#: Below this, every hop would time out before STS could answer from
#: anywhere (a TLS handshake alone takes longer).
MIN_TIMEOUT = 0.1


class InvalidStsRegionError(BotoCoreError):
    """The configured STS region cannot be used; nothing was sent.

    A ``BotoCoreError`` so that both CLI versions print it as one line,
    without a traceback, and exit 255, as they do for botocore's own
    configuration errors.
    """

    # ``value`` is passed through values.quote: short, escaped.
    fmt = "Invalid STS region in {source}: {value} {problem}; expected {expected}"


class InvalidStsTimeoutError(BotoCoreError):
    """The configured STS timeout cannot be used; nothing was sent."""

    fmt = "Invalid STS timeout in {source}: {value} {problem}; expected {expected}"


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
    #: Where to send a call when ``region`` is deactivated, unreachable or
    #: too slow: region names and/or GLOBAL, in order (failover.py).
    fallback: tuple[str, ...] = ()
    fallback_source: str = ""
    #: Connect and read timeout for STS clients, or None to leave botocore's.
    timeout: float | None = None
    #: botocore's ``sigv4a_signing_region_set`` as the profile or
    #: AWS_SIGV4A_SIGNING_REGION_SET gives it, unparsed: where set, the
    #: handler that keeps SigV4a calls inside it loads (signing.py).
    region_set: str = ""

    @property
    def profile_label(self) -> str:
        """Where the failover list came from, for the warning line."""
        return self.fallback_source or self.source

    def with_region(self, region: str | None, source: str) -> StsSettings:
        """These settings with the region that ``auto`` resolved to."""
        return replace(self, region=region, source=source)


def validate_sts_region(
    value: object,
    *,
    source: str,
    configured_region: str | None = None,
    partitions: Partitions,
    also_accepted: str = "",
) -> str:
    """Return ``value`` if it names a region STS can be reached in, else raise.

    Accepted: a region that the running botocore's endpoint data lists
    (``Partition.known_regions``); not merely one that fits the name
    pattern, which would send a request to a host that may not exist.
    ``configured_region`` is the session's own region (``region`` of the
    profile, ``AWS_DEFAULT_REGION`` or ``--region``); credentials of one
    partition are useless in another, so the STS region must share it. A
    pseudo-region there (``aws-cn-global``) counts for its partition.
    """
    configured = (
        partitions.region_partition(configured_region) if configured_region else None
    )
    shown = configured or partitions.by_name("aws")

    def fail(problem: str, expected: str | None = None) -> InvalidStsRegionError:
        return InvalidStsRegionError(
            source=source,
            value=quote(value),
            problem=problem,
            expected=(expected or expected_region_text(shown, partitions))
            + also_accepted,
        )

    if not isinstance(value, str):
        raise fail("is not a single value")
    if not value:
        raise fail("is empty")
    if value.strip() != value or any(c.isspace() for c in value):
        raise fail("contains white space")
    partition = partitions.region_partition(value)
    if partition is None or value not in partition.known_regions:
        raise fail(
            unknown_region_text(value, partition, configured or partition, partitions)
        )
    if configured is not None and configured.name != partition.name:
        raise fail(
            f"is in partition {partition.name}, but the configured region "
            f"{quote(configured_region)} is in partition {configured.name}",
            f"a region of partition {configured.name}: "
            + ", ".join(configured.sts_regions),
        )
    return value


def validate_sts_fallback(
    value: object,
    *,
    source: str,
    region: str | None,
    partitions: Partitions,
) -> tuple[str, ...]:
    """Parse an ``sts_fallback`` list: region names and/or ``global``,
    separated by commas and/or spaces, every entry in ``region``'s partition
    (``region`` is the STS region, else the session's own region, else None
    for the aws partition) and checked as ``sts_region`` is. Duplicates are
    dropped; raise on any bad entry, or when no entry is left (``,``).

    Dual-stack needs no check per entry: botocore's rule set decides it per
    partition, and every entry shares the partition of ``sts_region``. FIPS
    is per region: see ``check_fips_endpoints``.
    """
    partition = partitions.of_region_or_aws(region)
    has_global = partition.sts_global_region is not None
    accepted = f", or {GLOBAL} for the global endpoint" if has_global else ""
    names = (
        [e for e in re.split(r"[,\s]+", value) if e] if isinstance(value, str) else []
    )
    if not names:
        raise InvalidStsRegionError(
            source=source,
            value=quote(value),
            problem="is empty",
            expected="region names and/or global, separated by commas or spaces",
        )
    entries: list[str] = []
    for entry in names:
        if entry == GLOBAL:
            if not has_global:
                assert partition is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
                raise InvalidStsRegionError(
                    source=source,
                    value=quote(entry),
                    problem=f"names no endpoint: partition {partition.name} has "
                    "no global STS endpoint",
                    expected=expected_region_text(partition, partitions),
                )
        else:
            validate_sts_region(
                entry,
                source=source,
                configured_region=region,
                partitions=partitions,
                also_accepted=accepted,
            )
        if entry not in entries:
            entries.append(entry)
    return tuple(entries)


def validate_sts_timeout(value: object, *, source: str) -> float:
    """ASCII digits with an optional fraction, from MIN_TIMEOUT to
    MAX_TIMEOUT seconds, else raise."""
    seconds = parse_decimal(value)
    if seconds is None or not MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:
        raise InvalidStsTimeoutError(
            source=source,
            value=quote(value),
            problem="is not a usable number of seconds",
            expected=f"a number from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g}, such as 5",
        )
    return seconds


def check_fips_endpoints(
    settings: StsSettings, partitions: Partitions, *, setting: str
) -> None:
    """Raise unless the STS region and every ``sts_fallback`` entry has a
    FIPS endpoint in botocore's data (``global`` never has one).

    Called when the client asks for FIPS endpoints (``setting`` names how):
    botocore's rule set would otherwise build a FIPS host name that does not
    exist (``sts-fips.eu-west-1.amazonaws.com``, or for the global endpoint
    ``sts-fips.aws-global.amazonaws.com``), and failover would send the call
    there during the very outage it exists for.
    """
    if settings.region is not None:
        _check_fips(settings.region, settings.source, partitions, setting)
    for entry in settings.fallback:
        _check_fips(
            entry, settings.fallback_source, partitions, setting, settings.region
        )


def _check_fips(
    region: str,
    source: str,
    partitions: Partitions,
    setting: str,
    sts_region: str | None = None,
) -> None:
    partition: Partition | None
    if region == GLOBAL:
        partition = partitions.of_region_or_aws(sts_region)
        problem = (
            f"names the global endpoint, which has no FIPS variant, and {setting} "
            "asks for FIPS"
        )
    else:
        partition = partitions.region_partition(region)
        if partition is not None and region in partition.sts_fips_regions:
            return
        problem = f"has no FIPS STS endpoint, and {setting} asks for FIPS"
    raise InvalidStsRegionError(
        source=source,
        value=quote(region),
        problem=problem,
        expected=expected_fips_region_text(partition, partitions),
    )


#: botocore's own setting of a SigV4a region set, and its variable.
REGION_SET_KEY = "sigv4a_signing_region_set"
REGION_SET_ENV_VAR = "AWS_SIGV4A_SIGNING_REGION_SET"


def read_sts_settings(session: Session, *, override: str | None = None) -> StsSettings:
    """Read and validate the STS settings of a botocore session.

    Precedence for each key: ``override`` (from ``register(sts_region=...)``,
    for ``sts_region`` only), then its environment variable (an empty value
    counts as unset, as shells export empty variables freely), then the
    session's profile. ``sts_region = auto`` is returned as AUTO and chosen
    later (``registration.SessionSettings``), so that a bad failover list or
    timeout is reported before anything is measured.
    """
    try:
        scoped = session.get_scoped_config()
    except ProfileNotFound:
        # botocore reports the missing profile itself, more clearly.
        return StsSettings(None, "no profile")
    profile = session.profile or "default"
    value, source = _sts_region_setting(scoped, profile, override)
    raw_fallback = _setting(scoped, FALLBACK_KEY, FALLBACK_ENV_VAR, profile)
    raw_timeout = _setting(scoped, TIMEOUT_KEY, TIMEOUT_ENV_VAR, profile)
    if value is None and raw_fallback is None:
        # Not opted in: nothing more to read (sts_timeout alone does nothing).
        return StsSettings(None, source)
    configured = session.get_config_variable("region")
    configured_region = configured if isinstance(configured, str) else None
    partitions = default_partitions(session.get_component("data_loader"))
    region: str | None = None
    if value == AUTO:
        region = AUTO
    elif value is not None:
        region = validate_sts_region(
            value,
            source=source,
            configured_region=configured_region,
            partitions=partitions,
        )
    fallback, fallback_source = _fallback_setting(
        raw_fallback,
        region if region not in (None, AUTO) else configured_region,
        partitions,
    )
    if _fips_configured(session):
        # Reported here, at the first STS client or request, rather than
        # when failover first needs an entry: that is during an outage.
        check_fips_endpoints(
            StsSettings(
                None if region == AUTO else region, source, fallback, fallback_source
            ),
            partitions,
            setting="use_fips_endpoint",
        )
    region_set = os.environ.get(REGION_SET_ENV_VAR) or scoped.get(REGION_SET_KEY)
    return StsSettings(
        region,
        source,
        fallback,
        fallback_source,
        _timeout(raw_timeout, with_failover=bool(fallback) or region == AUTO),
        region_set=region_set if isinstance(region_set, str) else "",
    )


def _sts_region_setting(
    scoped: dict[str, object], profile: str, override: str | None
) -> tuple[object, str]:
    """(value, where it was said) of the STS region, or (None, why none)."""
    if override is not None:
        return override, "register(sts_region=...)"
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR], f"environment variable {ENV_VAR}"
    if PROFILE_KEY in scoped:
        return scoped[PROFILE_KEY], f"{PROFILE_KEY} in profile {quote(profile)}"
    return None, f"no {PROFILE_KEY} in profile {profile!r}"


def _timeout(raw: tuple[object, str] | None, *, with_failover: bool) -> float | None:
    """``sts_timeout`` checked; without it, DEFAULT_FAILOVER_TIMEOUT for a
    profile that fails over or measures, else None (botocore's own)."""
    if raw is not None:
        return validate_sts_timeout(raw[0], source=raw[1])
    return DEFAULT_FAILOVER_TIMEOUT if with_failover else None


def _fallback_setting(
    raw: tuple[object, str] | None, region: str | None, partitions: Partitions
) -> tuple[tuple[str, ...], str]:
    """(entries, where they were said) of ``sts_fallback``, checked against
    ``region``'s partition; none when it is unset."""
    if raw is None:
        return (), ""
    value, source = raw
    entries = validate_sts_fallback(
        value, source=source, region=region, partitions=partitions
    )
    return entries, source


def _fips_configured(session: Session) -> bool:
    """True when the session asks for FIPS endpoints (``use_fips_endpoint``
    in the profile, or AWS_USE_FIPS_ENDPOINT); a client's own Config is
    checked by the router at its first request."""
    try:
        value = session.get_config_variable("use_fips_endpoint")
    except Exception:  # a botocore without the setting has no FIPS switch
        return False
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _setting(
    scoped: dict[str, object], key: str, env_var: str, profile: str
) -> tuple[object, str] | None:
    """(value, where it was said) of a plugin key, or None if unset."""
    if os.environ.get(env_var):
        return os.environ[env_var], f"environment variable {env_var}"
    if key in scoped:
        return scoped[key], f"{key} in profile {quote(profile)}"
    return None
