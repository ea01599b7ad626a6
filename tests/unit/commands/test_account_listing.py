"""The account listing of ``--list-accounts`` / ``--accounts-from``
(commands/activation/fleet/listing.py): its document, the canonical
digest, and every check a listing read back goes through; and the
options' checks (cli/fleet_arguments.py). In process; the CLI's
side (the one line, the exit status, nothing sent) is
tests/e2e/test_account_listing_e2e.py."""

from __future__ import annotations

import copy
import hashlib
import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.accounts.members import MemberAccount
from awscli_regional_sts.commands.activation.cli.fleet_arguments import fleet_arguments
from awscli_regional_sts.commands.activation.fleet.listing import (
    CLOCK_SKEW_SECONDS,
    DEFAULT_MAX_AGE_MINUTES,
    AccountListing,
    ListingProblem,
    canonical_bytes,
    digest_of,
    listed,
    listing_document,
    read_listing,
)

ORG, MANAGEMENT = "o-a1b2c3d4e5", "111122223333"
NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z


def member(account_id: str, name: str | None = "n", status: str = "ACTIVE") -> Any:
    return MemberAccount(
        account_id=account_id,
        name=name,
        status=status,
        organization_id=ORG,
        management_account_id=MANAGEMENT,
    )


def document(**changes: Any) -> dict[str, Any]:
    accounts = [
        member(MANAGEMENT, "management"),
        # A hostile name: control characters, a formula, non-ASCII.
        member("222222222222", '=HYPERLINK("x")\x1b[2J\u202e é', "ACTIVE"),
        member("333333333333", None, "SUSPENDED"),
    ]
    written = listing_document(listed(accounts, "aws", NOW - 60))
    content = {k: v for k, v in written.items() if k != "Digest"}
    content.update(changes)
    return {**content, "Digest": digest_of(content)}


def read(doc: Any, *, now: float = NOW, max_age: int = DEFAULT_MAX_AGE_MINUTES) -> Any:
    return read_listing(doc, "'accounts.json'", "aws", now, max_age)


def test_a_listing_reads_back_as_it_was_listed() -> None:
    doc = document()
    assert doc["ListedAt"] == "2027-01-15T07:59:00Z"
    assert list(doc) == [
        "Format",
        "FormatVersion",
        "Partition",
        "OrganizationId",
        "ManagementAccountId",
        "ListedAt",
        "Accounts",
        "Digest",
    ]
    back = read(json.loads(json.dumps(doc, indent=4)))
    assert isinstance(back, AccountListing)
    assert (back.organization_id, back.management_account_id) == (ORG, MANAGEMENT)
    assert back.listed_at == int(NOW - 60)
    members = list(back.members())
    assert [m.account_id for m in members] == [
        MANAGEMENT,
        "222222222222",
        "333333333333",
    ]
    # The run sees each account as ListAccounts would have given it.
    assert members[1] == member("222222222222", '=HYPERLINK("x")\x1b[2J\u202e é')
    assert members[2].status == "SUSPENDED" and members[2].name is None


def test_the_digest_is_sha256_over_sorted_compact_ascii_json() -> None:
    doc = document()
    content = {k: v for k, v in doc.items() if k != "Digest"}
    expected = json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert canonical_bytes(content) == expected.encode("ascii")
    assert doc["Digest"] == "sha256:" + hashlib.sha256(expected.encode()).hexdigest()
    # Key order and indentation do not change it.
    shuffled = dict(reversed(list(content.items())))
    assert digest_of(shuffled) == doc["Digest"]


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["Accounts"].append(
            {"Id": "999999999999", "Name": "x", "Status": "ACTIVE"}
        ),
        lambda d: d["Accounts"].pop(),
        lambda d: d["Accounts"][1].update(Status="SUSPENDED"),
        lambda d: d["Accounts"][1].update(Name="other"),
        lambda d: d.update(ListedAt="2027-01-15T08:00:00Z"),
        lambda d: d.update(Digest=d["Digest"].upper()),
        lambda d: d.pop("Digest"),
        lambda d: d.update(Extra=1),
    ],
    ids=["added", "removed", "status", "name", "time", "digest", "no-digest", "extra"],
)
def test_an_edit_without_its_digest_is_refused(edit: Any) -> None:
    doc = copy.deepcopy(document())
    edit(doc)
    with pytest.raises(ListingProblem, match="does not match its Digest"):
        read(doc)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"OrganizationId": "o-X"}, "is not an organization id"),
        ({"ManagementAccountId": "1111222233334"}, "is not an AWS account id"),
        ({"ManagementAccountId": "١١١١٢٢٢٢٣٣٣٣"}, "is not an AWS account id"),
        ({"Partition": "AWS!"}, "is not a partition name"),
        ({"ListedAt": "yesterday"}, "is not a UTC time"),
        ({"ListedAt": "2027-13-45T08:00:00Z"}, "a field is malformed"),
        ({"Accounts": []}, "Accounts is not a list of accounts"),
        ({"Accounts": [{"Id": MANAGEMENT, "Name": "m"}]}, "an object of Id, Name"),
        (
            {"Accounts": [{"Id": "22222222222", "Name": "m", "Status": "ACTIVE"}]},
            "'22222222222' is not an AWS account id",
        ),
        (
            {"Accounts": [{"Id": MANAGEMENT, "Name": 5, "Status": "ACTIVE"}]},
            "Name is not text",
        ),
        (
            {"Accounts": [{"Id": MANAGEMENT, "Name": "m", "Status": "active\n"}]},
            "is not an account status",
        ),
        (
            {"Accounts": [{"Id": MANAGEMENT, "Name": "m", "Status": "ACTIVE"}] * 2},
            "an account is listed twice",
        ),
    ],
)
def test_a_malformed_listing_is_refused_even_with_its_digest(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ListingProblem, match="is not a usable listing") as raised:
        read(document(**changes))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_missing_field_is_named() -> None:
    doc = document()
    content = {k: v for k, v in doc.items() if k not in ("Digest", "ListedAt")}
    with pytest.raises(ListingProblem, match="'ListedAt' is missing"):
        read({**content, "Digest": digest_of(content)})


