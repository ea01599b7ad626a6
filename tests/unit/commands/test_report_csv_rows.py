"""``--report FILE.csv``, every record: the columns, a row per account
and region in the report's order, booleans and numbers as a spreadsheet
reads them, an account not checked as one ``error`` row, every cell
quoted and a formula defused."""

from __future__ import annotations

from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.report_csv import cell, render_csv
from tests.unit.commands.fleet_world import account_report, row, shard_report

HEADER = (
    '"AccountId","Name","Region","Status","Verified","LatencyMs","Detail",'
    '"GlobalEndpointTokenVersion"'
)
HOSTILE = '"<b>""Ops"" & \'Dev\'</b>"'


def test_a_shard_report_has_a_record_per_account_and_region() -> None:
    document = shard_report()
    calm = document["Accounts"][0]["Regions"]
    calm[1] = row("eu-west-1", "active", Verified=False, LatencyMs=None)
    calm[2] = row("ap-east-1", "active", LatencyMs=7)
    document["Accounts"][3]["Name"] = '=HYPERLINK("x")'
    assert render_csv(ReportKind.ORGANIZATION, document).split("\r\n") == [
        HEADER,
        '"200000000001","calm","us-east-1","active","true","12.5","probe answered","2"',
        '"200000000001","calm","eu-west-1","active","false","","","2"',
        '"200000000001","calm","ap-east-1","active","true","7","","2"',
        f'"200000000002",{HOSTILE},"us-east-1","active","true","12.5",'
        '"probe answered","1"',
        f'"200000000002",{HOSTILE},"eu-west-1","inactive","true","12.5",'
        '"RegionDisabledException","1"',
        f'"200000000002",{HOSTILE},"ap-east-1","not-enabled","true","12.5",'
        '"opt-in","1"',
        '"200000000003","","","error","","","AccessDenied <sts:AssumeRole>",""',
        '"200000000004","\'=HYPERLINK(""x"")","us-east-1","unknown","true","12.5",'
        '"",""',
        '"200000000004","\'=HYPERLINK(""x"")","eu-west-1","unreachable","true",'
        '"12.5","timed out",""',
        '"200000000005","","us-east-1","active","true","12.5","","1"',
        '"200000000005","","eu-west-1","inactive","true","12.5","","1"',
        '"200000000005","","ap-east-1","reachable","true","12.5","x","1"',
        "",
    ]


def test_one_account_has_no_name() -> None:
    assert render_csv(ReportKind.ACCOUNT, account_report()) == (
        f"{HEADER}\r\n"
        '"111122223333","","cn-north-1","active","true","12.5","","2"\r\n'
        '"111122223333","","cn-northwest-1","inactive","true","12.5",'
        '"RegionDisabledException","2"\r\n'
    )


def test_cells_by_type() -> None:
    assert [cell(v) for v in (None, True, False, 0, -1, 2.5, "-1", "")] == [
        "",
        "true",
        "false",
        "0",
        "-1",
        "2.5",
        "'-1",
        "",
    ]
