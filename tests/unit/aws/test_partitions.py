"""What botocore's endpoint data says about STS regions: built from
synthetic data (every rule on its own) and from the running botocore."""

from __future__ import annotations

from typing import Any

import pytest

from awscli_regional_sts.aws import partitions as partitions_module
from awscli_regional_sts.aws.partitions import (
    GLOBAL,
    Partition,
    Partitions,
    default_partitions,
    is_opt_in_region,
)


def sts(endpoints: dict[str, Any], **service: Any) -> dict[str, Any]:
    return {"sts": {"endpoints": endpoints, **service}}


def partition_data(name: str, regex: str, regions: list[str], **sts_service: Any):
    return {
        "partition": name,
        "regionRegex": regex,
        "regions": {region: {} for region in regions},
        "services": sts(**sts_service),
    }


ENDPOINTS: dict[str, Any] = {
    "partitions": [
        partition_data(
            "aws",
            r"^(us|eu|ap)\-[\w-]+\-\d+$",
            ["us-east-1", "eu-west-1", "il-central-1", "aws-global"],
            endpoints={
                "aws-global": {"hostname": "sts.amazonaws.com"},
                "us-east-1": {"variants": [{"hostname": "f", "tags": ["fips"]}]},
                "us-east-1-fips": {},
                "fips-us-west-2": {},
                "eu-west-1": {
                    "variants": [{"hostname": "d", "tags": ["dualstack", "fips"]}]
                },
                "ap-northeast-1": {},
            },
            partitionEndpoint="aws-global",
        ),
        partition_data(
            "aws-cn",
            r"^cn\-\w+\-\d+$",
            ["cn-north-1"],
            endpoints={"cn-north-1": {}, "cn-northwest-1": {}},
            # A partition endpoint without its own host name is none.
            partitionEndpoint="cn-north-1",
        ),
        partition_data(
            "aws-us-gov",
            r"^us\-gov\-\w+\-\d+$",
            ["us-gov-west-1"],
            endpoints={"us-gov-west-1": {}, "us-gov-east-1": {}},
            defaults={"variants": [{"hostname": "g", "tags": ["fips"]}]},
        ),
    ]
}
#: partitions.json names aws-cn's pseudo-region; endpoints.json does not.
PARTITIONS_DATA: dict[str, Any] = {
    "partitions": [
        {"id": "aws", "regions": {"us-east-1": {}, "aws-global": {}}},
        "not a partition",  # skipped, not a crash
        {"id": "aws-cn", "regions": {"cn-north-1": {}, "aws-cn-global": {}}},
    ]
}


@pytest.fixture
def data() -> Partitions:
    return Partitions.from_endpoint_data(ENDPOINTS, PARTITIONS_DATA)


def named(partitions: Partitions, name: str) -> Partition:
    found = partitions.by_name(name)
    assert found is not None, name
    return found


def test_sts_regions_leave_pseudo_and_fips_names_out(data: Partitions) -> None:
    aws = named(data, "aws")
    assert aws.sts_regions == ("ap-northeast-1", "eu-west-1", "us-east-1")
    assert aws.regions == {"us-east-1", "eu-west-1", "il-central-1", "aws-global"}
    assert aws.known_regions == {
        "ap-northeast-1",
        "eu-west-1",
        "il-central-1",
        "us-east-1",
    }


def test_fips_regions_are_those_with_a_fips_only_variant(data: Partitions) -> None:
    assert named(data, "aws").sts_fips_regions == {"us-east-1"}
    # Given for the whole service: every STS region.
    gov = named(data, "aws-us-gov")
    assert gov.sts_fips_regions == {"us-gov-east-1", "us-gov-west-1"}
    assert named(data, "aws-cn").sts_fips_regions == frozenset()


def test_the_global_endpoint_is_the_partition_endpoint_with_a_host(
    data: Partitions,
) -> None:
    aws, cn = named(data, "aws"), named(data, "aws-cn")
    assert (aws.sts_global_region, aws.has_global_endpoint) == ("aws-global", True)
    assert (cn.sts_global_region, cn.has_global_endpoint) == (None, False)


def test_pseudo_regions_come_from_both_files(data: Partitions) -> None:
    assert named(data, "aws").pseudo_regions == {"aws-global"}
    assert named(data, "aws-cn").pseudo_regions == {"aws-cn-global"}
    assert named(data, "aws-us-gov").pseudo_regions == frozenset()
    assert data.region_partition("aws-cn-global") is named(data, "aws-cn")
    assert "aws-cn-global" not in named(data, "aws-cn").known_regions


def test_without_partitions_data_only_global_endpoints_are_pseudo() -> None:
    alone = Partitions.from_endpoint_data(ENDPOINTS)
    assert named(alone, "aws").pseudo_regions == {"aws-global"}
    assert named(alone, "aws-cn").pseudo_regions == frozenset()
    assert alone.region_partition("aws-cn-global") is None


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("ap-south-9", "aws"),  # by name pattern
        ("aws-global", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-south-9", "aws-cn"),
        # Listed regions win over an earlier partition's pattern.
        ("us-gov-west-1", "aws-us-gov"),
        ("il-central-1", "aws"),  # listed, though not of aws's pattern
        ("US-EAST-1", None),
        ("us_east_1", None),
        ("us-east", None),
        ("mars-east-1", None),
    ],
)
def test_region_partition(data: Partitions, region: str, partition: str | None) -> None:
    found = data.region_partition(region)
    assert (found.name if found else None) == partition