def test_format_and_version_are_checked_first() -> None:
    with pytest.raises(ListingProblem, match="is not an account listing"):
        read([1, 2])
    with pytest.raises(
        ListingProblem, match="has FormatVersion '2', this plugin reads 1"
    ):
        read(document(FormatVersion=2))


def test_age_is_bounded_both_ways() -> None:
    doc = document()  # listed 60 s before NOW
    read(doc, now=NOW - 60 + DEFAULT_MAX_AGE_MINUTES * 60)
    with pytest.raises(ListingProblem) as raised:
        read(doc, now=NOW - 60 + DEFAULT_MAX_AGE_MINUTES * 60 + 60)
    assert (
        "was listed at 2027-01-15T07:59:00Z, 361 minutes ago, more than "
        "--accounts-max-age (360 minutes) allows" in str(raised.value)
    )
    assert "or pass a larger --accounts-max-age" in str(raised.value)
    read(doc, now=NOW + 3600, max_age=61)
    with pytest.raises(ListingProblem, match="61 minutes ago"):
        read(doc, now=NOW + 3600, max_age=60)
    read(doc, now=NOW - 60 - CLOCK_SKEW_SECONDS)
    with pytest.raises(ListingProblem, match="in the future of this machine's clock"):
        read(doc, now=NOW - 61 - CLOCK_SKEW_SECONDS)


def test_another_partition_is_refused() -> None:
    with pytest.raises(ListingProblem, match="lists partition aws, but the check"):
        read_listing(document(), "'f'", "aws-cn", NOW, DEFAULT_MAX_AGE_MINUTES)


def test_a_listing_names_one_organization() -> None:
    other = MemberAccount(
        account_id="444444444444",
        name="x",
        status="ACTIVE",
        organization_id="o-zzzzzzzzzz",
        management_account_id=MANAGEMENT,
    )
    no_arn = MemberAccount(account_id="444444444444", name="x", status="ACTIVE")
    for accounts in ([member(MANAGEMENT), other], [no_arn], []):
        with pytest.raises(ListingProblem, match="did not name one organization"):
            listed(accounts, "aws", NOW)


# -- the options, checked before anything is sent (cli/fleet_arguments.py) --


def options(**given: Any) -> Any:
    return SimpleNamespace(**given)


@pytest.mark.parametrize(
    "given, organization, message",
    [
        ({"list_accounts": True}, False, "--list-accounts needs --organization"),
        ({"accounts_from": "f"}, False, "--accounts-from needs --organization"),
        ({"accounts_max_age": "5"}, True, "--accounts-max-age needs --accounts-from"),
        (
            {"list_accounts": True, "shard": "1/2"},
            True,
            "--shard cannot be used with --list-accounts (it writes the "
            "organization's whole listing and checks nothing)",
        ),
        ({"list_accounts": True, "accounts_from": "f"}, True, "--accounts-from cannot"),
        ({"list_accounts": True, "accounts": ["1"]}, True, "--accounts cannot"),
        ({"list_accounts": True, "report": ["a.csv"]}, True, "--report cannot"),
        (
            {"accounts_from": "f", "accounts_max_age": "0"},
            True,
            "--accounts-max-age: expected a whole number from 1 to 10080",
        ),
    ],
)
def test_listing_options_are_refused_in_one_line(
    given: dict[str, Any], organization: bool, message: str
) -> None:
    with pytest.raises(ArgumentProblem) as raised:
        fleet_arguments(options(**given), organization, None, "aws")
    assert message in str(raised.value)


def test_the_listing_file_is_read_only_if_it_is_to_be_trusted(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(document(ListedAt=_now_text())))
    path.chmod(0o644)
    fleet = fleet_arguments(options(accounts_from=str(path)), True, None, "aws")
    assert fleet.listing is not None and fleet.listing.organization_id == ORG
    assert not fleet.list_accounts
    path.chmod(0o646)
    with pytest.raises(ArgumentProblem, match="is writable by group or others"):
        fleet_arguments(options(accounts_from=str(path)), True, None, "aws")
    with pytest.raises(ArgumentProblem, match="there is no file"):
        fleet_arguments(options(accounts_from=str(path) + "x"), True, None, "aws")
    listed_now = fleet_arguments(options(list_accounts=True), True, None, "aws")
    assert listed_now.list_accounts and listed_now.listing is None


def _now_text() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
