"""Figure 4: `aws sts activation-check` over all regions, in parallel.

A simulated account where every STS region answers after its own delay
(spread between 20 and 300 ms) and ``--hung`` regions hang (accept the
connection, never answer). Prints, in one run:

* the wall time of one `aws sts get-caller-identity` (CLI start-up and one
  call);
* `aws sts activation-check` over every region at the default settings
  (default `--timeout` and `--max-concurrency`), and the bound issue #12 sets
  for it: 1.3 x (CLI start-up + `--timeout`);
* the same check with `--max-concurrency 8` (the default before #12), where
  the hung regions are probed in waves;
* with `--loop`, what a script does today: one `aws sts get-session-token
  --region R` per region, in a sequential loop, with the same timeouts.

    .venv/bin/python -m benchmarks.activation_check_scaling [--hung 10] [--kind cli-v1] [--loop]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

from awscli_regional_sts.commands.activation.model.options import DEFAULT_TIMEOUT
from benchmarks.common import aws_home, compile_checkout, machine
from testing.clients import CLI_KINDS, CLI_V1, aws_command
from testing.simulator.endpoints import partition_regions

#: The profile's region: it answers the check's own GetCallerIdentity, IAM
#: and Account calls, so it never hangs here.
HOME_REGION = "us-east-1"
#: The concurrency default before issue #12.
OLD_DEFAULT_CONCURRENCY = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hung", type=int, default=10, help="regions that hang")
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    parser.add_argument("--loop", action="store_true", help="also time the loop")
    options = parser.parse_args()
    compile_checkout()
    timeout = DEFAULT_TIMEOUT

    with aws_home() as env:
        sim = env.simulator
        regions = list(partition_regions()["aws"])
        candidates = [r for r in regions if r != HOME_REGION]
        # Spread over the list, so that any fixed-size wave meets some.
        step = max(1, len(candidates) // max(1, options.hung))
        hung = set(candidates[::step][: options.hung])
        for i, region in enumerate(regions):
            if region in hung:
                sim.set_region(region, state="hang")
            else:
                sim.set_region(region, latency=0.02 + 0.28 * i / len(regions))
        env.config = f"[profile bench]\nregion = {HOME_REGION}\n"
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

        startup, _ = timed(["sts", "get-caller-identity", "--region", HOME_REGION])
        check = ["sts", "activation-check"]
        default, proc = timed(check)
        if proc.returncode != 0:
            raise SystemExit(f"activation-check failed: {proc.stderr.strip()}")
        report = json.loads(proc.stdout)
        statuses = [r["Status"] for r in report["Regions"]]
        old, _ = timed(check + ["--max-concurrency", str(OLD_DEFAULT_CONCURRENCY)])

        sequential = None
        if options.loop:
            started = time.perf_counter()
            for region in regions:
                subprocess.run(
                    aws
                    + ["sts", "get-session-token", "--region", region]
                    + ["--profile", "bench", "--cli-connect-timeout", f"{timeout:g}"]
                    + ["--cli-read-timeout", f"{timeout:g}"],
                    env=env.env(),
                    capture_output=True,
                    cwd=str(env.home),
                    timeout=600,
                )
            sequential = time.perf_counter() - started

    bound = 1.3 * (startup + timeout)
    print(f"machine: {machine()}")
    print(
        f"client: {options.kind}; {len(regions)} STS regions + global endpoint; "
        f"simulated answer delays 20-300 ms; {len(hung)} regions hang "
        f"({', '.join(sorted(hung))}); default --timeout {timeout:g}"
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
    print(f"| activation-check, all regions, default settings | {default:.1f} s |")
    print(f"| bound: 1.3 x (start-up + --timeout {timeout:g}) | {bound:.1f} s |")
    print(
        f"| activation-check, --max-concurrency {OLD_DEFAULT_CONCURRENCY} "
        f"(the old default) | {old:.1f} s |"
    )
    if sequential is not None:
        print(
            f"| sequential loop of get-session-token per region | {sequential:.1f} s |"
        )
    verdict = "within" if default <= bound else "OVER"
    print(f"default check: {default / bound:.2f} of the bound ({verdict})")


if __name__ == "__main__":
    main()
