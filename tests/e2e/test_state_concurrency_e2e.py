"""End to end: processes that write failover's ``state.json`` at the same
moment lose nothing (#16 item 3).

Six real CLI processes (CLI v1, CLI v1 1.41 and CLI v2, two of each), each
with its own profile whose ``sts_region`` is a different deactivated region,
all failing over to eu-west-1. The simulator holds their first requests
until all six have arrived and answers them at once, so that the six
handle RegionDisabledException, and write the state file, at the same
moment. Each must leave its memory in the file: its region's failure, and
its profile's notice.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    AwsEnv,
    aws_command,
    plugin_section,
)

EU = "eu-west-1"
#: Regions enabled by default (so STS there can be deactivated), one per
#: process.
REGIONS = (
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-west-2",
    "us-west-2",
)
KINDS = CLI_KINDS * 2
STATE = Path(".aws/cli/cache/regional-sts/state.json")


def test_processes_failing_over_at_once_each_leave_their_memory(
    aws_env: AwsEnv,
) -> None:
    sim = aws_env.simulator
    keys = sim.add_user("alice")
    profiles = [f"p{number}" for number in range(len(REGIONS))]
    for profile in profiles:
        aws_env.add_keys(profile, keys)
    aws_env.config = "".join(
        f"[profile {profile}]\nsts_region = {region}\nsts_fallback = {EU}\n"
        for profile, region in zip(profiles, REGIONS)
    )
    for region in REGIONS:
        sim.set_region(region, state="deactivated")
    aws_env.write_files(CLI_V1, plugin=False)  # the credentials file
    sim.answer_together(REGIONS, requests=len(REGIONS), timeout=60)
    sim.clear_log()

    processes = []
    for number, (profile, kind) in enumerate(zip(profiles, KINDS)):
        config = aws_env.root / f"config-{number}"
        config.write_text(plugin_section(kind) + "\n" + aws_env.config)
        processes.append(
            subprocess.Popen(
                [*aws_command(kind), "sts", "get-session-token", "--profile", profile],
                env=aws_env.env({"AWS_CONFIG_FILE": str(config)}),
                cwd=aws_env.home,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outcomes = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outcomes):
        assert process.returncode == 0, err
        assert json.loads(out)["Credentials"]["AccessKeyId"]

    # All six first requests were held and answered together, then each
    # went to Ireland.
    first = [r for r in sim.requests if r.host != f"sts.{EU}.amazonaws.com"]
    assert sorted(r.host for r in first) == sorted(
        f"sts.{region}.amazonaws.com" for region in REGIONS
    )
    assert all(r.status == 403 for r in first)

    saved = json.loads((aws_env.home / STATE).read_text())
    assert set(saved["Failures"]) == set(REGIONS)
    assert {reason["Reason"] for reason in saved["Failures"].values()} == {
        "RegionDisabledException"
    }
    assert set(saved["Notices"]) == {
        f"sts_fallback in profile '{profile}'" for profile in profiles
    }
