"""fleet/documents.py: an earlier --output json report read back (for
--baseline and --merge), its kind told, and each field the comparison or
the merge uses checked, a bad one named in one exact line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.activation.fleet.documents import (
    MAX_REPORT_BYTES,
    ReportKind,
    ReportProblem,
    accounts_of,
    check_report,
    load_report,
    regions_of,
    report_kind,
    summary_regions,
)

ROW = {"Region": "eu-west-1", "Status": "active", "Detail": "d"}
ACCOUNT_REPORT: dict[str, Any] = {
    "Account": "111122223333",
    "Partition": "aws",
    "GlobalEndpointTokenVersion": 2,
    "Regions": [dict(ROW), {"Region": "us-east-1", "Status": "inactive"}],
}
MEMBER = {
    "AccountId": "222233334444",
    "Name": "m",
    "GlobalEndpointTokenVersion": 1,
    "Regions": [dict(ROW)],
    "Error": None,
}
ORGANIZATION: dict[str, Any] = {
    "Partition": "aws",
    "OrganizationId": "o-a1b2c3d4e5",
    "ManagementAccountId": "111122223333",
    "Accounts": [MEMBER],
    "Summary": {
        "AccountsChecked": 1,
        "AccountsWithError": 0,
        "AccountsSkipped": 0,
        "Regions": [{"Region": "us-west-2"}, {"Region": "eu-west-1"}],
    },
    "Shard": {"Number": 1, "Count": 2, "AccountsSelected": 3, "AccountsInShard": 1},
}
PREFIX = "--baseline: 'b.json' is not a usable report: "


def test_kinds() -> None:
    assert MAX_REPORT_BYTES == 256 * 1024 * 1024
    assert report_kind(ACCOUNT_REPORT) == ReportKind.ACCOUNT
    assert report_kind(ORGANIZATION) == ReportKind.ORGANIZATION
    assert str(ReportKind.ACCOUNT) == "account"
    assert str(ReportKind.ORGANIZATION) == "organization"
    others: tuple[Any, ...] = (
        [ORGANIZATION],
        {"Accounts": []},
        {"Summary": {}},
        {"Account": "1"},
        {"Regions": []},
        None,
    )
    for other in others:
        assert report_kind(other) is None
    # Both shapes at once: the organization's wins.
    assert report_kind({**ACCOUNT_REPORT, **ORGANIZATION}) == ReportKind.ORGANIZATION


def test_good_reports_are_checked_and_read() -> None:
    assert check_report("--baseline", "'b.json'", ACCOUNT_REPORT) == ReportKind.ACCOUNT
    assert check_report("--merge", "'s.json'", ORGANIZATION) == ReportKind.ORGANIZATION
    no_ids = {**ORGANIZATION, "OrganizationId": None}
    del no_ids["ManagementAccountId"], no_ids["Shard"]
    assert check_report("--merge", "'s.json'", no_ids) == ReportKind.ORGANIZATION
    for version in (None, 1, 2):
        changed = {**ACCOUNT_REPORT, "GlobalEndpointTokenVersion": version}
        assert check_report("--b", "f", changed) == ReportKind.ACCOUNT
    no_field = dict(ACCOUNT_REPORT)
    del no_field["GlobalEndpointTokenVersion"]
    assert check_report("--b", "f", no_field) == ReportKind.ACCOUNT


def test_not_a_report() -> None:
    with pytest.raises(ReportProblem) as raised:
        check_report("--merge", "'x.json'", {"Credentials": {}})
    assert str(raised.value) == (
        "--merge: 'x.json' is not an activation-check report (write one with "
        "aws sts activation-check ... --output json > FILE)"
    )
    assert raised.value.exit is Exit.BAD_PARAMETER


def problem_of(document: Any) -> str:
    with pytest.raises(ReportProblem) as raised:
        check_report("--baseline", "'b.json'", document)
    text = str(raised.value)
    assert text.startswith(PREFIX), text
    return text[len(PREFIX) :]


def changed(base: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    document = copy.deepcopy(base)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("Account",), 111122223333, "Account or Partition is missing"),
        (("Partition",), DELETE, "Account or Partition is missing"),
        (("Partition",), None, "Account or Partition is missing"),
        (("Regions",), {}, "Regions is not a list"),
        (("Regions", 1), "us-east-1", "Regions has a row without Region and Status"),
        (("Regions", 1, "Region"), None, "Regions has a row without Region and Status"),
        (("Regions", 0, "Status"), 1, "Regions has a row without Region and Status"),
        (
            ("GlobalEndpointTokenVersion",),
            3,
            "GlobalEndpointTokenVersion is not 1, 2 or null",
        ),
        (
            ("GlobalEndpointTokenVersion",),
            True,
            "GlobalEndpointTokenVersion is not 1, 2 or null",
        ),
        (
            ("GlobalEndpointTokenVersion",),
            "2",
            "GlobalEndpointTokenVersion is not 1, 2 or null",
        ),
    ],
)
def test_account_report_problems(
    path: tuple[Any, ...], value: Any, problem: str
) -> None:
    assert problem_of(changed(ACCOUNT_REPORT, path, value)) == problem


LONG_ID = "222233334444-and-more"
SHARD_PROBLEM = (
    "Shard is not an object of Number, Count, AccountsSelected, AccountsInShard"
)


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("Partition",), DELETE, "Partition is missing"),
        (("Partition",), 1, "Partition is missing"),
        (("OrganizationId",), 5, "OrganizationId is not text"),
        (("ManagementAccountId",), ["x"], "ManagementAccountId is not text"),
        (("Accounts",), {}, "Accounts is not a list"),
        (("Accounts", 0), "222233334444", "Accounts has an entry without AccountId"),
        (
            ("Accounts", 0, "AccountId"),
            222233334444,
            "Accounts has an entry without AccountId",
        ),
        (
            ("Accounts", 0, "Regions"),
            None,
            "account 222233334444: Regions is not a list",
        ),
        (
            ("Accounts", 0, "AccountId"),
            LONG_ID,
            "account 222233334444: Regions has a row without Region and Status",
        ),
        (
            ("Accounts", 0, "GlobalEndpointTokenVersion"),
            0,
            "account 222233334444: GlobalEndpointTokenVersion is not 1, 2 or null",
        ),
        (
            ("Accounts", 0, "Error"),
            {"Code": "x"},
            "account 222233334444: Error is not text",
        ),
        (("Summary",), [], "Summary is not an object"),
        (
            ("Summary", "AccountsChecked"),
            True,
            "Summary.AccountsChecked is not a number",
        ),
        (
            ("Summary", "AccountsWithError"),
            "0",
            "Summary.AccountsWithError is not a number",
        ),
        (
            ("Summary", "AccountsSkipped"),
            DELETE,
            "Summary.AccountsSkipped is not a number",
        ),
        (
            ("Summary", "AccountsSkipped"),
            1.5,
            "Summary.AccountsSkipped is not a number",
        ),
        (
            ("Summary", "Regions"),
            {"Region": "x"},
            "Summary.Regions is not a list of regions",
        ),
        (
            ("Summary", "Regions", 1),
            "eu-west-1",
            "Summary.Regions is not a list of regions",
        ),
        (
            ("Summary", "Regions", 1, "Region"),
            None,
            "Summary.Regions is not a list of regions",
        ),
        (
            ("Shard",),
            [1, 2],
            SHARD_PROBLEM,
        ),
        (
            ("Shard", "Number"),
            True,
            SHARD_PROBLEM,
        ),
        (
            ("Shard", "AccountsInShard"),
            "1",
            SHARD_PROBLEM,
        ),
        (
            ("Shard", "AccountsSelected"),
            DELETE,
            SHARD_PROBLEM,
        ),
    ],
)
def test_organization_report_problems(
    path: tuple[Any, ...], value: Any, problem: str
) -> None:
    document = changed(ORGANIZATION, path, value)
    if value == LONG_ID:  # an account id cut to 12 characters in the line
        document["Accounts"][0]["Regions"] = [{"Region": "eu-west-1"}]
    assert problem_of(document) == problem


def test_the_first_bad_account_is_named() -> None:
    second = {**MEMBER, "AccountId": "333344445555", "Error": 1}
    document = {**ORGANIZATION, "Accounts": [MEMBER, second]}
    assert problem_of(document) == "account 333344445555: Error is not text"
    empty = {
        **ORGANIZATION,
        "Accounts": [],
        "Summary": {**ORGANIZATION["Summary"], "Regions": []},
    }
    assert check_report("--b", "f", empty) == ReportKind.ORGANIZATION


def test_load_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("b.json")
    path.write_text(json.dumps(ORGANIZATION))
    assert load_report("--baseline", str(path)) == (
        ReportKind.ORGANIZATION,
        ORGANIZATION,
    )
    missing = Path("none\x1b.json")
    with pytest.raises(ReportProblem) as raised:
        load_report("--merge", str(missing))
    assert str(raised.value) == "--merge: there is no file 'none\\x1b.json'"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    path.write_text("[")
    with pytest.raises(ReportProblem) as raised:
        load_report("--merge", str(path))
    assert str(raised.value).startswith(f"--merge: {path} is not usable JSON")
    assert raised.value.__suppress_context__
    path.write_text(json.dumps({**ACCOUNT_REPORT, "Partition": None}))
    with pytest.raises(ReportProblem) as raised:
        load_report("--baseline", str(path))
    assert str(raised.value) == (
        f"--baseline: '{path}' is not a usable report: Account or Partition is missing"
    )


def test_a_report_larger_than_the_plugins_own_files_is_read(
    tmp_path: Path,
) -> None:
    # A large organization's report is megabytes (MAX_REPORT_BYTES says
    # why); the plugin's own files are capped far lower.
    many = [
        {**MEMBER, "AccountId": f"{200000000000 + n:012d}", "Name": "n" * 200}
        for n in range(2000)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({**ORGANIZATION, "Accounts": many}))
    assert path.stat().st_size > 512 * 1024
    kind, document = load_report("--baseline", str(path))
    assert kind == ReportKind.ORGANIZATION
    assert len(document["Accounts"]) == 2000


def test_accounts_and_regions_of_both_kinds() -> None:
    assert summary_regions(ORGANIZATION) == ["us-west-2", "eu-west-1"]
    assert regions_of(ReportKind.ORGANIZATION, ORGANIZATION) == [
        "us-west-2",
        "eu-west-1",
    ]
    assert regions_of(ReportKind.ACCOUNT, ACCOUNT_REPORT) == ["eu-west-1", "us-east-1"]
    accounts = accounts_of(ReportKind.ORGANIZATION, ORGANIZATION)
    assert accounts == [MEMBER] and accounts is not ORGANIZATION["Accounts"]
    assert accounts_of(ReportKind.ACCOUNT, ACCOUNT_REPORT) == [
        {
            "AccountId": "111122223333",
            "Name": None,
            "GlobalEndpointTokenVersion": 2,
            "Regions": ACCOUNT_REPORT["Regions"],
            "Error": None,
        }
    ]
