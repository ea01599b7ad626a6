"""aws/sigv4a.py's wildcard region sets and aws/operations.py's proof rule,
pinned where the mutation run found them unpinned: a pattern with several
``*`` is read as fnmatch reads ``*`` (and nothing else), and an operation
in neither list proves nothing."""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awscli_regional_sts.aws.operations import proves_activation
from awscli_regional_sts.aws.sigv4a import prefers_sigv4a, region_in_set

#: Region-like text: the letters, digits and dashes of region names, and
#: ``*`` in patterns only.
REGION_TEXT = st.text(alphabet="aeus-12", max_size=12)
PATTERN_TEXT = st.text(alphabet="aeus-12*", max_size=12)


@pytest.mark.parametrize(
    ("region", "pattern", "covered"),
    [
        ("us-east-1", "us-*", True),
        ("us-east-1", "*-1", True),
        ("us-east-1", "u*e*1", True),
        ("us-east-1", "u*t*1", True),
        ("us-east-1", "u*x*1", False),
        ("us-east-1", "us*east*east*1", False),  # "east" only once
        ("us-east-1", "*east*", True),
        ("us-east-1", "*west*", False),
        ("us-east-1", "us-east-1*", True),
        ("us-east-1", "*us-east-1", True),
        ("us-east-1", "us-east-1-*", False),
        ("eu-west-1", "e*-*-1", True),
        ("eu-1", "eu-*-1", False),  # the middle part may not overlap the ends
        ("abab", "ab*ab", True),
        ("aba", "ab*ab", False),
        ("us-east-1", "**", True),
        ("aba", "*a*b*", True),  # the leftmost "a", or "b" has no room left
        ("ab", "*ab*b*", False),  # a part starts after the one before ends
    ],
)
def test_wildcard_entries(region: str, pattern: str, covered: bool) -> None:
    assert region_in_set(region, (pattern,)) is covered


@settings(max_examples=500, derandomize=True, deadline=None)
@given(region=REGION_TEXT, pattern=PATTERN_TEXT)
def test_a_wildcard_entry_reads_star_as_fnmatch_does(region: str, pattern: str) -> None:
    # Only "*" is special: the alphabet has no "?" or "[".
    assert region_in_set(region, (pattern,)) is fnmatch.fnmatchcase(region, pattern)


def test_an_empty_preference_is_not_sigv4a() -> None:
    assert prefers_sigv4a("") is False
    assert prefers_sigv4a(None) is False
    assert prefers_sigv4a("aws.auth#sigv4a,sigv4") is True


@pytest.mark.parametrize(
    "operation",
    ["DecodeAuthorizationMessage", "GetAccessKeyInfo", "NoSuchOperation"],
)
def test_an_operation_in_neither_list_proves_nothing(operation: str) -> None:
    assert proves_activation(operation) is False
