"""The fleet options of activation-check checked before anything is sent
(cli/fleet_arguments.py): ``--merge``, ``--shard``, ``--baseline``,
``--report``, ``--list-accounts`` and ``--accounts-from``, each refusal's
whole line and what each accepted option becomes. The listing's own
checks are tests/unit/commands/test_account_listing.py's; the merge's and
drift's, tests/unit/commands/test_fleet.py's."""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.accounts.members import MemberAccount
from awscli_regional_sts.commands.activation.cli.fleet_arguments import fleet_arguments
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.listing import (
    listed,
    listing_document,
)
from awscli_regional_sts.commands.activation.fleet.merge import merge_shards
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.report_file import (
    ReportFormat,
    ReportTarget,
)
from awscli_regional_sts.commands.activation.fleet.shards import (
    MAX_SHARDS,
    Shard,
    ShardCut,
)
from awscli_regional_sts.commands.activation.model.options import OutputFormat
from tests.unit.commands.test_fleet import ACTIVE, IDS, account, organization, sharded

ORG_ID, MANAGEMENT = "o-a1b2c3d4e5", "111122223333"
MERGE_CONFLICTS: tuple[tuple[str, str, Any], ...] = (
    ("organization", "--organization", True),
    ("regions", "--regions", ["us-east-1"]),
    ("role_arn", "--role-arn", "arn:aws:iam::111122223333:role/R"),
    ("require_active", "--require-active", []),
    ("save", "--save", True),
    ("shard", "--shard", "1/2"),
    ("timeout", "--timeout", "2"),
    ("max_concurrency", "--max-concurrency", "2"),
    ("samples", "--samples", "2"),
    ("throttle_budget", "--throttle-budget", "2"),
)
LISTING_CONFLICTS: tuple[tuple[str, str, Any], ...] = (
    ("accounts_from", "--accounts-from", "accounts.json"),
    ("shard", "--shard", "1/2"),
    ("accounts", "--accounts", ["111111111111"]),
    ("include_suspended", "--include-suspended", True),
    ("baseline", "--baseline", "whole.json"),
    ("report", "--report", ["r.csv"]),
    ("output_format", "--output-format", "document"),
)


def given(**options: Any) -> Any:
    """A namespace with only the options named (getattr's default: None)."""
    return SimpleNamespace(**options)


def refusal(
    parsed: Any,
    organization: bool = False,
    output_format: OutputFormat | None = None,
    partition: str = "aws",
) -> str:
    with pytest.raises(ArgumentProblem) as raised:
        fleet_arguments(parsed, organization, output_format, partition)
    return str(raised.value)


def write(name: str, document: Any) -> str:
    path = Path(name)
    path.write_text(json.dumps(document))
    path.chmod(0o600)
    return name


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files named as a user types them, short enough to be shown whole."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_nothing_asked_is_nothing_to_do() -> None:
    assert fleet_arguments(given(), False, None, "aws") == FleetArguments()
    assert fleet_arguments(given(), True, OutputFormat.JSONL, "aws") == FleetArguments()


# -- --merge --


@pytest.mark.parametrize(("dest", "option", "value"), MERGE_CONFLICTS)
def test_merge_runs_no_check_so_takes_no_check_option(
    dest: str, option: str, value: Any
) -> None:
    parsed = given(merge=["s1.json"], **{dest: value})
    assert refusal(parsed, organization=dest == "organization") == (
        f"{option} cannot be used with --merge (it merges earlier reports and "
        "runs no check)"
    )


def test_merge_reads_and_merges_the_shards() -> None:
    accounts = [account(a, ACTIVE) for a in IDS[:6]]
    shards = sharded(2, accounts)
    files = [write(f"s{n}.json", doc) for n, (_, doc) in enumerate(shards)]
    # Flags the parser leaves False are not given.
    fleet = fleet_arguments(
        given(merge=files, save=False, organization=False), False, None, "aws"
    )
    shown = [(f"'{name}'", document) for name, (_, document) in zip(files, shards)]
    assert fleet == FleetArguments(merged=merge_shards(shown))
    assert fleet.merged is not None and fleet.merged["Accounts"] == sorted(
        accounts, key=lambda a: a["AccountId"]
    )


