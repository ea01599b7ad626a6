"""User-typed values in error lines and as numbers: what a user reads when a
value is bad, and which numbers a timeout or a count accepts."""

from __future__ import annotations

import pytest

from awscli_regional_sts.aws.untrusted import (
    NUMBER_LIMIT,
    SUGGEST_LIMIT,
    did_you_mean,
    parse_decimal,
    parse_whole,
    printable,
    printable_data,
    quote,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # Printable ASCII as it is, quotes and backslashes escaped.
        ("eu-west-1", "'eu-west-1'"),
        ("XX ~ !", "'XX ~ !'"),
        ("it's", "'it\\'s'"),
        ("a\\b", "'a\\\\b'"),
        # Control and non-ASCII characters escaped, never written raw.
        ("\x1b[31m", "'\\x1b[31m'"),
        ("\x7f", "'\\x7f'"),
        ("\u00b2\u0661", "'\\xb2\\u0661'"),
        ("tab\there", "'tab\\there'"),
    ],
)
def test_quote_shows_printable_ascii_and_escapes_the_rest(
    value: str, shown: str
) -> None:
    assert quote(value) == shown


def test_quote_cuts_at_the_limit_and_says_how_long_the_value_was() -> None:
    assert quote("a" * 40) == "'" + "a" * 40 + "'"
    assert quote("a" * 41) == "'" + "a" * 40 + "...' (41 characters)"
    assert quote("abcdef", limit=3) == "'abc...' (6 characters)"


def test_quote_shows_other_values_as_python_writes_them() -> None:
    assert quote(["eu-west-1"]) == "'[\\'eu-west-1\\']'"
    assert quote(12) == "'12'"


def test_quote_of_an_int_too_long_to_print_names_its_type() -> None:
    assert quote(10**5000) == "'<int too long to show>'"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("5", 5.0),
        ("0.5", 0.5),
        (" 2.5 ", 2.5),
        ("300.00000000", 300.0),  # NUMBER_LIMIT characters exactly
    ],
)
def test_decimals_in_ascii_digits(value: str, number: float) -> None:
    assert parse_decimal(value) == number


@pytest.mark.parametrize(
    "value",
    [
        None,
        5,
        "",
        "   ",
        "\t5",
        "X5",
        "5X",
        "5\n",
        "1e3",
        "-1",
        "+1",
        ".5",
        "5.",
        "inf",
        "nan",
        "1_0",
        "\u00b2",
        "3000.00000000",  # one character over NUMBER_LIMIT
    ],
)
def test_anything_else_is_no_decimal(value: object) -> None:
    assert parse_decimal(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [("7", 7), (" 42 ", 42), ("1" * NUMBER_LIMIT, int("1" * NUMBER_LIMIT))],
)
def test_whole_numbers_in_ascii_digits(value: str, number: int) -> None:
    assert parse_whole(value) == number


@pytest.mark.parametrize(
    "value",
    [
        None,
        7,
        "",
        " ",
        "\t7",
        "X7",
        "7X",
        "7\n",
        "1.0",
        "-1",
        "1_0",
        "\u00b9\u2070",
        "1" * 13,
    ],
)
def test_anything_else_is_no_whole_number(value: object) -> None:
    assert parse_whole(value) is None


def test_did_you_mean_names_the_closest_choice() -> None:
    choices = ["eu-west-1", "eu-west-2", "us-west-1"]
    assert did_you_mean("eu-wset-1", choices) == "; did you mean eu-west-1?"


def test_nothing_close_is_no_suggestion() -> None:
    # "west" is 0.62 like eu-west-1: close for difflib's default, not here.
    assert did_you_mean("west", ["eu-west-1"]) == ""
    assert did_you_mean("tokyo", ["eu-west-1"]) == ""


@pytest.mark.parametrize("name", ["", None, 5, ["eu-west-1"]])
def test_no_suggestion_for_what_is_not_a_name(name: object) -> None:
    assert did_you_mean(name, ["eu-west-1"]) == ""


def test_names_longer_than_the_limit_get_no_suggestion() -> None:
    at_limit = "a" * SUGGEST_LIMIT
    assert did_you_mean(at_limit, [at_limit + "b"]) == (f"; did you mean {at_limit}b?")
    assert did_you_mean(at_limit + "a", [at_limit + "ab"]) == ""


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("prod", "prod"),
        ("Produção ✓", "Produção ✓"),
        ("a\x1b]8;;http://x\x1b\\b", "a\\x1b]8;;http://x\\x1b\\b"),
        ("\x9b2J", "\\u009b2J"),
        ("tab\tline\ncr\r", "tab\\x09line\\x0acr\\x0d"),
        ("\x00\x7f\x80\x9f", "\\x00\\x7f\\u0080\\u009f"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
    ],
)
def test_printable_escapes_what_a_terminal_acts_on(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_data_escapes_every_string_of_a_document() -> None:
    document = {"A\x1b": ["x\x07", 1, None, True, {"Name": "\x9b"}], "N": 2.5}
    assert printable_data(document) == {
        "A\\x1b": ["x\\x07", 1, None, True, {"Name": "\\u009b"}],
        "N": 2.5,
    }
    assert document["A\x1b"][0] == "x\x07"  # a copy: the original is kept
