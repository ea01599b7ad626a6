"""Fleet operations' pure logic: shards, merge, drift, report files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

import testing.browser as browser
from awscli_regional_sts.commands.activation.fleet.documents import (
    MAX_REPORT_BYTES,
    ReportKind,
    ReportProblem,
    check_report,
    load_report,
)
from awscli_regional_sts.commands.activation.fleet.drift import (
    check_baseline,
    check_identity,
    compare,
)
from awscli_regional_sts.commands.activation.fleet.merge import merge_shards, summarize
from awscli_regional_sts.commands.activation.fleet.report_csv import (
    defuse,
    render_csv,
)
from awscli_regional_sts.commands.activation.fleet.report_file import (
    ReportFormat,
    report_target,
    write_report,
)
from awscli_regional_sts.commands.activation.fleet.report_html import (
    render_html,
    summary_counts,
)
from awscli_regional_sts.commands.activation.fleet.shards import (
    MAX_SHARDS,
    Shard,
    ShardCut,
    ShardProblem,
    parse_shard,
    shard_of,
)
from testing.clients import ClientMissing

REGIONS = ("us-east-1", "eu-west-1")


def account(
    account_id: str,
    statuses: dict[str, str] | None = None,
    *,
    version: int | None = 1,
    error: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    rows = [
        {
            "Region": region,
            "Status": status,
            "Verified": True,
            "LatencyMs": 12.5,
            "Detail": "probe answered",
        }
        for region, status in (statuses or {}).items()
    ]
    return {
        "AccountId": account_id,
        "Name": name or f"n{account_id[-2:]}",
        "GlobalEndpointTokenVersion": None if error else version,
        "Regions": [] if error else rows,
        "Error": error,
    }


def organization(accounts: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "Partition": "aws",
        "OrganizationId": "o-a1b2c3d4e5",
        "ManagementAccountId": "111122223333",
        "MemberRoleName": "OrganizationAccountAccessRole",
        "Probe": "AssumeRole",
        "Accounts": accounts,
        "Summary": summarize(accounts, REGIONS, 0),
        **extra,
    }


ACTIVE = dict.fromkeys(REGIONS, "active")
IDS = [f"{200000000000 + i:012d}" for i in range(40)]


# -- shards --


def test_shard_parsing_and_its_bounds() -> None:
    assert parse_shard("2/4") == Shard(2, 4)
    assert str(parse_shard(" 1/1 ")) == "1/1"
    for bad in (
        "0/4",
        "5/4",
        "1/0",
        "a/b",
        "1/",
        "1/4/2",
        "²/4",
        f"1/{MAX_SHARDS + 1}",
    ):
        with pytest.raises(ShardProblem, match="--shard: expected K/N"):
            parse_shard(bad)


def test_shards_are_a_partition_stable_under_reordering() -> None:
    count = 4
    owners = {account_id: shard_of(account_id, count) for account_id in IDS}
    # The same answer for the listing reversed, and every id in one shard.
    for number in range(1, count + 1):
        forward = ShardCut(Shard(number, count))
        backward = ShardCut(Shard(number, count))
        kept = list(forward.cut(IDS, str))
        kept_reversed = list(backward.cut(reversed(IDS), str))
        assert set(kept) == set(kept_reversed)
        assert set(kept) == {a for a, n in owners.items() if n == number}
        assert forward.selected == len(IDS)
    assert set(owners.values()) == set(range(1, count + 1))
    # sha256 mod N, as documented: pinned for one id so that it never
    # changes between versions (shards of one run may come from two).
    digest = hashlib.sha256(b"123456789012").hexdigest()
    assert shard_of("123456789012", 7) == int(digest, 16) % 7 + 1 == 2
    assert [shard_of("111122223333", n) for n in (2, 3, 7, 1000)] == [1, 2, 7, 275]


def sharded(count: int, accounts: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    documents = []
    for number in range(1, count + 1):
        cut = ShardCut(Shard(number, count))
        mine = list(cut.cut(accounts, lambda a: a["AccountId"]))
        documents.append((f"'s{number}.json'", organization(mine, Shard=cut.to_dict())))
    return documents


def test_merged_shards_equal_the_whole_run() -> None:
    accounts = [account(a, ACTIVE) for a in IDS[:10]] + [
        account(IDS[10], error="AssumeRole: AccessDenied")
    ]
    whole = organization(accounts)
    merged = merge_shards(sharded(3, accounts))
    assert merged["Accounts"] == sorted(accounts, key=lambda a: a["AccountId"])
    assert merged["Summary"] == whole["Summary"]
    assert "Shard" not in merged
    check_report("--merge", "x", merged)


def test_merge_names_missing_twice_given_and_foreign_shards() -> None:
    accounts = [account(a, ACTIVE) for a in IDS[:12]]
    shards = sharded(3, accounts)
    with pytest.raises(ReportProblem, match=r"shards missing: 2/3$"):
        merge_shards([shards[0], shards[2]])
    with pytest.raises(ReportProblem, match=r"shard 1/3 is given twice"):
        merge_shards([shards[0], shards[0], shards[1], shards[2]])
    other = json.loads(json.dumps(shards[1]))
    other[1]["OrganizationId"] = "o-other"
    with pytest.raises(ReportProblem, match="OrganizationId differs"):
        merge_shards([shards[0], tuple(other), shards[2]])  # type: ignore[list-item]
    with pytest.raises(ReportProblem, match="not a shard report"):
        merge_shards([("'w.json'", organization(accounts))])
    four = sharded(4, accounts)
    with pytest.raises(ReportProblem, match="cut differently"):
        merge_shards([shards[0], four[1]])
    # One account in two shards: a listing that changed between the runs.
    doubled = json.loads(json.dumps(shards[1]))
    doubled[1]["Accounts"].append(shards[0][1]["Accounts"][0])
    with pytest.raises(ReportProblem, match="is in both"):
        merge_shards([shards[0], tuple(doubled), shards[2]])  # type: ignore[list-item]


# -- drift --


def test_drift_names_each_change() -> None:
    before = organization(
        [
            account(IDS[0], ACTIVE),
            account(IDS[1], ACTIVE),
            account(IDS[2], ACTIVE),
        ]
    )
    after = organization(
        [
            account(IDS[0], ACTIVE),
            account(IDS[1], {**ACTIVE, "eu-west-1": "inactive"}, version=2),
            account(IDS[3], ACTIVE),
        ]
    )
    changes = [c.to_dict() for c in compare(ReportKind.ORGANIZATION, before, after)]
    assert changes == [
        {
            "AccountId": IDS[1],
            "Region": None,
            "Change": "GlobalEndpointTokenVersion",
            "Before": 1,
            "After": 2,
        },
        {
            "AccountId": IDS[1],
            "Region": "eu-west-1",
            "Change": "Status",
            "Before": "active",
            "After": "inactive",
        },
        {
            "AccountId": IDS[3],
            "Region": None,
            "Change": "Account",
            "Before": None,
            "After": "checked",
        },
        {
            "AccountId": IDS[2],
            "Region": None,
            "Change": "Account",
            "Before": "checked",
            "After": None,
        },
    ]
    assert compare(ReportKind.ORGANIZATION, before, before) == []
    # Latencies and details differ on every run: not changes.
    noisy = json.loads(json.dumps(before))
    for line in noisy["Accounts"]:
        for row in line["Regions"]:
            row["LatencyMs"], row["Detail"] = 99.0, "other words"
    assert compare(ReportKind.ORGANIZATION, before, noisy) == []


def test_drift_of_one_account_and_of_a_shard() -> None:
    single = {
        "Account": "111122223333",
        "Partition": "aws",
        "GlobalEndpointTokenVersion": 1,
        "Regions": [{"Region": "eu-west-1", "Status": "active"}],
    }
    later = {**single, "Regions": [{"Region": "eu-west-1", "Status": "inactive"}]}
    (change,) = compare(ReportKind.ACCOUNT, single, later)
    assert (change.region, change.before, change.after) == (
        "eu-west-1",
        "active",
        "inactive",
    )
    # A shard's run against the whole baseline compares that shard only.
    whole = organization([account(a, ACTIVE) for a in IDS[:12]])
    shard = Shard(1, 3)
    mine = [a for a in whole["Accounts"] if shard.holds(a["AccountId"])]
    assert compare(ReportKind.ORGANIZATION, whole, organization(mine), shard) == []


def test_a_baseline_that_cannot_be_this_runs_is_refused() -> None:
    whole = organization([account(IDS[0], ACTIVE)])
    single = {"Account": "111122223333", "Partition": "aws", "Regions": []}
    with pytest.raises(ReportProblem, match="report of one account, this run"):
        check_baseline(ReportKind.ACCOUNT, single, ReportKind.ORGANIZATION, "aws")
    with pytest.raises(ReportProblem, match="partition 'aws', this run checks aws-cn"):
        check_baseline(
            ReportKind.ORGANIZATION, whole, ReportKind.ORGANIZATION, "aws-cn"
        )
    shard = {**whole, "Shard": ShardCut(Shard(1, 2)).to_dict()}
    with pytest.raises(ReportProblem, match="shard 1/2, this run is the whole"):
        check_baseline(ReportKind.ORGANIZATION, shard, ReportKind.ORGANIZATION, "aws")
    check_baseline(
        ReportKind.ORGANIZATION, shard, ReportKind.ORGANIZATION, "aws", Shard(1, 2)
    )
    check_identity(ReportKind.ORGANIZATION, whole, "o-a1b2c3d4e5")
    with pytest.raises(ReportProblem, match="organization 'o-a1b2c3d4e5', this run"):
        check_identity(ReportKind.ORGANIZATION, whole, "o-zzzzzzzzzz")
    with pytest.raises(ReportProblem, match="account '111122223333'"):
        check_identity(ReportKind.ACCOUNT, single, "999999999999")


def test_report_files_read_back_safely(tmp_path: Path) -> None:
    with pytest.raises(ReportProblem, match="--baseline: there is no file"):
        load_report("--baseline", str(tmp_path / "none.json"))
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"Accounts": [')
    with pytest.raises(ReportProblem, match="is not usable JSON"):
        load_report("--baseline", str(corrupt))
    other = tmp_path / "other.json"
    other.write_text('{"Credentials": {}}')
    with pytest.raises(ReportProblem, match="is not an activation-check report"):
        load_report("--baseline", str(other))
    bad_rows = tmp_path / "rows.json"
    broken = organization([])
    broken["Accounts"] = [{"AccountId": "1", "Regions": 3}]
    bad_rows.write_text(json.dumps(broken))
    with pytest.raises(ReportProblem, match="Regions is not a list"):
        load_report("--baseline", str(bad_rows))
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:  # sparse: the size is checked first
        stream.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(ReportProblem, match="is larger than"):
        load_report("--baseline", str(huge))
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ReportProblem, match="not a regular file"):
        load_report("--baseline", str(fifo))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(organization([account(IDS[0], ACTIVE)])))
    assert load_report("--baseline", str(good))[0] == ReportKind.ORGANIZATION


# -- report files --


def test_csv_has_a_row_per_account_and_region_and_defuses_formulas() -> None:
    accounts = [
        account(IDS[0], ACTIVE, name='=HYPERLINK("http://x")'),
        account(IDS[1], error="-AssumeRole denied", name="@sum"),
    ]
    rows = list(
        csv.reader(
            io.StringIO(render_csv(ReportKind.ORGANIZATION, organization(accounts)))
        )
    )
    assert rows[0] == [
        "AccountId",
        "Name",
        "Region",
        "Status",
        "Verified",
        "LatencyMs",
        "Detail",
        "GlobalEndpointTokenVersion",
    ]
    assert rows[1] == [
        IDS[0],
        '\'=HYPERLINK("http://x")',
        "us-east-1",
        "active",
        "true",
        "12.5",
        "probe answered",
        "1",
    ]
    assert len(rows) == 4
    assert rows[3] == [IDS[1], "'@sum", "", "error", "", "", "'-AssumeRole denied", ""]


HOSTILE_NAMES = {
    "x;=1+1;@SUM(1+1)": "x;'=1+1;'@SUM(1+1)",
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x",\'"y")',
    "+1": "'+1",
    "-1": "'-1",
    "@A1": "'@A1",
    "\tq": "'\tq",
    "\r=1": "'\r'=1",
    "\t\t-1": "'\t\t'-1",
    'say "hi"\n=2\r\n@x': "say \"hi\"\n'=2\r\n'@x",
    'a;"=1+1"': 'a;\'"=1+1"',
    "Prod, EU; tab\there": "Prod, EU; tab\there",
}


def test_csv_defuses_every_part_a_spreadsheet_could_split_off() -> None:
    """Issue 31, finding 3: a ``;`` or a tab inside a name starts a cell in a
    spreadsheet that splits on it, so each such part is defused too, and
    every cell is quoted; only the ``'`` marks are added."""
    accounts = [
        account(f"{index:012d}", ACTIVE, name=name)
        for index, name in enumerate(HOSTILE_NAMES, start=100)
    ]
    text = render_csv(ReportKind.ORGANIZATION, organization(accounts))
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[1] for row in rows[1:]] == [
        shown for shown in HOSTILE_NAMES.values() for _ in ACTIVE
    ]
    for name, shown in HOSTILE_NAMES.items():
        assert defuse(name) == shown
    # Every cell quoted, numbers too: a record starts and ends with a quote.
    for line in text.split("\r\n")[:2]:
        assert line.startswith('"') and line.endswith('"'), line


