"""``--report FILE.html``, the whole page: the summary's figures and
words, the legend, the changes, the grid's order, letters, colours and
titles, and every value from the report escaped (the style sheet is
checked apart: it is a constant)."""

from __future__ import annotations

import re
from typing import Any

from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.report_html import (
    render_html,
    summary_counts,
)
from tests.unit.commands.fleet_world import account_report, member, shard_report

SHARD_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width">
<title>STS activation: o-a1b2c3d4e5, shard 2/4</title>
<style>CSS</style></head><body>
<h1>STS activation: o-a1b2c3d4e5, shard 2/4 (aws)</h1>
<table class="summary" id="summary">
<tr><th>Accounts</th><td>5 accounts</td></tr>
<tr><th>Accounts not checked (error)</th><td>1 account</td></tr>
<tr><th>Accounts skipped (not ACTIVE)</th><td>2 accounts</td></tr>
<tr><th>Regions</th><td>3 regions</td></tr>
<tr><th>Inactive</th><td>2 account-regions in 2 accounts</td></tr>
<tr><th>Unknown</th><td>1 account-region</td></tr>
<tr><th>Unreachable</th><td>1 account-region</td></tr>
<tr><th>On v1 tokens</th><td>2 accounts</td></tr>
<tr><th>Changes since the baseline</th><td>3</td></tr>
</table>
<div class="legend">
<span><b style="background:#b9e4c0;color:#0b3d16">A</b>active</span>
<span><b style="background:#d62828;color:#ffffff">I</b>inactive (deactivated)</span>
<span><b style="background:#c9c9c9;color:#222222">N</b>opt-in not enabled</span>
<span><b style="background:#f4a261;color:#3d1d00">X</b>unreachable</span>
<span><b style="background:#ffe066;color:#3d3300">?</b>unknown</span>
<span><b style="background:#6a4c93;color:#ffffff">E</b>account not checked (error)</span>
</div>
<h2>Changes since the baseline</h2>
<table class="changes" id="changes"><tr><th>Account</th>
<th>Region</th><th>Change</th><th>Before</th><th>After</th></tr>
<tr><td>200000000002</td><td>eu-west-1</td><td>Status</td><td>active</td><td>inactive</td></tr>
<tr><td>200000000003</td><td></td><td>Account</td><td>checked</td><td>error</td></tr>
<tr><td>200000000009</td><td></td><td>Account</td><td>-</td><td>checked</td></tr>
</table>
<h2>Accounts by region</h2>
<p>Accounts with an error or a region not active first, then the others, each in the report's order.</p>
<div class="wrap"><table class="grid" id="grid"><thead><tr>
<th class="corner">Account</th><th>Token</th>
<th class="region">us-east-1</th>
<th class="region">eu-west-1</th>
<th class="region">ap-east-1</th>
</tr></thead><tbody>
<tr><th title="200000000002 &lt;b&gt;&quot;Ops&quot; &amp; &#x27;Dev&#x27;&lt;/b&gt;">200000000002 &lt;b&gt;&quot;Ops&quot; &amp; &#x27;Dev&#x27;&lt;/b&gt;</th><td>v1</td>
<td style="background:#b9e4c0;color:#0b3d16" title="us-east-1: active">A</td>
<td style="background:#d62828;color:#ffffff" title="eu-west-1: inactive (RegionDisabledException)">I</td>
<td style="background:#c9c9c9;color:#222222" title="ap-east-1: not-enabled (opt-in)">N</td>
</tr>
<tr><th title="200000000003">200000000003</th><td>?</td>
<td class="note" colspan="3" title="AccessDenied &lt;sts:AssumeRole&gt;" style="background:#6a4c93;color:#ffffff">E: AccessDenied &lt;sts:AssumeRole&gt;</td></tr>
<tr><th title="200000000004 mixed">200000000004 mixed</th><td>?</td>
<td style="background:#ffe066;color:#3d3300" title="us-east-1: unknown">?</td>
<td style="background:#f4a261;color:#3d1d00" title="eu-west-1: unreachable (timed out)">X</td>
<td style="background:#ffffff;color:#000000" title="ap-east-1: not checked"></td>
</tr>
<tr><th title="200000000005">200000000005</th><td>v1</td>
<td style="background:#b9e4c0;color:#0b3d16" title="us-east-1: active">A</td>
<td style="background:#d62828;color:#ffffff" title="eu-west-1: inactive">I</td>
<td style="background:#ffe066;color:#3d3300" title="ap-east-1: reachable (x)">?</td>
</tr>
<tr><th title="200000000001 calm">200000000001 calm</th><td>v2</td>
<td style="background:#b9e4c0;color:#0b3d16" title="us-east-1: active">A</td>
<td style="background:#b9e4c0;color:#0b3d16" title="eu-west-1: active">A</td>
<td style="background:#b9e4c0;color:#0b3d16" title="ap-east-1: active">A</td>
</tr>
</tbody></table></div></body></html>
"""  # noqa: E501


ACCOUNT_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width">
<title>STS activation: account 111122223333</title>
<style>CSS</style></head><body>
<h1>STS activation: account 111122223333 (aws-cn)</h1>
<table class="summary" id="summary">
<tr><th>Accounts</th><td>1 account</td></tr>
<tr><th>Accounts not checked (error)</th><td>0 accounts</td></tr>
<tr><th>Accounts skipped (not ACTIVE)</th><td>0 accounts</td></tr>
<tr><th>Regions</th><td>2 regions</td></tr>
<tr><th>Inactive</th><td>1 account-region in 1 account</td></tr>
<tr><th>Unknown</th><td>0 account-regions</td></tr>
<tr><th>Unreachable</th><td>0 account-regions</td></tr>
<tr><th>On v1 tokens</th><td>0 accounts</td></tr>
</table>
<div class="legend">
<span><b style="background:#b9e4c0;color:#0b3d16">A</b>active</span>
<span><b style="background:#d62828;color:#ffffff">I</b>inactive (deactivated)</span>
<span><b style="background:#c9c9c9;color:#222222">N</b>opt-in not enabled</span>
<span><b style="background:#f4a261;color:#3d1d00">X</b>unreachable</span>
<span><b style="background:#ffe066;color:#3d3300">?</b>unknown</span>
<span><b style="background:#6a4c93;color:#ffffff">E</b>account not checked (error)</span>
</div>
<h2>Accounts by region</h2>
<p>Accounts with an error or a region not active first, then the others, each in the report's order.</p>
<div class="wrap"><table class="grid" id="grid"><thead><tr>
<th class="corner">Account</th><th>Token</th>
<th class="region">cn-north-1</th>
<th class="region">cn-northwest-1</th>
</tr></thead><tbody>
<tr><th title="111122223333">111122223333</th><td>v2</td>
<td style="background:#b9e4c0;color:#0b3d16" title="cn-north-1: active">A</td>
<td style="background:#d62828;color:#ffffff" title="cn-northwest-1: inactive (RegionDisabledException)">I</td>
</tr>
</tbody></table></div></body></html>
"""  # noqa: E501


