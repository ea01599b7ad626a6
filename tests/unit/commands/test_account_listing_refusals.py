"""``--accounts-from``: each refusal of a listing read back, as its whole
line (what is wrong, then how to list again), the bounds of names and
statuses kept, and the listing's time both ways."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.members import MemberAccount
from awscli_regional_sts.commands.activation.fleet.listing import (
    ListingProblem,
    digest_of,
    listed,
    listing_document,
    read_listing,
)
from tests.unit.commands.test_account_listing import (
    MANAGEMENT,
    NOW,
    document,
    member,
)

WHERE = "--accounts-from: 'accounts.json'"
RELIST = (
    "list the accounts again (aws sts activation-check --organization "
    "--list-accounts > FILE)"
)


def refusal(doc: Any, *, now: float = NOW, max_age: int = 360) -> str:
    with pytest.raises(ListingProblem) as refused:
        read_listing(doc, "'accounts.json'", "aws", now, max_age)
    return str(refused.value)


def one(name: Any = "m", status: Any = "ACTIVE") -> list[dict[str, Any]]:
    return [{"Id": MANAGEMENT, "Name": name, "Status": status}]


def test_not_a_listing_nor_this_version_nor_its_digest() -> None:
    assert refusal([1]) == f"{WHERE} is not an account listing; {RELIST}"
    assert refusal({"Format": "x"}) == f"{WHERE} is not an account listing; {RELIST}"
    assert refusal(document(FormatVersion="1")) == (
        f"{WHERE} has FormatVersion '1', this plugin reads 1; {RELIST} with this plugin"
    )
    assert refusal({**document(), "Digest": "sha256:0"}) == (
        f"{WHERE} does not match its Digest: it was changed or corrupted after "
        f"it was listed; {RELIST}"
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"Partition": "AWS!"}, "Partition 'AWS!' is not a partition name"),
        (
            {"ListedAt": "yesterday"},
            "ListedAt 'yesterday' is not a UTC time (YYYY-MM-DDThh:mm:ssZ)",
        ),
        (
            {"ListedAt": 5},
            "ListedAt '5' is not a UTC time (YYYY-MM-DDThh:mm:ssZ)",
        ),
        ({"ListedAt": "2027-13-45T08:00:00Z"}, "a field is malformed"),
        ({"Accounts": []}, "Accounts is not a list of accounts"),
        ({"Accounts": {"Id": MANAGEMENT}}, "Accounts is not a list of accounts"),
        (
            {"Accounts": ["x"]},
            "an account is not an object of Id, Name and Status",
        ),
        (
            {"Accounts": [{**one()[0], "Extra": 1}]},
            "an account is not an object of Id, Name and Status",
        ),
        ({"Accounts": one(name="n" * 257)}, "an account's Name is not text"),
        ({"Accounts": one(name=["m"])}, "an account's Name is not text"),
        (
            {"Accounts": one(status="active")},
            "Status 'active' is not an account status",
        ),
        (
            {"Accounts": one(status="P" * 33)},
            f"Status '{'P' * 33}' is not an account status",
        ),
        ({"Accounts": one(status=None)}, "Status 'None' is not an account status"),
        ({"Accounts": one() * 2}, "an account is listed twice"),
    ],
)
def test_a_field_that_is_wrong_is_named(changes: dict[str, Any], reason: str) -> None:
    assert refusal(document(**changes)) == (
        f"{WHERE} is not a usable listing: {reason}; {RELIST}"
    )


def test_a_missing_field_is_named() -> None:
    content = {k: v for k, v in document().items() if k not in ("Digest", "Partition")}
    assert refusal({**content, "Digest": digest_of(content)}) == (
        f"{WHERE} is not a usable listing: 'Partition' is missing; {RELIST}"
    )


def test_names_and_statuses_at_their_bounds_are_kept() -> None:
    accounts = [
        {"Id": MANAGEMENT, "Name": "n" * 256, "Status": "A_B"},
        {"Id": "222222222222", "Name": None, "Status": "P" * 32},
        {"Id": "333333333333", "Name": "", "Status": "Z"},
    ]
    listing = read_listing(document(Accounts=accounts), "'x'", "aws", NOW, 360)
    assert [(a.account_id, a.name, a.status) for a in listing.accounts] == [
        (MANAGEMENT, "n" * 256, "A_B"),
        ("222222222222", None, "P" * 32),
        ("333333333333", "", "Z"),
    ]


def test_another_partition_and_the_listings_time() -> None:
    assert refusal(document(Partition="aws-cn")) == (
        f"{WHERE} lists partition aws-cn, but the check runs in partition aws "
        f"(the profile's region); {RELIST} in this partition"
    )
    # Listed at NOW - 60 (2027-01-15T07:59:00Z).
    assert refusal(document(), now=NOW - 60 - 301) == (
        f"{WHERE} was listed at 2027-01-15T07:59:00Z, in the future of this "
        f"machine's clock; check the clocks, or {RELIST}"
    )
    assert refusal(document(), now=NOW + 59 * 60 + 30, max_age=60) == (
        f"{WHERE} was listed at 2027-01-15T07:59:00Z, 60 minutes ago, more than "
        "--accounts-max-age (60 minutes) allows: accounts created since would be "
        f"missed; {RELIST}, or pass a larger --accounts-max-age"
    )
    read_listing(document(), "'x'", "aws", NOW + 59 * 60, 60)


def test_accounts_of_more_than_one_organization_are_not_listed() -> None:
    other = MemberAccount(
        account_id="444444444444",
        name="o",
        status="ACTIVE",
        organization_id="o-zzzzzzzzzz",
        management_account_id=MANAGEMENT,
    )
    for accounts in ([], [member(MANAGEMENT), other]):
        with pytest.raises(ListingProblem) as refused:
            listed(accounts, "aws", NOW)
        assert str(refused.value) == (
            "--list-accounts: ListAccounts did not name one organization in its "
            "accounts' ARNs; the listing was not written"
        )
    partial = MemberAccount(
        account_id="444444444444",
        name="o",
        status="ACTIVE",
        organization_id="o-zzzzzzzzzz",
        management_account_id=None,
    )
    with pytest.raises(ListingProblem):
        listed([partial], "aws", NOW)
    assert listed([other], "aws", NOW + 0.9).listed_at == int(NOW)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time 5 h 30 ahead of UTC (India)."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
def test_the_listings_times_are_utc_whatever_the_machines_zone() -> None:
    assert time.localtime(NOW).tm_hour == 13  # 08:00Z in India
    written = listing_document(listed([member(MANAGEMENT)], "aws", NOW))
    assert written["ListedAt"] == "2027-01-15T08:00:00Z"
    listing = read_listing(written, "'x'", "aws", NOW, 360)
    assert listing.listed_at == int(NOW)
    assert refusal(written, now=NOW + 361 * 60) == (
        f"{WHERE} was listed at 2027-01-15T08:00:00Z, 361 minutes ago, more than "
        "--accounts-max-age (360 minutes) allows: accounts created since would be "
        f"missed; {RELIST}, or pass a larger --accounts-max-age"
    )


def test_a_listing_keeps_the_organization_once_and_its_digest() -> None:
    listing = listed([member(MANAGEMENT), member("222222222222")], "aws", NOW)
    assert (listing.organization_id, listing.management_account_id) == (
        "o-a1b2c3d4e5",
        MANAGEMENT,
    )
    assert [(a.organization_id, a.management_account_id) for a in listing.accounts] == [
        (None, None)
    ] * 2
    written = listing_document(listing)
    content = {k: v for k, v in written.items() if k != "Digest"}
    assert written["Digest"] == digest_of(content)