def test_fits_pattern_needs_both_the_shape_and_the_partitions_regex(
    data: Partitions,
) -> None:
    aws = named(data, "aws")
    assert aws.fits_pattern("eu-central-7")
    assert not aws.fits_pattern("sa-east-1")  # not aws's regex here
    assert not aws.fits_pattern("eu_central-7")  # \w would let it through
    assert not aws.fits_pattern("EU-central-7")
    assert aws.matches("aws-global") and aws.matches("eu-west-1")
    assert aws.matches("il-central-1") and not aws.fits_pattern("il-central-1")
    assert not aws.matches("cn-north-1")


def test_of_region_or_aws(data: Partitions) -> None:
    assert data.of_region_or_aws("cn-north-1").name == "aws-cn"
    assert data.of_region_or_aws(None).name == "aws"
    assert data.of_region_or_aws("").name == "aws"
    assert data.of_region_or_aws("mars-east-1").name == "aws"
    cn_only = Partitions((named(data, "aws-cn"),))
    assert cn_only.of_region_or_aws("cn-north-1").name == "aws-cn"
    with pytest.raises(LookupError) as caught:
        cn_only.of_region_or_aws("us-east-1")
    assert str(caught.value) == "botocore's endpoint data has no aws partition"


def test_example_region() -> None:
    def partition(name: str, regions: tuple[str, ...]) -> Partition:
        return Partition(name, "(?!)", frozenset(), regions, frozenset())

    tokyo = partition("aws", ("ap-northeast-1", "us-east-1"))
    assert Partitions((tokyo,)).example_region == "ap-northeast-1"
    no_tokyo = partition("aws", ("us-west-2",))
    cn = partition("aws-cn", ("cn-north-1",))
    assert Partitions((no_tokyo, cn)).example_region == "us-west-2"
    assert Partitions((partition("aws", ()), cn)).example_region == "cn-north-1"
    assert Partitions((partition("x", ()),)).example_region == "us-east-1"
    assert Partitions((cn,)).example_region == "cn-north-1"


def test_opt_in_regions_of_the_aws_partition() -> None:
    assert is_opt_in_region("aws", "af-south-1")
    assert is_opt_in_region("aws", "ap-east-2")
    assert not is_opt_in_region("aws", "eu-west-1")
    assert not is_opt_in_region("aws", GLOBAL)
    assert not is_opt_in_region("aws-cn", "cn-north-1")
    aws = named(default_partitions(), "aws")
    assert aws.is_opt_in("me-south-1") and not aws.is_opt_in("us-east-1")
    enabled = aws.enabled_by_default()
    assert "us-east-1" in enabled and "af-south-1" not in enabled
    assert enabled == [r for r in aws.sts_regions if r in enabled]  # in order
    cn = named(default_partitions(), "aws-cn")
    assert cn.enabled_by_default() == list(cn.sts_regions)


def test_sparse_data_means_empty_values() -> None:
    """Keys botocore's data may leave out stand for "none"."""
    bare = Partitions.from_endpoint_data(
        {
            "partitions": [
                {"partition": "p"},
                {
                    "services": sts(
                        {"xx-east-1": {"variants": [{"hostname": "h"}]}},
                        partitionEndpoint="xx-global",
                    )
                },
            ]
        },
        {"partitions": [{"id": "p"}, {"regions": {"q-global": {}}}]},
    )
    p = named(bare, "p")
    assert p.region_regex == "(?!)"
    assert (p.sts_regions, p.regions, p.sts_global_region) == ((), frozenset(), None)
    assert p.pseudo_regions == frozenset()
    unnamed = named(bare, "")
    assert unnamed.sts_regions == ("xx-east-1",)
    assert unnamed.sts_fips_regions == frozenset()
    assert unnamed.sts_global_region is None
    assert unnamed.pseudo_regions == {"q-global"}
    assert bare.region_partition("us-east-1") is None
    assert Partitions.from_endpoint_data({}).partitions == ()


class Loader:
    def __init__(self, has_partitions: bool = True) -> None:
        self.loaded: list[str] = []
        self.has_partitions = has_partitions

    def load_data(self, name: str) -> Any:
        self.loaded.append(name)
        if name == "partitions":
            if not self.has_partitions:
                raise FileNotFoundError("partitions")
            return PARTITIONS_DATA
        return ENDPOINTS


def test_default_partitions_load_once_through_the_given_loader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partitions_module, "_loaded", [])
    loader = Loader()
    first = default_partitions(loader)
    assert default_partitions(Loader()) is first
    assert default_partitions() is first
    assert loader.loaded == ["partitions", "endpoints"]
    assert named(first, "aws-cn").pseudo_regions == {"aws-cn-global"}


def test_a_botocore_without_partitions_data_still_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partitions_module, "_loaded", [])
    loaded = default_partitions(Loader(has_partitions=False))
    assert named(loaded, "aws-cn").pseudo_regions == frozenset()
    assert named(loaded, "aws").pseudo_regions == {"aws-global"}


def test_without_a_loader_botocores_own_data_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partitions_module, "_loaded", [])
    loaded = default_partitions()
    assert "ap-northeast-1" in named(loaded, "aws").sts_regions
    assert "aws-iso-global" in named(loaded, "aws-iso").pseudo_regions