def test_merge_refuses_too_many_files_and_a_report_of_one_account() -> None:
    too_many = [f"{n}.json" for n in range(MAX_SHARDS + 1)]
    assert refusal(given(merge=too_many)) == f"--merge: at most {MAX_SHARDS} files"
    # As many as there may be shards: then each file is read.
    assert refusal(given(merge=too_many[:MAX_SHARDS])) == (
        f"--merge: there is no file '{too_many[0]}'"
    )
    # Each file is named by its (quoted) name in the merge's refusals.
    first = write("first.json", sharded(2, [account(a, ACTIVE) for a in IDS[:4]])[0][1])
    assert refusal(given(merge=[first, first])) == (
        "--merge: shard 1/2 is given twice ('first.json' and 'first.json')"
    )
    one = write(
        "one.json",
        {"Account": MANAGEMENT, "Partition": "aws", "Regions": []},
    )
    assert refusal(given(merge=[one])) == (
        f"--merge: '{one}' is a report of one account, not a shard of --organization"
    )


def test_a_merge_with_a_baseline_is_checked_against_the_merged_run() -> None:
    accounts = [account(a, ACTIVE) for a in IDS[:4]]
    files = [write(f"s{n}.json", d) for n, (_, d) in enumerate(sharded(2, accounts))]
    baseline = write("baseline.json", organization(accounts))
    # The merge's partition, not the profile's, is the run's.
    fleet = fleet_arguments(
        given(merge=files, baseline=baseline), False, None, "aws-cn"
    )
    assert fleet.baseline == (ReportKind.ORGANIZATION, organization(accounts))
    other = write("other.json", organization(accounts, OrganizationId="o-zzzzzzzzzz"))
    assert "organization 'o-zzzzzzzzzz', this run" in refusal(
        given(merge=files, baseline=other)
    )


# -- --shard, --baseline, --report --


def test_shard_needs_organization_and_is_parsed() -> None:
    assert refusal(given(shard="1/2")) == "--shard needs --organization"
    assert fleet_arguments(given(shard="2/3"), True, None, "aws").shard == Shard(2, 3)
    assert refusal(given(shard="3/2"), organization=True).startswith("--shard: ")


@pytest.mark.parametrize("option", ["baseline", "report"])
def test_jsonl_has_no_whole_report_to_compare_or_write(option: str) -> None:
    value = "b.json" if option == "baseline" else ["r.csv"]
    assert refusal(given(**{option: value}), True, OutputFormat.JSONL) == (
        f"--{option} needs the whole report: use --output-format document (the "
        "default), not jsonl"
    )


def test_reports_are_kept_in_order_each_named_once() -> None:
    fleet = fleet_arguments(
        given(report=["a.html", "b.csv", "c.md"]), True, OutputFormat.DOCUMENT, "aws"
    )
    assert fleet.reports == (
        ReportTarget(Path("a.html"), ReportFormat.HTML),
        ReportTarget(Path("b.csv"), ReportFormat.CSV),
        ReportTarget(Path("c.md"), ReportFormat.MARKDOWN),
    )
    # One name given as a string by another caller: one report.
    one = fleet_arguments(given(report="a.csv"), False, None, "aws")
    assert one.reports == (ReportTarget(Path("a.csv"), ReportFormat.CSV),)
    # The same file by two names.
    assert refusal(given(report=["a.csv", "b.csv", "./a.csv"])) == (
        "--report: './a.csv' is named twice"
    )
    assert refusal(given(report=["a.txt"])).startswith("--report: 'a.txt' must end in")


def test_a_baseline_must_be_a_report_of_this_runs_kind() -> None:
    single = {"Account": MANAGEMENT, "Partition": "aws", "Regions": []}
    one = write("one.json", single)
    whole = write("whole.json", organization([account(IDS[0], ACTIVE)]))
    assert fleet_arguments(given(baseline=one), False, None, "aws").baseline == (
        ReportKind.ACCOUNT,
        single,
    )
    assert "is a report of one account, this run" in refusal(given(baseline=one), True)
    assert "is a report of an organization" in refusal(given(baseline=whole))
    # The run's partition and shard are the baseline's to match.
    assert "partition 'aws', this run checks aws-cn" in refusal(
        given(baseline=whole), True, None, "aws-cn"
    )
    cut = organization([account(IDS[0], ACTIVE)], Shard=ShardCut(Shard(1, 2)).to_dict())
    half = write("half.json", cut)
    assert "shard 1/2, this run is the whole" in refusal(given(baseline=half), True)
    shard_run = fleet_arguments(given(baseline=half, shard="1/2"), True, None, "aws")
    assert shard_run.baseline == (ReportKind.ORGANIZATION, cut)
    assert fleet_arguments(given(baseline=whole), True, None, "aws").baseline == (
        ReportKind.ORGANIZATION,
        organization([account(IDS[0], ACTIVE)]),
    )
    assert refusal(given(baseline="none.json")) == (
        "--baseline: there is no file 'none.json'"
    )


