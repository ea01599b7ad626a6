"""``apply_fleet`` at the end of a run, without the CLI: what it returns
and adds when no fleet option was given, and with a baseline that is
unchanged (the CLI's side: tests/unit/in_process/test_fleet_merge.py)."""

from __future__ import annotations

import copy
from pathlib import Path

from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.activation.cli.fleet_output import apply_fleet
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.report_file import report_target
from awscli_regional_sts.commands.activation.fleet.shards import Shard
from tests.unit.commands.fleet_world import account_report, shard_report


def test_no_fleet_option_adds_nothing() -> None:
    document = account_report()
    before = copy.deepcopy(document)
    assert (
        apply_fleet("activation-check", ReportKind.ACCOUNT, document, FleetArguments())
        == Exit.OK
    )
    assert document == before


def test_an_unchanged_baseline_adds_no_change_and_the_reports_are_written(
    tmp_path: Path,
) -> None:
    document = account_report()
    fleet = FleetArguments(
        baseline=(ReportKind.ACCOUNT, copy.deepcopy(document)),
        reports=(report_target(str(tmp_path / "r.md")),),
    )
    assert (
        apply_fleet("activation-check", ReportKind.ACCOUNT, document, fleet) == Exit.OK
    )
    assert document["Changes"] == []
    assert "| Changes since the baseline | 0 |\n" in (tmp_path / "r.md").read_text()


def test_a_shards_run_is_compared_with_its_part_of_a_whole_baseline() -> None:
    """The other shard's accounts are not gone: only this shard's count."""
    whole = shard_report(Shard=None)
    del whole["Changes"]
    shard = Shard(number=2, count=2)
    mine = [a for a in whole["Accounts"] if shard.holds(a["AccountId"])]
    assert 0 < len(mine) < len(whole["Accounts"])
    document = {**whole, "Accounts": mine}
    fleet = FleetArguments(baseline=(ReportKind.ORGANIZATION, whole), shard=shard)
    outcome = apply_fleet("activation-check", ReportKind.ORGANIZATION, document, fleet)
    assert (outcome, document["Changes"]) == (Exit.OK, [])
