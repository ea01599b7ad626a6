"""set-global-endpoint-token-version over a simulated organization:
requests sent, wall time and peak memory of the `aws` process.

An organization of N accounts (the management account and N-1 members, all
on v1 tokens; the simulator runs in this process) is moved to v2 tokens by
the real `aws` CLI v1 as a subprocess, three times in a row:

* ``--dry-run``: reads every account, writes nothing;
* the change: writes every account;
* the same command again: reads every account, writes nothing.

For each run it prints the requests the simulator answered, by action, the
wall time, and the CPU time (user + system) and peak resident memory
(ru_maxrss) of the `aws` process, both from wait4. The STS endpoint answers after a fixed simulated delay (IAM and
Organizations answer at once: the simulator has no delay for them), so the
wall time shows the accounts worked on at once (--max-accounts-in-flight).

    .venv/bin/python -m benchmarks.token_version_remediation    # 1,000 accounts; 16, then 4 in flight
    .venv/bin/python -m benchmarks.token_version_remediation --accounts 200 --max-accounts-in-flight 4 16

The simulator shares the machine's cores with the CLI: on a small machine
CPU (TLS set-up for each member's IAM client, signing) bounds the runs.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.common import compile_checkout, machine, run_aws_processes
from testing.clients import CLI_V1, AwsEnv
from testing.simulator import Simulator

COMMAND = ["sts", "set-global-endpoint-token-version", "--token-version", "v2Token"]
RUNS = (("--dry-run", ["--dry-run"]), ("change", []), ("again", []))


def bench(accounts: int, in_flight: int, delay: float) -> None:
    with TemporaryDirectory(prefix="regional-sts-token-") as tmp, Simulator() as sim:
        user = sim.add_user("admin")
        management = sim.create_organization()
        # The management account is one of them.
        every = [management, *sim.add_member_accounts(accounts - 1)]
        sim.set_region("us-east-1", latency=delay)
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.config = "[default]\nregion = us-east-1\n"
        env.add_keys("default", user)
        args = [
            *COMMAND,
            "--organization",
            "--max-accounts-in-flight",
            str(in_flight),
        ]
        for label, extra in RUNS:
            sim.clear_log()
            (run,) = run_aws_processes(env, [args + extra])
            counts = collections.Counter(r.action for r in sim.requests)
            lines = run.stdout.count(b'"AccountId"')
            if lines != accounts:
                raise SystemExit(f"expected {accounts} accounts, got {lines}")
            print(
                f"| {accounts} | {in_flight} | {label} | {sum(counts.values())} | "
                f"{counts['AssumeRole']} | {counts['GetAccountSummary']} | "
                f"{counts['SetSecurityTokenServicePreferences']} | "
                f"{run.seconds:.1f} s | {run.cpu_seconds:.1f} s | "
                f"{run.peak_rss_kib / 1024:.0f} MiB |",
                flush=True,
            )
        changed = sum(sim.token_version(account) == 2 for account in every)
        if changed != accounts:
            raise SystemExit(f"only {changed} of {accounts} accounts on v2 tokens")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--max-accounts-in-flight", type=int, nargs="+", default=[16, 4]
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.02,
        help="simulated answer delay of STS (AssumeRole), seconds",
    )
    options = parser.parse_args()
    compile_checkout()
    print(f"machine: {machine()}")
    print(
        f"client: {CLI_V1}, --output json; STS answer delay "
        f"{options.delay * 1000:.0f} ms; IAM and Organizations without delay"
    )
    print(
        "| accounts | --max-accounts-in-flight | run | requests | AssumeRole | "
        "GetAccountSummary | SetSecurityTokenServicePreferences | wall time | "
        "CPU time of aws | peak RSS of aws |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for in_flight in options.max_accounts_in_flight:
        for accounts in options.accounts:
            bench(accounts, in_flight, options.delay)


if __name__ == "__main__":
    main()
