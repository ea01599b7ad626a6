"""Figure 5: what a hung sts_region costs a script and a service, without
and with failover's memory of failing endpoints (failover_memory.py).

A profile with `sts_region = ap-northeast-1` (hung: the simulator never
answers its CONNECT), `sts_fallback = eu-west-1` and `sts_timeout = 2`:

* a script: N sequential `aws sts get-caller-identity` processes (real CLI);
* a service: N `get_caller_identity` calls in one boto3 process.

Three columns each, in one run: no outage (the baseline), "before" (the
memory disabled) and "after" (as shipped); the extra time of a column is
its total minus the baseline's.

* CLI: the columns are interleaved command by command, so that the load of
  this shared machine weighs on each alike. Baseline: a profile whose
  sts_region answers (eu-west-1, with a fallback list too, so the same
  modules load). "After" and "before": the hung profile, each in its own
  HOME; "before" deletes its state file
  (`~/.aws/cli/cache/regional-sts/state.json`) before every command, which
  leaves a new process knowing nothing, as before the change.
* boto3: one process per column; "before" sets
  `awscli_regional_sts.plugin.failover_memory.FAILURE_MEMORY_SECONDS = 0`, so every
  remembered failure has already expired.

"Before" makes only `--before-calls` calls (default 10) and its total is
extrapolated linearly to N (every call of that column waits the timeout);
the table says so where it does.

    .venv/bin/python -m benchmarks.failover_memory [--cli-calls 50] [--boto3-calls 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.common import aws_home, compile_checkout, machine
from testing.clients import BOTO3, CLI_KINDS, CLI_V1, AwsEnv

TIMEOUT = 2
PROFILE = (
    "[profile bench]\nsts_region = ap-northeast-1\nsts_fallback = eu-west-1\n"
    f"sts_timeout = {TIMEOUT}\n"
    "[profile healthy]\nsts_region = eu-west-1\nsts_fallback = us-west-2\n"
    f"sts_timeout = {TIMEOUT}\n"
)

BOTO3_LOOP = """
import sys, time
import boto3, awscli_regional_sts
from awscli_regional_sts.plugin import failover_memory
if sys.argv[2] == "off":
    failover_memory.FAILURE_MEMORY_SECONDS = 0.0
session = boto3.Session(profile_name="bench")
awscli_regional_sts.register(session)
client = session.client("sts")
started = time.perf_counter()
for _ in range(int(sys.argv[1])):
    client.get_caller_identity()
print(time.perf_counter() - started)
"""


def forget_state(home: Path) -> None:
    """Delete the state file: what a new process knows is then nothing."""
    (home / ".aws/cli/cache/regional-sts/state.json").unlink(missing_ok=True)


def cli_columns(
    env: AwsEnv, kind: str, calls: int, before_calls: int
) -> dict[str, list[float]]:
    """Process wall times per column. The columns are interleaved, call by
    call, so that the load of the machine (shared) weighs on each alike:
    the baseline is a profile whose sts_region answers (eu-west-1, with a
    fallback too, so the same modules load); "after" and "before" are the
    hung-Tokyo profile in two homes, the second's state file deleted before
    every command."""
    homes = {"after": env.root / "home-after", "before": env.root / "home-before"}
    for home in homes.values():
        home.mkdir(exist_ok=True)
        forget_state(home)
    times: dict[str, list[float]] = {"baseline": [], "before": [], "after": []}
    for index in range(calls):
        plan = [("baseline", "healthy", env.home), ("after", "bench", homes["after"])]
        if index < before_calls:
            forget_state(homes["before"])
            plan.append(("before", "bench", homes["before"]))
        for column, profile, home in plan:
            result = env.run(
                kind,
                "sts",
                "get-caller-identity",
                "--profile",
                profile,
                env={"HOME": str(home)},
            )
            if result.returncode != 0:
                raise SystemExit(f"aws failed: {result.stderr.strip()}")
            times[column].append(result.seconds)
    return times


def boto3_total(env: AwsEnv, calls: int, *, memory: bool) -> float:
    """Seconds for ``calls`` calls in one boto3 process (its loop only)."""
    forget_state(env.home)
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
    options = parser.parse_args()
    compile_checkout()

    print(f"machine: {machine()}")
    print(
        f"client: {options.kind} and boto3; ap-northeast-1 hung, sts_fallback "
        f"eu-west-1, sts_timeout {TIMEOUT}"
    )
    started = time.perf_counter()
    rows = []
    medians: list[str] = []
    with aws_home() as env:
        sim = env.simulator
        env.config = PROFILE
        env.add_keys("healthy", sim.add_user("healthy"))
        sim.set_region("ap-northeast-1", state="hang")
        sim.clear_log()
        times = cli_columns(env, options.kind, options.cli_calls, options.before_calls)
        connects = sim.connects.count("sts.ap-northeast-1.amazonaws.com")
        # "before" made one CONNECT per command; the rest are "after"'s.
        measured = {column: (len(t), sum(t)) for column, t in times.items()}
        rows.append(
            row(
                f"{options.kind}: sequential `aws sts get-caller-identity`",
                options.cli_calls,
                measured,
                connects - len(times["before"]),
            )
        )
        medians.append(
            f"{options.kind} median per command: "
            + ", ".join(
                f"{column} {statistics.median(t) * 1000:.0f} ms"
                for column, t in times.items()
            )
        )

        calls = options.boto3_calls
        measured = {}
        sim.set_region("ap-northeast-1", state="active")
        measured["baseline"] = (calls, boto3_total(env, calls, memory=True))
        sim.set_region("ap-northeast-1", state="hang")
        n = min(calls, options.before_calls)
        measured["before"] = (n, boto3_total(env, n, memory=False))
        sim.clear_log()
        measured["after"] = (calls, boto3_total(env, calls, memory=True))
        connects = sim.connects.count("sts.ap-northeast-1.amazonaws.com")
        rows.append(
            row(
                "boto3: `get_caller_identity` calls in one process",
                calls,
                measured,
                connects,
            )
        )
    print(
        "| calls | N | no outage | before (no memory) | after | extra before "
        "| extra after | CONNECTs to the hung region, after |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for line in rows:
        print(line)
    for line in medians:
        print(line)
    print(f"(benchmark run time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
