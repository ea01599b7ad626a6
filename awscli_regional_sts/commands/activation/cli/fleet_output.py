"""The fleet options at the end of a run (``--baseline``'s changes,
``--report``'s file) and ``--merge`` (which runs no check). Which exit
status wins is ``accounts/exit_status.py``'s to say."""

from __future__ import annotations

import sys
from typing import Any

from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.accounts.output import print_document
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.drift import compare
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.report_file import write_report


def apply_fleet(
    command_name: str,
    kind: ReportKind,
    document: dict[str, Any],
    fleet: FleetArguments,
) -> Exit:
    """Add ``Changes`` to ``document`` (with ``--baseline``) and write the
    ``--report`` files; CHANGED, NOT_WRITTEN or OK."""
    status = Exit.OK
    if fleet.baseline is not None:
        changes = compare(kind, fleet.baseline[1], document, fleet.shard)
        document["Changes"] = [change.to_dict() for change in changes]
        if changes:
            status = Exit.CHANGED
    for target in fleet.reports:
        try:
            write_report(target, kind, document)
        except OSError as error:
            sys.stderr.write(
                f"aws sts {command_name}: --report: cannot write "
                f"{quote(str(target.path))}: {error.strerror or error}\n"
            )
            return Exit.NOT_WRITTEN
    return status


def run_merge(
    command_name: str, session: Any, fleet: FleetArguments, parsed_globals: Any
) -> tuple[Exit, ...]:
    """``--merge``: print the merged report as a run would print it."""
    document = fleet.merged
    assert document is not None  # nosec B101  # type narrowing for mypy, guaranteed by the code above
    status = apply_fleet(command_name, ReportKind.ORGANIZATION, document, fleet)
    print_document(command_name, document, session, parsed_globals)
    failed = document["Summary"]["AccountsWithError"]
    return status, Exit.ACCOUNTS_FAILED if failed else Exit.OK
