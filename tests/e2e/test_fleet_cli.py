"""Fleet operations of `aws sts activation-check` end to end, with the real
CLIs against the simulator: `--baseline` (drift, exit status 5), `--report`
(CSV; the HTML's browser test is tests/e2e/test_fleet_reports_e2e.py),
`--shard K/N` and `--merge`. The organization is
tests/e2e/test_organization_cli.py's mixed one.
"""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import MAX_REPORT_BYTES
from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    AwsEnv,
    Result,
)
from testing.simulator import ACCOUNT_ID
from tests.e2e.matrix import EVERY_ROW_ON, FURTHER_CASES_ON
from tests.e2e.test_organization_cli import (
    DEV,
    INVALID_ARGUMENT_RC,
    LOCKED,
    ORG,
    PROD,
    build_organization,
)

CHECK = ("sts", "activation-check")
TWO_REGIONS = ("--regions", "us-east-1", "eu-west-1")
#: activation-check's exit statuses (its help documents them).
CHANGED_RC = 5
ACCOUNTS_FAILED_RC = 4
#: An organization whose every selected account can be checked.
HEALTHY = (*ORG, *TWO_REGIONS, "--accounts", PROD, DEV)


def run_ok(aws_env: AwsEnv, kind: str, *args: str, expect: int = 0) -> Result:
    result = aws_env.run(kind, *args, timeout=120)
    assert result.returncode == expect, result.output
    assert "Traceback" not in result.stderr
    return result