def test_html_is_self_contained_escaped_and_counts() -> None:
    accounts = [
        account(IDS[0], {**ACTIVE, "eu-west-1": "inactive"}, name="<script>x</script>"),
        account(IDS[1], {**ACTIVE, "us-east-1": "unknown"}, version=2),
        account(IDS[2], error="denied <b>"),
    ]
    document = organization(accounts)
    page = render_html(ReportKind.ORGANIZATION, document)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "denied &lt;b&gt;" in page
    for fetch in ("src=", "href=", "url(", "@import", "<link"):
        assert fetch not in page
    assert "default-src 'none'" in page
    assert summary_counts(ReportKind.ORGANIZATION, document) == {
        "Accounts": 3,
        "AccountsWithError": 1,
        "Regions": 2,
        "Inactive": 1,
        "AccountsWithInactive": 1,
        "Unknown": 1,
        "Unreachable": 0,
        "OnV1Tokens": 1,
    }
    assert page.index('id="summary"') < page.index('id="grid"')


def test_report_target_is_refused_unless_csv_or_html(tmp_path: Path) -> None:
    assert report_target(str(tmp_path / "r.CSV")).format == ReportFormat.CSV
    for bad in ("r.txt", "r", "r.html.gz", ""):
        with pytest.raises(ReportProblem, match="must end in .csv"):
            report_target(str(tmp_path / bad) if bad else bad)
    with pytest.raises(ReportProblem, match="no directory"):
        report_target(str(tmp_path / "missing" / "r.csv"))


