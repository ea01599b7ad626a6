"""Checks of the plugin's installation for one CLI: the ``[plugins]``
entries, ``cli_legacy_plugin_path`` and its directory, a config file that a
CLI v1 shares, and the import of the plugin in the CLI's Python."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from awscli_regional_sts.lifecycle import detection, plugindir, trust
from awscli_regional_sts.lifecycle.detection import CliError
from awscli_regional_sts.lifecycle.doctor.findings import (
    Context,
    Finding,
    enable_command,
    ok,
    problem,
)
from awscli_regional_sts.lifecycle.installer import (
    PLUGIN_MODULE,
    PLUGIN_PATH_KEY,
    check_import,
    cli_v1_readers,
)


def plugin_checks(context: Context) -> list[Finding]:
    cli, plugins, path = context.cli, context.plugins, context.config.path
    findings = []
    if context.enabled:
        findings.append(ok("plugin", f"enabled in [plugins] of {path}"))
    else:
        findings.append(
            problem(
                "plugin",
                f"not enabled in [plugins] of {path}: this aws sends STS where "
                "botocore decides",
                enable_command(context),
            )
        )
    plugin_path = plugins.get(PLUGIN_PATH_KEY)
    if cli.major < 2:
        if plugin_path is not None:
            findings.append(
                problem(
                    "plugin path",
                    f"{path} holds plugins.{PLUGIN_PATH_KEY} (for CLI v2): CLI v1 "
                    "takes it for a module and every command fails",
                    f"delete that line from {path}; give CLI v2 its own config: "
                    "AWS_CONFIG_FILE=~/.aws/config-v2 aws-regional-sts enable "
                    "--aws <CLI v2> --own-config-file",
                )
            )
        elif context.enabled and cli.python:
            findings.append(import_check(context, None))
        return findings
    if plugin_path is None:
        if context.enabled:
            findings.append(
                problem(
                    "plugin path",
                    "CLI v2 loads no [plugins] entry without "
                    f"plugins.{PLUGIN_PATH_KEY}",
                    enable_command(context),
                )
            )
        return findings
    directory = Path(os.path.expanduser(plugin_path))
    findings += plugin_directory_checks(context, directory)
    findings += shared_config_checks(context)
    if context.enabled and cli.python:
        findings.append(import_check(context, str(directory)))
    return findings


def plugin_directory_checks(context: Context, directory: Path) -> list[Finding]:
    if not plugindir.holds_plugin(directory):
        return [
            problem(
                "plugin path",
                f"{PLUGIN_PATH_KEY} {directory} holds no {PLUGIN_MODULE} package",
                enable_command(context),
            )
        ]
    shadowing = plugindir.shadowing_entries(directory)
    if shadowing:
        return [
            problem(
                "plugin path",
                f"{directory} also holds {', '.join(shadowing)}: CLI v2 may "
                "import those instead of its own",
                enable_command(context)
                + " (moves the plugin into a directory of its own)",
            )
        ]
    return [ok("plugin path", f"{directory} holds the plugin")]


def shared_config_checks(context: Context) -> list[Finding]:
    """CLI v2's plugin path in a config file that a CLI v1 also reads."""
    if not detection.is_default_config_file(context.env):
        return [
            ok(
                "shared config",
                f"{context.config.path} is set by AWS_CONFIG_FILE: "
                "run no CLI v1 with it",
            )
        ]
    v1 = cli_v1_readers(context.cli, [])
    if not v1:
        return [ok("shared config", "no CLI v1 on PATH reads this config file")]
    return [
        problem(
            "shared config",
            f"{', '.join(v1)} also reads {context.config.path}, whose "
            f"plugins.{PLUGIN_PATH_KEY} makes every CLI v1 command fail",
            "move CLI v2's set-up to its own file: aws-regional-sts disable "
            f"--aws {shlex.quote(context.cli.path)}; then AWS_CONFIG_FILE="
            "~/.aws/config-v2 aws-regional-sts enable --aws "
            f"{shlex.quote(context.cli.path)} --own-config-file",
        )
    ]


def import_check(context: Context, directory: str | None) -> Finding:
    python = context.cli.python
    assert python is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    try:
        check_import(python, context.cli.major, directory)
    except (CliError, trust.Untrusted) as error:
        return problem("import", str(error), enable_command(context))
    return ok("import", f"{python} imports {PLUGIN_MODULE}")