# -- --list-accounts, --accounts-from --


@pytest.mark.parametrize(("dest", "option", "value"), LISTING_CONFLICTS)
def test_list_accounts_checks_nothing_so_takes_no_check_option(
    dest: str, option: str, value: Any
) -> None:
    # --baseline is read first (a report of the organization), then refused.
    write("whole.json", organization([account(IDS[0], ACTIVE)]))
    assert refusal(given(list_accounts=True, **{dest: value}), True) == (
        f"{option} cannot be used with --list-accounts (it writes the "
        "organization's whole listing and checks nothing)"
    )


def test_listing_options_need_organization() -> None:
    assert refusal(given(list_accounts=True)) == "--list-accounts needs --organization"
    assert refusal(given(accounts_from="a.json")) == (
        "--accounts-from needs --organization"
    )
    assert refusal(given(accounts_max_age="5"), True) == (
        "--accounts-max-age needs --accounts-from"
    )
    listed_now = fleet_arguments(
        given(list_accounts=True, shard=None), True, None, "aws"
    )
    assert listed_now == FleetArguments(list_accounts=True)


def _listing_file(minutes_ago: float, more: int = 0, name: str = "n") -> str:
    ids = [MANAGEMENT, "222222222222"] + [
        f"{300000000000 + n:012d}" for n in range(more)
    ]
    members = [
        MemberAccount(
            account_id=account_id,
            name=name,
            status="ACTIVE",
            organization_id=ORG_ID,
            management_account_id=MANAGEMENT,
        )
        for account_id in ids
    ]
    listing = listed(members, "aws", time.time() - minutes_ago * 60)
    return write("accounts.json", listing_document(listing))


def test_accounts_from_is_read_with_its_maximum_age() -> None:
    name = _listing_file(300)
    fleet = fleet_arguments(given(accounts_from=name), True, None, "aws")
    assert fleet.listing is not None
    assert [a.account_id for a in fleet.listing.accounts] == [
        MANAGEMENT,
        "222222222222",
    ]
    assert fleet.list_accounts is False
    # 300 minutes old: within the default 360, not within 299.
    assert "300 minutes ago, more than --accounts-max-age (299 minutes)" in refusal(
        given(accounts_from=name, accounts_max_age="299"), True
    )
    kept = fleet_arguments(
        given(accounts_from=name, accounts_max_age="10080"), True, None, "aws"
    )
    assert kept.listing == fleet.listing
    assert refusal(given(accounts_from=name, accounts_max_age="10081"), True) == (
        "--accounts-max-age: expected a whole number from 1 to 10080 (digits 0-9), "
        "got '10081'"
    )
    # The run's partition is the listing's to match; the file is named.
    assert refusal(given(accounts_from=name), True, None, "aws-cn").startswith(
        "--accounts-from: 'accounts.json' lists partition aws, but the check runs "
        "in partition aws-cn"
    )


def test_a_large_organizations_listing_is_read() -> None:
    # Over read_json's default limit (256 KiB) for the plugin's own small
    # files: 1500 accounts with long names.
    name = _listing_file(1, more=1500, name="n" * 200)
    assert Path(name).stat().st_size > 256 * 1024
    fleet = fleet_arguments(given(accounts_from=name), True, None, "aws")
    assert fleet.listing is not None and len(fleet.listing.accounts) == 1502


def test_accounts_from_must_be_a_file_to_trust() -> None:
    relist = (
        "list the accounts again (aws sts activation-check --organization "
        "--list-accounts > FILE)"
    )
    missing = "none.json"
    assert refusal(given(accounts_from=missing), True) == (
        f"--accounts-from: there is no file '{missing}'; {relist}"
    )
    name = _listing_file(1)
    Path(name).chmod(0o602)
    assert refusal(given(accounts_from=name), True) == (
        "--accounts-from: accounts.json is writable by group or others (mode "
        f"0602); not read; {relist}"
    )
