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
from typing import Any, Callable

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.plugin.endpoints import (
    AWS_REGION,
    AWS_STS_USE_GLOBAL_ENDPOINT,
    AWS_USE_FIPS,
    SDK_ENDPOINT,
    operation_name,
    partition_mismatch,
    pin_signing_region,
    resolve_sts_url,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import StsSettings, check_fips_endpoints

logger = logging.getLogger(LOGGER_NAME)

#: Whether this process has logged that its profile sets no STS region:
#: once is enough to explain a silent ``--debug``, and a command may make
#: many STS requests.
_said_unchanged = False


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
        _say_unchanged(current, builtins)
        return
    partitions = default_partitions()
    if partition_mismatch(builtins, region, current.source, model):
        return
    if builtins.get(AWS_USE_FIPS):
        check_fips_endpoints(current, partitions, setting="use_fips_endpoint")

    before = dict(builtins) if logger.isEnabledFor(logging.DEBUG) else None
    builtins[AWS_REGION] = region
    builtins[AWS_STS_USE_GLOBAL_ENDPOINT] = False
    pin_signing_region(context, region)
    if before is not None:
        logger.debug(
            "Routing STS %s to %s instead of %s, signed for %s: %s is %r",
            operation_name(model),
            resolve_sts_url(builtins),
            resolve_sts_url(before),
            region,
            current.source,
            region,
        )


def _say_unchanged(current: StsSettings, builtins: MutableMapping[str, Any]) -> None:
    """One ``--debug`` line per process when the plugin is loaded but the
    profile asks for nothing: without it, a missing or misspelt
    ``sts_region`` looks the same as a plugin that is not loaded."""
    global _said_unchanged
    if _said_unchanged or not logger.isEnabledFor(logging.DEBUG):
        return
    _said_unchanged = True
    also = "; sts_fallback still applies" if current.fallback else ""
    logger.debug(
        "%s: STS requests unchanged (botocore's endpoint: %s)%s; "
        "'aws sts resolve-endpoint' shows why",
        current.source,
        resolve_sts_url(builtins),
        also,
    )
