"""``aws sts activation-check --organization``: the CLI glue around
``run/organization_run.OrganizationCheck``, and its two outputs:

* ``--output-format document`` (default): one document through the CLI's
  formatter, so ``--output`` json/text/table/yaml and ``--query`` apply. A
  document must hold every account, so this mode keeps each account's
  printed fields (and only those) until the end.
* ``--output-format jsonl``: one JSON line per account, written as each
  account finishes, then one summary line; nothing is held, so memory stays
  flat however large the organization.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable

from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.accounts.output import print_document
from awscli_regional_sts.commands.accounts.progress import Progress
from awscli_regional_sts.commands.accounts.redaction import (
    credentials_redacted_in_logs,
)
from awscli_regional_sts.commands.activation.cli.fleet_output import apply_fleet
from awscli_regional_sts.commands.activation.cli.spec import RunSpec
from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
from awscli_regional_sts.commands.activation.fleet.drift import check_identity
from awscli_regional_sts.commands.activation.model.options import OutputFormat
from awscli_regional_sts.commands.activation.model.organization_report import (
    AccountResult,
)
from awscli_regional_sts.commands.activation.run.organization_run import (
    OrganizationCheck,
)


def run_organization(
    command_name: str, session: Any, spec: RunSpec, parsed_globals: Any
) -> tuple[Exit, ...]:
    """Run the check and print it; what it ended with: OK when every
    selected account was checked, ACCOUNTS_FAILED when any has an
    ``Error`` (the others are printed all the same), CHANGED with
    ``--baseline`` when something changed (``exit_status`` says which
    wins).

    A ``--baseline`` of another organization raises ReportProblem after the
    first ListAccounts page, before any other request."""
    options, organization, fleet = spec.check, spec.organization, spec.fleet
    assert organization is not None  # nosec B101  # main.py runs this only then
    baseline = fleet.baseline

    def on_organization(organization_id: str | None) -> None:
        if baseline is not None:
            check_identity(ReportKind.ORGANIZATION, baseline[1], organization_id)

    progress = Progress.on_terminal(
        lambda checked, failed: f"{checked} accounts checked, {failed} with an error"
    )
    kept: list[tuple[int, dict[str, Any]]] = []
    on_result: Callable[[AccountResult], None] = _write_line
    if organization.output_format != OutputFormat.JSONL:
        # A document holds every account: keep only the printed fields.
        on_result = lambda result: kept.append((result.index, result.to_dict()))  # noqa: E731

    with credentials_redacted_in_logs() as redactor:
        check = OrganizationCheck(
            session=session,
            options=options,
            organization=organization,
            shard=spec.shard,
            on_result=on_result,
            progress=progress or (lambda checked, failed: None),
            redactor=redactor,
            on_organization=on_organization,
            listing=fleet.listing,
        )
        try:
            summary = check.run()
        finally:
            if progress is not None:
                progress.clear()

    shard = check.shard_cut.to_dict() if check.shard_cut is not None else None
    if organization.output_format == OutputFormat.JSONL:
        last: dict[str, Any] = {"Summary": summary.to_dict()}
        if shard is not None:
            last["Shard"] = shard
        _write_line_dict(last)
        return (_status(summary.failed),)
    document = _document(
        check, spec, [fields for _, fields in sorted(kept, key=lambda item: item[0])]
    )
    document["Summary"] = summary.to_dict()
    fleet_status = apply_fleet(command_name, ReportKind.ORGANIZATION, document, fleet)
    print_document(command_name, document, session, parsed_globals)
    return fleet_status, _status(summary.failed)


def _document(
    check: OrganizationCheck, spec: RunSpec, accounts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The document's fields before its ``Summary``, in the order printed."""
    assert spec.organization is not None  # nosec B101  # main.py runs this only then
    document: dict[str, Any] = {
        "Partition": spec.check.partition,
        "OrganizationId": check.organization_id,
        "ManagementAccountId": check.management_account_id,
        "MemberRoleName": spec.organization.member_role_name,
        "Probe": check.probe_description,
    }
    if check.shard_cut is not None:
        document["Shard"] = check.shard_cut.to_dict()
    document["Accounts"] = accounts
    return document


def _status(failed: int) -> Exit:
    return Exit.ACCOUNTS_FAILED if failed else Exit.OK


def _write_line(result: AccountResult) -> None:
    _write_line_dict(result.to_dict())


def _write_line_dict(fields: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(fields, separators=(",", ":")) + "\n")
    # Flushed per line: a reader (jq, a pipeline) sees each account as it
    # finishes.
    sys.stdout.flush()
