"""``aws sts activation-check --organization``: the CLI glue around
``organization_check.OrganizationCheck``, and its two outputs:

* ``--output-format document`` (default): one document through the CLI's
  formatter, so ``--output`` json/text/table/yaml and ``--query`` apply. A
  document must hold every account, so this mode keeps each account's
  printed fields (and only those) until the end.
* ``--output-format jsonl``: one JSON line per account, written as each
  account finishes, then one summary line; nothing is held, so memory stays
  flat however large the organization.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any, Callable

from awscli.formatter import get_formatter

from awscli_regional_sts.aws.status import CheckExit
from awscli_regional_sts.commands.accounts.progress import Progress
from awscli_regional_sts.commands.accounts.redaction import (
    credentials_redacted_in_logs,
)
from awscli_regional_sts.commands.activation.arguments import OrganizationArguments
from awscli_regional_sts.commands.activation.options import CheckOptions, OutputFormat
from awscli_regional_sts.commands.activation.organization import AccountResult
from awscli_regional_sts.commands.activation.organization_check import OrganizationCheck


def run_organization_check(
    command_name: str,
    session: Any,
    options: CheckOptions,
    arguments: OrganizationArguments,
    parsed_globals: Any,
) -> int:
    """Run the check and print it; the exit status: 0 when every selected
    account was checked, ACCOUNTS_FAILED when any has an ``Error`` (the
    others are printed all the same)."""
    options = dataclasses.replace(
        options, max_concurrency=arguments.max_concurrency, samples=arguments.samples
    )
    progress = Progress.on_terminal(
        lambda checked, failed: f"{checked} accounts checked, {failed} with an error"
    )
    kept: list[tuple[int, dict[str, Any]]] = []
    on_result: Callable[[AccountResult], None]
    if arguments.output_format == OutputFormat.JSONL:
        on_result = _write_line
    else:
        # A document holds every account: keep only the printed fields.
        def on_result(result: AccountResult) -> None:
            kept.append((result.index, result.to_dict()))

    with credentials_redacted_in_logs() as redactor:
        check = OrganizationCheck(
            session,
            options,
            arguments.organization,
            on_result,
            progress or (lambda checked, failed: None),
            redactor,
        )
        try:
            summary = check.run()
        finally:
            if progress is not None:
                progress.clear()

    if arguments.output_format == OutputFormat.JSONL:
        _write_line_dict({"Summary": summary.to_dict()})
        return _status(summary.failed)
    kept.sort(key=lambda item: item[0])
    document = {
        "Partition": options.partition,
        "MemberRoleName": arguments.organization.member_role_name,
        "Probe": check.probe_description,
        "Accounts": [fields for _, fields in kept],
        "Summary": summary.to_dict(),
    }
    output = parsed_globals.output or session.get_config_variable("output")
    formatter = get_formatter(output or "json", parsed_globals)
    formatter(command_name, document)
    return _status(summary.failed)


def _status(failed: int) -> int:
    return CheckExit.ACCOUNTS_FAILED if failed else CheckExit.OK


def _write_line(result: AccountResult) -> None:
    _write_line_dict(result.to_dict())


def _write_line_dict(fields: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(fields, separators=(",", ":")) + "\n")
    # Flushed per line: a reader (jq, a pipeline) sees each account as it
    # finishes.
    sys.stdout.flush()
