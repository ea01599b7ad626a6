"""Figure 1: what the plugin costs every `aws` command.

Alternating paired runs of `aws sts get-caller-identity` against the
simulator: the same CLI and profile (region ap-northeast-1, so both runs
reach the same host), once with the plugin enabled and the profile opted in
(`sts_region = ap-northeast-1`), once without the plugin. Prints the median
of the per-pair ratios with the spread of the no-plugin runs (the noise
floor), and the plugin's own import time from `python -X importtime`.

    .venv/bin/python -m benchmarks.plugin_overhead [--pairs N] [--kind cli-v1]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess

from benchmarks.common import aws_home, machine, median_ms, timed_run
from testing.clients import CLI_KINDS, CLI_V1, REPO_ROOT, python_command

ARGS = ("sts", "get-caller-identity", "--profile", "bench")


#: What every aws command imports (the package and its handler table), and
#: what every `aws sts` command adds (the activation-check command's table
#: entry; the check itself loads only when it runs).
EVERY_COMMAND = ("awscli_regional_sts", "awscli_regional_sts.plugin.registration")
STS_COMMAND_TABLE = ("awscli_regional_sts.commands.activation.command",)


def import_times_us() -> dict[str, int]:
    """Self+children import time (us) of the plugin's modules, on top of the
    CLI's own imports, best of five."""
    modules = EVERY_COMMAND + STS_COMMAND_TABLE
    code = "import awscli.clidriver, awscli.customizations.commands; " + "; ".join(
        f"import {m}" for m in modules
    )
    best: dict[str, int] = {}
    for _ in range(5):
        proc = subprocess.run(
            python_command() + ["-X", "importtime", "-c", code],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in proc.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
            if match and match.group(2) in modules:
                name, us = match.group(2), int(match.group(1))
                best[name] = min(us, best.get(name, us))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    options = parser.parse_args()

    # pip compiles an installed package's bytecode; the editable checkout
    # has none (the harness sets PYTHONDONTWRITEBYTECODE), so compile it here
    # or every run would measure the compiler.
    subprocess.run(
        python_command()
        + ["-m", "compileall", "-q", str(REPO_ROOT / "awscli_regional_sts")],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    with aws_home() as env:
        env.config = (
            "[profile bench]\nregion = ap-northeast-1\nsts_region = ap-northeast-1\n"
        )
        timed_run(env, options.kind, ARGS, plugin=True)  # warm caches
        with_plugin, without_plugin = [], []
        for i in range(options.pairs):
            # Alternate which goes first so drift hits both sides alike.
            order = (True, False) if i % 2 == 0 else (False, True)
            for plugin in order:
                elapsed = timed_run(env, options.kind, ARGS, plugin=plugin)
                (with_plugin if plugin else without_plugin).append(elapsed)
        ratios = [w / wo for w, wo in zip(with_plugin, without_plugin)]

    noise = statistics.stdev(without_plugin) / statistics.mean(without_plugin)
    print(f"machine: {machine()}")
    print(
        f"client: {options.kind}, {options.pairs} alternating pairs of: aws {' '.join(ARGS)}"
    )
    print(f"median without plugin: {median_ms(without_plugin):.0f} ms")
    print(f"median with plugin:    {median_ms(with_plugin):.0f} ms")
    print(f"median ratio with/without: {statistics.median(ratios):.3f}")
    print(f"run-to-run noise (stdev/mean without plugin): {noise:.1%}")
    times = import_times_us()
    every = sum(times.get(m, 0) for m in EVERY_COMMAND) / 1000
    sts = sum(times.get(m, 0) for m in STS_COMMAND_TABLE) / 1000
    print(
        f"plugin import time on every aws command (-X importtime, best of 5): {every:.2f} ms"
    )
    print(
        f"plus on every aws sts command (activation-check's table entry): {sts:.2f} ms"
    )


if __name__ == "__main__":
    main()
