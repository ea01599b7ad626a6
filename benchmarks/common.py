"""What every benchmark shares: a simulator, a throwaway AWS home, timing.

Benchmarks print figures; they assert nothing. Run them from the repository
root, e.g. `.venv/bin/python -m benchmarks.plugin_overhead`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from testing.clients import CLI_V1, REPO_ROOT, AwsEnv, aws_command, python_command
from testing.simulator import Simulator


@contextmanager
def aws_home() -> Iterator[AwsEnv]:
    """A started simulator and a fresh AWS home with one IAM user's keys."""
    with TemporaryDirectory(prefix="regional-sts-bench-") as tmp, Simulator() as sim:
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.add_keys("bench", sim.add_user("bench"))
        yield env


def compile_checkout() -> None:
    """Write the checkout's bytecode, as pip does for an installed package:
    the harness runs every client with PYTHONDONTWRITEBYTECODE, so that
    without it each `aws` process of CLI v1 or Debian's v2 would compile
    the plugin's modules from source (some 60 ms of CPU for the commands of
    `activation-check`), a cost no installed plugin pays."""
    subprocess.run(
        python_command()
        + ["-m", "compileall", "-q", str(REPO_ROOT / "awscli_regional_sts")],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )


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


@dataclass(frozen=True)
class AwsProcess:
    """What one `aws` process cost, from wait4: its own rusage, not the
    maximum over every child so far (RUSAGE_CHILDREN), and not the
    benchmark's memory either (see ``_LAUNCHER``)."""

    #: Wall time from the start of the batch to this process's exit.
    seconds: float
    cpu_seconds: float
    peak_rss_kib: int
    stdout: bytes


def run_aws_processes(env: AwsEnv, runs: Sequence[Sequence[str]]) -> list[AwsProcess]:
    """Start CLI v1 with the plugin once per argument list, all at once, and
    wait for every one; a process that fails ends the benchmark with its
    stderr."""
    env.write_files(CLI_V1, plugin=True)
    return run_processes(env, [aws_command(CLI_V1) + list(args) for args in runs])


#: Runs argv[2:] and writes its wait4 rusage (CPU seconds, peak RSS KiB)
#: to the file argv[1]. Linux records in a process's ru_maxrss the peak RSS
#: of the process it was forked from (exec keeps the larger of the two), so
#: a client forked straight from the benchmark, whose in-process simulator
#: grows to 100 MiB and more, would report the benchmark's memory, not its
#: own: the client is forked from this small launcher instead.
_LAUNCHER = (
    "import json, os, subprocess, sys\n"
    "process = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(process.pid, 0)\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    json.dump([usage.ru_utime + usage.ru_stime, usage.ru_maxrss], out)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_processes(
    env: AwsEnv, argvs: Sequence[Sequence[str]], *, ok: Sequence[int] = (0,)
) -> list[AwsProcess]:
    """Start each argv (a client: `aws`, or a boto3 script) in ``env``, all
    at once, and wait for every one; a process that exits other than
    ``ok`` ends the benchmark with its stderr. stdout and stderr are read on
    threads, so a full pipe never stalls a process. CPU time and peak RSS
    are the client's own (see ``_LAUNCHER``)."""
    usage_files = [
        env.root / f"usage-{os.getpid()}-{index}.json" for index in range(len(argvs))
    ]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(usage_file), *argv],
            env=env.env(),
            cwd=str(env.home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for argv, usage_file in zip(argvs, usage_files)
    ]
    outputs: list[tuple[bytes, bytes]] = [(b"", b"")] * len(processes)

    def drain(index: int) -> None:
        process = processes[index]
        assert process.stdout is not None and process.stderr is not None
        outputs[index] = (process.stdout.read(), process.stderr.read())

    readers = [
        threading.Thread(target=drain, args=(i,), daemon=True)
        for i in range(len(processes))
    ]
    for reader in readers:
        reader.start()
    measured: list[tuple[float, int]] = []
    for process in processes:
        code = process.wait()
        measured.append((time.perf_counter() - started, code))
    for reader in readers:
        reader.join(timeout=30)
    results = []
    for (elapsed, code), (stdout, stderr), usage_file in zip(
        measured, outputs, usage_files
    ):
        if code not in ok:
            raise SystemExit(f"{argvs[0][0]} exited {code}: {stderr.decode()[-2000:]}")
        cpu, peak_rss_kib = json.loads(usage_file.read_text())
        usage_file.unlink()
        results.append(AwsProcess(elapsed, cpu, peak_rss_kib, stdout))
    return results
