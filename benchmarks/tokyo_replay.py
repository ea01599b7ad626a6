"""Figure 3: the published Tokyo measurement, replayed in the simulator.

Published: `aws sts assume-role` from Tokyo took 3.319 s against the global
endpoint and 0.384 s against sts.ap-northeast-1. The simulator replays those
per-call times as its answer delay: every request to `sts.amazonaws.com`
waits 3.319 s, every request to `sts.ap-northeast-1.amazonaws.com` 0.384 s
(connection set-up through the local proxy adds almost nothing). A profile
with no region then runs `aws sts get-caller-identity` without and with the
plugin (`sts_region = ap-northeast-1`), and a `role_arn` profile runs its
first command (AssumeRole, then the command's own call). The delays are
modelled, not measured against AWS.

    .venv/bin/python -m benchmarks.tokyo_replay [--runs N]
"""

from __future__ import annotations

import argparse

from benchmarks.common import aws_home, compile_checkout, machine, median_ms, timed_run
from testing.clients import CLI_KINDS, CLI_V1

GLOBAL_DELAY = 3.319
TOKYO_DELAY = 0.384


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    options = parser.parse_args()
    compile_checkout()

    print(f"machine: {machine()}")
    print(
        f"client: {options.kind}; simulated delays: global {GLOBAL_DELAY} s, ap-northeast-1 {TOKYO_DELAY} s per request"
    )
    print(
        "| command | without plugin (global) | with plugin (ap-northeast-1) | ratio |"
    )
    print("| --- | --- | --- | --- |")
    with aws_home() as env:
        sim = env.simulator
        role = sim.add_role("tokyo-role")
        sim.set_global(latency=GLOBAL_DELAY)
        sim.set_region("ap-northeast-1", latency=TOKYO_DELAY)
        env.config = (
            "[profile bench]\nsts_region = ap-northeast-1\n"
            f"[profile tokyo-role]\nrole_arn = {role}\nsource_profile = bench\n"
            "sts_region = ap-northeast-1\n"
        )
        for name, profile in (
            ("get-caller-identity", "bench"),
            ("role_arn profile, first command", "tokyo-role"),
        ):
            args = ("sts", "get-caller-identity", "--profile", profile)
            runs: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(options.runs):
                for plugin in (False, True):
                    runs[plugin].append(
                        timed_run(env, options.kind, args, plugin=plugin)
                    )
            without, with_ = median_ms(runs[False]), median_ms(runs[True])
            print(
                f"| {name} | {without:.0f} ms | {with_:.0f} ms | {without / with_:.1f}x faster |"
            )


if __name__ == "__main__":
    main()
