"""``aws sts activation-check`` for the caller's own account: the check
run, its report printed through the CLI's own formatter (so ``--output``
and ``--query`` work as for any command), ``--save``, ``--require-active``
and the fleet options applied; the outcomes it ended with."""

from __future__ import annotations

import sys
from typing import Any

from awscli_regional_sts.aws.untrusted import printable
from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.accounts.output import (
    TERMINAL_FORMATS,
    output_format,
    print_document,
)
from awscli_regional_sts.commands.accounts.progress import Progress
from awscli_regional_sts.commands.accounts.redaction import (
    credentials_redacted_in_logs,
)
from awscli_regional_sts.commands.activation.cli.fleet_output import apply_fleet
from awscli_regional_sts.commands.activation.cli.spec import RunSpec
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.drift import check_identity
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run.caller_account import (
    CallerAccount,
    ask_identity,
    run_account_check,
)
from awscli_regional_sts.commands.activation.run.save import save_for_auto

#: Fields the default table leaves out (each region's own endpoint URL, as
#: wide as two other columns; JSON and text keep it), so that it stays
#: narrow.
_WIDE_FIELDS = ("Endpoint",)


def run_account(
    command_name: str, session: Any, spec: RunSpec, parsed_globals: Any
) -> tuple[Exit, ...]:
    """Check the caller's account, print the report; what the run ended
    with. A ``--baseline`` of another account raises ReportProblem once
    GetCallerIdentity answers, before any probe."""
    report = _check(session, spec)
    document = report.to_dict()
    fleet_exit = apply_fleet(command_name, ReportKind.ACCOUNT, document, spec.fleet)
    _print(command_name, document, session, parsed_globals)
    if spec.save:
        not_saved = save_for_auto(
            report.to_dict(), spec.check.profile, spec.check.role_arn
        )
        if not_saved:
            sys.stderr.write(f"aws sts {command_name}: {not_saved}\n")
            return (Exit.NOT_WRITTEN,)
    return fleet_exit, _required(command_name, report, spec.require_active)


def _check(session: Any, spec: RunSpec) -> Report:
    options, baseline = spec.check, spec.fleet.baseline

    def on_identity(account: str) -> None:
        if baseline is not None:
            check_identity(ReportKind.ACCOUNT, baseline[1], account)

    progress = Progress.on_terminal(lambda done, total: f"{done}/{total}")
    with credentials_redacted_in_logs() as redactor:
        try:
            return run_account_check(
                CallerAccount(
                    session=session,
                    options=options,
                    redactor=redactor,
                    ask_identity=lambda: ask_identity(session, options),
                    on_identity=on_identity,
                ),
                progress or (lambda done, total: None),
            )
        finally:
            if progress is not None:
                progress.clear()


def _print(
    command_name: str, document: dict[str, Any], session: Any, parsed_globals: Any
) -> None:
    output = output_format(session, parsed_globals)
    if output in TERMINAL_FORMATS and parsed_globals.query is None:
        # A warning is a sentence: as a table row it would make every
        # column as wide as itself. It may quote AWS's words.
        for warning in document.pop("Warnings"):
            sys.stderr.write(f"aws sts {command_name}: warning: {printable(warning)}\n")
    if output == "table" and parsed_globals.query is None:
        for row in document["Regions"]:
            for name in _WIDE_FIELDS:
                row.pop(name, None)
    print_document(command_name, document, session, parsed_globals)


def _required(
    command_name: str, report: Report, require_active: tuple[str, ...] | None
) -> Exit:
    """``--require-active``'s verdict, its line on stderr when it fails."""
    if require_active is None:
        return Exit.OK
    verdict = report.verdict(require_active)
    if verdict.failing:
        sys.stderr.write(
            f"aws sts {command_name}: not active: "
            f"{', '.join(verdict.failing + verdict.undetermined)}\n"
        )
        return Exit.NOT_ACTIVE
    if verdict.undetermined:
        sys.stderr.write(
            f"aws sts {command_name}: activation cannot be told: "
            f"{', '.join(verdict.undetermined)}; these credentials "
            "cannot call a credential-issuing probe: pass --role-arn "
            "to verify\n"
        )
        return Exit.UNDETERMINED
    return Exit.OK
