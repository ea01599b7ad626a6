"""The command line of ``aws sts activation-check``, described once: a
frozen ``RunSpec`` built here, from the checked arguments and what the
profile says, and read (never changed) by everything below it.

Every option is parsed once, with one default (``model/options.py``; for
``--max-concurrency`` and ``--samples``, the default of the mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.partitions import Partition, Partitions
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.activation.cli.argument_checks import (
    organization_arguments,
    regions_to_probe,
    validate_arguments,
)
from awscli_regional_sts.commands.activation.cli.fleet_arguments import fleet_arguments
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.shards import Shard
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
    OrganizationOptions,
)


@dataclass(frozen=True)
class Profile:
    """What the glue read off the CLI's session for the run."""

    partition: Partition
    partitions: Partitions
    name: str
    region: str | None
    #: The profile's STS region (sts_region / AWS_STS_REGION), if any, and
    #: where it was set.
    sts_region: str | None
    sts_region_source: str
    #: As the CLI's --no-verify-ssl / --ca-bundle give it.
    verify: Any
    #: (event, unique_id) of the plugin's session handlers.
    router_handlers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RunSpec:
    """One run: the check's options, the organization's (None without
    ``--organization``), the fleet options (``--baseline``, ``--report``,
    ``--shard``, ``--merge``), and what only one account's run asks."""

    check: CheckOptions
    organization: OrganizationOptions | None
    fleet: FleetArguments
    #: ``--require-active``'s regions, or None when not asked.
    require_active: tuple[str, ...] | None
    save: bool

    @property
    def shard(self) -> Shard | None:
        """``--shard K/N``: only the accounts of that shard."""
        return self.fleet.shard


def build_spec(parsed_args: Any, parsed_globals: Any, profile: Profile) -> RunSpec:
    """Check every argument (ArgumentProblem, one line, nothing sent) and
    describe the run."""
    partition = profile.partition
    arguments = validate_arguments(
        parsed_args, partition, profile.partitions, profile.sts_region
    )
    organization = organization_arguments(parsed_args, parsed_globals)
    fleet = fleet_arguments(
        parsed_args,
        organization is not None,
        organization.output_format if organization else None,
        partition.name,
    )
    if fleet.list_accounts and getattr(parsed_globals, "query", None) is not None:
        raise ArgumentProblem(
            "--query does not apply to --list-accounts, which writes the "
            "whole listing as JSON (--accounts-from reads it); filter a copy "
            "of it instead (e.g. with jq)"
        )
    check = CheckOptions(
        regions=regions_to_probe(arguments, partition),
        partition=partition.name,
        profile=profile.name,
        profile_region=profile.region,
        timeout=arguments.timeout,
        max_concurrency=arguments.max_concurrency,
        samples=arguments.samples,
        throttle_budget=arguments.throttle_budget,
        role_arn=arguments.role_arn,
        verify=profile.verify,
        router_handlers=profile.router_handlers,
        # The profile's sts_region concerns the caller's own calls, not an
        # organization's accounts: no per-account warning about it.
        sts_region=profile.sts_region if organization is None else None,
        sts_region_source=profile.sts_region_source,
    )
    return RunSpec(
        check=check,
        organization=organization,
        fleet=fleet,
        require_active=arguments.require_active,
        save=bool(getattr(parsed_args, "save", False)),
    )
