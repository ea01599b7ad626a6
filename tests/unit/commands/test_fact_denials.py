"""An account's facts refused by a policy (model/denials.py): which
refusals count, in which order, and the one line an organization check
gives such an account."""

from __future__ import annotations

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.commands.activation.model.denials import (
    FactDenial,
    denied_line,
    fact_denials,
    is_policy_denial,
)

ROLE = "arn:aws:sts::111122223333:assumed-role/audit/s"


def refused(code: str, message: str = "not allowed") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Op")


@pytest.mark.parametrize(
    "code", ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]
)
def test_a_policy_refusal_is_a_denial(code: str) -> None:
    assert is_policy_denial(CallError(code, "User is not authorized"))


@pytest.mark.parametrize(
    "error",
    [
        # STS not activated in the region, though its code is AccessDenied.
        CallError("AccessDenied", "STS is not activated in this region"),
        CallError("RegionDisabledException", "STS is not activated"),
        CallError("Throttling", "Rate exceeded"),
        CallError("EndpointConnectionError", "no", unreachable=True),
        CallError("accessdenied", "lower case is another code"),
    ],
)
def test_other_errors_are_no_denial(error: CallError) -> None:
    assert not is_policy_denial(error)


def test_the_denied_facts_in_the_tables_order() -> None:
    """Whatever order the outcomes come in, FACTS' order."""
    outcomes = {
        "opt-in": (None, refused("AccessDeniedException", "no ListRegions")),
        "token-version": (None, refused("AccessDenied", "no GetAccountSummary")),
    }
    assert fact_denials(outcomes) == (
        FactDenial(
            "iam:GetAccountSummary", CallError("AccessDenied", "no GetAccountSummary")
        ),
        FactDenial(
            "account:ListRegions",
            CallError("AccessDeniedException", "no ListRegions"),
        ),
    )


def test_only_refused_facts_are_denials() -> None:
    """An answer, no answer in time, a missing outcome and any other error
    are skipped; the later fact is still looked at."""
    assert fact_denials({"token-version": (2, None)}) == ()
    assert fact_denials(
        {"token-version": (2, None), "opt-in": (None, refused("AccessDenied"))}
    ) == (FactDenial("account:ListRegions", CallError("AccessDenied", "not allowed")),)
    assert fact_denials({"opt-in": (None, refused("AccessDenied"))}) == (
        FactDenial("account:ListRegions", CallError("AccessDenied", "not allowed")),
    )
    assert fact_denials(
        {
            "token-version": (None, EndpointConnectionError(endpoint_url="https://x")),
            "opt-in": (None, refused("UnauthorizedOperation")),
        }
    ) == (
        FactDenial(
            "account:ListRegions", CallError("UnauthorizedOperation", "not allowed")
        ),
    )
    assert (
        fact_denials(
            {
                "token-version": (1, None),
                "opt-in": (
                    None,
                    refused("AccessDenied", "STS is not activated in this region"),
                ),
            }
        )
        == ()
    )


def test_the_line_names_the_actions_the_principal_and_the_first_error() -> None:
    denials = (
        FactDenial("iam:GetAccountSummary", CallError("AccessDenied", "first")),
        FactDenial("account:ListRegions", CallError("AccessDeniedException", "2nd")),
    )
    assert denied_line(denials, ROLE) == (
        f"not checked: iam:GetAccountSummary, account:ListRegions denied to {ROLE} "
        "(AccessDenied); give the member role iam:GetAccountSummary, "
        "account:ListRegions: first"
    )


def test_the_line_of_one_denial() -> None:
    denial = FactDenial("account:ListRegions", CallError("AccessDenied", "nope"))
    assert denied_line([denial], ROLE) == (
        f"not checked: account:ListRegions denied to {ROLE} (AccessDenied); "
        "give the member role account:ListRegions: nope"
    )
