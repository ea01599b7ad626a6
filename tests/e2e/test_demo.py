"""`make demo` keeps working and shows the headline: it is the first thing a
new user runs."""

from __future__ import annotations

import re
import subprocess
import sys

from testing.clients import CLI_V2, CLI_V2_FROZEN, REPO_ROOT, aws_command, installed


def test_demo_shows_the_headline_the_move_to_tokyo_and_the_report() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    # Reads well in an 80-column terminal.
    assert max(len(line) for line in out.splitlines()) <= 80
    # The replayed measurement, labelled as such.
    assert "3.319 s" in out and "0.384 s" in out
    assert "unconfirmed here" in out
    first = out.split("== AWS CLI v2")[0]
    before, _, after = first.partition("2. Enable the plugin")
    assert "$ aws sts get-caller-identity --profile demo" in before
    # Enabled as the README says, with the helper.
    assert "$ aws-regional-sts enable --aws " in after
    assert "$ aws configure set sts_region ap-northeast-1 --profile demo" in after
    # The requests as a table: one row per step and host.
    assert re.search(
        r"^  before +sts\.amazonaws\.com +1 +GetCallerIdentity +us-east-1$", out, re.M
    )
    assert re.search(
        r"^  after +sts\.ap-northeast-1\.amazonaws\.com +1 +GetCallerIdentity"
        r" +ap-northeast-1$",
        out,
        re.M,
    )
    assert "inactive" in after  # ap-southeast-1 is deactivated in the demo
    # Before and after side by side: the global endpoint's 3.3 s shows.
    (row,) = re.findall(r"^  CLI v1 +([\d.]+) s +([\d.]+) s +([\d.]+)x$", out, re.M)
    before_s, after_s, _ = map(float, row)
    assert before_s - after_s > 2.5  # 3.319 - 0.384 s of replayed delay
    v2_kind = next((k for k in (CLI_V2_FROZEN, CLI_V2) if installed(k)), None)
    if v2_kind is not None:
        (v2_aws,) = aws_command(v2_kind)
        v2 = out.split("== AWS CLI v2")[1]
        # A long path wraps the command line: compare with white space joined.
        assert f"$ aws-regional-sts enable --aws {v2_aws} --own-config-file" in (
            " ".join(v2.split())
        )
        assert (
            "plugins.cli_legacy_plugin_path\n      ~/.aws/cli/plugins/regional-sts"
            in (v2)
            or "plugins.cli_legacy_plugin_path ~/.aws/cli/plugins/regional-sts" in v2
        )
        assert re.search(r"^  CLI v2 +[\d.]+ s +[\d.]+ s +[\d.]+x$", out, re.M)
