"""Figure 1: what the plugin costs every `aws` command.

For each CLI: alternating paired runs of `aws sts get-caller-identity`
against the simulator, the same CLI and profile (region ap-northeast-1, so
both runs reach the same host), once with the plugin enabled and the profile
opted in (`sts_region = ap-northeast-1`), once without the plugin. Prints
the median of the per-pair ratios with the spread of the no-plugin runs
(the noise floor). Then the plugin's own share, timed from inside the CLI's
interpreter by two test-only plugins around it (testing/plugin_clock.py):
its import, its `awscli_initialize` (every command), and its handler that
adds its commands to `aws sts` (every `aws sts` command). `-X importtime`
cannot reach AWS's frozen CLI v2; this can, on every CLI alike.

The checkout's bytecode is compiled first for the CLIs on Python 3.11 (the
harness runs them with PYTHONDONTWRITEBYTECODE, and pip compiles an
installed package anyway). The frozen CLI v2 writes no bytecode and no
other Python has its version: it is measured twice, without bytecode (every
command compiles the plugin's modules from source) and with the bytecode
`aws-regional-sts enable` has it write (lifecycle/bytecode.py), as a user
who enabled it has.

    .venv/bin/python -m benchmarks.plugin_overhead [--pairs N] [--clock-runs N] [--kind KIND ...]
"""

from __future__ import annotations

import argparse
import json
import statistics

from awscli_regional_sts.lifecycle.bytecode import compile_with
from benchmarks.common import (
    aws_home,
    compile_checkout,
    machine,
    median_ms,
    timed_run,
)
from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    REPO_ROOT,
    AwsEnv,
    aws_command,
)

ARGS = ("sts", "get-caller-identity", "--profile", "bench")
#: A command of another service that sends nothing: what every command pays.
OTHER_ARGS = ("configure", "get", "region", "--profile", "bench")
CONFIG = "[profile bench]\nregion = ap-northeast-1\nsts_region = ap-northeast-1\n"


def frozen_bytecode(present: bool) -> str:
    """Remove, or have the frozen CLI write, its bytecode of the checkout."""
    package = REPO_ROOT / "awscli_regional_sts"
    for cached in package.rglob("__pycache__/*.cpython-314*.pyc"):
        cached.unlink()
    if not present:
        return "no bytecode"
    (aws,) = aws_command(CLI_V2_FROZEN)
    return compile_with(aws, REPO_ROOT)


def paired(
    env: AwsEnv, kind: str, pairs: int, args: tuple[str, ...] = ARGS
) -> tuple[list[float], list[float]]:
    timed_run(env, kind, args, plugin=True)  # warm caches
    with_plugin, without_plugin = [], []
    for i in range(pairs):
        # Alternate which goes first so drift hits both sides alike.
        order = (True, False) if i % 2 == 0 else (False, True)
        for plugin in order:
            elapsed = timed_run(env, kind, args, plugin=plugin)
            (with_plugin if plugin else without_plugin).append(elapsed)
    return with_plugin, without_plugin


def clocked(env: AwsEnv, kind: str, runs: int) -> dict[str, float]:
    """Median milliseconds of the plugin's import, initialize and `aws sts`
    command-table handler, over ``runs`` runs timed from inside the CLI."""
    record = env.time_the_plugin()
    for _ in range(runs):
        timed_run(env, kind, ARGS, plugin=True)
    rows = [json.loads(line) for line in record.read_text().splitlines()]
    env.first_plugins.clear()
    env.extra_plugins.clear()
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--clock-runs", type=int, default=15)
    parser.add_argument(
        "--kind",
        choices=CLI_KINDS,
        action="append",
        help="repeatable; default: the frozen CLI v2, Debian's CLI v2, CLI v1",
    )
    options = parser.parse_args()
    kinds = options.kind or [CLI_V2_FROZEN, CLI_V2, CLI_V1]
    compile_checkout()

    print(f"machine: {machine()}")
    print(
        f"{options.pairs} alternating pairs each of: aws {' '.join(ARGS)} (sts) "
        f"and aws {' '.join(OTHER_ARGS)} (other)"
    )
    header = (
        f"{'client':<25} {'sts: without':>12} {'with':>6} {'ratio':>6} {'noise':>6} "
        f"{'other: ratio':>12} {'noise':>6} "
        f"{'import':>7} {'init':>6} {'every':>6} {'sts table':>9}"
    )
    print(header)
    runs = []
    for kind in kinds:
        if kind == CLI_V2_FROZEN:
            runs += [(kind, False), (kind, True)]
        else:
            runs.append((kind, True))
    for kind, bytecode in runs:
        label = kind
        if kind == CLI_V2_FROZEN:
            note = frozen_bytecode(bytecode)
            if bytecode and not note.startswith("compiled"):
                raise SystemExit(note)
            label = f"{kind}{'' if bytecode else ' (no .pyc)'}"
        with aws_home() as env:
            env.config = CONFIG
            with_plugin, without_plugin = paired(env, kind, options.pairs)
            other_with, other_without = paired(env, kind, options.pairs, OTHER_ARGS)
            clock = clocked(env, kind, options.clock_runs)
        ratios = [w / wo for w, wo in zip(with_plugin, without_plugin)]
        noise = statistics.stdev(without_plugin) / statistics.mean(without_plugin)
        other_ratios = [w / wo for w, wo in zip(other_with, other_without)]
        other_noise = statistics.stdev(other_without) / statistics.mean(other_without)
        every = clock["import"] + clock["initialize"]
        print(
            f"{label:<25} {median_ms(without_plugin):>10.0f}ms {median_ms(with_plugin):>4.0f}ms "
            f"{statistics.median(ratios):>6.3f} {noise:>6.1%} "
            f"{statistics.median(other_ratios):>12.3f} {other_noise:>6.1%} "
            f"{clock['import']:>5.2f}ms {clock['initialize']:>4.2f}ms {every:>4.2f}ms "
            f"{clock.get('sts_command_table', float('nan')):>7.2f}ms",
            flush=True,
        )
    print(
        "ratio: median of per-pair with/without; noise: stdev/mean without the plugin; "
        "import, init (awscli_initialize), every (their sum: every aws command) and "
        "sts table (every aws sts command): medians timed inside the CLI"
    )


if __name__ == "__main__":
    main()
