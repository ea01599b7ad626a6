"""Point each STS request at the STS region the session asked for.

The handler runs on ``before-endpoint-resolution.sts``, i.e. for every STS
request (including presigned URLs) just before botocore's endpoint rule set
picks the URL. It changes only the rule set's inputs, so botocore itself
still builds the host name (partition suffix, FIPS, dual-stack) and the
request is signed for the host it goes to.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from awscli_regional_sts import LOGGER_NAME
from awscli_regional_sts.partitions import default_partitions
from awscli_regional_sts.settings import StsSettings, check_fips_endpoint

if TYPE_CHECKING:
    from botocore.endpoint_provider import EndpointProvider

logger = logging.getLogger(LOGGER_NAME)

# Names of botocore's endpoint rule set built-ins (EndpointResolverBuiltins,
# spelled out: older botocore releases do not all export the same members).
AWS_REGION = "AWS::Region"
AWS_USE_FIPS = "AWS::UseFIPS"
AWS_STS_USE_GLOBAL_ENDPOINT = "AWS::STS::UseGlobalEndpoint"
SDK_ENDPOINT = "SDK::Endpoint"


def route_sts_request(
    builtins: MutableMapping[str, Any],
    model: Any,
    context: MutableMapping[str, Any],
    *,
    settings: Callable[[], StsSettings],
    **kwargs: Any,
) -> None:
    """Handle ``before-endpoint-resolution.sts``: re-aim one STS request.

    ``settings`` is bound per session at registration. The request is left
    alone when the user configured an endpoint (it wins), when no STS region
    is set, and when the client belongs to another partition than the STS
    region (e.g. a boto3 client created for cn-north-1). Otherwise the rule
    set is asked for the regional endpoint of the STS region, and the signing
    region is pinned to it: the regional rules set none, so the signer would
    fall back to the client's region and STS would reject the signature.
    """
    if builtins.get(SDK_ENDPOINT):
        return
    current = settings()
    region = current.region
    if region is None:
        return
    partitions = default_partitions()
    if partition_mismatch(builtins, region, current.source, model):
        return
    if builtins.get(AWS_USE_FIPS):
        check_fips_endpoint(current, partitions, setting="use_fips_endpoint")

    before = dict(builtins) if logger.isEnabledFor(logging.DEBUG) else None
    builtins[AWS_REGION] = region
    builtins[AWS_STS_USE_GLOBAL_ENDPOINT] = False
    pin_signing_region(context, region)
    if before is not None:
        logger.debug(
            "Routing STS %s to %s instead of %s, signed for %s: %s is %r",
            _operation(model),
            resolve_sts_url(builtins),
            resolve_sts_url(before),
            region,
            current.source,
            region,
        )


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

    Only a real region counts: `aws-global`, which botocore uses when no
    region is configured, says nothing about the partition wanted.
    """
    partitions = default_partitions()
    client_region = builtins.get(AWS_REGION)
    client_partition = (
        partitions.region_partition(client_region)
        if isinstance(client_region, str)
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
        _operation(model),
        client_region,
        client_partition.name,
        source,
        region,
        target_partition.name,
    )
    return True


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


@lru_cache(maxsize=1)
def _sts_endpoint_provider() -> EndpointProvider:
    from botocore.endpoint_provider import EndpointProvider
    from botocore.loaders import create_loader

    loader = create_loader()
    return EndpointProvider(
        ruleset_data=loader.load_service_model("sts", "endpoint-rule-set-1"),
        partition_data=loader.load_data("partitions"),
    )


def _operation(model: Any) -> str:
    return str(getattr(model, "name", model))
