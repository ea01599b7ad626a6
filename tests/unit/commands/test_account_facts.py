"""The table of an account's facts (model/account_facts.py) is the one
place a fact is declared: the member role's template, the denials and the
report follow it."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.commands.activation.model.account_facts import (
    FACTS,
    MEMBER_ROLE_ACTIONS,
    REPORT_FIELDS,
    fact_value,
)
from awscli_regional_sts.commands.activation.model.denials import fact_denials
from awscli_regional_sts.commands.activation.model.report import AccountFacts
from testing.cloudformation import MEMBER_ROLE_TEMPLATE, policy_actions


def test_member_role_template_allows_exactly_the_facts_actions() -> None:
    """deploy/member-role.yaml's role: assumable, and allowed the actions of
    the facts' table, no more, no fewer, in the table's order."""
    actions = policy_actions(MEMBER_ROLE_TEMPLATE, AllowTokenVersionChange="false")
    assert actions == ["sts:AssumeRole", *(str(a) for a in MEMBER_ROLE_ACTIONS)]


def test_every_fact_has_its_own_key_service_and_action() -> None:
    for attribute in ("key", "service", "action"):
        values = [getattr(fact, attribute) for fact in FACTS]
        assert len(set(values)) == len(values), attribute


class _Denied(Exception):
    response: dict[str, Any] = {
        "Error": {"Code": "AccessDenied", "Message": "not allowed"}
    }


def test_a_denied_fact_names_its_action_from_the_table() -> None:
    outcomes = {fact.key: (None, _Denied()) for fact in FACTS}
    denials = fact_denials(outcomes)
    assert [d.action for d in denials] == [str(f.action) for f in FACTS]


def test_report_fields_come_from_the_table() -> None:
    values = {fact.key: fact_value(fact, None, "aws") for fact in FACTS}
    fields = AccountFacts(account="1", arn="a", values=values).fields()
    assert set(fields) <= set(REPORT_FIELDS)
    assert [name for name in REPORT_FIELDS if not name.endswith("Detail")] == [
        name for name in fields if not name.endswith("Detail")
    ]
