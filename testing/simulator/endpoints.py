"""Which hostnames the simulator serves, and which region and service each one is.

The STS names come from botocore's own data (``endpoints.json``, and
``partitions.json`` which the STS endpoint rule set builds names from), so a
client of any botocore version that resolves an STS URL from that data
reaches a name that the simulator's certificate covers.
The IAM, Account Management and Organizations names are the handful of global
endpoints that botocore's rule sets produce for those services; they are
listed literally because each is a single, long-stable name per partition.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Regions of the ``aws`` partition that were launched before 2019-03-20 and are
#: therefore enabled by default (IAM User Guide, "Manage AWS STS in an AWS
#: Region"). Every other region of the partition is an opt-in region.
DEFAULT_ENABLED_REGIONS: frozenset[str] = frozenset(
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

#: Opt-in regions named in the facts document; kept so the set stays right even
#: with a botocore whose endpoint data lacks some of them.
_KNOWN_OPT_IN: frozenset[str] = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

#: Regions whose STS cannot be deactivated (IAM User Guide).
UNDEACTIVATABLE_REGIONS: frozenset[str] = frozenset({"us-east-1", "cn-north-1"})

GLOBAL_STS_HOST = "sts.amazonaws.com"

# (host, service, signing region, partition) of the non-STS global endpoints.
_OTHER_SERVICE_HOSTS: tuple[tuple[str, str, str, str], ...] = (
    ("iam.amazonaws.com", "iam", "us-east-1", "aws"),
    ("account.us-east-1.amazonaws.com", "account", "us-east-1", "aws"),
    ("organizations.us-east-1.amazonaws.com", "organizations", "us-east-1", "aws"),
    # Their FIPS endpoints, as botocore's rule sets build them with
    # use_fips_endpoint (botocore 1.39, 1.44, CLI v1 1.46's and CLI v2
    # 2.9's; Account Management's moved between releases).
    ("iam-fips.amazonaws.com", "iam", "us-east-1", "aws"),
    ("account-fips.aws-global.amazonaws.com", "account", "us-east-1", "aws"),
    ("account-fips.us-east-1.amazonaws.com", "account", "us-east-1", "aws"),
    (
        "organizations-fips.us-east-1.amazonaws.com",
        "organizations",
        "us-east-1",
        "aws",
    ),
    ("iam.cn-north-1.amazonaws.com.cn", "iam", "cn-north-1", "aws-cn"),
    ("account.cn-northwest-1.amazonaws.com.cn", "account", "cn-northwest-1", "aws-cn"),
    (
        "organizations.cn-northwest-1.amazonaws.com.cn",
        "organizations",
        "cn-northwest-1",
        "aws-cn",
    ),
    ("iam.us-gov.amazonaws.com", "iam", "us-gov-west-1", "aws-us-gov"),
    ("account.us-gov-west-1.amazonaws.com", "account", "us-gov-west-1", "aws-us-gov"),
    (
        "organizations.us-gov-west-1.amazonaws.com",
        "organizations",
        "us-gov-west-1",
        "aws-us-gov",
    ),
)

_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class HostInfo:
    """What a served hostname is: its service, the region requests must be
    signed for, and whether it is the STS global endpoint."""

    host: str
    service: str
    region: str
    partition: str
    is_global: bool = False


def _data_dir() -> Path:
    """botocore's data directory, found WITHOUT importing botocore.

    Importing plain botocore into the test process would break in-process
    tests that import ``awscli`` afterwards (awscli aliases ``botocore`` to
    its bundled copy, which only works if nothing imported the other one
    first). ``find_spec`` consults the same finders, awscli's alias included,
    so the data is that of the botocore ``import botocore`` would load.
    """
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _load(name: str) -> dict[str, Any]:
    """A top-level botocore data file (``endpoints``, ``partitions``)."""
    base = _data_dir() / name
    plain = base.with_name(name + ".json")
    if plain.exists():
        data: dict[str, Any] = json.loads(plain.read_text("utf-8"))
    else:
        with gzip.open(base.with_name(name + ".json.gz"), "rt", encoding="utf-8") as f:
            data = json.load(f)
    return data


def _rule_set_hosts() -> dict[str, tuple[str, str]]:
    """Hostnames the STS endpoint rule set builds from ``partitions.json``
    (standard, FIPS, dual-stack, FIPS+dual-stack per region), mapped to
    (region, partition). The ISO partitions' dual-stack suffixes exist only
    there, not in ``endpoints.json``."""
    hosts: dict[str, tuple[str, str]] = {}
    for partition in _load("partitions").get("partitions", []):
        outputs = partition.get("outputs", {})
        suffix = outputs.get("dnsSuffix")
        dual = outputs.get("dualStackDnsSuffix")
        if not suffix:
            continue
        for region in partition.get("regions", {}):
            if not _REGION_RE.match(region):
                continue  # e.g. "aws-global"
            names = [f"sts.{region}.{suffix}"]
            if outputs.get("supportsFIPS"):
                names.append(f"sts-fips.{region}.{suffix}")
            if dual and outputs.get("supportsDualStack"):
                names.append(f"sts.{region}.{dual}")
                if outputs.get("supportsFIPS"):
                    names.append(f"sts-fips.{region}.{dual}")
            for host in names:
                hosts.setdefault(host, (region, partition["id"]))
    return hosts


@functools.cache
def host_catalog() -> dict[str, HostInfo]:
    """Every hostname the simulator serves, computed once per process."""
    catalog: dict[str, HostInfo] = {}
    endpoints = _load("endpoints")
    for partition in endpoints["partitions"]:
        name = partition["partition"]
        suffix = partition["dnsSuffix"]
        sts_keys = partition.get("services", {}).get("sts", {}).get("endpoints", {})
        regions = set(partition.get("regions", {}))
        regions.update(
            key
            for key in sts_keys
            if key != "aws-global" and "fips" not in key and _REGION_RE.match(key)
        )
        variants = partition.get("defaults", {}).get("variants", [])
        for region in sorted(regions):
            names = [f"sts.{region}.{suffix}"]
            for variant in variants:
                names.append(
                    variant["hostname"].format(
                        service="sts",
                        region=region,
                        dnsSuffix=variant.get("dnsSuffix", suffix),
                    )
                )
            for host in names:
                catalog.setdefault(host, HostInfo(host, "sts", region, name))
    for host, (region, name) in _rule_set_hosts().items():
        catalog.setdefault(host, HostInfo(host, "sts", region, name))
    catalog[GLOBAL_STS_HOST] = HostInfo(
        GLOBAL_STS_HOST, "sts", "us-east-1", "aws", is_global=True
    )
    for host, service, region, partition_name in _OTHER_SERVICE_HOSTS:
        catalog[host] = HostInfo(host, service, region, partition_name)
    return catalog


@functools.cache
def partition_regions() -> dict[str, tuple[str, ...]]:
    """Regions of each partition, as botocore's endpoint data lists them."""
    return {
        p["partition"]: tuple(sorted(p.get("regions", {})))
        for p in _load("endpoints")["partitions"]
    }


def _compute_opt_in() -> frozenset[str]:
    try:
        aws_regions = set(partition_regions().get("aws", ()))
    except Exception:  # pragma: no cover - botocore missing: fall back
        aws_regions = set()
    return frozenset(aws_regions - DEFAULT_ENABLED_REGIONS) | _KNOWN_OPT_IN


#: Opt-in regions: every ``aws`` partition region botocore knows that is not
#: enabled by default, plus the ones the facts document names.
OPT_IN_REGIONS: frozenset[str] = _compute_opt_in()
