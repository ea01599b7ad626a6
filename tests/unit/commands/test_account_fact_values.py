"""An account's facts besides its regions (model/account_facts.py): how
each is read from a real botocore client (its answers stubbed by
botocore's own Stubber, which checks the requests against the service's
model), and the value or the reason a report gives for it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from awscli_regional_sts.commands.accounts.permissions import Action
from awscli_regional_sts.commands.activation.model.account_facts import (
    DETAIL,
    FACT_FIELDS,
    FACTS,
    MEMBER_ROLE_ACTIONS,
    OPT_IN,
    OTHER_ACCOUNT,
    REPORT_FIELDS,
    TOKEN_VERSION,
    TOKEN_VERSION_FIELD,
    asked,
    fact_value,
    fact_values,
    has_opt_in_regions,
    lists_regions,
    read_opt_in_statuses,
    read_token_version,
)


@functools.cache
def _session() -> Any:
    """One session for the module: loading the services' models is the
    slow part, and a client never changes its session."""
    return botocore.session.get_session()


def _client(service: str) -> Any:
    return _session().create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",  # nosec B106  # a test's fake key
    )


@pytest.fixture
def iam() -> Iterator[tuple[Any, Stubber]]:
    client = _client("iam")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def account() -> Iterator[tuple[Any, Stubber]]:
    client = _client("account")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


# -- the token version -------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_the_token_version_is_read_from_the_account_summary(
    iam: tuple[Any, Stubber], version: int
) -> None:
    client, stubber = iam
    summary = {"Users": 3, "GlobalEndpointTokenVersion": version}
    stubber.add_response("get_account_summary", {"SummaryMap": summary}, {})
    assert read_token_version(client) == version


def test_a_summary_without_the_token_version_has_none(
    iam: tuple[Any, Stubber],
) -> None:
    client, stubber = iam
    stubber.add_response("get_account_summary", {"SummaryMap": {"Users": 3}}, {})
    assert read_token_version(client) is None


def test_an_answer_without_a_summary_has_no_token_version(
    iam: tuple[Any, Stubber],
) -> None:
    client, stubber = iam
    stubber.add_response("get_account_summary", {}, {})
    assert read_token_version(client) is None


# -- the opt-in statuses -----------------------------------------------------


def test_the_opt_in_statuses_are_read_page_by_page(
    account: tuple[Any, Stubber],
) -> None:
    client, stubber = account
    stubber.add_response(
        "list_regions",
        {
            "Regions": [
                {"RegionName": "ap-east-1", "RegionOptStatus": "DISABLED"},
                {"RegionName": "eu-west-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"},
            ],
            "NextToken": "page-2",
        },
        {"MaxResults": 50},
    )
    stubber.add_response(
        "list_regions",
        {"Regions": [{"RegionName": "me-south-1", "RegionOptStatus": "ENABLED"}]},
        {"MaxResults": 50, "NextToken": "page-2"},
    )
    assert read_opt_in_statuses(client) == {
        "ap-east-1": "DISABLED",
        "eu-west-1": "ENABLED_BY_DEFAULT",
        "me-south-1": "ENABLED",
    }


def test_a_page_without_regions_ends_with_what_was_read(
    account: tuple[Any, Stubber],
) -> None:
    client, stubber = account
    stubber.add_response("list_regions", {"NextToken": "t"}, {"MaxResults": 50})
    stubber.add_response(
        "list_regions", {"Regions": []}, {"MaxResults": 50, "NextToken": "t"}
    )
    assert read_opt_in_statuses(client) == {}


def test_an_empty_next_token_is_the_last_page(
    account: tuple[Any, Stubber],
) -> None:
    client, stubber = account
    stubber.add_response(
        "list_regions",
        {
            "Regions": [{"RegionName": "ap-east-1", "RegionOptStatus": "DISABLING"}],
            "NextToken": "",
        },
        {"MaxResults": 50},
    )
    assert read_opt_in_statuses(client) == {"ap-east-1": "DISABLING"}


def test_this_botocore_lists_regions() -> None:
    assert lists_regions(_client("account"))


def _without_list_regions() -> Any:
    """An Account Management client of a botocore whose model has no
    ListRegions (as CLI v2 2.9's), which must not be called."""

    def list_regions(**kwargs: Any) -> Any:
        raise AssertionError("ListRegions called")

    model = SimpleNamespace(operation_names=["GetContactInformation"])
    return SimpleNamespace(
        meta=SimpleNamespace(service_model=model), list_regions=list_regions
    )


def test_a_botocore_without_list_regions_is_not_asked() -> None:
    client = _without_list_regions()
    assert not lists_regions(client)
    with pytest.raises(Exception) as raised:
        read_opt_in_statuses(client)
    assert str(raised.value) == "this AWS CLI's botocore has no ListRegions"
    # The reason a report gives names the error, as it always did.
    assert fact_value(OPT_IN, (None, raised.value), "aws") == (
        None,
        "ListRegions: _Unavailable: this AWS CLI's botocore has no ListRegions",
    )


# -- partitions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("partition", "has"),
    [("aws", True), ("aws-cn", False), ("aws-us-gov", False), ("aws-iso", False)],
)
def test_only_partitions_with_default_regions_have_opt_in_regions(
    partition: str, has: bool
) -> None:
    assert has_opt_in_regions(partition) is has
    assert asked(OPT_IN, partition) is has
    assert asked(TOKEN_VERSION, partition)


