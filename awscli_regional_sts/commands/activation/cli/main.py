"""``aws sts activation-check``'s run, from the parsed command line to the
exit status: the profile read, the run described (``spec.build_spec``),
then ``--merge``, ``--list-accounts``, ``--organization`` or one
account; every error line of the command printed here, and its exit
status decided by ``accounts/exit_status.py``."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.commands.accounts.arguments import cli_major
from awscli_regional_sts.commands.accounts.exit_status import (
    Exit,
    exit_status,
    outcomes_or_error_line,
)
from awscli_regional_sts.commands.activation.cli.fleet_output import run_merge
from awscli_regional_sts.commands.activation.cli.listing_output import (
    run_list_accounts,
)
from awscli_regional_sts.commands.activation.cli.one_account import run_account
from awscli_regional_sts.commands.activation.cli.organization_output import (
    run_organization,
)
from awscli_regional_sts.commands.activation.cli.spec import Profile, build_spec
from awscli_regional_sts.plugin.registry import session_handler_ids
from awscli_regional_sts.plugin.settings import read_sts_settings


def run_command(
    command_name: str, session: Any, parsed_args: Any, parsed_globals: Any
) -> int:
    """The command's exit status; its one error line printed here."""
    # A bad argument (nothing sent), or a --baseline of another account or
    # organization, told by the first answer that names the caller.
    exits = outcomes_or_error_line(
        command_name, lambda: _run(command_name, session, parsed_args, parsed_globals)
    )
    return exit_status(*exits, cli_major=cli_major())


def _run(
    command_name: str, session: Any, parsed_args: Any, parsed_globals: Any
) -> tuple[Exit, ...]:
    spec = build_spec(
        parsed_args, parsed_globals, read_profile(session, parsed_globals)
    )
    if spec.fleet.merged is not None:
        return run_merge(command_name, session, spec.fleet, parsed_globals)
    if spec.fleet.list_accounts:
        return run_list_accounts(session, spec)
    if spec.organization is not None:
        return run_organization(command_name, session, spec, parsed_globals)
    return run_account(command_name, session, spec, parsed_globals)


def read_profile(session: Any, parsed_globals: Any) -> Profile:
    """What the run needs of the CLI's session and global options."""
    # The session's loader: it keeps endpoints.json, parsed once, for
    # every client of the check.
    partitions = default_partitions(session.get_component("data_loader"))
    region = parsed_globals.region or session.get_config_variable("region")
    sts_region, sts_region_source = _sts_region(session)
    return Profile(
        partition=partitions.of_region_or_aws(region),
        partitions=partitions,
        name=session.profile or "default",
        region=region,
        sts_region=sts_region,
        sts_region_source=sts_region_source,
        verify=getattr(parsed_globals, "verify_ssl", None),
        router_handlers=session_handler_ids(),
    )


def _sts_region(session: Any) -> tuple[str | None, str]:
    """The STS region the profile asks for (AWS_STS_REGION or sts_region),
    and where that was said."""
    try:
        settings = read_sts_settings(session)
    except Exception:
        # An invalid value is reported by the router on the first STS call.
        return None, ""
    return settings.region, settings.source
