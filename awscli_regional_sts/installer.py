"""Enable the plugin for an ``aws`` executable: ``aws-regional-sts enable``.

What it takes to enable a CLI plugin differs between CLI versions, and a
wrong entry breaks every ``aws`` command (an unimportable plugin, or
``cli_legacy_plugin_path`` under CLI v1). So this helper looks before it
writes: it asks ``aws --version`` which CLI it is, finds the Python that
``aws`` runs on, checks that this Python can import the plugin, and only then
lets ``aws configure set`` write the ``[plugins]`` entries (which honours
``AWS_CONFIG_FILE`` like every other aws command).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

#: The ``[plugins]`` entry: name and module.
PLUGIN_NAME = "regional_sts"
PLUGIN_MODULE = "awscli_regional_sts"
#: The distribution to install where ``aws`` cannot import the plugin.
DISTRIBUTION = "awscli-regional-sts"

_VERSION = re.compile(r"aws-cli/(\d+)\.")
# pip writes `#!/bin/sh` plus this line when the Python path is too long
# for a shebang.
_SH_EXEC = re.compile(r"""^'''exec' (?:"([^"]+)"|(\S+)) """)


class EnableError(Exception):
    """The plugin cannot be enabled for this aws; the message says why."""


@dataclass(frozen=True)
class Plan:
    """What enabling means for one aws executable."""

    aws: str
    major_version: int
    python: str | None
    plugin_path: str
    notes: list[str] = field(default_factory=list)

    @property
    def commands(self) -> list[list[str]]:
        """The ``aws configure set`` commands, in the order to run them."""
        commands = []
        if self.major_version >= 2:
            # CLI v2 loads [plugins] only with this path, and puts it on
            # sys.path. CLI v1 would import it as a module and crash.
            commands.append(
                [self.aws, "configure", "set", "plugins.cli_legacy_plugin_path"]
                + [self.plugin_path]
            )
        commands.append(
            [self.aws, "configure", "set", f"plugins.{PLUGIN_NAME}", PLUGIN_MODULE]
        )
        return commands


def find_aws(given: str | None) -> str:
    """The aws executable: ``given``, or the one on PATH."""
    found = shutil.which(given or "aws")
    if found is None:
        where = given or "aws on PATH"
        raise EnableError(f"cannot find {where}; pass --aws /path/to/aws")
    return found


def cli_major_version(aws: str) -> int:
    """1 or 2, from ``aws --version`` (CLI v1 before 1.15 printed to stderr)."""
    try:
        done = subprocess.run(
            [aws, "--version"], capture_output=True, text=True, timeout=60
        )
    except OSError as error:
        raise EnableError(f"cannot run {aws} --version: {error}") from error
    match = _VERSION.search(done.stdout + done.stderr)
    if done.returncode != 0 or match is None:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise EnableError(
            f"{aws} --version did not name an AWS CLI version"
            + (f": {output[-1]}" if output else "")
        )
    return int(match.group(1))


def python_of(aws: str) -> str | None:
    """The Python interpreter an ``aws`` script runs on, from its shebang.

    None for an executable without a Python shebang: the bundled CLI v2 of
    AWS's installers is a frozen binary with its own embedded Python.
    """
    try:
        with open(os.path.realpath(aws), "rb") as script:
            head = script.read(1024)
    except OSError:
        return None
    lines = head.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0].startswith("#!"):
        return None
    words = shlex.split(lines[0][2:].strip())
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[1])
    if Path(words[0]).name == "sh" and len(lines) > 1:
        match = _SH_EXEC.match(lines[1])
        return (match.group(1) or match.group(2)) if match else None
    return words[0] if "python" in Path(words[0]).name else None


def plugin_directory() -> str:
    """The directory holding this package (what goes on CLI v2's sys.path)."""
    return str(Path(__file__).resolve().parent.parent)


def check_import(python: str, major_version: int, plugin_path: str) -> None:
    """Raise unless ``python`` can load the plugin as ``aws`` would.

    ``awscli`` is imported first, as the CLI does: CLI v1 (1.46+) and
    Debian's CLI v2 make ``import botocore`` mean their bundled copy then.
    """
    setup = "import sys, awscli\n"
    if major_version >= 2:
        setup += f"sys.path.append({plugin_path!r})\n"
    code = setup + f"import {PLUGIN_MODULE}.registration\n"
    done = subprocess.run(
        [python, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        # Not the current directory: `python -c` would import from there.
        cwd=os.path.abspath(os.sep),
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise EnableError(
            f"{python} (the Python that aws runs on) cannot import "
            f"{PLUGIN_MODULE} ({reason}); install it there: "
            f"{shlex.quote(python)} -m pip install {DISTRIBUTION}"
        )


def plan_enable(aws: str) -> Plan:
    """Find out what enabling takes for ``aws``, checking it will work."""
    major = cli_major_version(aws)
    python = python_of(aws)
    plugin_path = plugin_directory()
    notes = []
    if python is None:
        if major < 2:
            raise EnableError(
                f"cannot tell which Python {aws} runs on (no Python shebang)"
            )
        notes.append(
            f"{aws} is a bundled AWS CLI v2 without a Python to check; "
            f"it will load the plugin from {plugin_path} "
            "(cli_legacy_plugin_path), which needs only botocore"
        )
    else:
        check_import(python, major, plugin_path)
        notes.append(f"{aws} is AWS CLI v{major} on {python}: it can import the plugin")
    return Plan(aws, major, python, plugin_path, notes)


def enable_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``enable``'s arguments to ``parser``; return the function that
    runs it (``aws-regional-sts enable``)."""
    parser.add_argument("--aws", help="the aws executable (default: aws on PATH)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the commands, run nothing"
    )
    return run_enable


def run_enable(args: Any) -> int:
    """Enable the plugin for ``args.aws``; the exit status."""
    try:
        plan = plan_enable(find_aws(args.aws))
    except EnableError as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 1
    for note in plan.notes:
        print(note)
    config = os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")
    verb = "Would run" if args.dry_run else "Running"
    print(f"{verb} (writes {config}):")
    for command in plan.commands:
        print("  " + shlex.join(command))
        if not args.dry_run:
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                print(
                    f"{args.label}: failed: {done.stderr.strip()}",
                    file=sys.stderr,
                )
                return 1
    if not args.dry_run:
        print(
            "Enabled. Opt a profile in with: "
            "aws configure set sts_region ap-northeast-1 --profile NAME"
        )
    return 0
