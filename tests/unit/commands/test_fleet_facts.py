"""The fleet reports take an account's facts from the facts table
(``model/account_facts.py``): every fact with a report field is a CSV
column, is carried from a one-account report, and is compared against a
baseline, so adding a fact to the table is one change."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    accounts_of,
)
from awscli_regional_sts.commands.activation.fleet.drift import compare
from awscli_regional_sts.commands.activation.fleet.report_csv import (
    COLUMNS,
    render_csv,
)
from awscli_regional_sts.commands.activation.model.account_facts import (
    FACT_FIELDS,
    FACTS,
)

FIELDS = [fact.field for fact in FACTS if fact.field is not None]


def one_account(**facts: Any) -> dict[str, Any]:
    return {
        "Account": "111122223333",
        "Partition": "aws",
        **facts,
        "Regions": [{"Region": "eu-west-1", "Status": "active", "Detail": "ok"}],
    }


def test_the_facts_table_names_the_report_fields() -> None:
    assert FIELDS == ["GlobalEndpointTokenVersion"]
    assert list(FACT_FIELDS) == FIELDS


@pytest.mark.parametrize("field", FIELDS)
def test_every_facts_report_field_is_a_csv_column(field: str) -> None:
    assert field in COLUMNS
    document = one_account(**dict.fromkeys(FIELDS, 2))
    header, row = csv.reader(io.StringIO(render_csv(ReportKind.ACCOUNT, document)))
    assert row[header.index(field)] == "2"


@pytest.mark.parametrize("field", FIELDS)
def test_every_fact_is_carried_and_compared(field: str) -> None:
    before = one_account(**dict.fromkeys(FIELDS, 1))
    after = one_account(**dict.fromkeys(FIELDS, 2))
    (account,) = accounts_of(ReportKind.ACCOUNT, after)
    assert account[field] == 2
    changes = [
        change.to_dict()
        for change in compare(ReportKind.ACCOUNT, before, after)
        if change.to_dict()["Change"] == field
    ]
    assert changes == [
        {
            "AccountId": "111122223333",
            "Region": None,
            "Change": field,
            "Before": 1,
            "After": 2,
        }
    ]
