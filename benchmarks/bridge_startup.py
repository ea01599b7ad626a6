"""Figure 5: start-up of the credential_process bridge, cached and uncached,
side by side with the AWS CLI v2's own equivalent on the same profile.

Alternating rounds against the simulator, each a fresh process:

- ``aws-regional-sts credentials --profile P`` with its cache warm (the
  call every tool makes before every command) and with its cache removed
  (botocore, the plugin and one AssumeRole to the profile's sts_region);
- ``aws configure export-credentials --profile P --format process`` of
  Debian's CLI v2, with its assumed-role cache warm and removed;
- a bare ``python -c pass`` of the bridge's Python, the floor.

P is a ``role_arn``/``source_profile`` profile with ``sts_region``. Prints
medians of wall time and of CPU time (user + system, which other work on
the cores stretches less), and the cached bridge's share of the CLI's
cached call (target: at most 1/10).

    .venv/bin/python -m benchmarks.bridge_startup [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import time
from collections.abc import Sequence

from benchmarks.common import aws_home, compile_checkout, machine, median_ms
from testing.clients import CLI_V2, REPO_ROOT, AwsEnv, aws_command, python_command

PROFILE = "tokyo-role"
BRIDGE = str(REPO_ROOT / ".venv" / "bin" / "aws-regional-sts")


#: CPU seconds (user + system) of each timed process, by argv: less
#: stretched than wall time when other work shares the cores.
CPU: dict[tuple[str, ...], list[float]] = {}


def timed(env: AwsEnv, argv: Sequence[str]) -> float:
    """Wall time of one process, in seconds; stops the benchmark on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(argv), env=env.env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(tuple(argv), []).append(cpu)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()

    compile_checkout()
    aws = aws_command(CLI_V2)
    with aws_home() as env:
        role = env.simulator.add_role("deployer")
        env.config = (
            f"[profile {PROFILE}]\nrole_arn = {role}\nsource_profile = bench\n"
            "sts_region = ap-northeast-1\n"
        )
        env.write_files(CLI_V2, plugin=False)
        cli_cache = env.home / ".aws" / "cli" / "cache"
        bridge_cache = cli_cache / "regional-sts" / "bridge"
        bridge = [BRIDGE, "credentials", "--profile", PROFILE]
        export = [*aws, "configure", "export-credentials", "--profile", PROFILE]
        export += ["--format", "process"]
        bare = [*python_command(), "-c", "pass"]

        def bridge_uncached() -> float:
            shutil.rmtree(bridge_cache, ignore_errors=True)
            return timed(env, bridge)

        def cli_uncached() -> float:
            for entry in cli_cache.glob("*.json"):  # the CLI's own files only
                entry.unlink()
            return timed(env, export)

        cases = {
            "bridge, cached": lambda: timed(env, bridge),
            "bridge, uncached": bridge_uncached,
            "CLI v2 export-credentials, cached": lambda: timed(env, export),
            "CLI v2 export-credentials, uncached": cli_uncached,
            "python -c pass": lambda: timed(env, bare),
        }
        timed(env, bridge)  # warm the caches and the disk
        timed(env, export)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.rounds):
            for name, case in cases.items():
                CPU.clear()
                samples[name].append(case())
                cpu[name].extend(v for values in CPU.values() for v in values)

    print(f"machine: {machine()}")
    version = subprocess.run([*aws, "--version"], capture_output=True, text=True)
    print(f"CLI: {version.stdout.strip() or version.stderr.strip()}")
    print(f"{options.rounds} alternating rounds, profile {PROFILE} (role_arn)")
    print(f"{'':40} {'wall':>13}   {'CPU (user+sys)':>14}")
    for name, values in samples.items():
        print(
            f"{name:40} {median_ms(values):6.0f} ms   {median_ms(cpu[name]):10.0f} ms"
        )
    bridge_case, cli_case = "bridge, cached", "CLI v2 export-credentials, cached"
    wall = median_ms(samples[bridge_case]) / median_ms(samples[cli_case])
    share = median_ms(cpu[bridge_case]) / median_ms(cpu[cli_case])
    print(f"cached bridge / cached CLI v2: wall {wall:.3f}, CPU {share:.3f}")
    print("(target: at most 0.100)")


if __name__ == "__main__":
    main()
