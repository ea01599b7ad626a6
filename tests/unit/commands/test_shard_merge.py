"""fleet/merge.py: shard reports merged back into one organization report,
every way shards can fail to fit named in one exact line, and the summary
counted again from the merged accounts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import ReportProblem
from awscli_regional_sts.commands.activation.fleet.merge import merge_shards, summarize

REGIONS = ["us-east-1", "eu-west-1"]
RUN = {
    "Partition": "aws-cn",
    "OrganizationId": "o-a1b2c3d4e5",
    "ManagementAccountId": "111122223333",
    "MemberRoleName": "Audit",
    "Probe": "AssumeRole",
}


def member(account_id: str, *statuses: str, error: str | None = None) -> dict[str, Any]:
    return {
        "AccountId": account_id,
        "Regions": [
            {"Region": region, "Status": status}
            for region, status in zip(REGIONS, statuses)
        ],
        "Error": error,
    }


def shard(
    number: int,
    count: int,
    accounts: list[dict[str, Any]],
    *,
    selected: int,
    skipped: int = 0,
    **changes: Any,
) -> dict[str, Any]:
    return {
        **RUN,
        "Accounts": accounts,
        "Summary": {
            "AccountsChecked": len(accounts),
            "AccountsWithError": 0,
            "AccountsSkipped": skipped,
            "Regions": [{"Region": region} for region in REGIONS],
        },
        "Shard": {
            "Number": number,
            "Count": count,
            "AccountsSelected": selected,
            "AccountsInShard": len(accounts),
        },
        **changes,
    }


A = member("300000000000", "active", "inactive")
B = member("100000000000", "active", "unknown")
C = member("200000000000", error="AssumeRole: AccessDenied")
D = member("400000000000", "not-enabled", "bogus")


def two_shards() -> list[tuple[str, dict[str, Any]]]:
    """Shard 2 named first: the merge's order is the files', not the shards'."""
    return [
        ("'s2.json'", shard(2, 2, [C, D], selected=4, skipped=2)),
        ("'s1.json'", shard(1, 2, [A, B], selected=4, skipped=1)),
    ]


def test_merged_report_is_the_runs_in_account_order() -> None:
    merged = merge_shards(two_shards())
    assert merged == {
        **RUN,
        "Accounts": [B, C, A, D],
        "Summary": {
            "AccountsChecked": 3,
            "AccountsWithError": 1,
            "AccountsSkipped": 3,
            "Regions": [
                {
                    "Region": "us-east-1",
                    "Active": 2,
                    "Inactive": 0,
                    "NotEnabled": 1,
                    "Unreachable": 0,
                    "Unknown": 0,
                },
                {
                    "Region": "eu-west-1",
                    "Active": 0,
                    "Inactive": 1,
                    "NotEnabled": 0,
                    "Unreachable": 0,
                    "Unknown": 1,
                },
            ],
        },
    }
    assert list(merged) == [*RUN, "Accounts", "Summary"]


def test_a_single_shard_of_one() -> None:
    merged = merge_shards([("'all.json'", shard(1, 1, [A], selected=1))])
    assert merged["Accounts"] == [A]
    assert merged["Summary"]["AccountsChecked"] == 1


def test_summary_counts_only_known_regions_and_statuses() -> None:
    reachable = member("500000000000", "reachable", "active")
    elsewhere = {
        "AccountId": "600000000000",
        "Regions": [{"Region": "ap-east-1", "Status": "active"}],
    }
    no_rows = {"AccountId": "700000000000", "Regions": None}
    summary = summarize([reachable, elsewhere, no_rows], ["eu-west-1"], 7)
    assert summary == {
        "AccountsChecked": 3,
        "AccountsWithError": 0,
        "AccountsSkipped": 7,
        "Regions": [
            {
                "Region": "eu-west-1",
                "Active": 1,
                "Inactive": 0,
                "NotEnabled": 0,
                "Unreachable": 0,
                "Unknown": 0,
            }
        ],
    }
    assert summarize([], [], 0) == {
        "AccountsChecked": 0,
        "AccountsWithError": 0,
        "AccountsSkipped": 0,
        "Regions": [],
    }


def problem(shards: list[tuple[str, dict[str, Any]]]) -> str:
    with pytest.raises(ReportProblem) as raised:
        merge_shards(shards)
    return str(raised.value)


