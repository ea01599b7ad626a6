"""aws/identifiers.py: one parser per AWS identifier, ASCII only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awscli_regional_sts.aws.identifiers import (
    AccountId,
    IdentifierError,
    OrganizationAccountArn,
    Region,
    RoleArn,
    is_account_id,
    is_partition_name,
    is_region_name,
    is_role_name,
    parse_account_id,
    parse_organization_account_arn,
    parse_organization_id,
    parse_region,
    parse_role_arn,
    parse_role_name,
)

PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
#: Characters that are digits to Python's ``\d`` and ``int()``, not ASCII.
OTHER_DIGITS = "١٢٣٤٥٦٧٨٩٠०१२३४५६७८९０１２３４５６７８９"

ascii_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
role_names = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-",
    min_size=1,
    max_size=64,
)
path_parts = st.lists(
    st.text(alphabet=[chr(c) for c in range(0x21, 0x7F) if c != 0x2F], min_size=1),
    max_size=3,
)


@st.composite
def role_arns(draw: st.DrawFn) -> RoleArn:
    parts = draw(path_parts)
    path = "/" + "".join(part + "/" for part in parts)
    return RoleArn(
        partition=draw(st.sampled_from(PARTITIONS)),
        account=AccountId(value=draw(ascii_digits)),
        path=path,
        name=draw(role_names),
    )


@given(role_arns())
def test_a_valid_role_arn_round_trips(role: RoleArn) -> None:
    assert parse_role_arn(str(role)) == role


@given(ascii_digits, st.integers(0, 11), st.sampled_from(OTHER_DIGITS))
def test_an_account_id_with_a_non_ascii_digit_is_refused(
    digits: str, at: int, other: str
) -> None:
    text = digits[:at] + other + digits[at + 1 :]
    assert not is_account_id(text)
    with pytest.raises(IdentifierError):
        parse_account_id(text)
    with pytest.raises(IdentifierError):
        parse_role_arn(f"arn:aws:iam::{text}:role/R")


@given(ascii_digits)
def test_twelve_ascii_digits_are_an_account_id(digits: str) -> None:
    assert parse_account_id(digits) == AccountId(value=digits)


@pytest.mark.parametrize("partition", PARTITIONS)
def test_every_partition_reads_as_itself(partition: str) -> None:
    role = parse_role_arn(f"arn:{partition}:iam::123456789012:role/path/Auditor")
    assert role.partition == partition
    assert role.in_partition(partition)
    assert not role.in_partition("aws" if partition != "aws" else "aws-cn")
    assert role.account == AccountId(value="123456789012")
    assert (role.path, role.name) == ("/path/", "Auditor")
    assert is_partition_name(partition)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        42,
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:user/Bob",
        "arn:aws:iam::12345678901:role/R",  # 11 digits
        "arn:aws:iam::1234567890123:role/R",  # 13 digits
        "arn:aws:sts::123456789012:role/R",
        "arn:AWS:iam::123456789012:role/R",
        "arn::iam::123456789012:role/R",
        "arn:aws:iam:us-east-1:123456789012:role/R",
        "arn:aws:iam::123456789012:role/Réle",  # \w would take it
        "arn:aws:iam::123456789012:role/" + "R" * 65,
        "arn:aws:iam::123456789012:role/a b/R",
        "arn:aws:iam::123456789012:role/" + "p/" * 300 + "R",  # path > 512
        " arn:aws:iam::123456789012:role/R",
        "arn:aws:iam::123456789012:role/R\n",
    ],
)
def test_what_is_not_a_role_arn_is_refused_on_one_line(text: object) -> None:
    with pytest.raises(IdentifierError) as raised:
        parse_role_arn(text)
    message = str(raised.value)
    assert "\n" not in message
    assert "not an IAM role ARN; expected arn:aws:iam::123456789012:role/NAME" in (
        message
    )


def test_the_error_line_quotes_the_text_defused() -> None:
    with pytest.raises(IdentifierError) as raised:
        parse_role_arn("arn:aws:iam::123456789012:role/\x1b[2J" + "x" * 100)
    assert "\x1b" not in str(raised.value)
    assert "characters)" in str(raised.value)


@pytest.mark.parametrize(
    "name", ["eu-west-1", "us-gov-west-1", "cn-north-1", "us-isob-east-1"]
)
def test_region_names(name: str) -> None:
    assert parse_region(name) == Region(name=name)
    assert str(parse_region(name)) == name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "euwest1",
        "EU-west-1",
        "eu_west-1",
        "eu-west-١",
        "eu-west-1.",
        "eu--west-1",
        "eu-west-1-",
        "x" * 49 + "-1",
        None,
    ],
)
def test_what_is_not_a_region_name_is_refused(text: object) -> None:
    assert not is_region_name(text)
    with pytest.raises(IdentifierError, match="is not a region name"):
        parse_region(text)


@given(st.text(max_size=20))
def test_a_region_name_is_ascii_only(text: str) -> None:
    if is_region_name(text):
        assert text.isascii()
        assert text == text.lower()


@given(role_names)
def test_role_names(name: str) -> None:
    assert parse_role_name(name) == name


@pytest.mark.parametrize("text", ["", "a/b", "Réle", "R" * 65, "a b", None, "١"])
def test_what_is_not_a_role_name_is_refused(text: object) -> None:
    assert not is_role_name(text)
    with pytest.raises(IdentifierError, match="is not an IAM role name"):
        parse_role_name(text)


@given(
    st.sampled_from(PARTITIONS),
    ascii_digits,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=10, max_size=32),
    ascii_digits,
)
def test_an_organizations_account_arn_round_trips(
    partition: str, management: str, organization: str, account: str
) -> None:
    arn = OrganizationAccountArn(
        partition=partition,
        management=AccountId(value=management),
        organization="o-" + organization,
        account=AccountId(value=account),
    )
    assert parse_organization_account_arn(str(arn)) == arn


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:organizations::111122223333:account/o-short/444455556666",
        "arn:aws:organizations::111122223333:account/o-exampleorgid/44445555666",
        "arn:aws:organizations::11112222333\u0663:account/o-exampleorgid/444455556666",
        "arn:aws:iam::111122223333:account/o-exampleorgid/444455556666",
        None,
    ],
)
def test_what_is_not_an_organizations_account_arn_is_refused(text: object) -> None:
    with pytest.raises(IdentifierError, match="not an Organizations account ARN"):
        parse_organization_account_arn(text)


# -- the longest names, and the exact error lines --


def test_the_longest_partition_region_and_role_path_are_accepted() -> None:
    assert is_partition_name("a" * 32) and not is_partition_name("a" * 33)
    assert is_region_name("x" * 48 + "-1") and not is_region_name("x" * 49 + "-1")
    path = "/pp/" + "p/" * 254  # 512 characters: IAM's longest path
    assert len(path) == 512
    arn = f"arn:aws:iam::123456789012:role{path}R"
    assert parse_role_arn(arn).path == path
    with pytest.raises(IdentifierError):
        parse_role_arn(f"arn:aws:iam::123456789012:role/p{path}R")


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (
            parse_region,
            "EU-west-1",
            "'EU-west-1' is not a region name; expected lower-case letters, "
            "digits and dashes, such as eu-west-1",
        ),
        (
            parse_role_name,
            "a b",
            "'a b' is not an IAM role name; expected 1 to 64 letters, "
            "digits and +=,.@_- (ASCII)",
        ),
        (
            parse_organization_id,
            "o-short",
            "'o-short' is not an organization id; expected o- and 10 to 32 "
            "lower-case letters and digits (ASCII)",
        ),
        (
            parse_organization_account_arn,
            "arn:aws:organizations::1:account/o-x/2",
            "'arn:aws:organizations::1:account/o-x/2' is not an Organizations "
            "account ARN; expected "
            "arn:aws:organizations::111122223333:account/o-exampleorgid/444455556666",
        ),
    ],
)
def test_each_refusal_is_one_line_naming_the_text_and_the_shape(
    parse: Callable[[object], object], text: str, message: str
) -> None:
    with pytest.raises(IdentifierError) as raised:
        parse(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["o-exampleorgid", "o-" + "a1" * 16])
def test_organization_ids(text: str) -> None:
    assert parse_organization_id(text) == text


@pytest.mark.parametrize(
    "text",
    ["o-EXAMPLEORGID", "o-exampleorg\u0663d", "o-" + "a" * 33, "exampleorgid", None],
)
def test_what_is_not_an_organization_id_is_refused(text: object) -> None:
    with pytest.raises(IdentifierError, match="is not an organization id"):
        parse_organization_id(text)
