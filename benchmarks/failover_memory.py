"""Figure 5: what a hung sts_region costs a script and a service, without
and with failover's memory of failing endpoints (state.py).

A profile with `sts_region = ap-northeast-1` (hung: the simulator never
answers its CONNECT), `sts_fallback = eu-west-1` and `sts_timeout = 2`:

* a script: N sequential `aws sts get-caller-identity` processes (real CLI);
* a service: N `get_caller_identity` calls in one boto3 process.

Three columns each, in one run: no outage (the same calls, Tokyo answering:
the baseline), "before" (the memory disabled) and "after" (as shipped). The
extra time of a column is its total minus the baseline's. "Before" is the
plugin as shipped with the memory turned off: for the CLI, the state file
(`~/.aws/cli/cache/regional-sts/state.json`) is deleted before every
command, which is all a new process would know; for boto3, the process sets
`awscli_regional_sts.state.FAILURE_MEMORY_SECONDS = 0`, so every remembered
failure has already expired. To keep the run short, "before" and the
CLI's baseline run fewer calls (`--before-calls`, `--baseline-calls`) and their
totals are extrapolated linearly to N (each call of those columns costs the
same); the output says which figures are extrapolated.

    .venv/bin/python -m benchmarks.failover_memory [--cli-calls 50] [--boto3-calls 200]
"""

from __future__ import annotations

import argparse
import time

from benchmarks.common import aws_home, machine
from testing.clients import BOTO3, CLI_KINDS, CLI_V1, AwsEnv

TIMEOUT = 2
PROFILE = (
    "[profile bench]\nsts_region = ap-northeast-1\nsts_fallback = eu-west-1\n"
    f"sts_timeout = {TIMEOUT}\n"
)

BOTO3_LOOP = """
import sys, time
import boto3, awscli_regional_sts
from awscli_regional_sts import state
if sys.argv[2] == "off":
    state.FAILURE_MEMORY_SECONDS = 0.0
session = boto3.Session(profile_name="bench")
awscli_regional_sts.register(session)
client = session.client("sts")
started = time.perf_counter()
for _ in range(int(sys.argv[1])):
    client.get_caller_identity()
print(time.perf_counter() - started)
"""


def forget_state(env: AwsEnv) -> None:
    """Delete the state file: what a new process knows is then nothing."""
    (env.home / ".aws/cli/cache/regional-sts/state.json").unlink(missing_ok=True)


def cli_total(env: AwsEnv, kind: str, calls: int, *, memory: bool) -> float:
    """Seconds for ``calls`` sequential commands (process wall times)."""
    forget_state(env)
    total = 0.0
    for _ in range(calls):
        if not memory:
            forget_state(env)
        result = env.run(kind, "sts", "get-caller-identity", "--profile", "bench")
        if result.returncode != 0:
            raise SystemExit(f"aws failed: {result.stderr.strip()}")
        total += result.seconds
    return total


def boto3_total(env: AwsEnv, calls: int, *, memory: bool) -> float:
    """Seconds for ``calls`` calls in one boto3 process (its loop only)."""
    forget_state(env)
    result = env.run_python(
        BOTO3_LOOP,
        kind=BOTO3,
        args=[str(calls), "on" if memory else "off"],
        timeout=3600,
    )
    if result.returncode != 0:
        raise SystemExit(f"boto3 failed: {result.stderr.strip()}")
    return float(result.stdout.strip())


def row(
    what: str, calls: int, measured: dict[str, tuple[int, float]], connects: int
) -> str:
    """One table row: totals scaled to ``calls``, extra time over baseline."""

    def scaled(column: str) -> tuple[float, str]:
        done, seconds = measured[column]
        mark = "" if done == calls else f" (from {done} calls)"
        return seconds * calls / done, mark

    base, base_mark = scaled("baseline")
    before, before_mark = scaled("before")
    after, after_mark = scaled("after")
    return (
        f"| {what} | {calls} | {base:.1f} s{base_mark} | {before:.1f} s{before_mark} "
        f"| {after:.1f} s{after_mark} | {before - base:+.1f} s | {after - base:+.1f} s "
        f"| {connects} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    parser.add_argument("--cli-calls", type=int, default=50)
    parser.add_argument("--boto3-calls", type=int, default=200)
    parser.add_argument(
        "--before-calls",
        type=int,
        default=10,
        help="calls actually made for the 'before' column (then extrapolated)",
    )
    parser.add_argument(
        "--baseline-calls",
        type=int,
        default=10,
        help="CLI commands actually run without an outage (then extrapolated)",
    )
    options = parser.parse_args()

    print(f"machine: {machine()}")
    print(
        f"client: {options.kind} and boto3; ap-northeast-1 hung, sts_fallback "
        f"eu-west-1, sts_timeout {TIMEOUT}"
    )
    started = time.perf_counter()
    rows = []
    with aws_home() as env:
        sim = env.simulator
        env.config = PROFILE
        for what, calls, total in (
            (
                f"{options.kind}: sequential `aws sts get-caller-identity`",
                options.cli_calls,
                lambda n, memory: cli_total(env, options.kind, n, memory=memory),
            ),
            (
                "boto3: `get_caller_identity` calls in one process",
                options.boto3_calls,
                lambda n, memory: boto3_total(env, n, memory=memory),
            ),
        ):
            measured: dict[str, tuple[int, float]] = {}
            sim.set_region("ap-northeast-1", state="active")
            # boto3's calls without an outage are cheap: all of them are made.
            n = calls if "boto3" in what else min(calls, options.baseline_calls)
            measured["baseline"] = (n, total(n, True))
            sim.set_region("ap-northeast-1", state="hang")
            n = min(calls, options.before_calls)
            measured["before"] = (n, total(n, False))
            sim.clear_log()
            measured["after"] = (calls, total(calls, True))
            connects = sim.connects.count("sts.ap-northeast-1.amazonaws.com")
            rows.append(row(what, calls, measured, connects))
    print(
        "| calls | N | no outage | before (no memory) | after | extra before "
        "| extra after | CONNECTs to the hung region, after |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for line in rows:
        print(line)
    print(f"(benchmark run time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
