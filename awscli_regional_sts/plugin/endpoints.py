"""Endpoint mechanics: botocore's STS endpoint rule set, its built-in
inputs, the signing region, aiming a client at one region, and the
timeouts of STS clients.

The plugin never turns text into a host name itself: it sets the rule
set's inputs (region, global endpoint off) and lets botocore's own rule set
build the URL, so partition suffixes, FIPS and dual-stack stay botocore's.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import MutableMapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from botocore.config import Config

from awscli_regional_sts.aws.partitions import (
    GLOBAL,
    NO_REGION_DEFAULT,
    Partitions,
    default_partitions,
)
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import AUTO, InvalidStsRegionError

if TYPE_CHECKING:
    from botocore.endpoint_provider import EndpointProvider

    from awscli_regional_sts.plugin.settings import StsSettings

logger = logging.getLogger(LOGGER_NAME)

# Names of botocore's endpoint rule set built-ins (EndpointResolverBuiltins,
# spelled out: older botocore releases do not all export the same members).
AWS_REGION = "AWS::Region"
AWS_USE_FIPS = "AWS::UseFIPS"
AWS_USE_DUALSTACK = "AWS::UseDualStack"
AWS_STS_USE_GLOBAL_ENDPOINT = "AWS::STS::UseGlobalEndpoint"
SDK_ENDPOINT = "SDK::Endpoint"

#: unique_ids of the handlers ``aim_client`` puts on a probe client.
AIM_UNIQUE_ID = "awscli_regional_sts.commands.activation.aim"
RECORD_UNIQUE_ID = "awscli_regional_sts.commands.activation.record_url"


def operation_name(model: Any) -> str:
    """An operation model's name, for log lines."""
    return str(getattr(model, "name", model))


def pin_signing_region(context: MutableMapping[str, Any], region: str) -> None:
    """Sign the request for ``region``: the STS rule set's regional rules set
    no signing region, so the signer would fall back to the client's region
    and STS would reject the signature."""
    signing = context.get("signing")
    if not isinstance(signing, MutableMapping):
        signing = context["signing"] = {}
    signing["region"] = region


def partition_mismatch(
    builtins: MutableMapping[str, Any], region: str, source: str, model: Any
) -> bool:
    """True (and a debug line) when the client's region is in another
    partition than ``region``: such a client is left alone.

    Every region botocore lists counts for its partition, pseudo-regions
    included (a client created for ``aws-cn-global`` is an aws-cn client),
    except NO_REGION_DEFAULT: ``aws-global`` is what botocore uses when no
    region is configured, which says nothing about the partition wanted.
    """
    partitions = default_partitions()
    client_region = builtins.get(AWS_REGION)
    client_partition = (
        partitions.region_partition(client_region)
        if isinstance(client_region, str) and client_region != NO_REGION_DEFAULT
        else None
    )
    target_partition = partitions.region_partition(region)
    if (
        client_partition is None
        or target_partition is None
        or client_partition.name == target_partition.name
    ):
        return False
    logger.debug(
        "Not routing STS %s: the client's region %r is in partition %s, "
        "%s = %r is in partition %s",
        operation_name(model),
        client_region,
        client_partition.name,
        source,
        region,
        target_partition.name,
    )
    return True


def check_client_partition(
    settings: StsSettings, client_region: object, partitions: Partitions
) -> None:
    """Refuse, before anything is sent, an STS region or ``sts_fallback``
    entry outside partition aws when the client has no region of its own.

    botocore gives such a client ``aws-global``: it is an aws client with
    aws credentials. Sent to another partition's host (``cn-north-1``, an
    ISO region), its request would carry the aws key's id there, signed
    with a key that partition does not know. With a region configured,
    ``validate_sts_region`` refuses the mix when the settings are read; a
    client created for a region (boto3's ``region_name``) is in that
    region's partition, and ``partition_mismatch`` leaves it alone when
    that is not the STS region's.
    """
    if isinstance(client_region, str) and client_region != NO_REGION_DEFAULT:
        return
    targets = [(entry, settings.fallback_source) for entry in settings.fallback]
    if settings.region not in (None, AUTO):
        targets.insert(0, (settings.region, settings.source))
    own = partitions.of_region_or_aws(None)
    for region, source in targets:
        partition = partitions.region_partition(region) if region != GLOBAL else own
        if partition is None or partition.name == own.name:
            continue
        raise InvalidStsRegionError(
            source=source,
            value=quote(region),
            problem=(
                f"is in partition {partition.name}, but no region is configured, "
                f"so the client is in partition {own.name} and its credentials "
                f"are {own.name}'s"
            ),
            expected=(
                f"a region of partition {own.name}, or a region of partition "
                f"{partition.name} set as the region (region in the profile, "
                "AWS_DEFAULT_REGION or --region)"
            ),
        )