def refused(aws_env: AwsEnv, kind: str, *args: str, message: str) -> None:
    """A bad value: one line naming it, the CLI's bad-parameter status, no
    output, and no connection opened at all."""
    aws_env.simulator.clear_log()
    result = aws_env.run(kind, *args)
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.output
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert aws_env.simulator.connects == []


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_organization_drift_exits_5_and_names_each_change(
    aws_env: AwsEnv, kind: str
) -> None:
    build_organization(aws_env)
    baseline = aws_env.root / "baseline.json"
    baseline.write_text(run_ok(aws_env, kind, *HEALTHY).stdout)
    same = run_ok(aws_env, kind, *HEALTHY, "--baseline", str(baseline))
    assert same.json()["Changes"] == []

    # Between two scheduled runs: a region deactivated in one member, and
    # the global endpoint's token version changed.
    aws_env.simulator.set_region("eu-west-1", state="deactivated", account_id=PROD)
    aws_env.simulator.global_endpoint_token_version = 2
    changed = run_ok(
        aws_env, kind, *HEALTHY, "--baseline", str(baseline), expect=CHANGED_RC
    )
    changes = changed.json()["Changes"]
    assert {
        "AccountId": PROD,
        "Region": "eu-west-1",
        "Change": "Status",
        "Before": "active",
        "After": "inactive",
    } in changes
    versions = {
        c["AccountId"]: (c["Before"], c["After"])
        for c in changes
        if c["Change"] == "GlobalEndpointTokenVersion"
    }
    assert versions == {PROD: (1, 2), DEV: (1, 2)}
    assert len(changes) == 3

    table = run_ok(
        aws_env,
        kind,
        *HEALTHY,
        "--baseline",
        str(baseline),
        "--output",
        "table",
        expect=CHANGED_RC,
    )
    assert "Changes" in table.stdout and "inactive" in table.stdout
    query = run_ok(
        aws_env,
        kind,
        *HEALTHY,
        "--baseline",
        str(baseline),
        "--query",
        "Changes[?Change=='Status'].[AccountId,Region,After]",
        "--output",
        "text",
        expect=CHANGED_RC,
    )
    assert query.stdout.split() == [PROD, "eu-west-1", "inactive"]


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_account_drift_and_which_status_wins(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    baseline = aws_env.root / "me.json"
    baseline.write_text(run_ok(aws_env, kind, *CHECK, *TWO_REGIONS).stdout)
    run_ok(aws_env, kind, *CHECK, *TWO_REGIONS, "--baseline", str(baseline))
    aws_env.simulator.set_region("eu-west-1", state="deactivated")
    changed = run_ok(
        aws_env,
        kind,
        *CHECK,
        *TWO_REGIONS,
        "--baseline",
        str(baseline),
        expect=CHANGED_RC,
    )
    assert changed.json()["Changes"] == [
        {
            "AccountId": ACCOUNT_ID,
            "Region": "eu-west-1",
            "Change": "Status",
            "Before": "active",
            "After": "inactive",
        }
    ]
    # --require-active's verdict outranks the drift.
    run_ok(
        aws_env,
        kind,
        *CHECK,
        *TWO_REGIONS,
        "--baseline",
        str(baseline),
        "--require-active",
        expect=1,
    )
    # An account that cannot be checked outranks it too (the comparison is
    # incomplete); the changes are in the report all the same.
    org_baseline = aws_env.root / "org.json"
    org_baseline.write_text(
        run_ok(aws_env, kind, *ORG, *TWO_REGIONS, expect=ACCOUNTS_FAILED_RC).stdout
    )
    aws_env.simulator.set_region("eu-west-1", state="deactivated", account_id=PROD)
    both = run_ok(
        aws_env,
        kind,
        *ORG,
        *TWO_REGIONS,
        "--baseline",
        str(org_baseline),
        expect=ACCOUNTS_FAILED_RC,
    )
    assert [c["AccountId"] for c in both.json()["Changes"]] == [PROD]


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_unusable_baselines_are_refused_before_anything_is_sent(
    aws_env: AwsEnv, kind: str
) -> None:
    build_organization(aws_env)
    root = aws_env.root
    account_report = root / "account.json"
    account_report.write_text(
        json.dumps({"Account": ACCOUNT_ID, "Partition": "aws", "Regions": []}, indent=1)
    )
    corrupt = root / "corrupt.json"
    corrupt.write_text('{"Accounts": [')
    huge = root / "huge.json"
    with huge.open("wb") as stream:  # sparse: its size is what is checked
        stream.truncate(MAX_REPORT_BYTES + 1)
    fifo = root / "fifo.json"
    os.mkfifo(fifo)
    cases = [
        (root / "missing.json", "--baseline: there is no file"),
        (corrupt, "is not usable JSON"),
        (huge, "is larger than"),
        (fifo, "is not a regular file"),
        (account_report, "the file is a report of one account, this run checks"),
    ]
    # Every unusable file on one CLI, one on the others (tests/e2e/matrix.py).
    for path, message in cases if kind == EVERY_ROW_ON else cases[:1]:
        refused(
            aws_env, kind, *ORG, *TWO_REGIONS, "--baseline", str(path), message=message
        )
    refused(
        aws_env,
        kind,
        *ORG,
        "--output-format",
        "jsonl",
        "--baseline",
        str(account_report),
        message="needs the whole report",
    )


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_a_baseline_of_another_account_or_organization(
    aws_env: AwsEnv, kind: str
) -> None:
    """Who the caller is can only be learnt from AWS: the first answer that
    says so ends the run, before any probe."""
    build_organization(aws_env)
    mine = run_ok(aws_env, kind, *CHECK, "--regions", "eu-west-1").json()
    other = aws_env.root / "other-account.json"
    other.write_text(json.dumps({**mine, "Account": "999999999999"}))
    aws_env.simulator.clear_log()
    result = aws_env.run(
        kind, *CHECK, "--regions", "eu-west-1", "--baseline", str(other)
    )
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.output
    assert "report of account '999999999999', this run checks account" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert {r.action for r in aws_env.simulator.requests} == {"GetCallerIdentity"}

    org = run_ok(aws_env, kind, *HEALTHY).json()
    foreign = aws_env.root / "other-org.json"
    foreign.write_text(json.dumps({**org, "OrganizationId": "o-zzzzzzzzzz"}))
    aws_env.simulator.clear_log()
    result = aws_env.run(kind, *HEALTHY, "--baseline", str(foreign))
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.output
    assert "report of organization 'o-zzzzzzzzzz'" in result.stderr
    assert result.stdout == ""
    assert {r.action for r in aws_env.simulator.requests} == {"ListAccounts"}


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_csv_report_and_bad_report_names(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    aws_env.simulator.add_member_account("666666666666", name="=cmd|' /C calc'!A0")
    path = aws_env.root / "org.csv"
    printed = run_ok(
        aws_env, kind, *ORG, *TWO_REGIONS, "--report", str(path), expect=4
    ).json()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == [
        "AccountId",
        "Name",
        "Region",
        "Status",
        "Verified",
        "LatencyMs",
        "Detail",
        "GlobalEndpointTokenVersion",
    ]
    cells = {(r["AccountId"], r["Region"]): r for r in rows}
    assert cells[(DEV, "eu-west-1")]["Status"] == "inactive"
    assert cells[(DEV, "eu-west-1")]["Verified"] == "true"
    assert cells[(DEV, "eu-west-1")]["GlobalEndpointTokenVersion"] == "1"
    assert cells[(LOCKED, "")]["Status"] == "error"
    assert "AccessDenied" in cells[(LOCKED, "")]["Detail"]
    # A name a spreadsheet would run as a formula is defused.
    assert cells[("666666666666", "us-east-1")]["Name"] == "'=cmd|' /C calc'!A0"
    checked = [a for a in printed["Accounts"] if a["Error"] is None]
    assert len(rows) == 2 * len(checked) + 1
    names = ("org.txt", "org", "missing-dir/org.csv")
    for bad in names if kind == EVERY_ROW_ON else names[:1]:
        refused(
            aws_env,
            kind,
            *ORG,
            "--report",
            str(aws_env.root / bad),
            message="--report:",
        )


#: The fields of an account line that a shard run and an unsharded run
#: must agree on (latencies and details differ on every run).
def comparable(account: dict[str, Any]) -> dict[str, Any]:
    return {
        "AccountId": account["AccountId"],
        "Name": account["Name"],
        "AccountStatus": account["AccountStatus"],
        "Failed": account["Error"] is not None,
        "GlobalEndpointTokenVersion": account["GlobalEndpointTokenVersion"],
        "Regions": [
            (row["Region"], row["Status"], row["Verified"])
            for row in account["Regions"]
        ],
    }


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_shards_merged_equal_one_unsharded_run(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    aws_env.simulator.add_member_accounts(9)
    whole = run_ok(aws_env, kind, *ORG, *TWO_REGIONS, expect=ACCOUNTS_FAILED_RC).json()
    files = []
    seen: list[str] = []
    for number in (1, 2, 3):
        shard = aws_env.run(kind, *ORG, *TWO_REGIONS, "--shard", f"{number}/3")
        assert shard.returncode in (0, ACCOUNTS_FAILED_RC), shard.output
        document = shard.json()
        assert document["Shard"]["Number"] == number
        assert document["Shard"]["AccountsSelected"] == 9 + 5
        seen += [a["AccountId"] for a in document["Accounts"]]
        path = aws_env.root / f"shard-{number}.json"
        path.write_text(shard.stdout)
        files.append(str(path))
    assert len(seen) == len(set(seen))

    aws_env.simulator.clear_log()
    merged = run_ok(
        aws_env, kind, *CHECK, "--merge", *files, expect=ACCOUNTS_FAILED_RC
    ).json()
    # --merge runs no check: nothing at all is sent.
    assert aws_env.simulator.connects == []
    by_id = {a["AccountId"]: comparable(a) for a in whole["Accounts"]}
    assert {a["AccountId"]: comparable(a) for a in merged["Accounts"]} == by_id
    assert merged["Summary"] == whole["Summary"]
    assert merged["OrganizationId"] == whole["OrganizationId"]
    assert "Shard" not in merged
    if kind not in FURTHER_CASES_ON:
        return  # the further cases below: one client of each family (matrix.py)

    # The merged report is treated as an unsharded one.
    baseline = aws_env.root / "whole.json"
    baseline.write_text(json.dumps(whole))
    query = run_ok(
        aws_env,
        kind,
        *CHECK,
        "--merge",
        *files,
        "--baseline",
        str(baseline),
        "--query",
        "[length(Changes), Summary.AccountsChecked]",
        "--report",
        str(aws_env.root / "merged.csv"),
        expect=ACCOUNTS_FAILED_RC,
    )
    assert query.json() == [0, whole["Summary"]["AccountsChecked"]]
    # The report file holds the whole merged report, whatever --query keeps.
    rows = list(csv.DictReader(io.StringIO((aws_env.root / "merged.csv").read_text())))
    assert {r["AccountId"] for r in rows} == set(by_id)
    table = run_ok(
        aws_env, kind, *CHECK, "--merge", *files, "--output", "table", expect=4
    )
    assert "inactive" in table.stdout
    # A shard's run compared with the whole baseline: only its accounts.
    shard_drift = aws_env.run(
        kind, *ORG, *TWO_REGIONS, "--shard", "2/3", "--baseline", str(baseline)
    )
    assert shard_drift.json()["Changes"] == [], shard_drift.output

    refused(
        aws_env,
        kind,
        *CHECK,
        "--merge",
        files[0],
        files[2],
        message="shards missing: 2/3",
    )
    refused(
        aws_env,
        kind,
        *CHECK,
        "--merge",
        *files,
        files[1],
        message="shard 2/3 is given twice",
    )
    refused(
        aws_env, kind, *CHECK, "--merge", str(baseline), message="is not a shard report"
    )
    refused(
        aws_env,
        kind,
        *CHECK,
        "--merge",
        *files,
        "--regions",
        "eu-west-1",
        message="--regions cannot be used with --merge",
    )


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
def test_bad_shards_are_refused(aws_env: AwsEnv, kind: str) -> None:
    build_organization(aws_env)
    # Every bad value on one CLI, one on the others (tests/e2e/matrix.py).
    values = ("0/3", "4/3", "1/1001", "one/two", "1/3/1")
    for value in values if kind == EVERY_ROW_ON else values[:1]:
        refused(aws_env, kind, *ORG, "--shard", value, message="--shard: expected K/N")
    refused(
        aws_env, kind, *CHECK, "--shard", "1/2", message="--shard needs --organization"
    )
    # In JSON Lines mode the summary line records the shard.
    lines = aws_env.run(
        kind,
        *ORG,
        "--regions",
        "eu-west-1",
        "--shard",
        "2/3",
        "--output-format",
        "jsonl",
    ).stdout.splitlines()
    last = json.loads(lines[-1])
    assert last["Shard"] == {
        "Number": 2,
        "Count": 3,
        "AccountsSelected": 5,
        "AccountsInShard": len(lines) - 1 + last["Summary"]["AccountsSkipped"],
    }


def test_help_documents_the_fleet_options(aws_env: AwsEnv) -> None:
    build_organization(aws_env)
    env = {"PAGER": "cat", "MANPAGER": "cat"}
    page = aws_env.run(CLI_V1, *CHECK, "help", env=env).check()
    text = page.stdout.replace("\b", "")
    for words in ("--baseline", "--report", "--shard", "--merge", "SHA-256", "5 when"):
        assert words in text
