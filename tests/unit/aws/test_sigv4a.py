"""Unit tests: SigV4a region sets and the STS operations lists (aws/)."""

from __future__ import annotations

import botocore.session
import pytest

from awscli_regional_sts.aws.operations import (
    ANSWERS_WHEN_DEACTIVATED,
    PROVES_ACTIVATION,
    REGIONAL_ONLY_OPERATIONS,
    is_regional_only,
    proves_activation,
)
from awscli_regional_sts.aws.sigv4a import (
    parse_region_set,
    prefers_sigv4a,
    region_in_set,
)


def test_a_region_set_is_split_on_commas_and_trimmed() -> None:
    assert parse_region_set(" us-east-1, ,us-west-2 ") == ("us-east-1", "us-west-2")
    assert parse_region_set(["eu-west-1"]) == ("eu-west-1",)
    assert parse_region_set(None) == ()


@pytest.mark.parametrize(
    ("region", "region_set", "inside"),
    [
        ("us-west-2", ("*",), True),
        ("us-west-2", ("us-east-1", "us-west-2"), True),
        ("us-west-2", ("us-east-1",), False),
        ("us-west-2", ("us-west-2x",), False),
        ("us-west-2", ("us-*",), True),
        ("eu-west-1", ("us-*",), False),
        ("us-west-2", ("us-*-2",), True),
        ("us-west-1", ("us-*-2",), False),
        ("us-west-2", (), False),
    ],
)
def test_region_in_set(region: str, region_set: tuple[str, ...], inside: bool) -> None:
    assert region_in_set(region, region_set) is inside


@pytest.mark.parametrize(
    ("preference", "sigv4a"),
    [
        ("sigv4a", True),
        ("sigv4a,sigv4", True),
        (" httpBearerAuth , sigv4a", True),
        ("aws.auth#sigv4a", True),
        ("sigv4,sigv4a", False),
        ("", False),
        (None, False),
    ],
)
def test_prefers_sigv4a(preference: object, sigv4a: bool) -> None:
    assert prefers_sigv4a(preference) is sigv4a


def test_the_regional_only_operations() -> None:
    assert REGIONAL_ONLY_OPERATIONS == (
        "AssumeRoot",
        "GetDelegatedAccessToken",
        "GetWebIdentityToken",
    )
    assert is_regional_only("AssumeRoot")
    assert not is_regional_only("GetCallerIdentity")


def test_an_operation_that_answers_in_a_deactivated_region_proves_nothing() -> None:
    for operation in ANSWERS_WHEN_DEACTIVATED:
        assert not proves_activation(operation), operation
    assert proves_activation("GetSessionToken")
    assert proves_activation("AssumeRoot")
    assert not set(PROVES_ACTIVATION) & set(ANSWERS_WHEN_DEACTIVATED)


def test_the_lists_name_operations_of_botocores_sts_model() -> None:
    """A typo in a list would silently never match."""
    model = botocore.session.get_session().get_service_model("sts")
    names = set(model.operation_names)
    for operation in (
        *REGIONAL_ONLY_OPERATIONS,
        *PROVES_ACTIVATION,
        *ANSWERS_WHEN_DEACTIVATED,
    ):
        assert operation in names, operation


def test_region_disabled_is_modelled_exactly_on_the_operations_that_prove() -> None:
    """PROVES_ACTIVATION is the set whose model lists RegionDisabledException."""
    model = botocore.session.get_session().get_service_model("sts")
    modelled = {
        name
        for name in model.operation_names
        if any(
            error.name == "RegionDisabledException"
            for error in model.operation_model(name).error_shapes
        )
    }
    assert modelled == set(PROVES_ACTIVATION)
