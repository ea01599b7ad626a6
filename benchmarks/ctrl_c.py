"""How long Ctrl-C takes to end a command: SIGINT to process exit.

Each round starts the command with SIGINT at its default action in its own
process group (``testing.clients.start_foreground``, as a terminal's
foreground job), waits until a CONNECT to a region that never answers is in
the simulator's log, sends SIGINT to the group and times until the process
has exited. Cases:

- ``activation-check`` (CLI v1, v2) while a probe hangs, and while the
  caller's GetCallerIdentity hangs;
- the bridge (``aws-regional-sts credentials``) while its AssumeRole hangs;
- the baseline: ``aws sts get-caller-identity`` without the plugin while
  its own call hangs (the CLI's own time to stop and exit).

Prints the median and the largest time of each case, in ms.

    .venv/bin/python -m benchmarks.ctrl_c [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Sequence

from benchmarks.common import aws_home, compile_checkout, machine, median_ms
from testing.clients import (
    CLI_V1,
    CLI_V2,
    REPO_ROOT,
    AwsEnv,
    aws_command,
    start_foreground,
)

BRIDGE = str(REPO_ROOT / ".venv" / "bin" / "aws-regional-sts")
HUNG = "eu-west-3"


def stop_time(env: AwsEnv, argv: list[str], host: str) -> float:
    """Seconds from SIGINT (once ``host`` was CONNECTed) to the exit."""
    env.simulator.clear_log()
    process = start_foreground(argv, env.env())
    try:
        deadline = time.monotonic() + 120
        while host not in env.simulator.connects:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{argv[1:3]} never reached {host}")
            time.sleep(0.01)
        sent = time.perf_counter()
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
        took = time.perf_counter() - sent
        process.communicate()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if process.returncode != 130:
        raise SystemExit(f"{argv[1:3]} ended with {process.returncode}, not 130")
    return took


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args(argv).rounds
    compile_checkout()
    print(f"Ctrl-C: SIGINT to exit, {rounds} rounds; {machine()}")
    with aws_home() as env:
        sim = env.simulator
        role = sim.add_role("deployer")
        env.config = (
            "[default]\nregion = us-east-1\n"
            f"[profile deploy]\nrole_arn = {role}\nsource_profile = bench\n"
            "sts_region = ap-northeast-1\nsts_timeout = 60\n"
        )
        env.add_keys("default", sim.add_user("alice"))
        check = ["sts", "activation-check", "--regions", "us-east-1", HUNG]
        cases: list[tuple[str, str, bool, list[str], dict[str, str], str]] = []
        for kind in (CLI_V1, CLI_V2):
            cases.append(
                (
                    f"{kind} activation-check, probe hangs",
                    kind,
                    True,
                    [*check, "--timeout", "60"],
                    {HUNG: "hang"},
                    f"sts.{HUNG}.amazonaws.com",
                )
            )
            cases.append(
                (
                    f"{kind} activation-check, identity call hangs",
                    kind,
                    True,
                    [*check, "--timeout", "60"],
                    {HUNG: "hang", "us-east-1": "hang"},
                    "sts.us-east-1.amazonaws.com",
                )
            )
            cases.append(
                (
                    f"{kind} get-caller-identity, no plugin (baseline)",
                    kind,
                    False,
                    ["sts", "get-caller-identity", "--cli-read-timeout", "60"],
                    {"us-east-1": "hang"},
                    "sts.us-east-1.amazonaws.com",
                )
            )
        results: dict[str, list[float]] = {case[0]: [] for case in cases}
        bridge_name = "bridge credentials, AssumeRole hangs"
        results[bridge_name] = []
        for _ in range(rounds):
            for name, kind, plugin, args, states, host in cases:
                sim.reset()
                for region, state in states.items():
                    sim.set_region(region, state=state)
                env.write_files(kind, plugin)
                command = [*aws_command(kind), *args]
                results[name].append(stop_time(env, command, host))
            sim.reset()
            sim.set_region("ap-northeast-1", state="hang")
            env.write_files(CLI_V2, plugin=False)
            results[bridge_name].append(
                stop_time(
                    env,
                    [BRIDGE, "credentials", "--profile", "deploy"],
                    "sts.ap-northeast-1.amazonaws.com",
                )
            )
    for name, samples in results.items():
        print(
            f"  {name:<52} median {median_ms(samples):6.0f} ms, "
            f"max {max(samples) * 1000:6.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
