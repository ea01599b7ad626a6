"""``aws sts activation-check --merge``, in process
(tests/unit/in_process/harness.py says why): the merged report printed,
compared with ``--baseline``, written by ``--report``, and the exit status
each outcome gives."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from awscli_regional_sts.aws.untrusted import quote
from tests.unit.commands.fleet_world import shard_report
from tests.unit.in_process.harness import InProcessAws

MERGE = ("sts", "activation-check", "--merge")


def whole_shard(**extra: Any) -> dict[str, Any]:
    """The shard report of a run cut in one shard (``--shard 1/1``)."""
    document = shard_report(
        **{
            "Shard": {
                "Number": 1,
                "Count": 1,
                "AccountsSelected": 5,
                "AccountsInShard": 5,
            },
            "MemberRoleName": "OrganizationAccountAccessRole",
            "Probe": "AssumeRole",
            **extra,
        }
    )
    del document["Changes"]
    return document


def write(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document))
    return str(path)


def test_merge_with_a_baseline_and_reports(aws: InProcessAws) -> None:
    root = aws.aws_env.root
    shard = write(root / "s.json", whole_shard())
    baseline = whole_shard(Shard=None)
    baseline["Accounts"][1] = {
        **baseline["Accounts"][1],
        "GlobalEndpointTokenVersion": 2,
    }
    reports = (root / "r.csv", root / "r.md")

    result = aws.run(
        *MERGE,
        shard,
        "--baseline",
        write(root / "b.json", baseline),
        "--report",
        *map(str, reports),
    )

    # An account not checked (4) wins over the change (5).
    assert result.returncode == 4, result.output
    merged = result.json()
    change = {
        "AccountId": "200000000002",
        "Region": None,
        "Change": "GlobalEndpointTokenVersion",
        "Before": 2,
        "After": 1,
    }
    assert merged["Changes"] == [change]
    assert merged["Summary"]["AccountsWithError"] == 1
    assert "Shard" not in merged
    assert result.stderr == ""
    assert aws.simulator.requests == []
    rows = list(csv.reader(io.StringIO(reports[0].read_text())))
    assert len(rows) == 1 + 12
    assert "| Changes since the baseline | 1 |\n" in reports[1].read_text()


def test_a_merge_that_changed_and_a_report_not_written(aws: InProcessAws) -> None:
    root = aws.aws_env.root
    checked = whole_shard()
    checked["Accounts"] = [a for a in checked["Accounts"] if a["Error"] is None]
    checked["Shard"] = {**checked["Shard"], "AccountsSelected": 4, "AccountsInShard": 4}
    shard = write(root / "s.json", checked)
    baseline = write(root / "b.json", {**checked, "Shard": None, "Accounts": []})
    # A name the file system takes, but not with write_report's temporary
    # file's prefix and suffix around it (more than 255 bytes).
    too_long = root / ("r" * 246 + ".html")
    not_reached = root / "later.csv"

    changed = aws.run(*MERGE, shard, "--baseline", baseline, "--query", "Changes")
    unwritten = aws.run(
        *MERGE,
        shard,
        "--report",
        str(too_long),
        str(not_reached),
    )

    assert (changed.returncode, changed.stderr) == (5, ""), changed.output
    assert [c["Before"] for c in changed.json()] == [None] * 4
    assert unwritten.returncode == 255, unwritten.output
    assert unwritten.stderr == (
        f"aws sts activation-check: --report: cannot write {quote(str(too_long))}: "
        "File name too long\n"
    )
    assert not not_reached.exists()
    # The report is printed all the same.
    assert unwritten.json()["Summary"]["AccountsChecked"] == 4


def test_a_merge_printed_as_a_table_is_titled_with_the_command(
    aws: InProcessAws,
) -> None:
    """As any command's table: the CLI's formatter, titled with its name."""
    root = aws.aws_env.root
    shard = write(root / "s.json", whole_shard())

    result = aws.run(*MERGE, shard, "--output", "table", "--query", "Summary")

    assert result.returncode == 4, result.output
    lines = result.stdout.splitlines()
    assert lines[1].strip("| ") == "activation-check"
    assert lines[3].split() == [
        "|",
        "AccountsChecked",
        "|",
        "AccountsSkipped",
        "|",
        "AccountsWithError",
        "|",
    ]
    assert lines[5].split() == ["|", "4", "|", "2", "|", "1", "|"]
