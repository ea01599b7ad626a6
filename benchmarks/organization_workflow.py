"""The organization audit as the scheduled workflow runs it, from 1,000 to
10,000 accounts, without and with a throttle: wall time, CPU and memory per
account, and the floor a rate limit sets.

A simulated organization (the simulator in this process) is checked by the
real `aws` CLI v1 as deploy/github-workflow-sts-audit.yml does: N shards
(``activation-check --organization --shard K/N --output json``), started
together as the workflow's matrix jobs are, then one ``--merge`` of their
parts. Every option but ``--regions`` is the product's default, as in the
workflow.

1. No throttling, for each size: the wall time (the slowest shard, then the
   merge), the CPU time (user + system, wait4) of every `aws` process, per
   account, and the least-squares slope of both against the size over every
   round; the peak RSS of a shard and of the merge.
2. A throttle of R requests a second per region (the simulator's token
   buckets: one per calling account, region and STS API, ``--burst``
   tokens): the wall time of the shards against the floor the throttle sets
   (the busiest bucket's requests, as the unthrottled run sent them, less
   the burst, over R), the `unknown` region rows of the merge and the
   throttled answers. Beside it the peer a user would write:
   benchmarks/peers/same_findings.py (one process) with botocore's
   ``adaptive`` retry mode, on the same throttled organization.

    .venv/bin/python -m benchmarks.organization_workflow --accounts 200,1000 --regions 4
    .venv/bin/python -m benchmarks.organization_workflow --accounts 1000,2500,5000,10000 \\
        --regions 17 --shards 3 --rate 20 --throttled-accounts 10000

Every rate here is the simulator's, chosen by the benchmark: AWS publishes
no STS rate. The simulator and every client share this machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.common import AwsProcess, compile_checkout, machine, run_processes
from benchmarks.workflow_figures import (
    Answered,
    Loads,
    account_sizes,
    bucket_loads,
    floor_seconds,
    least_squares,
    peer_unknowns,
    per_region,
    positive_float,
    positive_int,
    product_unknowns,
    region_choice,
)
from testing.clients import CLI_V1, AwsEnv, aws_command, python_command
from testing.simulator import Simulator

PEER = Path(__file__).resolve().parent / "peers" / "same_findings.py"


@dataclass(frozen=True)
class WorkflowRun:
    """One run of the workflow's shape: N shards at once, then the merge."""

    shards_wall: float
    merge_wall: float
    cpu: float  # every aws process, user + system
    shard_rss_kib: int  # the largest shard's peak
    merge_rss_kib: int
    simulator_cpu: float  # this process: the simulator's threads, mostly
    requests: int
    list_accounts: int  # ListAccounts requests: pages x listings
    unknown_rows: int
    unknown_accounts: int
    loads: Loads  # answered STS requests per token bucket

    @property
    def wall(self) -> float:
        return self.shards_wall + self.merge_wall


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ratio(wall: float, floor: float) -> str:
    """wall / floor, or a dash when the burst covers the whole run."""
    return f"{wall / floor:.2f}x" if floor > 0 else "- (no floor: the burst covers it)"


def _answered(sim: Simulator) -> list[Answered]:
    return [
        Answered(
            service=r.service,
            caller=r.caller_account_id,
            region=r.region,
            api=r.action,
            throttled=r.throttled,
        )
        for r in sim.requests
    ]


def organization(
    sim: Simulator, env: AwsEnv, accounts: int, regions: tuple[str, ...], delay: float
) -> None:
    user = sim.add_user("admin")
    sim.create_organization()
    sim.add_member_accounts(accounts - 1)  # the management account is one
    for region in regions:
        sim.set_region(region, latency=delay)
    env.config = "[default]\nregion = us-east-1\n"
    env.add_keys("default", user)
    env.write_files(CLI_V1, plugin=True)


