"""accounts/members.py: an organization's accounts as ListAccounts lists
them (every page, the organization read from each ARN), which of them a
command takes and why it leaves any out, and each member role's ARN."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.commands.accounts import members
from awscli_regional_sts.commands.accounts.members import (
    MemberAccount,
    Selected,
    list_accounts,
    member_role_arn,
    select_accounts,
)

ARN = "arn:aws-cn:organizations::999988887777:account/o-abcdefghij/111111111111"


class Pages:
    """ListAccounts as Organizations answers it, page by page."""

    def __init__(self, *pages: dict[str, Any]) -> None:
        self.pages = list(pages)
        self.calls: list[dict[str, Any]] = []

    def list_accounts(self, **params: Any) -> dict[str, Any]:
        self.calls.append(dict(params))
        return self.pages[len(self.calls) - 1]


def test_defaults() -> None:
    assert members.DEFAULT_MEMBER_ROLE_NAME == "OrganizationAccountAccessRole"
    assert members.DEFAULT_MAX_ACCOUNTS_IN_FLIGHT == 4
    assert members.MAX_ACCOUNTS_IN_FLIGHT == 64
    assert members.LIST_ACCOUNTS_PAGE_SIZE == 20


def test_an_account_from_its_listing_entry() -> None:
    entry = {"Id": "111111111111", "Name": "prod", "State": "ACTIVE", "Arn": ARN}
    assert MemberAccount.from_listing(entry) == MemberAccount(
        account_id="111111111111",
        name="prod",
        status="ACTIVE",
        organization_id="o-abcdefghij",
        management_account_id="999988887777",
    )


def test_an_entry_without_arn_status_or_name() -> None:
    # Neither State nor Status: no status (not the text "None").
    bare = MemberAccount.from_listing({"Id": 111111111111, "Arn": "not an arn"})
    assert bare == MemberAccount(
        account_id="111111111111",
        name=None,
        status=None,
        organization_id=None,
        management_account_id=None,
    )
    # Only the deprecated Status.
    older = MemberAccount.from_listing({"Id": "1", "Status": "SUSPENDED"})
    assert older.status == "SUSPENDED"
    assert older.organization_id is older.management_account_id is None


def test_every_page_until_there_is_no_token() -> None:
    client = Pages(
        {"Accounts": [{"Id": "111111111111"}], "NextToken": "t1"},
        {"NextToken": "t2"},  # an empty page is not the end
        {"Accounts": [{"Id": "222222222222"}], "NextToken": ""},
        {"Accounts": [{"Id": "333333333333"}]},
    )
    listed = [account.account_id for account in list_accounts(client)]
    assert listed == ["111111111111", "222222222222"]
    assert client.calls == [
        {"MaxResults": 20},
        {"MaxResults": 20, "NextToken": "t1"},
        {"MaxResults": 20, "NextToken": "t2"},
    ]


A = MemberAccount("111111111111", "a", "ACTIVE")
S = MemberAccount("222222222222", "s", "SUSPENDED")
P = MemberAccount("333333333333", "p", "PENDING_CLOSURE")


def test_named_accounts_get_their_exact_reasons() -> None:
    wanted = ("444444444444", "222222222222", "111111111111", "555555555555")
    assert list(select_accounts([A, S, P], wanted, include_suspended=False)) == [
        Selected(A),
        Selected(
            S,
            error="not checked: the account is SUSPENDED "
            "(pass --include-suspended to try it)",
        ),
        Selected(
            MemberAccount(account_id="444444444444", name=None, status=None),
            error="not checked: ListAccounts does not list this account",
        ),
        Selected(
            MemberAccount(account_id="555555555555", name=None, status=None),
            error="not checked: ListAccounts does not list this account",
        ),
    ]


def test_named_accounts_with_suspended_ones_included() -> None:
    wanted = ("222222222222",)
    assert list(select_accounts([A, S, P], wanted, include_suspended=True)) == [
        Selected(S)
    ]


def test_unnamed_inactive_accounts_are_skipped_without_a_line() -> None:
    assert list(select_accounts([A, S, P], None, include_suspended=False)) == [
        Selected(A),
        Selected(S, skipped=True),
        Selected(P, skipped=True),
    ]
    # An empty --accounts is no filter (arguments refuses it before).
    assert list(select_accounts([A], (), include_suspended=False)) == [Selected(A)]
    assert Selected(A) == Selected(A, error=None, skipped=False)


def test_member_role_arn() -> None:
    assert member_role_arn("aws-us-gov", "111111111111", "Audit") == (
        "arn:aws-us-gov:iam::111111111111:role/Audit"
    )
