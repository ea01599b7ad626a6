"""Enable the plugin for an ``aws`` executable: ``aws-regional-sts enable``.

What it takes to enable a CLI plugin differs between CLI versions, and a
wrong entry breaks every ``aws`` command (an unimportable plugin, or
``cli_legacy_plugin_path`` under CLI v1). So this helper looks before it
writes: it asks ``aws --version`` which CLI it is, finds the Python that
``aws`` runs on, checks that this Python can import the plugin, and only then
sets the ``[plugins]`` entries as ``aws configure set`` would, in the file
``aws`` reads (``AWS_CONFIG_FILE`` or ~/.aws/config), but keeping every other
byte, the link, owner and mode of the file (configfile.py, configwrite.py).

For CLI v2 the plugin goes into a directory of its own (plugindir.py), and
``cli_legacy_plugin_path`` is written only into a config file that no CLI v1
on this machine reads: CLI v1 takes that key for a module and every command
then fails.
"""

from __future__ import annotations

import os
import shlex
import subprocess  # nosec B404  # runs only argv lists (no shell) of an aws/python the user named
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from awscli_regional_sts.lifecycle import detection, plugindir, trust
from awscli_regional_sts.lifecycle.configfile import ConfigFileError, ConfigText, Entry
from awscli_regional_sts.lifecycle.detection import AwsCli, CliError

#: The ``[plugins]`` entry: name and module.
PLUGIN_NAME = "regional_sts"
PLUGIN_MODULE = plugindir.PACKAGE
#: CLI v2's key naming the directory it appends to ``sys.path``.
PLUGIN_PATH_KEY = "cli_legacy_plugin_path"
#: What to install where ``aws`` cannot import the plugin, when this copy
#: does not come from a checkout: the package is not on PyPI yet, so the
#: user names a checkout or the wheel that ``make dist`` builds.
DISTRIBUTION = "PATH-TO-A-CHECKOUT-OR-WHEEL"
#: Said after a command that names ``DISTRIBUTION``.
_NOT_PUBLISHED = " (awscli-regional-sts is not on PyPI yet: see docs/install.md)"


def install_source() -> str:
    """What ``pip install`` should be given to install this very plugin:
    the checkout it runs from (the case of an editable install), else the
    placeholder ``DISTRIBUTION`` with a word on why."""
    checkout = plugindir.running_package().parent
    if (checkout / "pyproject.toml").is_file():
        return shlex.quote(str(checkout))
    return DISTRIBUTION + _NOT_PUBLISHED


@dataclass(frozen=True)
class Plan:
    """What enabling means for one aws executable."""

    cli: AwsCli
    #: CLI v2 only: the directory holding only the plugin.
    plugin_path: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def settings(self) -> list[tuple[str, str]]:
        """The ``[plugins]`` entries to set, in order."""
        settings = []
        if self.plugin_path is not None:
            # CLI v2 loads [plugins] only with this path, and puts it on
            # sys.path. CLI v1 would import it as a module and crash.
            settings.append((PLUGIN_PATH_KEY, self.plugin_path))
        settings.append((PLUGIN_NAME, PLUGIN_MODULE))
        return settings


def import_command(
    python: str, major_version: int, plugin_path: str | None
) -> list[str]:
    """How ``python`` is asked to load the plugin as ``aws`` would.

    ``awscli`` is imported first, as the CLI does: CLI v1 (1.46+) and
    Debian's CLI v2 make ``import botocore`` mean their bundled copy then.
    """
    code = "import sys, awscli; "
    if major_version >= 2 and plugin_path is not None:
        code += f"sys.path.append({plugin_path!r}); "
    return [python, "-c", code + f"import {PLUGIN_MODULE}.plugin.registration"]


