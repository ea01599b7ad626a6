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
import re
import statistics
import subprocess

from benchmarks.common import aws_home, machine, median_ms, timed_run
from tests.harness import CLI_KINDS, CLI_V1, python_command

ARGS = ("sts", "get-caller-identity", "--profile", "bench")


def import_time_us() -> int:
    """Cumulative import time of the plugin package, on top of botocore."""
    proc = subprocess.run(
        python_command()
        + ["-X", "importtime", "-c", "import botocore, awscli_regional_sts"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| awscli_regional_sts$", line)
        if match:
            return int(match.group(1))
    raise SystemExit("awscli_regional_sts not found in -X importtime output")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--kind", choices=CLI_KINDS, default=CLI_V1)
    options = parser.parse_args()

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
    print(
        f"plugin import time (-X importtime, cumulative): {import_time_us() / 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
