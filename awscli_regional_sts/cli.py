"""The ``aws-regional-sts`` console script: the plugin's life cycle and its
bridge for other tools, one subcommand each.

Each subcommand lives in its own module, imported only when it runs: the
``credentials`` bridge is called by other tools before every command, so
this module imports nothing beyond ``argparse`` at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from awscli_regional_sts import __version__

# Not `from typing import ...`: the bridge runs before every command of
# other tools, and this module's start-up is kept to argparse.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

PROG = "aws-regional-sts"

#: (name, "module:function", one-line help). The function takes the
#: subcommand's parser to add its arguments to, and returns the function
#: that runs it with the parsed arguments and returns the exit status.
SUBCOMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "enable",
        "awscli_regional_sts.lifecycle.enable:enable_arguments",
        "enable the plugin for an aws executable (AWS CLI v1 or v2)",
    ),
    (
        "disable",
        "awscli_regional_sts.lifecycle.disable:disable_arguments",
        "remove what enable wrote; every other plugin and key stays",
    ),
    (
        "doctor",
        "awscli_regional_sts.lifecycle.doctor:doctor_arguments",
        "check the plugin's set-up for an aws executable; sends nothing to AWS",
    ),
    (
        "credentials",
        "awscli_regional_sts.bridge.command:credentials_arguments",
        "print a profile's credentials for credential_process (regional STS)",
    ),
)


class _OneLineParser(argparse.ArgumentParser):
    """Bad input gets one line (and exit status 2), not usage plus error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


#: The exit status after Ctrl-C: 128 + SIGINT, the shell's status for a
#: command ended by SIGINT, and what AWS CLI v1 (CLIDriver.main) and v2
#: (errorhandler.InterruptExceptionHandler) return on KeyboardInterrupt.
INTERRUPTED_STATUS = 130


def main(argv: Sequence[str] | None = None, *, label: str | None = None) -> int:
    """Console script ``aws-regional-sts``. ``label`` is how messages name
    the command (default ``aws-regional-sts SUBCOMMAND``)."""
    try:
        return _main(argv, label)
    except KeyboardInterrupt:
        # Ctrl-C, e.g. at a terminal where botocore runs the bridge as a
        # credential_process: stop quietly, as the AWS CLI does. Nothing
        # goes to stdout, the channel of the credentials.
        return INTERRUPTED_STATUS


def _main(argv: Sequence[str] | None, label: str | None) -> int:
    parser = _OneLineParser(
        prog=PROG,
        description="Regional AWS STS for the AWS CLI, boto3 and other tools.",
    )
    # Handled while parsing, before the required COMMAND is checked:
    # prints "aws-regional-sts 0.1.0" on stdout, exit status 0.
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    chosen = _subcommand_name(argv)
    for name, path, help_text in SUBCOMMANDS:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        # Only the chosen subcommand's module is imported.
        if name == chosen:
            module, _, function = path.partition(":")
            run = getattr(importlib.import_module(module), function)(sub)
            sub.set_defaults(run=run, label=label or f"{PROG} {name}")
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:  # argparse has already said what is wrong
        parser.print_usage(sys.stderr)
        return 2
    status: int = run(args)
    return status


def enable_main(argv: Sequence[str] | None = None) -> int:
    """Console script ``aws-regional-sts-enable``: an alias of ``enable``."""
    words = sys.argv[1:] if argv is None else argv
    return main(["enable", *words], label="aws-regional-sts-enable")


def _subcommand_name(argv: Sequence[str] | None) -> str | None:
    words = list(sys.argv[1:] if argv is None else argv)
    return next((word for word in words if not word.startswith("-")), None)


if __name__ == "__main__":
    sys.exit(main())