def resolve_sts_endpoint(
    builtins: MutableMapping[str, Any],
) -> tuple[str, str | None]:
    """(URL, signing region) that botocore's STS rule set gives for these
    built-ins; the signing region is None where the rule sets none (the
    regional rules), meaning "the region itself"."""
    provider = _sts_endpoint_provider()
    params = {
        name: builtins[definition.builtin]
        for name, definition in provider.ruleset.parameters.items()
        if definition.builtin and builtins.get(definition.builtin) is not None
    }
    endpoint = provider.resolve_endpoint(**params)
    signing_region = None
    for scheme in (endpoint.properties or {}).get("authSchemes") or ():
        if isinstance(scheme, dict) and scheme.get("signingRegion"):
            signing_region = str(scheme["signingRegion"])
            break
    return str(endpoint.url), signing_region


def resolve_sts_url(builtins: MutableMapping[str, Any]) -> str:
    """The URL botocore's STS rule set gives for these built-ins.

    Only for the debug log: the request itself is resolved by botocore.
    """
    try:
        return resolve_sts_endpoint(builtins)[0]
    except Exception as error:  # a log line must never break a request
        return f"(not resolvable: {error})"


def first_entry(builtins: MutableMapping[str, Any], region: str | None) -> str:
    """What the first endpoint of a call is called in failover's terms: the
    STS region the call was routed to, else GLOBAL where botocore uses the
    global endpoint, else the client's own region."""
    if region is not None:
        return region
    if builtins.get(AWS_STS_USE_GLOBAL_ENDPOINT) or str(
        builtins.get(AWS_REGION)
    ).endswith("-global"):
        return GLOBAL
    return str(builtins.get(AWS_REGION))


def entry_endpoint(builtins: MutableMapping[str, Any], entry: str) -> tuple[str, str]:
    """(URL, signing region) of one region name or GLOBAL, resolved by the
    rule set with ``builtins``' other inputs (FIPS, dual-stack) kept."""
    aimed = dict(builtins)
    aimed[SDK_ENDPOINT] = None
    aimed[AWS_STS_USE_GLOBAL_ENDPOINT] = False
    region = entry
    if entry == GLOBAL:
        partitions = default_partitions()
        partition = partitions.region_partition(
            str(builtins.get(AWS_REGION))
        ) or partitions.by_name("aws")
        global_region = partition.sts_global_region if partition else None
        if global_region is None:
            raise ValueError("this partition has no global STS endpoint")
        region = global_region
    aimed[AWS_REGION] = region
    url, signing_region = resolve_sts_endpoint(aimed)
    return url, signing_region or region


@lru_cache(maxsize=1)
def _sts_endpoint_provider() -> EndpointProvider:
    from botocore.endpoint_provider import EndpointProvider
    from botocore.loaders import create_loader

    loader = create_loader()
    return EndpointProvider(
        ruleset_data=loader.load_service_model("sts", "endpoint-rule-set-1"),
        partition_data=loader.load_data("partitions"),
    )


# --- aiming a client at one region ------------------------------------------


def client_region(region: str) -> str:
    """The region to create a client for ``region`` in: the global
    endpoint's signing region for GLOBAL, else the region itself."""
    return _plain_endpoint(region)[1] if region == GLOBAL else region


@functools.cache
def _plain_endpoint(region: str) -> tuple[str, str]:
    """(URL, signing region) of a region, or GLOBAL, without FIPS,
    dual-stack or a configured endpoint."""
    return entry_endpoint(
        {AWS_REGION: "us-east-1", AWS_USE_FIPS: False, AWS_USE_DUALSTACK: False},
        region,
    )


