"""accounts/arguments.py: the options that commands working on accounts
share, each problem one exact line (nothing sent), and the running CLI's
major version that decides a bad parameter's status."""

from __future__ import annotations

import awscli
import pytest

from awscli_regional_sts.commands.accounts.arguments import (
    ArgumentProblem,
    account_ids,
    cli_major,
    member_role_name,
    names,
    whole_number,
)
from awscli_regional_sts.commands.accounts.exit_status import Exit

A, B = "111111111111", "222222222222"


def test_cli_major_is_the_running_clis_first_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(awscli, "__version__", "2.38.5")
    assert cli_major() == "2"
    monkeypatch.setattr(awscli, "__version__", "1.46.3.dev1")
    assert cli_major() == "1"
    # An awscli without a version is CLI v1's shape.
    monkeypatch.delattr(awscli, "__version__")
    assert cli_major() == "1"


def test_account_ids_split_commas_strip_and_drop_repeats() -> None:
    assert account_ids("--accounts", None) is None
    assert account_ids("--accounts", [f" {A} ,{B}", f"{A},,", B]) == (A, B)
    assert account_ids("--accounts", [A]) == (A,)
    # An empty name between two is passed over, not the end of the list.
    assert account_ids("--accounts", [f"{A},,{B}"]) == (A, B)


def test_an_empty_list_names_the_option_and_what_to_name() -> None:
    with pytest.raises(ArgumentProblem) as raised:
        account_ids("--accounts", [" , ", ""])
    assert str(raised.value) == "--accounts: name at least one account id"
    assert raised.value.exit is Exit.BAD_PARAMETER
    with pytest.raises(ArgumentProblem) as raised:
        account_ids("--accounts", [])
    assert str(raised.value) == "--accounts: name at least one account id"


def test_a_bad_account_id_is_quoted_in_one_line() -> None:
    with pytest.raises(ArgumentProblem) as raised:
        account_ids("--skip-accounts", [A, "12345\x1b"])
    assert str(raised.value) == (
        "--skip-accounts: '12345\\x1b' is not an AWS account id (12 digits)"
    )


def test_names_checks_each_name_once_stripped() -> None:
    seen: list[str] = []
    assert names("--x", ["a, b", "a"], seen.append, "thing") == ("a", "b")
    # Each occurrence is checked (the check may refuse a repeat's text).
    assert seen == ["a", "b", "a"]
    with pytest.raises(ArgumentProblem) as raised:
        names("--x", [","], seen.append, "thing")
    assert str(raised.value) == "--x: name at least one thing"


def test_member_role_name_defaults_to_organizations_role() -> None:
    assert member_role_name(None) == "OrganizationAccountAccessRole"
    assert member_role_name("Audit+=,.@_-9") == "Audit+=,.@_-9"
    with pytest.raises(ArgumentProblem) as raised:
        member_role_name("a/b")
    assert str(raised.value) == (
        "--member-role-name: 'a/b' is not an IAM role name "
        "(1 to 64 of letters, digits and +=,.@_-)"
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 4), ("1", 1), ("64", 64), (" 7 ", 7), ("09", 9)]
)
def test_whole_number_in_range_or_default(value: object, expected: int) -> None:
    assert whole_number("--max", value, 4, 64) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", "'0'"), ("65", "'65'"), ("²", "'\\xb2'"), ("x", "'x'"), ("", "''")],
)
def test_whole_number_out_of_range_names_the_range(value: str, shown: str) -> None:
    with pytest.raises(ArgumentProblem) as raised:
        whole_number("--max", value, 4, 64)
    assert str(raised.value) == (
        f"--max: expected a whole number from 1 to 64 (digits 0-9), got {shown}"
    )