BARE_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width">
<title>STS activation: organization</title>
<style>CSS</style></head><body>
<h1>STS activation: organization (aws)</h1>
<table class="summary" id="summary">
<tr><th>Accounts</th><td>1 account</td></tr>
<tr><th>Accounts not checked (error)</th><td>1 account</td></tr>
<tr><th>Accounts skipped (not ACTIVE)</th><td>1 account</td></tr>
<tr><th>Regions</th><td>0 regions</td></tr>
<tr><th>Inactive</th><td>0 account-regions in 0 accounts</td></tr>
<tr><th>Unknown</th><td>0 account-regions</td></tr>
<tr><th>Unreachable</th><td>0 account-regions</td></tr>
<tr><th>On v1 tokens</th><td>0 accounts</td></tr>
<tr><th>Changes since the baseline</th><td>0</td></tr>
</table>
<div class="legend">
<span><b style="background:#b9e4c0;color:#0b3d16">A</b>active</span>
<span><b style="background:#d62828;color:#ffffff">I</b>inactive (deactivated)</span>
<span><b style="background:#c9c9c9;color:#222222">N</b>opt-in not enabled</span>
<span><b style="background:#f4a261;color:#3d1d00">X</b>unreachable</span>
<span><b style="background:#ffe066;color:#3d3300">?</b>unknown</span>
<span><b style="background:#6a4c93;color:#ffffff">E</b>account not checked (error)</span>
</div>
<h2>Accounts by region</h2>
<p>Accounts with an error or a region not active first, then the others, each in the report's order.</p>
<div class="wrap"><table class="grid" id="grid"><thead><tr>
<th class="corner">Account</th><th>Token</th>
</tr></thead><tbody>
<tr><th title="200000000003 x">200000000003 x</th><td>v2</td>
<td class="note" colspan="1" title="denied" style="background:#6a4c93;color:#ffffff">E: denied</td></tr>
</tbody></table></div></body></html>
"""  # noqa: E501


def page(kind: ReportKind, document: dict[str, Any]) -> str:
    """The page with its style sheet (a constant) replaced by ``CSS``,
    once it is checked to fetch nothing."""
    text = render_html(kind, document)
    styles = re.findall(r"<style>(.*?)</style>", text, flags=re.S)
    assert len(styles) == 1
    assert "url(" not in styles[0] and "@import" not in styles[0]
    return text.replace(styles[0], "CSS")


def test_a_shard_with_changes_reads_in_full() -> None:
    """Problem accounts first (in the report's order), each status its
    letter and colours, a detail only where not active, a missing region
    blank, an error across the grid, and the hostile name escaped in the
    row's title and text."""
    assert page(ReportKind.ORGANIZATION, shard_report()) == SHARD_PAGE


def test_one_account_reads_as_an_organization_of_one() -> None:
    """Singular nouns for one, no changes section nor row without
    --baseline, the partition in the heading."""
    assert page(ReportKind.ACCOUNT, account_report()) == ACCOUNT_PAGE


def test_an_unnamed_organization_without_regions_or_changes() -> None:
    """No OrganizationId: "organization"; an empty Changes counts 0 with
    no table; an error cell spans at least one column."""
    document = shard_report(
        OrganizationId=None,
        Shard=None,
        Changes=[],
        Accounts=[member("200000000003", "x", 2, [], error="denied")],
    )
    document["Summary"] = {**document["Summary"], "Regions": [], "AccountsSkipped": 1}
    assert page(ReportKind.ORGANIZATION, document) == BARE_PAGE


def test_summary_counts_skip_accounts_not_checked() -> None:
    """An account with an error counts as such, whatever its regions and
    token version say."""
    document = shard_report()
    document["Accounts"][2] = {
        **document["Accounts"][2],
        "GlobalEndpointTokenVersion": 1,
        "Regions": [{"Region": "us-east-1", "Status": "inactive"}],
    }
    assert summary_counts(ReportKind.ORGANIZATION, document) == {
        "Accounts": 5,
        "AccountsWithError": 1,
        "Regions": 3,
        "Inactive": 2,
        "AccountsWithInactive": 2,
        "Unknown": 1,
        "Unreachable": 1,
        "OnV1Tokens": 2,
    }
