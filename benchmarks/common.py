"""What every benchmark shares: a simulator, a throwaway AWS home, timing.

Benchmarks print figures; they assert nothing. Run them from the repository
root, e.g. `.venv/bin/python -m benchmarks.plugin_overhead`.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from testing.clients import AwsEnv
from testing.simulator import Simulator


@contextmanager
def aws_home() -> Iterator[AwsEnv]:
    """A started simulator and a fresh AWS home with one IAM user's keys."""
    with TemporaryDirectory(prefix="regional-sts-bench-") as tmp, Simulator() as sim:
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.add_keys("bench", sim.add_user("bench"))
        yield env


def forget_cached_credentials(env: AwsEnv) -> None:
    """Drop the CLI's assumed-role credential cache, so a `role_arn`
    profile's command makes its AssumeRole call again."""
    shutil.rmtree(env.home / ".aws" / "cli" / "cache", ignore_errors=True)


def timed_run(env: AwsEnv, kind: str, args: Sequence[str], *, plugin: bool) -> float:
    """Wall time of one `aws ARGS` process, in seconds; fails loudly."""
    forget_cached_credentials(env)
    result = env.run(kind, *args, plugin=plugin, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"aws {' '.join(args)} failed: {result.stderr.strip()}")
    return result.seconds


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def machine() -> str:
    """One line describing where the figures were taken."""
    cpu = platform.processor() or platform.machine()
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = "?"
    python = platform.python_version()
    return f"{platform.system()} {platform.release()}, {cpu}, {nproc} cores, Python {python}"
