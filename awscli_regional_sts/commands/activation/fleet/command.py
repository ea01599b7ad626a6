"""The fleet options at the end of a run (``--baseline``'s changes,
``--report``'s file), ``--merge`` (which runs no check), and which exit
status wins when several apply.

Exit statuses, first match wins: 255 when ``--save`` or ``--report``
could not write; 1 and 3 (``--require-active``); 4 (an account of the
organization could not be checked: the comparison is then incomplete); 5
(``--baseline``: something changed); 0. A bad parameter (the CLI's own
252 or 255) ends the command before any of these.
"""

from __future__ import annotations

import sys
from typing import Any

from awscli_regional_sts.aws.status import CheckExit
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.output import print_document
from awscli_regional_sts.commands.activation.fleet.arguments import FleetArguments
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.drift import compare
from awscli_regional_sts.commands.activation.fleet.report_file import write_report

#: Exit statuses in the order they win.
PRECEDENCE = (
    CheckExit.SAVE_FAILED,
    CheckExit.NOT_ACTIVE,
    CheckExit.UNDETERMINED,
    CheckExit.ACCOUNTS_FAILED,
    CheckExit.CHANGED,
)


def exit_status(*statuses: int) -> int:
    for status in PRECEDENCE:
        if status in statuses:
            return int(status)
    return int(CheckExit.OK)


def apply_fleet(
    command_name: str,
    kind: ReportKind,
    document: dict[str, Any],
    fleet: FleetArguments,
) -> int:
    """Add ``Changes`` to ``document`` (with ``--baseline``) and write the
    ``--report`` files; CHANGED, REPORT_FAILED or OK."""
    status = CheckExit.OK
    if fleet.baseline is not None:
        changes = compare(kind, fleet.baseline[1], document, fleet.shard)
        document["Changes"] = [change.to_dict() for change in changes]
        if changes:
            status = CheckExit.CHANGED
    for target in fleet.reports:
        try:
            write_report(target, kind, document)
        except OSError as error:
            sys.stderr.write(
                f"aws sts {command_name}: --report: cannot write "
                f"{quote(str(target.path))}: {error.strerror or error}\n"
            )
            return CheckExit.REPORT_FAILED
    return status


def run_merge(
    command_name: str, session: Any, fleet: FleetArguments, parsed_globals: Any
) -> int:
    """``--merge``: print the merged report as a run would print it."""
    document = fleet.merged
    assert document is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    status = apply_fleet(command_name, ReportKind.ORGANIZATION, document, fleet)
    print_document(command_name, document, session, parsed_globals)
    failed = document["Summary"]["AccountsWithError"]
    return exit_status(status, CheckExit.ACCOUNTS_FAILED if failed else CheckExit.OK)
