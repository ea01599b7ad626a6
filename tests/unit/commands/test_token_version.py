"""set-global-endpoint-token-version's plan and result logic, and its
argument checks, without botocore or a CLI."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.token_version.arguments import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
    TokenVersionArguments,
    token_version_arguments,
)
from awscli_regional_sts.commands.token_version.plan import (
    AccountOutcome,
    Summary,
    TokenVersion,
    set_account,
)

V1, V2 = TokenVersion.V1, TokenVersion.V2


class FakeIam:
    """GetAccountSummary and SetSecurityTokenServicePreferences of one
    account, counting the writes."""

    def __init__(self, version: Any, *, read_error: bool = False) -> None:
        self.version = version
        self.read_error = read_error
        self.write_error = False
        self.writes: list[TokenVersion] = []

    def read(self) -> Mapping[str, Any]:
        if self.read_error:
            raise RuntimeError("AccessDenied: no")
        return {"Users": 0, "GlobalEndpointTokenVersion": self.version}

    def write(self, version: TokenVersion) -> None:
        if self.write_error:
            raise RuntimeError("AccessDenied: scp")
        self.writes.append(version)
        self.version = {V1: 1, V2: 2}[version]

    def run(self, target: TokenVersion, dry_run: bool = False) -> AccountOutcome:
        return set_account("123456789012", target, dry_run, self.read, self.write, str)


def test_token_version_words_and_summary_numbers() -> None:
    assert TokenVersion.from_summary(1) is V1
    assert TokenVersion.from_summary(2) is V2
    # True == 1 in Python, but GetAccountSummary never answers a bool.
    for odd in (0, 3, "2", None, True, 2.0):
        assert TokenVersion.from_summary(odd) is None, odd
    assert f"{V2}" == "v2Token" and V1 == "v1Token"


def test_a_different_version_is_written_once() -> None:
    iam = FakeIam(1)
    first = iam.run(V2)
    assert first.to_dict() == {
        "AccountId": "123456789012",
        "Before": "v1Token",
        "After": "v2Token",
        "Changed": True,
        "Error": None,
    }
    assert iam.writes == [V2]
    # A second run reads v2 and writes nothing.
    second = iam.run(V2)
    assert (second.before, second.after, second.changed) == (V2, V2, False)
    assert iam.writes == [V2]
    # And back to v1.
    back = iam.run(V1)
    assert (back.before, back.after, back.changed) == (V2, V1, True)
    assert iam.writes == [V2, V1]


def test_dry_run_writes_nothing_and_says_what_would_change() -> None:
    iam = FakeIam(1)
    outcome = iam.run(V2, dry_run=True)
    assert iam.writes == []
    assert (outcome.before, outcome.after, outcome.changed) == (V1, V2, False)
    assert outcome.needs_change
    same = FakeIam(2).run(V2, dry_run=True)
    assert not same.needs_change and not same.changed


def test_errors_end_only_the_account_and_name_the_action() -> None:
    unreadable = FakeIam(1, read_error=True)
    outcome = unreadable.run(V2)
    assert outcome.error == "iam:GetAccountSummary: AccessDenied: no"
    assert (outcome.before, outcome.after, outcome.changed) == (None, None, False)
    assert unreadable.writes == []

    refused = FakeIam(1)
    refused.write_error = True
    outcome = refused.run(V2)
    assert outcome.error == "iam:SetSecurityTokenServicePreferences: AccessDenied: scp"
    # Nothing changed: After is what the account still has.
    assert (outcome.before, outcome.after, outcome.changed) == (V1, V1, False)

    odd = FakeIam(7).run(V2)
    assert odd.error is not None and "got 7" in odd.error


def test_summary_counts_each_kind_once() -> None:
    summary = Summary()
    outcomes = [
        FakeIam(1).run(V2),  # changed
        FakeIam(2).run(V2),  # already set
        FakeIam(1).run(V2, dry_run=True),  # would change
        FakeIam(1, read_error=True).run(V2),  # error
    ]
    for outcome in outcomes:
        summary.add(outcome)
    summary.skipped = 2
    assert summary.to_dict() == {
        "Accounts": 4,
        "AlreadySet": 1,
        "Changed": 1,
        "WouldChange": 1,
        "WithError": 1,
        "Skipped": 2,
    }


def _parsed(**values: Any) -> SimpleNamespace:
    fields = {
        "token_version": "v2Token",
        "accounts": None,
        "organization": False,
        "member_role_name": None,
        "max_accounts_in_flight": None,
        "dry_run": False,
    }
    fields.update(values)
    return SimpleNamespace(**fields)


def test_arguments_for_the_callers_account_and_named_ones() -> None:
    own = token_version_arguments(_parsed())
    assert own.target is V2 and own.accounts is None and not own.organization
    assert own.max_accounts_in_flight == DEFAULT_MAX_ACCOUNTS_IN_FLIGHT == 16
    named = token_version_arguments(
        _parsed(
            token_version="v1Token",
            accounts=["111111111111,222222222222", "111111111111"],
            max_accounts_in_flight="8",
            dry_run=True,
        )
    )
    assert named.target is V1 and named.dry_run
    assert named.accounts == ("111111111111", "222222222222")
    assert named.max_accounts_in_flight == 8
    assert named.member_role_name == "OrganizationAccountAccessRole"
    org = token_version_arguments(_parsed(organization=True, member_role_name="Ops"))
    assert org.organization and org.member_role_name == "Ops"


@pytest.mark.parametrize(
    "values, message",
    [
        ({"token_version": None}, "--token-version is required"),
        ({"token_version": "v2token"}, "did you mean v2Token?"),
        ({"token_version": "2"}, "expected v1Token or v2Token"),
        ({"accounts": ["12345"]}, "'12345' is not an AWS account id"),
        ({"accounts": ["１２３４５６７８９０１２"]}, "is not an AWS account id"),
        ({"accounts": [","]}, "name at least one account id"),
        ({"member_role_name": "Ops"}, "needs --accounts or --organization"),
        (
            {"organization": True, "member_role_name": "a b"},
            "--member-role-name: 'a b' is not an IAM role name",
        ),
        (
            {"organization": True, "max_accounts_in_flight": "0"},
            "--max-accounts-in-flight: expected a whole number from 1 to 64",
        ),
        (
            {"organization": True, "max_accounts_in_flight": "²"},
            "--max-accounts-in-flight",
        ),
        ({"max_accounts_in_flight": "4"}, "needs --accounts or --organization"),
    ],
)
def test_bad_arguments_are_one_line(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ArgumentProblem) as caught:
        token_version_arguments(_parsed(**values))
    text = str(caught.value)
    assert message in text, text
    assert "\n" not in text


def test_each_outcome_names_its_account() -> None:
    unreadable = FakeIam(1, read_error=True).run(V2)
    refused = FakeIam(1)
    refused.write_error = True
    odd = FakeIam(7).run(V2)
    for outcome in (unreadable, refused.run(V2), odd):
        assert outcome.account_id == "123456789012", outcome
        assert outcome.to_dict()["AccountId"] == "123456789012"


def test_summary_counts_add_up_over_many_accounts() -> None:
    summary = Summary()
    for version, dry_run in ((2, False), (2, True), (1, True), (1, True), (2, False)):
        summary.add(FakeIam(version).run(V2, dry_run=dry_run))
    assert summary.to_dict() == {
        "Accounts": 5,
        "AlreadySet": 3,
        "Changed": 0,
        "WouldChange": 2,
        "WithError": 0,
        "Skipped": 0,
    }


@pytest.mark.parametrize(
    "values, line",
    [
        ({"token_version": None}, "--token-version is required: v1Token or v2Token"),
        (
            {"token_version": "v3Token"},
            "--token-version: 'v3Token' is not a token version; did you mean "
            "v2Token?; expected v1Token or v2Token",
        ),
        (
            {"member_role_name": "Ops"},
            "--member-role-name needs --accounts or --organization (it concerns "
            "member accounts)",
        ),
        (
            {"max_accounts_in_flight": "4"},
            "--max-accounts-in-flight needs --accounts or --organization (it "
            "concerns member accounts)",
        ),
        (
            {"accounts": ["12345"]},
            "--accounts: '12345' is not an AWS account id (12 digits)",
        ),
    ],
)
def test_argument_problems_word_for_word(values: dict[str, Any], line: str) -> None:
    with pytest.raises(ArgumentProblem) as caught:
        token_version_arguments(_parsed(**values))
    assert str(caught.value) == line


def test_every_argument_is_kept_as_given() -> None:
    own = token_version_arguments(_parsed())
    assert own == TokenVersionArguments(
        target=V2,
        dry_run=False,
        accounts=None,
        organization=False,
        member_role_name="OrganizationAccountAccessRole",
        max_accounts_in_flight=16,
    )
    assert not own.uses_member_roles
    org = token_version_arguments(
        _parsed(organization=True, dry_run=True, max_accounts_in_flight="64")
    )
    assert (org.organization, org.dry_run, org.max_accounts_in_flight) == (
        True,
        True,
        64,
    )
    assert org.uses_member_roles
    named = token_version_arguments(_parsed(accounts=["111111111111"]))
    assert named.uses_member_roles and not named.organization
