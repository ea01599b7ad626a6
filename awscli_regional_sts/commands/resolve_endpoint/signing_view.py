"""How the calls ``resolve-endpoint`` reports would be signed, and what a
profile's endpoint cannot serve: the SigV4 or SigV4a scheme and the
``X-Amz-Region-Set`` of each endpoint, the failover entries a user's region
set excludes, and the regional-only operations sent to the global endpoint.
Decided by ``plugin/signing.py`` and ``aws/operations.py``; this module
only words it for the report."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.operations import REGIONAL_ONLY_OPERATIONS
from awscli_regional_sts.aws.partitions import GLOBAL
from awscli_regional_sts.plugin.endpoints import entry_endpoint
from awscli_regional_sts.plugin.signing import SIGV4, Signing, predict_signing


@dataclass(frozen=True)
class EndpointSigning:
    """How a call to one endpoint is signed."""

    scheme: str
    #: The ``X-Amz-Region-Set`` a SigV4a request carries; None for SigV4.
    region_set: str | None


def client_signing(client: Any) -> Signing:
    """How an STS client's calls are signed, from its configuration
    (``auth_scheme_preference``, ``sigv4a_signing_region_set``) and STS's
    model; what botocore's ``choose-signer`` handlers will pick."""
    metadata = client.meta.service_model.metadata
    return predict_signing(client.meta.config, None, metadata.get("auth"))


def first_call_signing(
    signing: Signing, signing_region: str | None, rule_set_signs: bool
) -> EndpointSigning:
    """How a call's first request is signed. Where the STS rule set names
    an auth scheme itself (the global endpoint: SigV4, us-east-1), botocore
    signs SigV4 whatever the preference; elsewhere the region set is the
    user's, else the signing region the plugin pins, else ``*``."""
    if rule_set_signs:
        return EndpointSigning(SIGV4, None)
    return hop_signing(signing, signing_region)


def hop_signing(signing: Signing, signing_region: str | None) -> EndpointSigning:
    """How a failover hop is signed: botocore signs it again, for the
    region the hop pins (or the user's set)."""
    return EndpointSigning(signing.scheme, signing.region_set_header(signing_region))


def regional_only_warning(
    builtins: Mapping[str, Any], url: str, profile: str
) -> str | None:
    """The line that says a profile's calls of the regional-only operations
    go to the global endpoint, which does not serve them, and what to set;
    None when they go to a region."""
    try:
        global_url, _ = entry_endpoint(dict(builtins), GLOBAL)
    except Exception:  # a partition without a global endpoint
        return None
    if url.rstrip("/") != global_url.rstrip("/"):
        return None
    names = ", ".join(REGIONAL_ONLY_OPERATIONS[:-1])
    return (
        f"{names} and {REGIONAL_ONLY_OPERATIONS[-1]} would go to the global "
        f"endpoint {url}, which does not serve them; send them to a region: "
        f"aws configure set sts_region REGION --profile {shlex.quote(profile)}"
    )