def workflow(
    sim: Simulator, env: AwsEnv, accounts: int, options: argparse.Namespace
) -> WorkflowRun:
    """The shards at once, their parts to files, then the merge; exit 4 (an
    account could not be checked) is a result here, as in the workflow.
    With ``--list-once``, first one ``--list-accounts`` whose file every
    shard reads (``--accounts-from``), counted in the shards' time."""
    regions, shards = options.regions, options.shards
    sim.clear_log()
    started_cpu = _self_cpu()
    base = [*aws_command(CLI_V1), "sts", "activation-check", "--organization"]
    listing: list[AwsProcess] = []
    if options.list_once:
        listing = run_processes(env, [[*base, "--list-accounts"]])
        listed_path = env.root / "accounts.json"
        listed_path.write_bytes(listing[0].stdout)
        listed_path.chmod(0o600)  # --accounts-from refuses a file others may write
        base += ["--accounts-from", str(listed_path)]
    parts = run_processes(
        env,
        [
            [
                *base,
                "--shard",
                f"{k}/{shards}",
                "--regions",
                *regions,
                "--output",
                "json",
            ]
            for k in range(1, shards + 1)
        ],
        ok=(0, 4),
    )
    paths = []
    for k, part in enumerate(parts, start=1):
        path = env.root / f"shard-{k}.json"
        path.write_bytes(part.stdout)
        paths.append(str(path))
    (merged,) = run_processes(
        env,
        [
            [*aws_command(CLI_V1), "sts", "activation-check", "--merge", *paths]
            + ["--output", "json"]
        ],
        ok=(0, 4, 5),
    )
    simulator_cpu = _self_cpu() - started_cpu
    document = json.loads(merged.stdout)
    listed = len(document.get("Accounts") or [])
    if listed != accounts:
        raise SystemExit(f"the merge lists {listed} accounts, not {accounts}")
    rows, unknown_accounts = product_unknowns(document)
    answered = _answered(sim)
    return WorkflowRun(
        shards_wall=sum(p.seconds for p in listing) + max(p.seconds for p in parts),
        merge_wall=merged.seconds,
        cpu=sum(p.cpu_seconds for p in [*listing, *parts, merged]),
        shard_rss_kib=max(p.peak_rss_kib for p in parts),
        merge_rss_kib=merged.peak_rss_kib,
        simulator_cpu=simulator_cpu,
        requests=len(answered),
        list_accounts=sum(1 for r in answered if r.api == "ListAccounts"),
        unknown_rows=rows,
        unknown_accounts=unknown_accounts,
        loads=bucket_loads(answered),
    )


