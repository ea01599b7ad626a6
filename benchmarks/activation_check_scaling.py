"""Figure 4: `aws sts activation-check` over all regions, in parallel.

A simulated account where every STS region answers after its own delay
(spread between 20 and 300 ms) and one region hangs (accepts the connection,
never answers). Prints:

* the wall time of `aws sts activation-check` over every region (with
  `--timeout`), next to the slowest single region's probe time (the hung
  region's cut-off) — the check should take about as long as that, not the
  sum;
* the wall time of what a script does today: one
  `aws sts get-session-token --region R` per region, in a sequential loop,
  with the same connect/read timeouts.

    .venv/bin/python -m benchmarks.activation_check_scaling [--timeout S] [--kind cli-v1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

from benchmarks.common import aws_home, machine
from testing.clients import CLI_KINDS, CLI_V1, aws_command
from testing.simulator.endpoints import partition_regions

HUNG_REGION = "ap-southeast-2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    options = parser.parse_args()
    timeout = f"{options.timeout:g}"

    with aws_home() as env:
        sim = env.simulator
        regions = list(partition_regions()["aws"])
        for i, region in enumerate(regions):
            if region == HUNG_REGION:
                sim.set_region(region, state="hang")
            else:
                sim.set_region(region, latency=0.02 + 0.28 * i / len(regions))
        env.config = "[profile bench]\nregion = us-east-1\n"
        env.write_files(options.kind, plugin=True)
        aws = aws_command(options.kind)

        def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
            started = time.perf_counter()
            proc = subprocess.run(
                aws + args + ["--profile", "bench"],
                env=env.env(),
                capture_output=True,
                text=True,
                cwd=str(env.home),
                timeout=600,
            )
            return time.perf_counter() - started, proc

        startup, _ = timed(["sts", "get-caller-identity", "--region", "us-east-1"])
        check = ["sts", "activation-check", "--timeout", timeout]
        parallel, proc = timed(check)
        if proc.returncode != 0:
            raise SystemExit(f"activation-check failed: {proc.stderr.strip()}")
        report = json.loads(proc.stdout)
        statuses = [r["Status"] for r in report["Regions"]]
        latencies = [r["LatencyMs"] for r in report["Regions"] if r["LatencyMs"]]
        all_at_once, _ = timed(check + ["--max-concurrency", str(len(regions) + 1)])

        started = time.perf_counter()
        for region in regions:
            subprocess.run(
                aws
                + ["sts", "get-session-token", "--region", region, "--profile", "bench"]
                + ["--cli-connect-timeout", timeout, "--cli-read-timeout", timeout],
                env=env.env(),
                capture_output=True,
                cwd=str(env.home),
                timeout=600,
            )
        sequential = time.perf_counter() - started

    print(f"machine: {machine()}")
    print(
        f"client: {options.kind}; {len(regions)} STS regions + global endpoint; "
        f"simulated answer delays 20-300 ms; {HUNG_REGION} hangs; --timeout {timeout}"
    )
    print(
        f"statuses: {statuses.count('active')} active, "
        f"{statuses.count('unreachable')} unreachable, of {len(statuses)} rows"
    )
    print("| what | wall time |")
    print("| --- | --- |")
    print(
        f"| one `aws sts get-caller-identity` (CLI start-up + one call) | {startup:.1f} s |"
    )
    print(
        f"| activation-check, all regions, default --max-concurrency 8 | {parallel:.1f} s |"
    )
    print(
        f"| activation-check, all regions at once (--max-concurrency {len(regions) + 1}) | {all_at_once:.1f} s |"
    )
    print(
        f"| slowest single region: the hung one, cut at --timeout | {options.timeout:.1f} s |"
    )
    print(
        f"| slowest answering region's median latency | {max(latencies) / 1000:.2f} s |"
    )
    print(f"| sequential loop of get-session-token per region | {sequential:.1f} s |")
    print(
        f"| speed-up of the default check over the loop | {sequential / parallel:.1f}x |"
    )


if __name__ == "__main__":
    main()
