"""activation-check's arguments: parsed and checked before anything is sent.

Every problem is an ``ArgumentProblem`` with one line for stderr;
``spec.py`` puts the checked values together, once. Nothing here talks to
AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.identifiers import IdentifierError, parse_role_arn
from awscli_regional_sts.aws.partitions import GLOBAL, Partition, Partitions
from awscli_regional_sts.aws.untrusted import did_you_mean, parse_decimal, quote
from awscli_regional_sts.commands.accounts.arguments import (
    ArgumentProblem,
    account_ids,
    member_role_name,
    names,
    whole_number,
)
from awscli_regional_sts.commands.accounts.members import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
    MAX_ACCOUNTS_IN_FLIGHT,
)
from awscli_regional_sts.commands.activation.model.options import (
    DEFAULT_THROTTLE_BUDGET,
    DEFAULT_TIMEOUT,
    MAX_CHECK_TIMEOUT,
    MAX_CONCURRENCY_DEFAULTS,
    MAX_CONCURRENCY_LIMIT,
    MAX_SAMPLES,
    MAX_THROTTLE_BUDGET,
    SAMPLES_DEFAULTS,
    OrganizationOptions,
    OutputFormat,
)
from awscli_regional_sts.plugin.settings import MIN_TIMEOUT


@dataclass(frozen=True)
class Arguments:
    regions: tuple[str, ...] | None
    role_arn: str | None
    timeout: float
    max_concurrency: int
    samples: int
    throttle_budget: float
    #: None: not asked; a tuple: regions that must be active.
    require_active: tuple[str, ...] | None


#: Options that only mean something with --organization.
_ORGANIZATION_ONLY = (
    ("member_role_name", "--member-role-name"),
    ("accounts", "--accounts"),
    ("include_suspended", "--include-suspended"),
    ("max_accounts_in_flight", "--max-accounts-in-flight"),
    ("output_format", "--output-format"),
)
#: Options that ask about one account, so not with --organization.
_ONE_ACCOUNT_ONLY = (
    ("role_arn", "--role-arn"),
    ("require_active", "--require-active"),
    ("save", "--save"),
)


def region_choices(partition: Partition) -> tuple[str, ...]:
    """Names ``--regions`` accepts: the partition's STS regions from
    botocore's endpoint data, and ``global`` where a global endpoint exists."""
    names = tuple(partition.sts_regions)
    return (GLOBAL, *names) if partition.has_global_endpoint else names


def validate_arguments(
    parsed_args: Any,
    partition: Partition,
    partitions: Partitions,
    sts_region: str | None,
) -> Arguments:
    """Check every argument but the organization's and the fleet's; raise
    ArgumentProblem with one clear line. ``--max-concurrency`` and
    ``--samples`` default to their mode's value (``--organization`` or
    not)."""
    organization = bool(getattr(parsed_args, "organization", False))
    choices = region_choices(partition)
    regions = _regions("--regions", parsed_args.regions, choices, partition)
    role_arn = parsed_args.role_arn
    if role_arn is not None:
        _check_role_arn(role_arn, partition, partitions)
    timeout = _number(
        "--timeout", parsed_args.timeout, DEFAULT_TIMEOUT, MAX_CHECK_TIMEOUT
    )
    max_concurrency = whole_number(
        "--max-concurrency",
        parsed_args.max_concurrency,
        MAX_CONCURRENCY_DEFAULTS[organization],
        MAX_CONCURRENCY_LIMIT,
    )
    samples = whole_number(
        "--samples", parsed_args.samples, SAMPLES_DEFAULTS[organization], MAX_SAMPLES
    )
    throttle_budget = _number(
        "--throttle-budget",
        getattr(parsed_args, "throttle_budget", None),
        DEFAULT_THROTTLE_BUDGET,
        MAX_THROTTLE_BUDGET,
    )
    require = parsed_args.require_active
    require_active: tuple[str, ...] | None = None
    if require is not None:
        if require:
            require_active = _regions("--require-active", require, choices, partition)
        elif regions:
            # Without names it checks what --regions probes ...
            require_active = regions
        elif sts_region:
            # ... or else the profile's own STS region.
            require_active = (sts_region,)
        else:
            raise ArgumentProblem(
                "--require-active: name the regions (here or with --regions), "
                "or set sts_region in the profile (aws configure set "
                "sts_region REGION)"
            )
    return Arguments(
        regions=regions,
        role_arn=role_arn,
        timeout=timeout,
        max_concurrency=max_concurrency,
        samples=samples,
        throttle_budget=throttle_budget,
        require_active=require_active,
    )


