"""`activation-check --organization` beside the boto3 scripts an
administrator writes instead, on the same simulated organization.

Three clients, one after the other, each a process of its own (the
simulator runs in this process and shares the cores with them):

* the product: `aws sts activation-check --organization --regions <6>
  --samples 1 --max-concurrency 16 --output-format jsonl` (CLI v1);
* benchmarks/peers/same_findings.py: per account and region AssumeRole of
  the member role on a regional STS client shared per region, and each
  member's GetAccountSummary and ListRegions signed by the member role;
* benchmarks/peers/activation_only.py: only the AssumeRole probes.

16 requests in flight on every side. For each: wall time, CPU time (user +
system) and peak RSS of the client process (wait4), and the requests the
simulator answered; then the product/peer ratios. Then the remediation:
`set-global-endpoint-token-version --organization` beside
benchmarks/peers/token_version.py (AssumeRole, GetAccountSummary,
SetSecurityTokenServicePreferences per member), CPU per request.

    .venv/bin/python -m benchmarks.organization_peers               # 100 x 6 at 20 and 100 ms, 1000 x 6 at 20 ms
    .venv/bin/python -m benchmarks.organization_peers --cases 100:0.02 --rounds 3

Figures depend on the machine's load: the load average is printed beside
them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.common import AwsProcess, compile_checkout, machine, run_processes
from testing.clients import CLI_V1, AwsEnv, aws_command, python_command
from testing.simulator import Simulator

REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-2",
)
PEERS = Path(__file__).resolve().parent / "peers"
IN_FLIGHT = 16


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    requests: int
    rss_mib: float


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def organization(sim: Simulator, env: AwsEnv, accounts: int, delay: float) -> None:
    user = sim.add_user("admin")
    sim.create_organization()
    sim.add_member_accounts(accounts - 1)  # the management account is one
    env.config = "[default]\nregion = us-east-1\n"
    env.add_keys("default", user)
    for region in REGIONS:
        sim.set_region(region, latency=delay)


def measure(
    sim: Simulator, env: AwsEnv, label: str, argv: Sequence[str], accounts: int
) -> Run:
    sim.clear_log()
    (process,) = run_processes(env, [argv])
    lines = [line for line in process.stdout.splitlines() if b'"AccountId"' in line]
    if label != "remediation" and len(lines) != accounts:
        raise SystemExit(f"{label}: {len(lines)} account lines, not {accounts}")
    return _run(label, process, len(sim.requests))


def _run(label: str, process: AwsProcess, requests: int) -> Run:
    return Run(
        label,
        process.seconds,
        process.cpu_seconds,
        requests,
        process.peak_rss_kib / 1024,
    )


def audit(accounts: int, delay: float, rounds: int, in_flight: int | None) -> None:
    regions = ",".join(REGIONS)
    product = [
        *aws_command(CLI_V1),
        "sts",
        "activation-check",
        "--organization",
        "--regions",
        *REGIONS,
        "--samples",
        "1",
        "--max-concurrency",
        str(IN_FLIGHT),
        "--output-format",
        "jsonl",
    ]
    if in_flight is not None:
        product += ["--max-accounts-in-flight", str(in_flight)]
    clients = {
        "activation-check --organization": product,
        "boto3, same findings": [
            *python_command(),
            str(PEERS / "same_findings.py"),
            regions,
        ],
        "boto3, activation only": [
            *python_command(),
            str(PEERS / "activation_only.py"),
            regions,
        ],
    }
    runs: dict[str, list[Run]] = {label: [] for label in clients}
    loads = [load()]
    with TemporaryDirectory(prefix="regional-sts-peers-") as tmp, Simulator() as sim:
        env = AwsEnv(root=Path(tmp), simulator=sim)
        organization(sim, env, accounts, delay)
        env.write_files(CLI_V1, plugin=True)
        for _ in range(rounds):
            for label, argv in clients.items():
                runs[label].append(measure(sim, env, label, argv, accounts))
                loads.append(load())
    medians = {label: _median(found) for label, found in runs.items()}
    for label, run in medians.items():
        print(
            f"| {accounts} x {len(REGIONS)} | {delay * 1000:.0f} ms | {label} | "
            f"{run.wall:.1f} s | {run.cpu:.1f} s | {run.requests:,} | "
            f"{run.cpu / run.requests * 1000:.2f} ms | {run.rss_mib:.0f} MiB |",
            flush=True,
        )
    mine = medians["activation-check --organization"]
    for label in ("boto3, same findings", "boto3, activation only"):
        peer = medians[label]
        print(
            f"|  |  | product / {label.removeprefix('boto3, ')} | "
            f"{mine.wall / peer.wall:.2f}x | {mine.cpu / peer.cpu:.2f}x | "
            f"{mine.requests / peer.requests:.2f}x | "
            f"{(mine.cpu / mine.requests) / (peer.cpu / peer.requests):.2f}x | "
            f"{mine.rss_mib / peer.rss_mib:.2f}x |",
            flush=True,
        )
    print(f"load average (1, 5, 15 min) during the runs: {', '.join(loads)}")


def remediation(accounts: int, delay: float, rounds: int) -> None:
    clients = {
        "set-global-endpoint-token-version --organization": [
            *aws_command(CLI_V1),
            "sts",
            "set-global-endpoint-token-version",
            "--token-version",
            "v2Token",
            "--organization",
            "--max-accounts-in-flight",
            str(IN_FLIGHT),
        ],
        "boto3 loop": [*python_command(), str(PEERS / "token_version.py"), "v2Token"],
    }
    runs: dict[str, list[Run]] = {label: [] for label in clients}
    loads = [load()]
    with TemporaryDirectory(prefix="regional-sts-peers-") as tmp, Simulator() as sim:
        env = AwsEnv(root=Path(tmp), simulator=sim)
        organization(sim, env, accounts, delay)
        env.write_files(CLI_V1, plugin=True)
        for _ in range(rounds):
            for label, argv in clients.items():
                sim.set_token_version(1)  # every account has something to change
                sim.clear_log()
                (process,) = run_processes(env, [argv])
                changed = sum(
                    json.loads(line).get("Changed", False) is True
                    for line in _accounts(process.stdout)
                )
                if changed != accounts:
                    raise SystemExit(f"{label}: {changed} of {accounts} changed")
                runs[label].append(_run(label, process, len(sim.requests)))
                loads.append(load())
    medians = {label: _median(found) for label, found in runs.items()}
    for label, run in medians.items():
        print(
            f"| {accounts} | {delay * 1000:.0f} ms | {label} | {run.wall:.1f} s | "
            f"{run.cpu:.1f} s | {run.requests:,} | "
            f"{run.cpu / run.requests * 1000:.2f} ms | {run.rss_mib:.0f} MiB |",
            flush=True,
        )
    mine, peer = medians.values()
    print(
        f"|  |  | product / boto3 loop | {mine.wall / peer.wall:.2f}x | "
        f"{mine.cpu / peer.cpu:.2f}x | {mine.requests / peer.requests:.2f}x | "
        f"{(mine.cpu / mine.requests) / (peer.cpu / peer.requests):.2f}x | "
        f"{mine.rss_mib / peer.rss_mib:.2f}x |"
    )
    print(f"load average (1, 5, 15 min) during the runs: {', '.join(loads)}")


def _accounts(stdout: bytes) -> list[str]:
    """One JSON text per account, from the CLI's document or the loop's
    lines."""
    text = stdout.decode()
    if text.lstrip().startswith("{\n") or text.lstrip().startswith('{"TokenVersion'):
        document = json.loads(text)
        return [json.dumps(account) for account in document["Accounts"]]
    return [line for line in text.splitlines() if line.strip()]


def _median(runs: list[Run]) -> Run:
    return Run(
        runs[0].label,
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        int(statistics.median(r.requests for r in runs)),
        statistics.median(r.rss_mib for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        nargs="*",
        default=["100:0.02", "100:0.1", "1000:0.02"],
        help="ACCOUNTS:DELAY (seconds of simulated STS answer delay)",
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--max-accounts-in-flight",
        type=int,
        default=None,
        help="the product's (default: its own default)",
    )
    parser.add_argument(
        "--remediation",
        default="1000:0.02",
        help="ACCOUNTS:DELAY of the remediation comparison ('none': skip it)",
    )
    options = parser.parse_args()
    compile_checkout()
    print(f"machine: {machine()}")
    print(
        f"regions per account: {', '.join(REGIONS)}; {IN_FLIGHT} requests in "
        f"flight on every side; medians of {options.rounds} round(s)"
    )
    print(
        "| organization | answer delay | client | wall | CPU of the client "
        "process | requests | CPU per request | peak RSS |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for case in options.cases:
        accounts, delay = case.split(":")
        audit(
            int(accounts), float(delay), options.rounds, options.max_accounts_in_flight
        )
    if options.remediation != "none":
        accounts, delay = options.remediation.split(":")
        print()
        print(
            "| accounts | STS answer delay | client | wall | CPU of the client "
            "process | requests | CPU per request | peak RSS |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        remediation(int(accounts), float(delay), options.rounds)


if __name__ == "__main__":
    main()
