"""Organization-wide activation check at scale: wall time and peak memory.

A simulated organization of N member accounts (the simulator in this
process), checked by the real `aws` CLI v1 as a subprocess in JSON Lines
mode, whose output is read and counted, not kept. For each N it prints the
wall time and the peak resident memory (ru_maxrss from wait4) of the `aws`
process. Every region's STS endpoint answers after a fixed simulated delay,
so that wall time shows the concurrency at work: about
requests x delay / --max-concurrency, not accounts x regions x delay.

    .venv/bin/python -m benchmarks.organization_scale                  # 100, 300, 1000 accounts x 6 regions
    .venv/bin/python -m benchmarks.organization_scale --regions all --accounts 1000

The simulator shares the machine's cores with the CLI, so on a small machine
CPU, not the delay, may bound the larger runs; the figures then say so
(compare with the delay-only estimate printed beside them).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.common import compile_checkout, machine, run_aws_processes
from testing.clients import CLI_V1, AwsEnv
from testing.simulator import Simulator

DEFAULT_REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-2",
)


def run_once(
    accounts: int,
    regions: tuple[str, ...] | None,
    concurrency: int,
    in_flight: int,
    delay: float,
) -> tuple[float, int, int, int]:
    """(wall seconds, peak RSS KiB, account lines, requests served)."""
    with TemporaryDirectory(prefix="regional-sts-org-") as tmp, Simulator() as sim:
        user = sim.add_user("admin")
        sim.create_organization()
        sim.add_member_accounts(accounts - 1)  # the management account is one
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.config = "[default]\nregion = us-east-1\n"
        env.credentials = (
            "[default]\n"
            f"aws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n"
        )
        for region in regions or ():
            sim.set_region(region, latency=delay)
        if regions is None:
            for region in sim_regions():
                sim.set_region(region, latency=delay)
            sim.set_global(latency=delay)
        region_args = ["--regions", *regions] if regions else []
        args = [
            "sts",
            "activation-check",
            "--organization",
            "--output-format",
            "jsonl",
            "--max-concurrency",
            str(concurrency),
            "--max-accounts-in-flight",
            str(in_flight),
            *region_args,
        ]
        (run,) = run_aws_processes(env, [args])
        # JSON Lines: one line per account, then the summary line.
        lines = run.stdout.count(b"\n")
        return run.seconds, run.peak_rss_kib, lines - 1, len(sim.requests)


def sim_regions() -> tuple[str, ...]:
    from testing.simulator.endpoints import partition_regions

    return partition_regions()["aws"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument(
        "--regions",
        nargs="+",
        default=list(DEFAULT_REGIONS),
        help="regions per account, or 'all' (every STS region and the global endpoint)",
    )
    parser.add_argument("--max-concurrency", type=int, nargs="+", default=[16])
    parser.add_argument("--max-accounts-in-flight", type=int, default=8)
    parser.add_argument(
        "--delay", type=float, default=0.02, help="simulated answer delay, seconds"
    )
    options = parser.parse_args()
    compile_checkout()
    regions = None if options.regions == ["all"] else tuple(options.regions)
    region_count = len(sim_regions()) + 1 if regions is None else len(regions)

    print(f"machine: {machine()}")
    print(
        f"client: {CLI_V1} (JSON Lines); regions per account: "
        f"{'all (' + str(region_count) + ')' if regions is None else ', '.join(regions)}; "
        f"answer delay {options.delay * 1000:.0f} ms per STS request; "
        f"--max-accounts-in-flight {options.max_accounts_in_flight}; --samples 1"
    )
    print(
        "| accounts | --max-concurrency | requests | wall time | delay-only estimate | peak RSS of aws |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for concurrency in options.max_concurrency:
        for accounts in options.accounts:
            elapsed, rss_kib, lines, requests = run_once(
                accounts,
                regions,
                concurrency,
                options.max_accounts_in_flight,
                options.delay,
            )
            if lines != accounts:
                raise SystemExit(f"expected {accounts} account lines, got {lines}")
            estimate = accounts * region_count * 2 * options.delay / concurrency
            print(
                f"| {accounts} | {concurrency} | {requests} | {elapsed:.1f} s | "
                f"{estimate:.1f} s | {rss_kib / 1024:.0f} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
