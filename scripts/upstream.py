"""`make upstream`: botocore's own functional tests, with and without the plugin.

Runs botocore's ``tests/functional/test_sts.py``, ``test_credentials.py``,
``test_regions.py`` and ``test_endpoints.py`` twice, from the source
distribution of the botocore installed in this Python (read at run time):
once as they are, once with ``awscli_regional_sts.register()`` called on
every botocore ``Session`` and no ``sts_region`` anywhere. Fails when any
test's outcome (passed, failed, skipped, error, ...) differs between the
two runs, or when the runs prove nothing (no test ran, no session was
registered).

The sdist comes from PyPI with ``pip download`` once and is kept, with only
its ``tests/`` and ``pyproject.toml`` extracted, under ``.cache/`` (so the
sdist's own ``botocore/`` source folder can never be imported instead of
the installed botocore); later runs need no network. Each run gets a fresh
HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE in a temporary
folder and an environment without any ``AWS_*`` variable of this machine.

    .venv/bin/python -m scripts.upstream [--sequential] [--keep-logs]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

import botocore

from scripts.safe_tar import extract_members

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "upstream-botocore"
PLUGIN_DIR = Path(__file__).resolve().parent / "upstream_pytest"
PLUGIN = "regional_sts_upstream"
TEST_FILES = [
    "tests/functional/test_sts.py",
    "tests/functional/test_credentials.py",
    "tests/functional/test_regions.py",
    "tests/functional/test_endpoints.py",
]
#: A run that takes longer than this is stuck (one run takes about 30 s).
RUN_TIMEOUT = 900


def say(text: str = "") -> None:
    print(text, flush=True)


def fetch_tests(version: str) -> Path:
    """The extracted ``tests/`` of botocore ``version``'s sdist (cached)."""
    tree = CACHE / f"botocore-{version}"
    if all((tree / name).is_file() for name in TEST_FILES):
        return tree
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"botocore-{version}.tar.gz"
    if not archive.is_file():
        say(f"==> downloading botocore {version}'s sdist from PyPI (once)")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                f"botocore=={version}",
                "--dest",
                str(CACHE),
            ],
            check=True,
        )
        if not archive.is_file():
            found = sorted(p.name for p in CACHE.iterdir())
            raise SystemExit(f"pip download gave {found}, not {archive.name}")
    prefix = f"botocore-{version}/"
    with tarfile.open(archive) as tar:
        members = [
            m
            for m in tar.getmembers()
            if m.name.startswith(prefix + "tests/")
            or m.name == prefix + "pyproject.toml"
        ]
        with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
            # Not extractall(filter="data"): Debian 12's Python 3.11.2 has
            # no filter, and an unfiltered extractall trusts the archive.
            extract_members(tar, members, Path(scratch))
            missing = [
                n for n in TEST_FILES if not (Path(scratch, prefix, n)).is_file()
            ]
            if missing:
                raise SystemExit(f"{archive.name} has no {', '.join(missing)}")
            shutil.rmtree(tree, ignore_errors=True)
            # Atomic: an interrupted extraction leaves no half tree behind.
            os.replace(Path(scratch, prefix), tree)
    return tree


def clean_environment(scratch: Path, register: bool, results: Path) -> dict[str, str]:
    """An environment with nothing of this machine's AWS set-up in it."""
    home = scratch / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(PLUGIN_DIR),
        # pytest plugins installed in the venv (xdist, timeout) stay out;
        # the one plugin wanted is loaded with -p.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "AWS_CONFIG_FILE": str(home / "no-such-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-such-credentials"),
        "REGIONAL_STS_UPSTREAM_BOTOCORE": botocore.__version__,
        "REGIONAL_STS_UPSTREAM_RESULTS": str(results),
        "REGIONAL_STS_UPSTREAM_REGISTER": "1" if register else "0",
    }
    return env


def start_run(
    tree: Path, scratch: Path, register: bool
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    results = scratch / "results.json"
    log = scratch / "pytest.log"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        PLUGIN,
        "-p",
        "no:cacheprovider",
        "-q",
        "-rN",
        *TEST_FILES,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tree,
            env=clean_environment(scratch, register, results),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, results, log


def summary_line(outcomes: dict[str, str]) -> str:
    counts = Counter(outcomes.values())
    return ", ".join(f"{counts[k]} {k}" for k in sorted(counts)) or "no tests"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="run the two pytest runs one after the other (default: at once)",
    )
    parser.add_argument(
        "--keep-logs",
        action="store_true",
        help="keep both runs' pytest logs and results in .cache/upstream-botocore/last-run",
    )
    args = parser.parse_args()

    started = time.monotonic()
    version = botocore.__version__
    tree = fetch_tests(version)
    say(f"==> botocore {version} (installed: {Path(botocore.__file__).parent})")
    say(f"    tests from its sdist: {tree.relative_to(ROOT)}")

    runs = {"as they are": False, "register() on every Session": True}
    documents: dict[str, dict] = {}
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="upstream-botocore-") as top:
        pending = []
        try:
            for name, register in runs.items():
                scratch = Path(top, "register" if register else "baseline")
                scratch.mkdir()
                pending.append((name, start_run(tree, scratch, register)))
                if args.sequential:
                    pending[-1][1][0].wait(timeout=RUN_TIMEOUT)
            for name, (process, results, log) in pending:
                code = process.wait(timeout=RUN_TIMEOUT)
                # 0 all passed, 1 some failed: both are results to compare.
                if code not in (0, 1) or not results.is_file():
                    tail = log.read_text(errors="replace").splitlines()[-30:]
                    say("\n".join(tail))
                    raise SystemExit(
                        f"pytest run '{name}' did not complete (exit status {code})"
                    )
                documents[name] = json.loads(results.read_text())
        finally:
            # A failed or interrupted run leaves no pytest behind.
            for _, (process, _, _) in pending:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if args.keep_logs:
            kept = CACHE / "last-run"
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir()
            for scratch in Path(top).iterdir():
                for item in ("pytest.log", "results.json"):
                    shutil.copy(scratch / item, kept / f"{scratch.name}-{item}")

    baseline, plugged = documents.values()
    for name, doc in documents.items():
        sessions = doc["sessions"]
        say(
            f"    {name + ':':<30} {summary_line(doc['outcomes'])}"
            f" ({sessions['created']} sessions created,"
            f" {sessions['registered']} registered)"
        )
    if not baseline["outcomes"]:
        failures.append("no test ran")
    if plugged["sessions"]["registered"] == 0:
        failures.append("register() was never called: the check proves nothing")
    elif plugged["sessions"]["registered"] != plugged["sessions"]["created"]:
        failures.append("register() was not called on every session")

    ids = sorted(set(baseline["outcomes"]) | set(plugged["outcomes"]))
    differing = [
        (
            nodeid,
            baseline["outcomes"].get(nodeid, "absent"),
            plugged["outcomes"].get(nodeid, "absent"),
        )
        for nodeid in ids
        if baseline["outcomes"].get(nodeid) != plugged["outcomes"].get(nodeid)
    ]
    elapsed = time.monotonic() - started
    if differing:
        failures.append(f"{len(differing)} test(s) differ")
        say(
            f"    {len(differing)} test(s) with a different outcome (as they are -> with register):"
        )
        for nodeid, before, after in differing[:50]:
            say(f"      {nodeid}: {before} -> {after}")
        if len(differing) > 50:
            say(f"      ... and {len(differing) - 50} more")
    if failures:
        say(f"FAILED: {'; '.join(failures)} ({elapsed:.0f} s)")
        return 1
    say(
        f"OK: all {len(ids)} tests gave the same outcome in both runs ({elapsed:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
