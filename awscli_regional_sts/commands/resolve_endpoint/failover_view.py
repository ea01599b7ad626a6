"""The ``sts_fallback`` entries of ``aws sts resolve-endpoint``'s report:
where a call failing over goes, how it is signed, or why failover skips
an entry."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.commands.resolve_endpoint.signing_view import (
    EndpointSigning,
    hop_signing,
)
from awscli_regional_sts.plugin.endpoints import entry_endpoint, first_entry
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
) -> tuple[Hop, ...]:
    """The failover entries after the first endpoint, as ``failover.py``
    resolves them (a configured endpoint never fails over), each with how
    it is signed, or why failover skips it."""
    if configured_endpoint or not settings.fallback:
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
