"""`make demo` keeps working: it is the first thing a new user runs."""

from __future__ import annotations

import subprocess
import sys

from testing.clients import REPO_ROOT


def test_demo_shows_the_move_to_tokyo_and_the_activation_report() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    before, _, after = out.partition("2. Enable the plugin")
    assert "sts.amazonaws.com (GetCallerIdentity, signed for us-east-1)" in before
    assert (
        "sts.ap-northeast-1.amazonaws.com (GetCallerIdentity, "
        "signed for ap-northeast-1)" in after
    )
    assert "aws configure set sts_region ap-northeast-1 --profile demo" in after
    assert "inactive" in after  # ap-southeast-1 is deactivated in the demo
    assert "not available in this build" not in out