def regions_to_probe(arguments: Arguments, partition: Partition) -> tuple[str, ...]:
    """All regions of the partition (global first), or only those
    ``--regions`` names, and any that ``--require-active`` names, since its
    verdict depends on them."""
    base = arguments.regions or region_choices(partition)
    return tuple(dict.fromkeys([*base, *(arguments.require_active or ())]))


def organization_arguments(
    parsed_args: Any, parsed_globals: Any
) -> OrganizationOptions | None:
    """The organization options, validated; None without --organization.

    Runs after the single-account validation (regions, timeout, limits).
    Raises ArgumentProblem with one clear line.
    """
    if not getattr(parsed_args, "organization", False):
        for dest, option in _ORGANIZATION_ONLY:
            if getattr(parsed_args, dest, None) not in (None, False):
                raise ArgumentProblem(f"{option} needs --organization")
        return None
    for dest, option in _ONE_ACCOUNT_ONLY:
        if getattr(parsed_args, dest, None) not in (None, False):
            raise ArgumentProblem(
                f"{option} cannot be used with --organization (it asks about "
                "one account)"
            )
    role_name = member_role_name(parsed_args.member_role_name)
    accounts = account_ids("--accounts", parsed_args.accounts)
    in_flight = whole_number(
        "--max-accounts-in-flight",
        parsed_args.max_accounts_in_flight,
        DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
        MAX_ACCOUNTS_IN_FLIGHT,
    )
    output_format = OutputFormat(parsed_args.output_format or OutputFormat.DOCUMENT)
    if output_format == OutputFormat.JSONL:
        if getattr(parsed_globals, "query", None) is not None:
            raise ArgumentProblem(
                "--query does not apply to --output-format jsonl; filter the "
                "lines (e.g. with jq), or use --output-format document"
            )
        if (getattr(parsed_globals, "output", None) or "json") != "json":
            raise ArgumentProblem(
                f"--output {parsed_globals.output} does not apply to "
                "--output-format jsonl, which writes JSON lines"
            )
    return OrganizationOptions(
        member_role_name=role_name,
        accounts=accounts,
        include_suspended=bool(parsed_args.include_suspended),
        max_accounts_in_flight=in_flight,
        output_format=output_format,
    )


def _regions(
    option: str,
    values: Sequence[str] | None,
    choices: tuple[str, ...],
    partition: Partition,
) -> tuple[str, ...] | None:
    def check(name: str) -> None:
        if name not in choices:
            newer = (
                "; if it is a region newer than the installed botocore, upgrade "
                "the AWS CLI"
                if partition.fits_pattern(name)
                else ""
            )
            raise ArgumentProblem(
                f"{option}: {quote(name)} is not an STS region of partition "
                f"{partition.name}{did_you_mean(name, choices)}{newer}; expected "
                f"one of: {', '.join(choices)}"
            )

    return names(option, values, check, "region")


def _check_role_arn(value: str, partition: Partition, partitions: Partitions) -> None:
    known = {p.name for p in partitions.partitions}
    try:
        arn = parse_role_arn(value)
    except IdentifierError:
        arn = None
    if arn is None or arn.partition not in known:
        raise ArgumentProblem(
            f"--role-arn: {quote(value)} is not an IAM role ARN; expected "
            f"arn:{partition.name}:iam::123456789012:role/NAME"
        )
    if not arn.in_partition(partition.name):
        raise ArgumentProblem(
            f"--role-arn: {quote(value)} is in partition {arn.partition}, but the "
            f"check runs in partition {partition.name} (the profile's region)"
        )


def _number(option: str, value: Any, default: float, maximum: float) -> float:
    """Seconds in ASCII digits, from MIN_TIMEOUT to ``maximum``."""
    if value is None:
        return default
    number = parse_decimal(value)
    if number is None or not MIN_TIMEOUT <= number <= maximum:
        raise ArgumentProblem(
            f"{option}: expected a number of seconds from {MIN_TIMEOUT:g} to "
            f"{maximum:g} (digits and a point, such as 5 or 2.5), got {quote(value)}"
        )
    return number
