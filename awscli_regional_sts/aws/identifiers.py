"""AWS identifiers read from text: one parser each, ASCII only.

A role ARN or name, an account id, an Organizations account ARN and a
region name come from profiles, command
lines and cache files; each is parsed here and nowhere else (the region
name's shape by ``partitions.is_region_name``), into a frozen
value or an ``IdentifierError`` whose message is one line naming what was
wrong and what is expected. Every pattern is ASCII (``[0-9]``, never
``\\d``, which also matches ``١`` or ``²``; ``re.ASCII`` besides), since
these strings become host names, file names and request parameters.

Partitions are read by shape (``aws``, ``aws-cn``, ``aws-us-gov``,
``aws-iso-b``, ...); whether a partition is one botocore knows, or the one
a check runs in, is the caller's question: ``RoleArn.in_partition``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The region name's shape lives in partitions.py, which every STS request
# loads already (tests/e2e/test_startup.py counts modules); it is re-exported
# here so that callers find all three identifiers in one place.
from awscli_regional_sts.aws.partitions import is_region_name
from awscli_regional_sts.aws.untrusted import quote

#: A partition name: lower-case words joined by dashes (aws, aws-us-gov).
_PARTITION = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", re.ASCII)
#: An account id: twelve ASCII digits.
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)
#: An IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. IAM allows
#: a path of printable ASCII between slashes (at most 512 characters) and
#: a name of ASCII letters, digits and ``+=,.@_-`` (at most 64).
_ROLE_NAME = r"[A-Za-z0-9+=,.@_-]{1,64}"
_ROLE_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):iam::(?P<account>[^:]*):role"
    rf"(?P<path>/(?:[!-~]*/)?)(?P<name>{_ROLE_NAME})",
    re.ASCII,
)
#: An organization's id: ``o-`` and 10 to 32 lower-case letters and digits.
_ORGANIZATION_ID = r"o-[a-z0-9]{10,32}"
#: An account's ARN in an Organizations listing (ListAccounts' ``Arn``):
#: arn:PARTITION:organizations::MANAGEMENT:account/o-ID/ACCOUNT.
_ACCOUNT_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):organizations::(?P<management>[0-9]{12}):account/"
    rf"(?P<organization>{_ORGANIZATION_ID})/(?P<account>[0-9]{{12}})",
    re.ASCII,
)
MAX_PARTITION = 32
MAX_ROLE_PATH = 512
ROLE_ARN_EXAMPLE = "arn:aws:iam::123456789012:role/NAME"


__all__ = [
    "AccountId",
    "IdentifierError",
    "OrganizationAccountArn",
    "Region",
    "RoleArn",
    "is_account_id",
    "is_partition_name",
    "is_region_name",
    "is_role_name",
    "parse_account_id",
    "parse_organization_account_arn",
    "parse_organization_id",
    "parse_region",
    "parse_role_arn",
    "parse_role_name",
]


class IdentifierError(ValueError):
    """Text that is not the identifier asked for; the message is one line
    that quotes it (defused) and says what was expected."""


@dataclass(frozen=True)
class AccountId:
    """An AWS account id: twelve ASCII digits."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Region:
    """A region name by its shape (``eu-west-1``); whether botocore knows
    it is ``aws/partitions.py``'s question."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class RoleArn:
    """An IAM role's ARN, in parts; ``str()`` gives the ARN back."""

    partition: str
    account: AccountId
    #: "/" for a role without a path, else "/a/b/".
    path: str
    name: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.path}{self.name}"

    def in_partition(self, partition: str) -> bool:
        return self.partition == partition


@dataclass(frozen=True)
class OrganizationAccountArn:
    """An account's ARN as Organizations lists it."""

    partition: str
    management: AccountId
    #: The organization's id, ``o-`` and 10 to 32 letters and digits.
    organization: str
    account: AccountId

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:organizations::{self.management}:account/"
            f"{self.organization}/{self.account}"
        )


def is_partition_name(text: object) -> bool:
    """True for text shaped as a partition name (safe in a file name)."""
    return (
        isinstance(text, str)
        and len(text) <= MAX_PARTITION
        and _PARTITION.fullmatch(text) is not None
    )


def is_account_id(text: object) -> bool:
    return isinstance(text, str) and _ACCOUNT.fullmatch(text) is not None


def parse_account_id(text: object) -> AccountId:
    if isinstance(text, str) and is_account_id(text):
        return AccountId(value=text)
    raise IdentifierError(
        f"{quote(text)} is not an AWS account id; expected 12 digits (0-9)"
    )


def parse_region(text: object) -> Region:
    if isinstance(text, str) and is_region_name(text):
        return Region(name=text)
    raise IdentifierError(
        f"{quote(text)} is not a region name; expected lower-case letters, "
        "digits and dashes, such as eu-west-1"
    )


def is_role_name(text: object) -> bool:
    """True for an IAM role name: 1 to 64 ASCII letters, digits, +=,.@_-."""
    return (
        isinstance(text, str) and re.fullmatch(_ROLE_NAME, text, re.ASCII) is not None
    )


def parse_role_name(text: object) -> str:
    if isinstance(text, str) and is_role_name(text):
        return text
    raise IdentifierError(
        f"{quote(text)} is not an IAM role name; expected 1 to 64 letters, "
        "digits and +=,.@_- (ASCII)"
    )


def parse_organization_id(text: object) -> str:
    """An organization's id (``o-exampleorgid``), as Organizations gives it."""
    if isinstance(text, str) and re.fullmatch(_ORGANIZATION_ID, text, re.ASCII):
        return text
    raise IdentifierError(
        f"{quote(text)} is not an organization id; expected o- and 10 to 32 "
        "lower-case letters and digits (ASCII)"
    )


def parse_organization_account_arn(text: object) -> OrganizationAccountArn:
    match = _ACCOUNT_ARN.fullmatch(text) if isinstance(text, str) else None
    if match is None or not is_partition_name(match["partition"]):
        raise IdentifierError(
            f"{quote(text)} is not an Organizations account ARN; expected "
            "arn:aws:organizations::111122223333:account/o-exampleorgid/444455556666"
        )
    return OrganizationAccountArn(
        partition=match["partition"],
        management=AccountId(value=match["management"]),
        organization=match["organization"],
        account=AccountId(value=match["account"]),
    )


def parse_role_arn(text: object) -> RoleArn:
    """The parts of an IAM role ARN, or IdentifierError naming the shape."""
    match = _ROLE_ARN.fullmatch(text) if isinstance(text, str) else None
    if (
        match is None
        or not is_partition_name(match["partition"])
        or not is_account_id(match["account"])
        or len(match["path"]) > MAX_ROLE_PATH
    ):
        raise IdentifierError(
            f"{quote(text)} is not an IAM role ARN; expected {ROLE_ARN_EXAMPLE}"
        )
    return RoleArn(
        partition=match["partition"],
        account=AccountId(value=match["account"]),
        path=match["path"],
        name=match["name"],
    )
