"""What botocore's endpoint data says about STS regions, per partition.

The plugin never turns user text into a host name itself: it only checks a
value against this data and then hands the region to botocore's own endpoint
rule set. Everything here reads the ``endpoints`` data file of the botocore
that is running (the CLI v1 bundle, CLI v2's fork, or plain botocore), so an
older client knows fewer regions rather than wrong ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.untrusted import did_you_mean

#: The word for a partition's global STS endpoint (``sts.amazonaws.com``) in
#: ``sts_fallback``, ``--regions`` and reports; not a region name.
GLOBAL = "global"

#: The region botocore gives an STS client when none is configured (the
#: ``aws`` partition's endpoint, sts.amazonaws.com; docs/sts-facts.md §2).
#: A client in that region has not asked for any partition, unlike one
#: created for ``aws-cn-global`` and the other partitions' pseudo-regions.
NO_REGION_DEFAULT = "aws-global"

#: Regions of the ``aws`` partition enabled by default: those launched before
#: 2019-03-20 (IAM User Guide, "Manage AWS STS in an AWS Region"). A closed
#: historical set, which is why it may be written out: every region of the
#: partition launched since is an opt-in region, and botocore's endpoint
#: data does not say which regions are opt-in. Other partitions have no
#: known opt-in regions.
DEFAULT_ENABLED_REGIONS: Mapping[str, frozenset[str]] = {
    "aws": frozenset(
        {
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ca-central-1",
            "eu-central-1",
            "eu-north-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        }
    )
}

#: Partition endpoint names (``aws-global``) and the deprecated ``*-fips``
#: pseudo-regions appear among STS's endpoints but are not regions a user
#: should pick: they are left out of every list shown to users.
_PSEUDO_REGION = re.compile(r"(-global$)|(-fips$)|(^fips-)")

#: A region name: lower-case ASCII letters and digits in at least two dashed
#: parts. The partitions' own ``regionRegex`` uses ``\w``, which also lets
#: through upper case, ``_`` and other scripts' letters and digits; botocore
#: would build a host name from them. aws/identifiers.py parses with it.
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+", re.ASCII)
MAX_REGION = 50


def is_region_name(text: object) -> bool:
    """True for text shaped as a region name (safe in a host name)."""
    return (
        isinstance(text, str)
        and len(text) <= MAX_REGION
        and _REGION.fullmatch(text) is not None
    )


@dataclass(frozen=True)
class Partition:
    """One partition (``aws``, ``aws-cn``, ...) as far as STS is concerned."""

    name: str
    region_regex: str
    regions: frozenset[str]
    sts_regions: tuple[str, ...]
    sts_fips_regions: frozenset[str]
    #: The rule set's region name for the partition's global STS endpoint
    #: (``aws-global`` -> sts.amazonaws.com), None where there is none.
    sts_global_region: str | None = None
    #: Pseudo-regions botocore lists for the partition (``aws-global``,
    #: ``aws-cn-global``, ...): not regions anyone should pick, but a client
    #: created for one is a client of this partition.
    pseudo_regions: frozenset[str] = frozenset()

    @property
    def known_regions(self) -> frozenset[str]:
        """Every region name botocore lists for the partition (its regions
        and STS's regional endpoints), pseudo-regions left out."""
        return (self.regions | frozenset(self.sts_regions)) - self.pseudo_regions

    def fits_pattern(self, region: str) -> bool:
        """True if ``region`` has the shape of this partition's region
        names: a region newer than the running botocore would."""
        # The shape without is_region_name's length cap: an over-long name
        # that fits the pattern is still told "newer than botocore", as
        # before the parsers moved here (the refusal is the same either way).
        return bool(
            _REGION.fullmatch(region) and re.fullmatch(self.region_regex, region)
        )

    @property
    def has_global_endpoint(self) -> bool:
        return self.sts_global_region is not None

    def is_opt_in(self, region: str) -> bool:
        """True for an opt-in region: STS is active there exactly when the
        region is enabled for the account."""
        return is_opt_in_region(self.name, region)

    def enabled_by_default(self) -> list[str]:
        """The STS regions every account has (the partition's regions where
        no opt-in regions are known)."""
        return [r for r in self.sts_regions if not self.is_opt_in(r)]

    def matches(self, region: str) -> bool:
        """True if ``region`` belongs here, by listing or by name pattern."""
        return (
            region in self.regions
            or region in self.pseudo_regions
            or self.fits_pattern(region)
        )


@dataclass(frozen=True)
class Partitions:
    """All partitions of one endpoints data file, in the file's order."""

    partitions: tuple[Partition, ...]

    @classmethod
    def from_endpoint_data(
        cls,
        data: Mapping[str, Any],
        partitions_data: Mapping[str, Any] | None = None,
    ) -> Partitions:
        """Build from the parsed ``endpoints`` data (``endpoints.json``) and,
        where given, the ``partitions`` data (``partitions.json``), which
        lists each partition's ``<partition>-global`` pseudo-region."""
        listed: dict[str, frozenset[str]] = {}
        for entry in (partitions_data or {}).get("partitions", ()):
            if not isinstance(entry, Mapping):
                continue
            names = entry.get("regions", {})
            listed[str(entry.get("id", ""))] = frozenset(
                str(name) for name in names if _PSEUDO_REGION.search(str(name))
            )
        return cls(tuple(_partition(p, listed) for p in data.get("partitions", ())))

    def region_partition(self, region: str) -> Partition | None:
        """The partition of a region name, or None if it is not one.

        Listed regions win over name patterns, as in botocore's own resolver.
        Pseudo-regions (``aws-cn-global``) belong to the partition that
        lists them; callers that must not take one for a region check
        ``Partition.known_regions``.
        """
        for partition in self.partitions:
            if region in partition.regions or region in partition.pseudo_regions:
                return partition
        for partition in self.partitions:
            if partition.matches(region):
                return partition
        return None

    def of_region_or_aws(self, region: str | None) -> Partition:
        """The partition of ``region``, or ``aws`` where there is none (no
        region configured, or a name no partition knows), as botocore
        itself falls back to ``aws``."""
        partition = (self.region_partition(region) if region else None) or (
            self.by_name("aws")
        )
        if partition is None:
            raise LookupError("botocore's endpoint data has no aws partition")
        return partition

    def by_name(self, name: str) -> Partition | None:
        """The partition called ``name`` (``aws``, ``aws-cn``, ...)."""
        for partition in self.partitions:
            if partition.name == name:
                return partition
        return None

    @property
    def example_region(self) -> str:
        """A region to show in messages as an example of a valid value."""
        aws = self.by_name("aws")
        if aws is not None and "ap-northeast-1" in aws.sts_regions:
            return "ap-northeast-1"
        for partition in self.partitions:
            if partition.sts_regions:
                return partition.sts_regions[0]
        return "us-east-1"


def is_opt_in_region(partition: str, region: str) -> bool:
    """True for a region of an opt-in partition that is not enabled by
    default (never for the global endpoint)."""
    default = DEFAULT_ENABLED_REGIONS.get(partition)
    return default is not None and region != GLOBAL and region not in default


def unknown_region_text(
    value: str,
    partition: Partition | None,
    nearby: Partition | None,
    partitions: Partitions,
) -> str:
    """Why ``value`` is not a region this botocore lists, with the closest
    listed names (``nearby``: the partition whose names are closest)."""
    if partition is not None and value in partition.pseudo_regions:
        return f"is partition {partition.name}'s pseudo-region, not a region"
    pool = (
        nearby.known_regions
        if nearby is not None
        else frozenset().union(*(p.known_regions for p in partitions.partitions))
    )
    hint = did_you_mean(value, pool)
    if partition is not None and partition.fits_pattern(value):
        return (
            f"is not a region that this botocore lists for partition "
            f"{partition.name}{hint}; if it is a region newer than the installed "
            "botocore, upgrade the AWS CLI or botocore"
        )
    return f"is not a region name{hint}"


def expected_region_text(partition: Partition | None, partitions: Partitions) -> str:
    """What a region value may be: an example, and the partition's STS
    regions."""
    example = partitions.example_region
    if partition is not None and example not in partition.sts_regions:
        example = partition.sts_regions[0] if partition.sts_regions else example
    text = f"a region name such as {example}"
    if partition is not None:
        text += f"; STS regions in partition {partition.name}: " + ", ".join(
            partition.sts_regions
        )
    return text


def expected_fips_region_text(
    partition: Partition | None, partitions: Partitions
) -> str:
    """What a value may be where FIPS is asked for: a region of
    ``partition`` (None: any partition) with a FIPS STS endpoint, or FIPS
    turned off where it has none."""
    # Only the region's own partition: a region of another one is refused
    # anyway, so naming it would only send the user round in a circle.
    candidates = [partition] if partition else list(partitions.partitions)
    fips_regions = sorted(name for p in candidates for name in p.sts_fips_regions)
    region_partition = partition.name if partition else "(unknown)"
    where = f" of partition {region_partition}" if partition else ""
    return (
        f"a region{where} with a FIPS STS endpoint: " + ", ".join(fips_regions)
        if fips_regions
        else f"FIPS turned off: partition {region_partition} has no FIPS STS endpoint"
    )


def _partition(
    data: Mapping[str, Any], listed_pseudo: Mapping[str, frozenset[str]]
) -> Partition:
    sts = data.get("services", {}).get("sts", {})
    endpoints: Mapping[str, Any] = sts.get("endpoints", {})
    # A FIPS variant may be given per endpoint or for the whole service (as
    # aws-us-gov does). The partition-wide defaults are NOT evidence: they
    # describe a host name pattern for every service, whether it exists or not.
    service_fips = _has_fips_variant(sts.get("defaults", {}))
    sts_regions = tuple(
        sorted(name for name in endpoints if not _PSEUDO_REGION.search(name))
    )
    fips = frozenset(
        name
        for name in sts_regions
        if service_fips or _has_fips_variant(endpoints[name])
    )
    # The partition endpoint (``partitionEndpoint``) is the global endpoint;
    # only one that names its own host name is a real one.
    global_region = sts.get("partitionEndpoint")
    has_global = bool(
        isinstance(global_region, str)
        and endpoints.get(global_region, {}).get("hostname")
    )
    name = str(data.get("partition", ""))
    # The partition endpoint (aws-global) is one too, even where
    # partitions.json is older than endpoints.json.
    pseudo = listed_pseudo.get(name, frozenset()) | frozenset(
        n for n in endpoints if n.endswith("-global")
    )
    return Partition(
        name=name,
        region_regex=str(data.get("regionRegex", "(?!)")),
        regions=frozenset(data.get("regions", {})),
        sts_regions=sts_regions,
        sts_fips_regions=fips,
        sts_global_region=str(global_region) if has_global else None,
        pseudo_regions=pseudo,
    )


def _has_fips_variant(entry: Mapping[str, Any]) -> bool:
    return any(
        list(variant.get("tags", ())) == ["fips"]
        for variant in entry.get("variants", ())
    )


_loaded: list[Partitions] = []


def default_partitions(loader: Any = None) -> Partitions:
    """The partitions of the running botocore's bundled endpoint data.

    Loaded once per process, on first use (i.e. at the first STS request of
    a profile that sets ``sts_region``), never at import time. Pass the
    session's data loader where one is at hand: botocore reads
    ``endpoints.json`` through it for its own clients and keeps what it
    parsed, so the file (about 40 ms to parse) is then read once, not twice.
    """
    if not _loaded:
        if loader is None:
            from botocore.loaders import create_loader

            loader = create_loader()
        # A race only loads the data twice; both results are equal.
        try:
            partitions_data = loader.load_data("partitions")
        except Exception:
            # A botocore without partitions.json: only aws-global is known.
            partitions_data = None
        _loaded[:1] = [
            Partitions.from_endpoint_data(
                loader.load_data("endpoints"), partitions_data
            )
        ]
    return _loaded[0]
