"""Where a profile's STS calls will go, and why, without sending anything.

What ``aws sts resolve-endpoint`` prints, as plain data, usable without the
CLI: the URL and signing region of the profile's STS calls, the setting
that chose them (or why the plugin leaves them to botocore), the failover
hops, the STS timeout, partition, FIPS and dual-stack, a configured
endpoint that wins, and the plugin's version.

Every URL comes from botocore's own STS rule set (``endpoints.py``), with
the built-in inputs botocore computes for a client of the profile, so the
report says what a real call would reach. ``sts_region = auto`` is read
from its cache file only: measuring would send requests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from awscli_regional_sts.aws.partitions import Partitions, default_partitions
from awscli_regional_sts.aws.sigv4a import REGION_SET_KEY
from awscli_regional_sts.commands.resolve_endpoint.auto_view import (
    AutoState,
    auto_from_cache,
)
from awscli_regional_sts.commands.resolve_endpoint.failover_view import (
    Hop,
    failover_hops,
)
from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
    EndpointSigning,
    first_call_signing,
    regional_only_warning,
)
from awscli_regional_sts.plugin.endpoints import (
    AWS_REGION,
    AWS_STS_USE_GLOBAL_ENDPOINT,
    AWS_USE_DUALSTACK,
    AWS_USE_FIPS,
    SDK_ENDPOINT,
    check_client_partition,
    partition_mismatch,
    resolve_sts_endpoint,
)
from awscli_regional_sts.plugin.registry import session_handler_ids
from awscli_regional_sts.plugin.settings import (
    AUTO,
    DEFAULT_FAILOVER_TIMEOUT,
    TIMEOUT_ENV_VAR,
    TIMEOUT_KEY,
    StsSettings,
    check_fips_endpoints,
    read_sts_settings,
)
from awscli_regional_sts.plugin.signing import (
    SIGV4,
    Signing,
    first_entry_inside,
    outside_line,
)
from awscli_regional_sts.plugin.version import __version__

if TYPE_CHECKING:
    from botocore.session import Session

#: The operation whose endpoint is resolved: every STS operation gets the
#: same one (the STS rule set has no operation-specific inputs).
PROBE_OPERATION = "GetCallerIdentity"
#: How a client without ``auth_scheme_preference`` signs.
SIGNED_SIGV4 = Signing(SIGV4)


@dataclass(frozen=True)
class RouteReport:
    profile: str
    url: str
    signing_region: str
    #: True when the plugin re-aims the calls; False: botocore's choice.
    rerouted: bool
    #: Where the STS region came from, or why the plugin changes nothing.
    reason: str
    botocore_url: str
    botocore_signing_region: str
    sts_region: str | None
    auto: AutoState | None
    fallback: tuple[Hop, ...]
    fallback_source: str | None
    timeout_seconds: float | None
    timeout_source: str
    partition: str | None
    fips: bool
    dual_stack: bool
    configured_endpoint: str | None
    signing: EndpointSigning = EndpointSigning(SIGV4, None)
    #: What the profile's calls cannot do as configured, each with its fix.
    warnings: tuple[str, ...] = ()
    plugin_version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        """The command's output, in the CLI's PascalCase style."""
        return {
            "Profile": self.profile,
            "Url": self.url,
            "SigningRegion": self.signing_region,
            "Rerouted": self.rerouted,
            "Reason": self.reason,
            "BotocoreUrl": self.botocore_url,
            "BotocoreSigningRegion": self.botocore_signing_region,
            "StsRegion": self.sts_region,
            "Auto": self.auto.to_dict() if self.auto else None,
            "Fallback": [hop.to_dict() for hop in self.fallback],
            "FallbackSource": self.fallback_source,
            "TimeoutSeconds": self.timeout_seconds,
            "TimeoutSource": self.timeout_source,
            "Partition": self.partition,
            "Fips": self.fips,
            "DualStack": self.dual_stack,
            "ConfiguredEndpoint": self.configured_endpoint,
            "Scheme": self.signing.scheme,
            "RegionSet": self.signing.region_set,
            "Warnings": list(self.warnings),
            "PluginVersion": self.plugin_version,
        }


def client_builtins(client: Any) -> dict[str, Any]:
    """The endpoint rule set's built-in inputs botocore computes for an STS
    ``client`` (region, FIPS, dual-stack, global endpoint, configured
    endpoint), as the plugin's router would receive them; nothing is sent.

    The plugin's own handlers are removed from the client first: they would
    re-aim the inputs and, for ``sts_region = auto``, measure.
    """
    events = client.meta.events
    for event, unique_id in session_handler_ids():
        events.unregister(event, unique_id=unique_id)
    seen: dict[str, Any] = {}

    def capture(builtins: Mapping[str, Any], **kwargs: Any) -> None:
        seen.update(builtins)

    events.register("before-endpoint-resolution.sts", capture)
    model = client.meta.service_model.operation_model(PROBE_OPERATION)
    # botocore's own resolution path for a call, short of building a
    # request; private, but the same on every botocore the plugin supports.
    client._ruleset_resolver.construct_endpoint(model, {}, {})
    return seen


def describe_route(
    session: Session,
    builtins: Mapping[str, Any],
    *,
    sts_region: str | None = None,
    now: float | None = None,
    signing: Signing = SIGNED_SIGV4,
) -> RouteReport:
    """Where the STS calls of ``session``'s profile go, given the built-ins
    of its STS client (``client_builtins``); ``sts_region`` is what a boto3
    caller passed to ``register(session, sts_region=...)``. Raises the
    plugin's own ``InvalidStsRegionError`` / ``InvalidStsTimeoutError`` for
    a bad setting, as the first real STS call would; ``signing`` is how
    the profile's STS client signs (``signing_view.client_signing``)."""
    settings = read_sts_settings(session, override=sts_region)
    partitions = default_partitions(session.get_component("data_loader"))
    profile = session.profile or "default"
    botocore = _botocore_route(builtins)
    configured_endpoint = builtins.get(SDK_ENDPOINT) or None
    target = _target(session, builtins, settings, partitions, now)
    routed: dict[str, Any] = dict(builtins)
    route = _first_call(session, builtins, routed, target, botocore, signing)
    partition = partitions.region_partition(route.signing_region)
    hops = failover_hops(
        settings, routed, route.first, configured_endpoint, signing, PROBE_OPERATION
    )
    warnings = [*route.warnings, *(hop.skipped for hop in hops if hop.skipped)]
    regional_only = regional_only_warning(builtins, route.url, profile)
    if regional_only:
        warnings.append(regional_only)
    return RouteReport(
        profile=profile,
        url=route.url,
        signing_region=route.signing_region,
        rerouted=route.rerouted,
        reason=route.reason,
        botocore_url=botocore.url,
        botocore_signing_region=botocore.signing_region,
        sts_region=settings.region,
        auto=target.auto,
        fallback=hops,
        fallback_source=settings.fallback_source or None,
        timeout_seconds=settings.timeout,
        timeout_source=_timeout_source(session, settings),
        partition=partition.name if partition else None,
        fips=bool(builtins.get(AWS_USE_FIPS)),
        dual_stack=bool(builtins.get(AWS_USE_DUALSTACK)),
        configured_endpoint=configured_endpoint,
        # Without routing, nothing pins a signing region: botocore's "*".
        signing=first_call_signing(
            signing,
            route.signing_region if route.rerouted else None,
            route.rule_set_signs,
        ),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class _Target:
    """The STS region the settings name (``auto`` read from its cache),
    where that came from, and the settings and partitions it was read
    with."""

    settings: StsSettings
    partitions: Partitions
    region: str | None
    source: str
    auto: AutoState | None


@dataclass(frozen=True)
class _Route:
    """Where the first STS call goes and why."""

    url: str
    signing_region: str
    #: Whether the STS rule set named a signing scheme for ``url``.
    rule_set_signs: bool
    rerouted: bool = False
    reason: str = ""
    #: The first endpoint's entry (failover starts after it).
    first: str | None = None
    warnings: tuple[str, ...] = ()


def _botocore_route(builtins: Mapping[str, Any]) -> _Route:
    """Where botocore sends the call without the plugin."""
    url, signing_region = resolve_sts_endpoint(dict(builtins))
    return _Route(
        url=url,
        # The rule set names a signing scheme only for the global endpoint.
        signing_region=signing_region or str(builtins.get(AWS_REGION)),
        rule_set_signs=signing_region is not None,
    )


def _target(
    session: Session,
    builtins: Mapping[str, Any],
    settings: StsSettings,
    partitions: Partitions,
    now: float | None,
) -> _Target:
    """The STS region the settings name and its source (for ``auto``, what
    its cache file says), refused as the first STS call would refuse it."""
    auto = None
    region, source = settings.region, settings.source
    if region == AUTO:
        auto = auto_from_cache(session, partitions, now=now)
        region = auto.region
        source = f"{settings.source} (auto): {auto.note}"
    if not builtins.get(SDK_ENDPOINT):
        # The first STS call would stop with this very error.
        check_client_partition(
            settings.with_region(region, source),
            builtins.get(AWS_REGION),
            partitions,
        )
    return _Target(
        settings=settings,
        partitions=partitions,
        region=region,
        source=source,
        auto=auto,
    )


def _first_call(
    session: Session,
    builtins: Mapping[str, Any],
    routed: dict[str, Any],
    target: _Target,
    botocore: _Route,
    signing: Signing,
) -> _Route:
    """Botocore's route with the reason the plugin stands aside (a
    configured endpoint, no STS region, another partition), or the
    plugin's (``routed``: the built-ins re-aimed)."""
    region, source = target.region, target.source
    configured_endpoint = builtins.get(SDK_ENDPOINT) or None
    if configured_endpoint:
        reason = (
            f"the plugin changes nothing here: the configured endpoint "
            f"{configured_endpoint} wins"
        )
    elif region is None:
        why = target.auto.note if target.auto is not None else source
        reason = (
            f"the plugin changes nothing here: botocore uses {botocore.url} "
            f"(reason: {why}; {_botocore_mode(session, builtins)})"
        )
    elif partition_mismatch(routed, region, source, PROBE_OPERATION):
        reason = (
            f"the plugin changes nothing here: the client's region "
            f"{builtins.get(AWS_REGION)!r} is in another partition than "
            f"{region!r} ({source}); botocore uses {botocore.url}"
        )
    else:
        return _rerouted(builtins, routed, target, region, signing)
    # No first entry: botocore chose the endpoint (failover_hops).
    return replace(botocore, reason=reason)


def _rerouted(
    builtins: Mapping[str, Any],
    routed: dict[str, Any],
    target: _Target,
    region: str,
    signing: Signing,
) -> _Route:
    """The plugin's route to ``region`` (the target's), as the router
    aims it: ``routed`` re-aimed in place."""
    settings, source, auto = target.settings, target.source, target.auto
    if builtins.get(AWS_USE_FIPS):
        # The first STS call would stop with this very error.
        check_fips_endpoints(
            settings.with_region(region, source),
            target.partitions,
            setting="use_fips_endpoint",
        )
    first, rule_region, signing_region = region, region, region
    reason = (
        f"{settings.source} is 'auto': {region!r}, the {auto.note}"
        if auto is not None
        else f"{source} is {region!r}"
    )
    warnings: tuple[str, ...] = ()
    if not signing.allows(region):
        # As the router: the first failover entry inside the user's
        # SigV4a region set (RegionSetError when none is).
        first, rule_region, signing_region = first_entry_inside(
            routed, settings.with_region(region, source), signing
        )
        warnings = (outside_line(region, region, signing, "sts_region"),)
        reason += f"; outside {REGION_SET_KEY}, so calls go to {first}"
    routed[AWS_REGION] = rule_region
    routed[AWS_STS_USE_GLOBAL_ENDPOINT] = False
    url, rule_signing = resolve_sts_endpoint(routed)
    return _Route(
        url=url,
        signing_region=signing_region,
        rule_set_signs=rule_signing is not None,
        rerouted=True,
        reason=reason,
        first=first,
        warnings=warnings,
    )


def _timeout_source(session: Session, settings: StsSettings) -> str:
    if settings.timeout is None:
        return (
            "none set: botocore's own (60 s, or --cli-connect-timeout / "
            "--cli-read-timeout)"
        )
    if os.environ.get(TIMEOUT_ENV_VAR):
        return f"environment variable {TIMEOUT_ENV_VAR}"
    try:
        if TIMEOUT_KEY in session.get_scoped_config():
            return f"{TIMEOUT_KEY} in profile {session.profile or 'default'!r}"
    except Exception:  # nosec B110  # a profile botocore cannot read has no timeout to report
        pass
    return (
        f"default with sts_fallback or sts_region = auto "
        f"({DEFAULT_FAILOVER_TIMEOUT:g} s)"
    )


def _botocore_mode(session: Session, builtins: Mapping[str, Any]) -> str:
    """Why botocore picks its endpoint: the sts_regional_endpoints mode (CLI
    v1, boto3) and the client's region."""
    try:
        mode = session.get_config_variable("sts_regional_endpoints")
    except Exception:  # CLI v2's botocore has no such setting
        mode = None
    region = builtins.get(AWS_REGION)
    glob = "global endpoint" if builtins.get(AWS_STS_USE_GLOBAL_ENDPOINT) else None
    mode_text = f"sts_regional_endpoints mode {mode}" if mode else "regional endpoints"
    return f"{mode_text}, client region {region}" + (f", {glob}" if glob else "")
