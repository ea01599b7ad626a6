"""``enable`` for a frozen CLI v2: its bytecode, compiled by the CLI itself.

A frozen CLI v2 writes no bytecode and no other Python has its version, so
``enable`` runs the CLI once more, with a throwaway config whose only
plugin is ``bytecode_plugin`` from the directory just filled; that module
compiles the copy where the CLI's Python looks for bytecode. Nothing is
sent anywhere (``aws --version``). A failure leaves the plugin working, only
slower to start: ``enable`` says so and goes on.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404  # runs only argv lists (no shell) of an aws/python the user named
import tempfile
from pathlib import Path

from awscli_regional_sts.lifecycle.bytecode_plugin import REPORT_VARIABLE

#: The module ``aws`` loads from the plugin directory for it.
MODULE = "awscli_regional_sts.lifecycle.bytecode_plugin"


def compile_with(aws: str, plugin_dir: Path) -> str:
    """Have ``aws`` compile the plugin in ``plugin_dir`` with its own
    Python; one line saying what happened."""
    with tempfile.TemporaryDirectory(prefix="regional-sts-bytecode-") as scratch:
        config = Path(scratch) / "config"
        report = Path(scratch) / "report.json"
        config.write_text(
            f"[plugins]\nregional_sts_bytecode = {MODULE}\n"
            f"cli_legacy_plugin_path = {plugin_dir}\n"
        )
        env = {
            **os.environ,
            "AWS_CONFIG_FILE": str(config),
            REPORT_VARIABLE: str(report),
        }
        try:
            done = subprocess.run(  # nosec B603  # argv list, no shell; an executable the user named
                [aws, "--version"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            found = json.loads(report.read_text()) if report.exists() else None
            lines = done.stderr.strip().splitlines()
            why = lines[-1] if lines else f"exit status {done.returncode}"
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            found = None
            why = f"{type(error).__name__}: {error}"
    if not found or found.get("failed") or not found.get("compiled"):
        if found and found.get("failed"):
            why = found["failed"][0]
        return (
            f"could not compile the plugin with {aws}'s own Python ({why}); it "
            "works without, compiling its modules at each command"
        )
    return (
        f"compiled {found['compiled']} modules with {aws}'s own Python "
        f"({found['cache_tag'].rsplit('.', 1)[0]}): a frozen CLI writes no "
        "bytecode itself"
    )
