"""The command's run: arguments checked (nothing is sent when one is
wrong), the accounts worked on, one document printed through the CLI's own
formatter (so ``--output`` and ``--query`` work as for any command), and
the exit status."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.commands.accounts.arguments import cli_major
from awscli_regional_sts.commands.accounts.exit_status import (
    Exit,
    exit_status,
    outcomes_or_error_line,
)
from awscli_regional_sts.commands.accounts.output import print_document
from awscli_regional_sts.commands.accounts.progress import Progress
from awscli_regional_sts.commands.accounts.redaction import (
    credentials_redacted_in_logs,
)
from awscli_regional_sts.commands.token_version.arguments import (
    token_version_arguments,
)
from awscli_regional_sts.commands.token_version.plan import AccountOutcome
from awscli_regional_sts.commands.token_version.remediation import TokenVersionRun


def run_command(
    command_name: str, session: Any, parsed_args: Any, parsed_globals: Any
) -> int:
    """The command's exit status; its error line printed here, once."""
    exits = outcomes_or_error_line(
        command_name,
        lambda: (_run(command_name, session, parsed_args, parsed_globals),),
    )
    return exit_status(*exits, cli_major=cli_major())


def _run(
    command_name: str, session: Any, parsed_args: Any, parsed_globals: Any
) -> Exit:
    arguments = token_version_arguments(parsed_args)
    # The session's loader: it keeps endpoints.json for the clients to come.
    partitions = default_partitions(session.get_component("data_loader"))
    region = parsed_globals.region or session.get_config_variable("region")
    partition = partitions.of_region_or_aws(region)

    progress = None
    if arguments.uses_member_roles:
        progress = Progress.on_terminal(
            lambda done, failed: f"{done} accounts, {failed} with an error",
            title="Reading token versions"
            if arguments.dry_run
            else "Setting token versions",
        )
    # The document holds every account (one small line each), in the order
    # they were named or listed, whatever order they finished in.
    kept: list[AccountOutcome] = []
    with credentials_redacted_in_logs() as redactor:
        run = TokenVersionRun(
            session,
            arguments,
            partition=partition.name,
            region=region,
            verify=getattr(parsed_globals, "verify_ssl", None),
            on_result=kept.append,
            progress=progress or (lambda done, failed: None),
            redactor=redactor,
        )
        try:
            summary = run.run()
        finally:
            if progress is not None:
                progress.clear()

    kept.sort(key=lambda outcome: outcome.index)
    document = {
        "TokenVersion": arguments.target,
        "DryRun": arguments.dry_run,
        "MemberRoleName": (
            arguments.member_role_name if arguments.uses_member_roles else None
        ),
        "Accounts": [outcome.to_dict() for outcome in kept],
        "Summary": summary.to_dict(),
    }
    print_document(command_name, document, session, parsed_globals)
    return Exit.ACCOUNTS_FAILED if summary.failed else Exit.OK