def test_report_is_written_atomically(tmp_path: Path) -> None:
    target = report_target(str(tmp_path / "r.html"))
    target.path.write_text("old")
    write_report(
        target, ReportKind.ORGANIZATION, organization([account(IDS[0], ACTIVE)])
    )
    assert target.path.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_one_account_reports_render_as_an_organization_of_one() -> None:
    single = {
        "Account": "111122223333",
        "Partition": "aws",
        "GlobalEndpointTokenVersion": 2,
        "Regions": [
            {
                "Region": "eu-west-1",
                "Status": "inactive",
                "Verified": True,
                "LatencyMs": None,
                "Detail": "RegionDisabledException",
            },
        ],
    }
    page = render_html(ReportKind.ACCOUNT, single)
    assert "STS activation: account 111122223333" in page
    assert summary_counts(ReportKind.ACCOUNT, single)["Inactive"] == 1
    rows = list(csv.reader(io.StringIO(render_csv(ReportKind.ACCOUNT, single))))
    assert rows[1] == [
        "111122223333",
        "",
        "eu-west-1",
        "inactive",
        "true",
        "",
        "RegionDisabledException",
        "2",
    ]


def test_a_missing_browser_is_a_missing_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like a missing aws: a skip with the reason, or a failure on CI
    (tests/e2e/outcomes.py)."""
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    with pytest.raises(ClientMissing, match="make setup"):
        browser.chromium()
