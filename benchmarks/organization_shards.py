"""Sharding an organization check on one machine: 1 shard vs N shards run
at once as N processes, on the same cores.

A simulated organization (the simulator in this process; every STS answer
after a fixed delay) is checked by the real `aws` CLI v1 in JSON Lines
mode: once whole, then as ``--shard 1/N`` ... ``N/N`` started together.
It prints, for each, the wall time (until the last process ends), the
requests the simulator served (ListAccounts apart: every shard lists the
whole organization), the CPU time of the `aws` processes, and checks that
the shards' accounts add up to the whole run's.

    .venv/bin/python -m benchmarks.organization_shards          # 200 accounts x 4 regions, 2 shards
    .venv/bin/python -m benchmarks.organization_shards --accounts 400 --shards 2 4

The simulator shares the cores with the CLI processes, as it would not on
N machines; the output says how much CPU each run took, so the reader can
tell a run bound by the answer delay (shards help on one machine) from
one bound by CPU (only more machines help).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.common import compile_checkout, machine, run_aws_processes
from testing.clients import CLI_V1, AwsEnv
from testing.simulator import Simulator

DEFAULT_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1")


def run_shards(
    env: AwsEnv, base: list[str], count: int
) -> tuple[float, float, list[set[str]]]:
    """Run ``count`` shards at once (one process, unsharded, for 1):
    (wall seconds, CPU seconds of the aws processes, account ids each)."""
    shard_args = (
        [[]]
        if count == 1
        else [["--shard", f"{k}/{count}"] for k in range(1, count + 1)]
    )
    runs = run_aws_processes(env, [base + extra for extra in shard_args])
    elapsed = max(run.seconds for run in runs)
    cpu = sum(run.cpu_seconds for run in runs)
    accounts: list[set[str]] = []
    for run in runs:
        parsed = [json.loads(line) for line in run.stdout.splitlines()]
        accounts.append({line["AccountId"] for line in parsed if "AccountId" in line})
    return elapsed, cpu, accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--regions", nargs="+", default=list(DEFAULT_REGIONS))
    parser.add_argument("--shards", type=int, nargs="+", default=[2])
    parser.add_argument("--max-concurrency", type=int, default=16)
    parser.add_argument("--max-accounts-in-flight", type=int, default=8)
    parser.add_argument(
        "--delay", type=float, default=0.05, help="STS answer delay, seconds"
    )
    options = parser.parse_args()
    compile_checkout()
    print(f"machine: {machine()}")
    print(
        f"client: {CLI_V1} (JSON Lines), {options.accounts} accounts x "
        f"{len(options.regions)} regions ({', '.join(options.regions)}), answer "
        f"delay {options.delay * 1000:.0f} ms per STS request, --max-concurrency "
        f"{options.max_concurrency} and --max-accounts-in-flight "
        f"{options.max_accounts_in_flight} per process, --samples 1"
    )
    print(
        "| processes | wall time | requests (ListAccounts apart) | ListAccounts | CPU of aws | accounts |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with TemporaryDirectory(prefix="regional-sts-shards-") as tmp, Simulator() as sim:
        user = sim.add_user("admin")
        sim.create_organization()
        sim.add_member_accounts(options.accounts - 1)  # the management account is one
        for region in options.regions:
            sim.set_region(region, latency=options.delay)
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.config = "[default]\nregion = us-east-1\n"
        env.add_keys("default", user)
        base = [
            "sts",
            "activation-check",
            "--organization",
            "--output-format",
            "jsonl",
            "--regions",
            *options.regions,
            "--max-concurrency",
            str(options.max_concurrency),
            "--max-accounts-in-flight",
            str(options.max_accounts_in_flight),
        ]
        whole: set[str] = set()
        for count in [1, *options.shards]:
            sim.clear_log()
            elapsed, cpu, accounts = run_shards(env, base, count)
            requests = sim.requests
            listing = sum(1 for r in requests if r.action == "ListAccounts")
            union = set().union(*accounts)
            if count == 1:
                whole = union
            elif union != whole or sum(len(a) for a in accounts) != len(whole):
                raise SystemExit(f"{count} shards did not cover the organization once")
            print(
                f"| {count} | {elapsed:.1f} s | {len(requests) - listing} | {listing} | "
                f"{cpu:.1f} s | {len(union)} ({', '.join(str(len(a)) for a in accounts)}) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
