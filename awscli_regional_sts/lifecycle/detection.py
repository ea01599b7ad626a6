"""What an ``aws`` executable is, asked from outside: its CLI version, the
Python it runs on, and the config files it reads.

The life-cycle commands (``enable``, ``disable``, ``doctor``) run on the
user's Python, not inside ``aws``, and must not guess: a wrong ``[plugins]``
entry breaks every ``aws`` command. So they ask ``aws --version`` and read
the executable's shebang; nothing here imports the plugin's runtime.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess  # nosec B404  # runs only argv lists (no shell) of an aws/python the user named
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_VERSION = re.compile(r"aws-cli/(([0-9]+)\.\S*)", re.ASCII)
# pip writes `#!/bin/sh` plus this line when the Python path is too long
# for a shebang.
_SH_EXEC = re.compile(r"""^'''exec' (?:"([^"]+)"|(\S+)) """)


class CliError(Exception):
    """An ``aws`` executable cannot be found or is not an AWS CLI; the
    message says why."""


@dataclass(frozen=True)
class AwsCli:
    """One ``aws`` executable, as it describes itself."""

    path: str
    #: The version string, e.g. ``2.9.19``.
    version: str
    major: int
    #: The Python its script runs on; None for a frozen (bundled) CLI.
    python: str | None

    @property
    def label(self) -> str:
        kind = "" if self.python or self.major < 2 else ", bundled"
        return f"{self.path} (AWS CLI {self.version}{kind})"


def search_path(path: str | None = None) -> list[str]:
    """The folders of PATH (``path``) that a search may look in: only
    absolute ones. An empty entry (``::``, a trailing ``:``) and ``.`` mean
    the current folder, where anyone's ``aws`` may wait to be run."""
    value = os.environ.get("PATH", os.defpath) if path is None else path
    return [entry for entry in value.split(os.pathsep) if os.path.isabs(entry)]


def which(name: str, path: str | None = None) -> str | None:
    """``shutil.which`` over the absolute folders of PATH only; a name with
    a slash is the user's own choice and taken as given."""
    if os.sep in name:
        return shutil.which(name)
    for directory in search_path(path):
        found = shutil.which(name, path=directory)
        if found is not None:
            return found
    return None


def find_aws(given: str | None, path: str | None = None) -> str:
    """The aws executable: ``given``, or the one on PATH (``path``)."""
    found = which(given or "aws", path=path)
    if found is None:
        where = given or "aws on PATH"
        raise CliError(f"cannot find {where}; pass --aws /path/to/aws")
    return found


def describe(aws: str, env: Mapping[str, str] | None = None) -> AwsCli:
    """Ask ``aws --version`` (CLI v1 before 1.15 printed it to stderr)."""
    try:
        done = subprocess.run(  # nosec B603  # argv list, no shell; an executable the user named
            [aws, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise CliError(f"cannot run {aws} --version: {error}") from error
    match = _VERSION.search(done.stdout + done.stderr)
    if done.returncode != 0 or match is None:
        output = (done.stdout + done.stderr).strip().splitlines()
        raise CliError(
            f"{aws} --version did not name an AWS CLI version"
            + (f": {output[-1][:200]}" if output else "")
        )
    return AwsCli(aws, match.group(1), int(match.group(2)), python_of(aws))


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
    try:
        words = shlex.split(lines[0][2:].strip())
    except ValueError:
        return None
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return which(words[1])
    if Path(words[0]).name == "sh" and len(lines) > 1:
        match = _SH_EXEC.match(lines[1])
        return (match.group(1) or match.group(2)) if match else None
    return words[0] if "python" in Path(words[0]).name else None


def all_on_path(path: str | None = None) -> list[str]:
    """Every ``aws`` in PATH's absolute folders, first one first, each
    real file once."""
    seen: set[str] = set()
    found = []
    for directory in search_path(path):
        candidate = os.path.join(directory, "aws")
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        real = os.path.realpath(candidate)
        if real not in seen:
            seen.add(real)
            found.append(candidate)
    return found


def config_file(env: Mapping[str, str] | None = None) -> Path:
    """The config file ``aws`` reads: ``AWS_CONFIG_FILE`` or ~/.aws/config."""
    env = os.environ if env is None else env
    return Path(os.path.expanduser(env.get("AWS_CONFIG_FILE") or "~/.aws/config"))


def credentials_file(env: Mapping[str, str] | None = None) -> Path:
    """The credentials file ``aws`` reads (``AWS_SHARED_CREDENTIALS_FILE``)."""
    env = os.environ if env is None else env
    return Path(
        os.path.expanduser(
            env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
        )
    )


def is_default_config_file(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``aws`` reads ~/.aws/config, as every CLI does by default."""
    default = Path(os.path.expanduser("~/.aws/config"))
    return config_file(env).absolute() == default.absolute()