# -- the table ----------------------------------------------------------------


def test_the_facts_table() -> None:
    assert TOKEN_VERSION.key == "token-version"
    assert TOKEN_VERSION.service == "iam"
    assert TOKEN_VERSION.read is read_token_version
    assert TOKEN_VERSION.action is Action.GET_ACCOUNT_SUMMARY
    assert TOKEN_VERSION.call == "iam:GetAccountSummary" == str(TOKEN_VERSION.action)
    assert TOKEN_VERSION.field == TOKEN_VERSION_FIELD == "GlobalEndpointTokenVersion"
    assert not TOKEN_VERSION.opt_in_only
    assert OPT_IN.key == "opt-in"
    assert OPT_IN.service == "account"
    assert OPT_IN.read is read_opt_in_statuses
    assert OPT_IN.action is Action.LIST_REGIONS
    assert OPT_IN.call == "ListRegions"
    assert OPT_IN.field is None
    assert OPT_IN.opt_in_only
    assert FACTS == (TOKEN_VERSION, OPT_IN)


def test_the_report_fields_and_the_member_roles_actions() -> None:
    assert DETAIL == "Detail"
    assert FACT_FIELDS == ("GlobalEndpointTokenVersion",)
    assert REPORT_FIELDS == (
        "GlobalEndpointTokenVersion",
        "GlobalEndpointTokenVersionDetail",
    )
    assert MEMBER_ROLE_ACTIONS == (Action.GET_ACCOUNT_SUMMARY, Action.LIST_REGIONS)


# -- a fact's value or why it has none ----------------------------------------

DENIED = ClientError(
    {"Error": {"Code": "AccessDenied", "Message": "not authorized"}},
    "GetAccountSummary",
)


def test_a_read_value_has_no_reason() -> None:
    assert fact_value(TOKEN_VERSION, (2, None), "aws") == (2, None)
    assert fact_value(OPT_IN, ({"ap-east-1": "DISABLED"}, None), "aws") == (
        {"ap-east-1": "DISABLED"},
        None,
    )


def test_a_value_of_none_read_without_error_has_no_reason() -> None:
    assert fact_value(TOKEN_VERSION, (None, None), "aws") == (None, None)


def test_a_fact_without_an_answer_in_time() -> None:
    assert fact_value(TOKEN_VERSION, None, "aws") == (
        None,
        "iam:GetAccountSummary: no answer in time",
    )
    assert fact_value(OPT_IN, None, "aws") == (None, "ListRegions: no answer in time")


def test_a_refused_fact_says_the_error() -> None:
    assert fact_value(TOKEN_VERSION, (None, DENIED), "aws") == (
        None,
        "iam:GetAccountSummary: AccessDenied: not authorized",
    )


def test_a_failed_connection_says_the_error() -> None:
    error = EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")
    assert fact_value(TOKEN_VERSION, ("ignored", error), "aws") == (
        None,
        "iam:GetAccountSummary: EndpointConnectionError: Could not connect to "
        'the endpoint URL: "https://iam.amazonaws.com/"',
    )


def test_opt_in_statuses_do_not_exist_where_the_partition_has_none() -> None:
    """No value and no reason: nothing to explain, whatever the outcome."""
    assert fact_value(OPT_IN, None, "aws-cn") == (None, None)
    assert fact_value(OPT_IN, (None, DENIED), "aws-us-gov", False) == (None, None)
    assert fact_value(TOKEN_VERSION, (1, None), "aws-cn") == (1, None)


def test_opt_in_statuses_of_another_account_are_not_asked() -> None:
    statuses = ({"ap-east-1": "ENABLED"}, None)
    assert fact_value(OPT_IN, statuses, "aws", False) == (
        None,
        "ListRegions not asked: the role is in another account",
    )
    assert fact_value(OPT_IN, statuses, "aws", False)[1] == OTHER_ACCOUNT
    assert fact_value(OPT_IN, statuses, "aws", same_account=True) == statuses
    # The token version is the role's account's own: read either way.
    assert fact_value(TOKEN_VERSION, (2, None), "aws", same_account=False) == (
        2,
        None,
    )


def test_fact_values_gives_every_fact_by_key() -> None:
    outcomes = {"token-version": (1, None), "opt-in": ({"a": "ENABLED"}, None)}
    assert fact_values(outcomes, "aws") == {
        "token-version": (1, None),
        "opt-in": ({"a": "ENABLED"}, None),
    }
    assert fact_values(outcomes, "aws", same_account=False) == {
        "token-version": (1, None),
        "opt-in": (None, OTHER_ACCOUNT),
    }
    assert fact_values({}, "aws-cn") == {
        "token-version": (None, "iam:GetAccountSummary: no answer in time"),
        "opt-in": (None, None),
    }