def check_import(python: str, major_version: int, plugin_path: str | None) -> None:
    """Raise unless ``python`` can load the plugin as ``aws`` would; first
    ``trust.Untrusted`` if another user could change that Python."""
    trust.check_program(python, "the Python that aws runs on")
    done = subprocess.run(  # nosec B603  # argv list, no shell; a Python trust.py checked
        import_command(python, major_version, plugin_path),
        capture_output=True,
        text=True,
        timeout=120,
        # Not the current directory: `python -c` would import from there.
        cwd=os.path.abspath(os.sep),
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        if major_version >= 2:
            raise CliError(
                f"{python} (the Python that aws runs on) cannot import "
                f"{PLUGIN_MODULE} from {plugin_path} ({reason})"
            )
        raise CliError(
            f"{python} (the Python that aws runs on) cannot import "
            f"{PLUGIN_MODULE} ({reason}); install it there: "
            f"{shlex.quote(python)} -m pip install {install_source()}"
        )


class PathBreaksCliV1(CliError):
    """A CLI v1 fails on the config's ``cli_legacy_plugin_path``."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def fails_on_path(error: CliError, value: str) -> bool:
    """Whether ``error`` is CLI v1 importing ``cli_legacy_plugin_path``'s
    value as a module (``__import__`` names only the part before a dot)."""
    return f"No module named '{value.split('.')[0]}" in str(error)


def describe(aws: str) -> AwsCli:
    """``detection.describe``, naming the commonest reason a CLI v1 fails:
    the config's ``cli_legacy_plugin_path``, which it imports as a module."""
    try:
        return detection.describe(aws)
    except CliError as error:
        entry = next(
            (
                e
                for e in _plugins_entries()
                if e.key == PLUGIN_PATH_KEY and fails_on_path(error, e.value)
            ),
            None,
        )
        if entry is None:
            raise
        raise PathBreaksCliV1(
            f"{aws} fails on line {entry.line} of {detection.config_file()}, "
            f"plugins.{PLUGIN_PATH_KEY} (for CLI v2), which makes CLI v1 fail "
            "on every command; delete that line (CLI v2 then needs its own "
            "AWS_CONFIG_FILE)",
            entry.line,
        ) from error


def cli_v1_readers(target: AwsCli, others: list[str]) -> list[str]:
    """The CLI v1 executables on PATH (and in ``others``) besides ``target``,
    as labels: they read the same config file unless told otherwise. One
    that already fails on the config's ``cli_legacy_plugin_path`` counts."""
    found = []
    seen = {os.path.realpath(target.path)}
    path_value = _plugins_section().get(PLUGIN_PATH_KEY)
    for path in [*detection.all_on_path(), *others]:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            cli = detection.describe(path)
        except CliError as error:
            if path_value is not None and fails_on_path(error, path_value):
                found.append(f"{path} (an AWS CLI v1, already failing on it)")
            continue  # otherwise not an AWS CLI (or broken): it reads no config
        if cli.major < 2:
            found.append(cli.label)
    return found


def shared_config_refusal(v1: list[str], target: AwsCli) -> str:
    """Why CLI v2 is not enabled in a config file that CLI v1 reads, and
    the ways out."""
    config = detection.config_file()
    names = ", ".join(v1)
    return (
        f"{names} also reads {config}, and CLI v1 fails on every command when "
        f"it holds plugins.{PLUGIN_PATH_KEY}, which CLI v2 needs. Either give "
        "CLI v2 a config file of its own: "
        f"AWS_CONFIG_FILE=~/.aws/config-v2 aws-regional-sts enable --aws "
        f"{shlex.quote(target.path)} --own-config-file (and run that aws with "
        "the same AWS_CONFIG_FILE); or enable the plugin for CLI v1 only and "
        "let CLI v2 get its credentials through the credential_process bridge "
        '`aws-regional-sts credentials` (README, "CLI v1 and v2 side by side")'
    )


def plan_enable(
    cli: AwsCli,
    *,
    plugin_path: Path,
    own_config_file: bool = False,
    other_aws: list[str] | None = None,
) -> Plan:
    """Find out what enabling takes for ``cli``, checking it will work."""
    notes = []
    plugins = _plugins_section()
    if cli.major < 2:
        if cli.python is None:
            raise CliError(
                f"cannot tell which Python {cli.path} runs on (no Python shebang)"
            )
        if PLUGIN_PATH_KEY in plugins:
            raise CliError(
                f"{detection.config_file()} holds plugins.{PLUGIN_PATH_KEY} "
                "(for CLI v2), which makes CLI v1 fail on every command; give "
                "CLI v2 its own AWS_CONFIG_FILE and remove that line here "
                "(`aws-regional-sts disable --aws <CLI v2>` removes it)"
            )
        check_import(cli.python, cli.major, None)
        notes.append(f"{cli.label} on {cli.python}: it can import the plugin")
        return Plan(cli, None, notes)

    if own_config_file:
        if detection.is_default_config_file():
            raise CliError(
                "--own-config-file needs AWS_CONFIG_FILE naming a config file "
                "that only this aws reads, e.g. "
                "AWS_CONFIG_FILE=~/.aws/config-v2"
            )
        notes.append(
            f"{detection.config_file()} is for this CLI v2 only (--own-config-file)"
        )
    else:
        v1 = cli_v1_readers(cli, other_aws or [])
        if v1:
            raise CliError(shared_config_refusal(v1, cli))
    _refuse_taking_the_path_from_other_plugins(plugins, plugin_path)
    # Check a staged copy, so that a failed check leaves nothing behind.
    with tempfile.TemporaryDirectory(prefix="regional-sts-check-") as staged:
        staged_dir = Path(staged) / "plugin"
        plugindir.install(staged_dir)
        if cli.python is not None:
            check_import(cli.python, cli.major, str(staged_dir))
    if cli.python is None:
        # Its own Python compiles the copy (bytecode.py): the binary is it.
        trust.check_program(cli.path, "a frozen aws, its own Python")
        notes.append(
            f"{cli.label} has no Python to check with; it will load the "
            f"plugin from {plugin_path} ({PLUGIN_PATH_KEY}), which needs only "
            "its own botocore and the standard library"
        )
    else:
        notes.append(
            f"{cli.label} on {cli.python}: it can import the plugin from {plugin_path}"
        )
    return Plan(cli, str(plugin_path), notes)


def _refuse_taking_the_path_from_other_plugins(
    plugins: dict[str, str], plugin_path: Path
) -> None:
    """CLI v2 has one plugin path: repointing it would unload the plugins
    that live in the old directory."""
    current = plugins.get(PLUGIN_PATH_KEY)
    others = [
        key
        for key, value in plugins.items()
        if key not in (PLUGIN_PATH_KEY, PLUGIN_NAME) and value != PLUGIN_MODULE
    ]
    if not current or not others:
        return
    directory = Path(os.path.expanduser(current))
    if directory == plugin_path or plugindir.is_ours(directory):
        return
    raise CliError(
        f"plugins.{PLUGIN_PATH_KEY} already names {current}, where CLI v2 "
        f"finds the other plugins ({', '.join(others)}); put this plugin there "
        f"too: aws configure set plugins.{PLUGIN_NAME} {PLUGIN_MODULE}; "
        f"python3 -m pip install --target {shlex.quote(current)} "
        f"--no-deps {install_source()}"
    )


def _plugins_entries() -> list[Entry]:
    try:
        entries = ConfigText.read(detection.config_file()).entries()
    except ConfigFileError:
        return []
    return [e for e in entries if e.section == "plugins"]


def _plugins_section() -> dict[str, str]:
    return {e.key: e.value for e in _plugins_entries()}


__all__ = [
    "DISTRIBUTION",
    "PLUGIN_MODULE",
    "PLUGIN_NAME",
    "PLUGIN_PATH_KEY",
    "Plan",
    "check_import",
    "plan_enable",
    "import_command",
]
