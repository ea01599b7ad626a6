"""Disable the plugin: ``aws-regional-sts disable``.

Removes exactly what ``enable`` writes: the ``[plugins]`` line
``regional_sts = awscli_regional_sts`` and, when it points at the plugin's
own directory (or at a directory holding this plugin while no other plugin
is listed), ``cli_legacy_plugin_path``; then the directory ``enable`` made.
Every other plugin, key, comment and byte stays as it was. The file is
edited line by line (``aws configure`` cannot remove a key), in the file
``aws`` reads (``AWS_CONFIG_FILE`` or ~/.aws/config), through a link, locked
and replaced atomically with its owner and mode (configwrite.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess  # nosec B404  # runs only argv lists (no shell) of an aws/python the user named
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from awscli_regional_sts.lifecycle import configfile, detection, plugindir
from awscli_regional_sts.lifecycle.configfile import ConfigFileError, ConfigText, Entry
from awscli_regional_sts.lifecycle.detection import CliError
from awscli_regional_sts.lifecycle.installer import (
    PLUGIN_MODULE,
    PLUGIN_NAME,
    PLUGIN_PATH_KEY,
)
from awscli_regional_sts.plugin.profilekeys import NAMES as PROFILE_KEYS


def disable_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``disable``'s arguments to ``parser``; return the function that
    runs it (``aws-regional-sts disable``)."""
    parser.add_argument(
        "--aws",
        help="the aws executable to check afterwards with `aws --version` "
        "(default: aws on PATH)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be done, do nothing"
    )
    return run_disable


@dataclass(frozen=True)
class Removal:
    """What ``disable`` takes away from one config file."""

    entries: list[Entry]
    #: The plugin directory ``enable`` made, if the config names it.
    directory: Path | None
    #: Other plugins that keep ``cli_legacy_plugin_path`` in place.
    other_plugins: list[str]


def lines_to_remove(config: ConfigText) -> Removal:
    """The ``[plugins]`` entries ``enable`` wrote, and the plugin directory
    they name if ``enable`` made it."""
    plugins = [e for e in config.entries() if e.section == "plugins"]
    ours = [e for e in plugins if e.key == PLUGIN_NAME and e.value == PLUGIN_MODULE]
    others = [
        e.key
        for e in plugins
        if e.key != PLUGIN_PATH_KEY and e not in ours and e.value != PLUGIN_MODULE
    ]
    directory = None
    for entry in plugins:
        if entry.key != PLUGIN_PATH_KEY:
            continue
        path = Path(os.path.expanduser(entry.value))
        if plugindir.is_ours(path):
            directory = path
        # CLI v2 loads other plugins only while the path is set (any path):
        # with one left, the line stays, even if it names our directory.
        if not others and (plugindir.is_ours(path) or plugindir.holds_plugin(path)):
            ours.append(entry)
    return Removal(sorted(ours, key=lambda e: e.line), directory, others)


def run_disable(args: Any) -> int:
    """Disable the plugin in the config file ``aws`` reads; the exit status."""
    path = detection.config_file()
    try:
        config = ConfigText.read(path)
    except ConfigFileError as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 1
    removal = lines_to_remove(config)
    remove, directory = removal.entries, removal.directory
    verb = "Would remove" if args.dry_run else "Removing"
    if not remove and directory is None:
        print(f"The plugin is not enabled in {path}: nothing to remove.")
    for entry in remove:
        print(f"{verb} line {entry.line} of {path}: {entry.key} = {entry.value}")
    if directory is not None:
        print(f"{verb} {directory} (made by aws-regional-sts enable)")
    if removal.other_plugins and PLUGIN_PATH_KEY in config.section("plugins"):
        print(
            f"Keeping plugins.{PLUGIN_PATH_KEY}: CLI v2 loads the other plugins "
            f"({', '.join(removal.other_plugins)}) only while it is set."
        )
    if not args.dry_run:
        try:
            if remove:
                # Computed again on the file as it is once locked.
                configfile.edit(
                    path, lambda now: now.without(lines_to_remove(now).entries)
                )
            if directory is not None:
                plugindir.remove(directory)
        except (ConfigFileError, plugindir.PluginDirError) as error:
            print(f"{args.label}: {error}", file=sys.stderr)
            return 1
    sts_keys = sorted({e.key for e in config.entries() if e.key in PROFILE_KEYS})
    if sts_keys:
        print(
            f"The profiles' {', '.join(sts_keys)} keys stay in {path}: without "
            "the plugin nothing reads them, and enabling it again brings them back."
        )
    if args.dry_run:
        return 0
    return _check_aws(args)


def _check_aws(args: Any) -> int:
    """``aws --version`` must work now, even if the package goes next."""
    try:
        aws = detection.find_aws(args.aws)
    except CliError:
        if args.aws:
            print(f"{args.label}: cannot find {args.aws} to check it", file=sys.stderr)
            return 1
        return 0
    done = subprocess.run(  # nosec B603  # argv list, no shell; an executable the user named
        [aws, "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        reason = (done.stdout + done.stderr).strip().splitlines()
        print(
            f"{args.label}: {aws} --version still fails: "
            f"{reason[-1] if reason else done.returncode}",
            file=sys.stderr,
        )
        return 1
    print(f"Disabled. {aws} --version: {done.stdout.strip() or done.stderr.strip()}")
    return 0