def test_nothing_to_merge_or_not_a_shard() -> None:
    assert problem([]) == "--merge: name the shard reports to merge"
    whole = shard(1, 1, [A], selected=1)
    del whole["Shard"]
    assert problem(
        [("'s1.json'", shard(1, 2, [A], selected=2)), ("'w.json'", whole)]
    ) == (
        "--merge: 'w.json' is not a shard report (it was not written with --shard K/N)"
    )
    whole["Shard"] = None
    assert problem([("'w.json'", whole)]).startswith("--merge: 'w.json' is not a shard")


@pytest.mark.parametrize("field", list(RUN))
def test_shards_of_another_run(field: str) -> None:
    first, second = two_shards()
    second[1][field] = "other"
    assert problem([first, second]) == (
        f"--merge: 's1.json' and 's2.json' are not shards of one run ({field} differs)"
    )


def test_shards_that_do_not_fit() -> None:
    first, second = two_shards()
    regions = copy.deepcopy(second)
    regions[1]["Summary"]["Regions"].reverse()
    assert problem([first, regions]) == (
        "--merge: 's1.json' and 's2.json' checked different regions"
    )
    cut = copy.deepcopy(second)
    cut[1]["Shard"]["Count"] = 3
    assert problem([first, cut]) == (
        "--merge: 's1.json' is shard 1/3 but 's2.json' is 2/2: the runs were "
        "cut differently"
    )
    listing = copy.deepcopy(second)
    listing[1]["Shard"]["AccountsSelected"] = 5
    assert problem([first, listing]) == (
        "--merge: 's1.json' and 's2.json' were cut from different account lists "
        "(5 and 4 accounts): the organization changed between the runs; run the "
        "shards again"
    )


@pytest.mark.parametrize("count", [0, -1, 1001])
def test_a_shard_count_out_of_range(count: int) -> None:
    only = shard(1, count, [A], selected=1)
    assert problem([("'s.json'", only)]) == (
        f"--merge: 's.json' has a shard count of {count}"
    )


def test_the_largest_shard_count() -> None:
    shards = [(f"'s{n}.json'", shard(n, 1000, [], selected=0)) for n in range(1, 1001)]
    assert merge_shards(shards)["Accounts"] == []


def test_shards_given_twice_missing_or_overlapping() -> None:
    first, second = two_shards()
    again = ("'s1-again.json'", copy.deepcopy(second[1]))
    assert problem([first, second, again]) == (
        "--merge: shard 1/2 is given twice ('s1.json' and 's1-again.json')"
    )
    assert problem([second]) == "--merge: shards missing: 2/2"
    overlap = copy.deepcopy(first)
    overlap[1]["Accounts"].append(A)
    assert problem([overlap, second]) == (
        "--merge: account 300000000000 is in both 's2.json' and 's1.json'"
    )


def test_many_missing_shards_are_counted_after_ten() -> None:
    only = [("'s5.json'", shard(5, 13, [A], selected=1))]
    assert problem(only) == (
        "--merge: shards missing: 1/13, 2/13, 3/13, 4/13, 6/13, 7/13, 8/13, 9/13, "
        "10/13, 11/13 and 2 more"
    )
    eleven = [("'s1.json'", shard(1, 11, [A], selected=1))]
    assert problem(eleven) == (
        "--merge: shards missing: 2/11, 3/11, 4/11, 5/11, 6/11, 7/11, 8/11, 9/11, "
        "10/11, 11/11"
    )


def test_shards_that_do_not_add_up_to_the_selection() -> None:
    first, second = two_shards()
    for document in (first[1], second[1]):
        document["Shard"]["AccountsSelected"] = 5
    assert problem([first, second]) == (
        "--merge: the shards hold 4 accounts but the run selected 5: the "
        "organization changed between the runs; run the shards again"
    )


def test_every_failed_account_is_counted_and_every_row_read() -> None:
    first = member("500000000000", error="AssumeRole: AccessDenied")
    second = member("600000000000", error="ListAccounts: not listed")
    odd = member("700000000000", "bogus", "inactive")
    summary = summarize([first, second, odd, C], REGIONS, 0)
    assert (summary["AccountsChecked"], summary["AccountsWithError"]) == (1, 3)
    # A status the summary does not count is passed over, not the end.
    assert [row["Inactive"] for row in summary["Regions"]] == [0, 1]


def test_eleven_missing_shards_are_ten_and_one_more() -> None:
    only = [("'s1.json'", shard(1, 12, [A], selected=1))]
    assert problem(only) == (
        "--merge: shards missing: 2/12, 3/12, 4/12, 5/12, 6/12, 7/12, 8/12, 9/12, "
        "10/12, 11/12 and 1 more"
    )