def aim_client(
    client: Any, region: str, router_handlers: tuple[tuple[str, str], ...]
) -> Callable[[], str | None]:
    """Point a client at ``region``'s own endpoint (GLOBAL: the global
    endpoint), whatever the profile or botocore's ``sts_regional_endpoints``
    mode says.

    The plugin's router (``router_handlers``: event, unique_id) is removed:
    it would send the call to the profile's ``sts_region``. Older botocore
    in ``legacy`` mode would send 16 regions to the global endpoint, so
    UseGlobalEndpoint is forced off. A configured endpoint URL, FIPS and
    dual-stack are ignored: the question is about the region's STS, and most
    regions have no FIPS endpoint. The URL actually requested is recorded
    (read-only): ``client.meta.endpoint_url`` is not what rule sets use.
    Returns a function giving that URL (None before any request).
    """
    events = client.meta.events
    for event, unique_id in router_handlers:
        events.unregister(event, unique_id=unique_id)
    rule_region = region
    if region == GLOBAL:
        partition = default_partitions().by_name("aws")
        rule_region = (partition and partition.sts_global_region) or "aws-global"
    events.register_last(
        "before-endpoint-resolution.sts",
        functools.partial(
            _aim_builtins, region=rule_region, signing_region=client_region(region)
        ),
        unique_id=AIM_UNIQUE_ID,
    )
    seen: list[str] = []

    def record_url(request: Any, **kwargs: Any) -> None:
        # Returning None leaves the request alone; only its URL is kept.
        url = getattr(request, "url", None)
        # Only the first is kept: a client shared by many accounts' probes
        # (organization check) must not accumulate one URL per request.
        if isinstance(url, str) and not seen:
            seen.append(url.split("?", 1)[0])

    events.register("before-send.sts", record_url, unique_id=RECORD_UNIQUE_ID)
    return lambda: seen[0] if seen else None


def _aim_builtins(
    builtins: MutableMapping[str, Any],
    context: MutableMapping[str, Any],
    region: str,
    signing_region: str,
    **kwargs: Any,
) -> None:
    builtins[SDK_ENDPOINT] = None
    builtins[AWS_USE_FIPS] = False
    builtins[AWS_USE_DUALSTACK] = False
    builtins[AWS_STS_USE_GLOBAL_ENDPOINT] = False
    builtins[AWS_REGION] = region
    pin_signing_region(context, signing_region)


def probe_config(timeout: float) -> Config:
    """A botocore Config: one attempt, ``timeout`` to connect and to read.

    One attempt, because a retry would double the wait on a dead region and
    hide throttling; ``activation-check`` retries throttling itself
    (``aws/backoff.py``), never through botocore's legacy retries, which
    an Organizations client in the same session can break for HTTP 429
    (botocore 1.44.18, docs/sts-facts.md section 12). botocore spells
    "one attempt in total" differently across forks: ``total_max_attempts``
    (botocore 1.x) or ``max_attempts`` (CLI v2's fork, where it already
    counts the first attempt).
    """
    try:
        return Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"total_max_attempts": 1},
        )
    except Exception:
        return Config(
            connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}
        )


def sts_client_config(settings: StsSettings, config: Any) -> Any:
    """The ``config`` to create an STS client with, for profiles that fail
    over: ``config`` with ``settings.timeout`` as connect and read timeout
    where ``config`` does not set them itself; ``config`` unchanged when no
    timeout applies.

    botocore's default is 60 s to connect and 60 s per read, so a hung STS
    region would hold every command a minute before failing over; a profile
    with ``sts_fallback`` or ``sts_region = auto`` gets ``sts_timeout``
    (default 10 s) instead, on STS clients only. No botocore event can
    change a client's timeouts (they are fixed into its HTTP session before
    any event of the client runs), and the session-wide default config
    would change every service's clients, so registration.py wraps the
    session's ``create_client`` to apply this. Precedence: a ``config``
    passed by the caller (e.g. activation-check's probes) wins; ours wins
    over the session's defaults (``--cli-connect-timeout``,
    ``--cli-read-timeout``).
    """
    if settings.timeout is None:
        return config
    ours = Config(connect_timeout=settings.timeout, read_timeout=settings.timeout)
    return ours.merge(config) if config is not None else ours