def unthrottled(options: argparse.Namespace) -> dict[int, WorkflowRun]:
    """Part 1; returns the first run of each size (its bucket loads give
    part 2 its floor)."""
    print(
        "| accounts | round | wall (shards + merge) | CPU of aws | CPU per account "
        "| requests (ListAccounts) | simulator CPU per request | peak RSS shard / merge "
        "| unknown rows |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    first: dict[int, WorkflowRun] = {}
    sizes: list[float] = []
    walls: list[float] = []
    cpus: list[float] = []
    for accounts in options.accounts:
        with TemporaryDirectory(prefix="regional-sts-wf-") as tmp, Simulator() as sim:
            env = AwsEnv(root=Path(tmp), simulator=sim)
            organization(sim, env, accounts, options.regions, options.delay)
            for round_ in range(1, options.rounds + 1):
                run = workflow(sim, env, accounts, options)
                first.setdefault(accounts, run)
                sizes.append(accounts)
                walls.append(run.wall)
                cpus.append(run.cpu)
                print(
                    f"| {accounts:,} | {round_} | {run.shards_wall:.1f} + "
                    f"{run.merge_wall:.1f} = {run.wall:.1f} s | {run.cpu:.1f} s | "
                    f"{run.cpu / accounts * 1000:.1f} ms | {run.requests:,} ({run.list_accounts:,}) | "
                    f"{run.simulator_cpu / run.requests * 1000:.2f} ms | "
                    f"{run.shard_rss_kib / 1024:.0f} / {run.merge_rss_kib / 1024:.0f} MiB | "
                    f"{run.unknown_rows} |",
                    flush=True,
                )
    if len(set(sizes)) >= 2:
        wall_fit = least_squares(sizes, walls)
        cpu_fit = least_squares(sizes, cpus)
        print(
            f"least squares over {len(sizes)} runs: wall = {wall_fit.intercept:.1f} s + "
            f"{wall_fit.slope * 1000:.2f} s per 1,000 accounts; CPU of aws = "
            f"{cpu_fit.intercept:.1f} s + {cpu_fit.slope * 1000:.2f} s per 1,000 accounts"
        )
    largest = max(options.accounts)
    print(
        f"peak RSS at {largest:,} accounts: a shard "
        f"{first[largest].shard_rss_kib / 1024:.0f} MiB, the merge "
        f"{first[largest].merge_rss_kib / 1024:.0f} MiB (wait4 ru_maxrss of each process)"
    )
    return first


def throttled(options: argparse.Namespace, baseline: WorkflowRun | None) -> None:
    """Part 2: the product's workflow, then the adaptive peer, on one
    organization throttled per region."""
    accounts = options.throttled_accounts
    rate, burst = options.rate, options.burst
    with TemporaryDirectory(prefix="regional-sts-wf-") as tmp, Simulator() as sim:
        env = AwsEnv(root=Path(tmp), simulator=sim)
        organization(sim, env, accounts, options.regions, options.delay)
        if baseline is None:  # the floor needs the unthrottled run's requests
            baseline = workflow(sim, env, accounts, options)
        floor = floor_seconds(baseline.loads, rate, burst)
        busiest = per_region(baseline.loads)
        print(
            f"throttle: STS in each of the {len(options.regions)} regions, {rate:g} "
            f"requests a second per calling account and API, burst {burst} (the "
            f"simulator's figures, not AWS's); busiest bucket per region: "
            f"{min(busiest.values()):,} to {max(busiest.values()):,} requests; "
            f"floor ({max(busiest.values()):,} - {burst}) / {rate:g} = {floor:.1f} s"
        )
        print(
            f"unthrottled, the same shards took {baseline.shards_wall:.1f} s: the "
            "throttle, not this machine's CPU, sets the pace only if that is well "
            "under the floor (else lower --rate)"
        )
        print(
            "| client | wall | wall / floor | unknown region rows (accounts) "
            "| throttled answers | requests |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        walls: dict[str, list[float]] = {}
        for round_ in range(1, options.rounds + 1):
            for region in options.regions:
                sim.set_throttle(service="sts", region=region, rate=rate, burst=burst)
            run = workflow(sim, env, accounts, options)
            throttled_answers = sum(1 for r in sim.requests if r.throttled)
            walls.setdefault("product", []).append(run.shards_wall)
            print(
                f"| activation-check, {options.shards} shards at once (round {round_}) | "
                f"{run.shards_wall:.1f} s (+ merge {run.merge_wall:.1f} s) | "
                f"{_ratio(run.shards_wall, floor)} | {run.unknown_rows:,} "
                f"({run.unknown_accounts:,}) | {throttled_answers:,} | {run.requests:,} |",
                flush=True,
            )
            for region in options.regions:  # full buckets for the peer too
                sim.set_throttle(service="sts", region=region, rate=rate, burst=burst)
            sim.clear_log()
            argv = [
                *python_command(),
                str(PEER),
                ",".join(options.regions),
                f"adaptive:{options.peer_attempts}",
            ]
            (peer,) = run_processes(env, [argv])
            rows, facts, peer_accounts = peer_unknowns(peer.stdout.decode())
            logged = sim.requests
            # The peer assumes each member role again for its facts, in its
            # first region: its own busiest bucket, and floor, are larger.
            own = floor_seconds(bucket_loads(_answered(sim)), rate, burst)
            walls.setdefault("peer", []).append(peer.seconds)
            print(
                f"| boto3 peer, adaptive, {options.peer_attempts} attempts, one process "
                f"(round {round_}) | {peer.seconds:.1f} s | {_ratio(peer.seconds, floor)} "
                f"(of its own floor {own:.1f} s: {_ratio(peer.seconds, own)}) | "
                f"{rows:,} ({peer_accounts:,}; and {facts:,} facts) | "
                f"{sum(1 for r in logged if r.throttled):,} | {len(logged):,} |",
                flush=True,
            )
        product, peer_wall = (statistics.median(walls[k]) for k in ("product", "peer"))
        print(
            f"medians: product {product:.1f} s, peer {peer_wall:.1f} s: product / peer "
            f"{product / peer_wall:.2f}x; target at most 1.15x the floor "
            f"({1.15 * floor:.1f} s) and zero unknown rows"
        )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts",
        type=account_sizes,
        default=account_sizes("1000,2500,5000,10000"),
        help="organization sizes, comma-separated (default 1000,2500,5000,10000)",
    )
    parser.add_argument(
        "--regions",
        type=region_choice,
        default=region_choice("17"),
        help="a count (the first N of the 17 default-enabled regions) or names (default 17)",
    )
    parser.add_argument(
        "--shards", type=positive_int, default=3, help="default 3, as deploy/"
    )
    parser.add_argument("--rounds", type=positive_int, default=1)
    parser.add_argument(
        "--delay",
        type=float,
        default=0.02,
        help="the simulator's answer delay per STS request, seconds (default 0.02)",
    )
    parser.add_argument(
        "--rate",
        type=positive_float,
        default=20.0,
        help="the throttle: requests a second per region and STS API (default 20)",
    )
    parser.add_argument("--burst", type=positive_int, default=20, help="default 20")
    parser.add_argument(
        "--throttled-accounts",
        type=positive_int,
        default=None,
        help="organization size of the throttled part (default the largest of --accounts)",
    )
    parser.add_argument(
        "--list-once",
        action="store_true",
        help="list the organization once (--list-accounts) and give every shard "
        "that file (--accounts-from), as the workflow does since issue 34; "
        "without it each shard lists the whole organization",
    )
    parser.add_argument("--no-throttle", action="store_true", help="part 1 only")
    parser.add_argument("--no-scaling", action="store_true", help="part 2 only")
    parser.add_argument(
        "--peer-attempts",
        type=positive_int,
        default=10,
        help="the peer's max_attempts in botocore's adaptive mode (default 10)",
    )
    return parser


def main() -> None:
    options = parser().parse_args()
    if options.throttled_accounts is None:
        options.throttled_accounts = max(options.accounts)
    compile_checkout()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(
        f"client: {CLI_V1}, {options.shards} shards started together, then --merge; "
        f"{len(options.regions)} regions ({', '.join(options.regions)}); STS answer "
        f"delay {options.delay * 1000:.0f} ms; the product's defaults otherwise; "
        + (
            "listed once (--list-accounts, then --accounts-from in each shard)"
            if options.list_once
            else "each shard lists the organization"
        )
    )
    first: dict[int, WorkflowRun] = {}
    if not options.no_scaling:
        first = unthrottled(options)
    if not options.no_throttle:
        print()
        throttled(options, first.get(options.throttled_accounts))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
