"""``aws-regional-sts enable``: its arguments, and running the plan that
``installer.py`` makes, or with ``--dry-run`` only printing it.

``--dry-run`` starts no process at all, not even ``aws --version``: an
``aws`` found on PATH is not yet known to be the user's, and a dry run is
how a user looks before anything runs. It prints instead what it would run;
without asking ``aws`` which CLI it is, it tells from the file alone (a
frozen CLI v2 has no Python shebang) and otherwise prints the plan for
CLI v1 and for CLI v2.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Any, Callable

from awscli_regional_sts.lifecycle import (
    bytecode,
    configfile,
    configwrite,
    detection,
    plugindir,
    trust,
)
from awscli_regional_sts.lifecycle.configfile import ConfigFileError
from awscli_regional_sts.lifecycle.detection import AwsCli, CliError
from awscli_regional_sts.lifecycle.installer import (
    Plan,
    describe,
    import_command,
    plan_enable,
)


def enable_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``enable``'s arguments to ``parser``; return the function that
    runs it (``aws-regional-sts enable``)."""
    parser.add_argument("--aws", help="the aws executable (default: aws on PATH)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be run and written; run and write nothing",
    )
    parser.add_argument(
        "--plugin-dir",
        help="CLI v2: the directory to hold the plugin "
        f"(default {plugindir.DEFAULT_DIRECTORY})",
    )
    parser.add_argument(
        "--own-config-file",
        action="store_true",
        help="CLI v2: AWS_CONFIG_FILE names a config file that no CLI v1 reads",
    )
    parser.add_argument(
        "--other-aws",
        action="append",
        default=[],
        metavar="PATH",
        help="another aws executable that reads the same config (repeatable); "
        "every aws on PATH is checked anyway",
    )
    return run_enable


def run_enable(args: Any) -> int:
    """Enable the plugin for ``args.aws``; the exit status."""
    plugin_path = (
        Path(os.path.expanduser(args.plugin_dir)).absolute()
        if args.plugin_dir
        else plugindir.default_directory()
    )
    try:
        aws = detection.find_aws(args.aws)
        if args.dry_run:
            print_dry_run(aws, plugin_path, args)
            return 0
        cli = describe(aws)
        plan = plan_enable(
            cli,
            plugin_path=plugin_path,
            own_config_file=args.own_config_file,
            other_aws=args.other_aws,
        )
        # Refused before anything is copied: a file of another user.
        configwrite.check_writable(detection.config_file())
    except (
        CliError,
        plugindir.PluginDirError,
        trust.Untrusted,
        ConfigFileError,
    ) as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 1
    for note in plan.notes:
        print(note)
    return carry_out(plan, args.label)


def carry_out(plan: Plan, label: str) -> int:
    """Copy the plugin (CLI v2) and write the ``[plugins]`` entries."""
    cli = plan.cli
    if plan.plugin_path is not None:
        print(f"Will copy {plugindir.running_package()} into {plan.plugin_path}")
        try:
            plugindir.install(Path(plan.plugin_path))
        except (plugindir.PluginDirError, trust.Untrusted) as error:
            print(f"{label}: {error}", file=sys.stderr)
            return 1
        if cli.python is None:
            print(bytecode.compile_with(cli.path, Path(plan.plugin_path)))
    config = detection.config_file()
    print(f"Will set in {config} (as aws configure set would):")
    _print_settings(plan, "  ")
    try:
        configfile.edit(config, lambda now: now.with_settings("plugins", plan.settings))
    except ConfigFileError as error:
        print(f"{label}: {error}", file=sys.stderr)
        return 1
    print(
        "Enabled. Opt a profile in with: "
        "aws configure set sts_region ap-northeast-1 --profile NAME\n"
        f"Check with: aws-regional-sts doctor --aws {shlex.quote(cli.path)}"
    )
    return 0


def print_dry_run(aws: str, plugin_path: Path, args: Any) -> None:
    """What ``enable`` would run and write, found without running anything."""
    print(f"Would run {shlex.join([aws, '--version'])}: which AWS CLI it is")
    python = detection.python_of(aws)  # read from its first line, not run
    if python is None:
        print(f"{aws} has no Python shebang: a frozen AWS CLI v2 (bundled)")
        _print_v2(aws, None, plugin_path, args)
        return
    print(f"{aws} runs on {python}. If it is AWS CLI v1:")
    _print_commands(Plan(_cli(aws, 1, python), None), python)
    print("If it is AWS CLI v2:")
    _print_v2(aws, python, plugin_path, args)


def _cli(aws: str, major: int, python: str | None) -> AwsCli:
    return AwsCli(aws, f"{major}.x", major, python)


def _print_v2(aws: str, python: str | None, plugin_path: Path, args: Any) -> None:
    if not args.own_config_file:
        others = [
            path
            for path in [*detection.all_on_path(), *args.other_aws]
            if os.path.realpath(path) != os.path.realpath(aws)
        ]
        for other in others:
            print(f"  Would run {shlex.join([other, '--version'])}: a CLI v1 there?")
    source = plugindir.running_package()
    print(f"  Would copy {source} into {plugin_path}, once checked")
    if python is None:
        print(f"  Would run {aws} --version once more, to compile the copy")
    _print_commands(Plan(_cli(aws, 2, python), str(plugin_path)), python)


def _print_commands(plan: Plan, python: str | None) -> None:
    if python is not None:
        command = import_command(python, plan.cli.major, plan.plugin_path)
        print(f"  Would run {shlex.join(command)}: it imports the plugin?")
    print(f"  Would set in {detection.config_file()} (as aws configure set would):")
    _print_settings(plan, "    ")


def _print_settings(plan: Plan, indent: str) -> None:
    for key, value in plan.settings:
        print(f"{indent}plugins.{key} {shlex.quote(value)}")
