"""The ``sts_fallback`` entries of ``aws sts resolve-endpoint``'s report:
where a call failing over goes, how it is signed, or why failover skips
an entry."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.partitions import GLOBAL
from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
    EndpointSigning,
    hop_signing,
)
from awscli_regional_sts.plugin.endpoints import (
    entry_endpoint,
    first_entry,
    partition_mismatch,
)
from awscli_regional_sts.plugin.settings import StsSettings
from awscli_regional_sts.plugin.signing import SIGV4, Signing, outside_line


@dataclass(frozen=True)
class Hop:
    """One ``sts_fallback`` entry and where a call failing over goes."""

    entry: str
    url: str
    signing_region: str
    signing: EndpointSigning = EndpointSigning(SIGV4, None)
    #: Why failover skips the entry (outside the user's region set).
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "Entry": self.entry,
            "Url": self.url,
            "SigningRegion": self.signing_region,
            "Scheme": self.signing.scheme,
            "RegionSet": self.signing.region_set,
            "Skipped": self.skipped,
        }


def failover_hops(
    settings: StsSettings,
    routed: MutableMapping[str, Any],
    region: str | None,
    configured_endpoint: Any,
    signing: Signing,
    operation: str,
) -> tuple[Hop, ...]:
    """The failover entries after the first endpoint, as ``failover.py``
    resolves them (a configured endpoint never fails over), each with how
    it is signed, or why failover skips it. ``region``: the first
    endpoint's entry, None where the plugin leaves the first call to
    botocore."""
    if configured_endpoint or not settings.fallback:
        return ()
    if region is None:
        # As failover.py (remember_failover_inputs): a client in another
        # partition than the list's own never fails over. The list's
        # partition is that of its first region: the STS region's, when one
        # is set (settings refuse a mix), whose client is left alone.
        anchor = next((entry for entry in settings.fallback if entry != GLOBAL), None)
        if anchor is not None and partition_mismatch(
            routed, anchor, settings.profile_label, operation
        ):
            return ()
    first = first_entry(routed, region)
    hops = []
    for entry in settings.fallback:
        if entry == first:
            continue
        try:
            url, signing_region = entry_endpoint(routed, entry)
        except Exception:  # nosec B112  # failover skips an entry botocore cannot resolve
            continue
        skipped = (
            None
            if signing.allows(signing_region)
            else outside_line(entry, signing_region, signing, "sts_fallback entry")
        )
        hops.append(
            Hop(
                entry=entry,
                url=url,
                signing_region=signing_region,
                signing=hop_signing(signing, signing_region),
                skipped=skipped,
            )
        )
    return tuple(hops)
