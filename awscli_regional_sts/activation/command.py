"""``aws sts activation-check``: the CLI glue around ``check.ActivationCheck``.

Parses and validates the arguments (nothing is sent when one is wrong),
runs the check, prints the report through the CLI's own formatter (so
``--output`` and ``--query`` work as for any command) and sets the exit
status.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from awscli.customizations.commands import BasicCommand
from awscli.formatter import get_formatter

from awscli_regional_sts.activation.organization_command import (
    ARG_TABLE as ORGANIZATION_ARG_TABLE,
)
from awscli_regional_sts.activation.organization_command import (
    organization_arguments,
    run_organization_check,
)
from awscli_regional_sts.handlers import session_handler_ids

# The check itself (and botocore's clients with it) loads only when the
# command runs: the sts command table, and so this module, is built for
# every `aws sts ...` command.
if TYPE_CHECKING:
    from awscli_regional_sts.activation.check import Report
    from awscli_regional_sts.partitions import Partition, Partitions

#: The CLI's exit status for invalid parameters (CLI v2's
#: PARAM_VALIDATION_ERROR_RC; CLI v1 has no separate status and uses 255
#: for everything, so the v2 value is used on both).
PARAM_VALIDATION_ERROR_RC = 252
#: Exit status of ``--require-active`` when a named region is not active.
NOT_ACTIVE_RC = 1
#: Exit status when ``--save`` could not write (the CLI's general error).
SAVE_FAILED_RC = 255

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_SAMPLES = 3
MAX_CONCURRENCY_LIMIT = 64
MAX_SAMPLES = 20
MAX_TIMEOUT = 300.0


class ArgumentProblem(ValueError):
    """An invalid argument, as one line for stderr; nothing was sent."""


@dataclass(frozen=True)
class Arguments:
    regions: tuple[str, ...] | None
    role_arn: str | None
    timeout: float
    max_concurrency: int
    samples: int
    #: None: not asked; a tuple: regions that must be active.
    require_active: tuple[str, ...] | None


def region_choices(partition: Partition) -> tuple[str, ...]:
    """Names ``--regions`` accepts: the partition's STS regions from
    botocore's endpoint data, and ``global`` where a global endpoint exists."""
    from awscli_regional_sts.activation.probe import GLOBAL

    names = tuple(partition.sts_regions)
    return (GLOBAL, *names) if partition.name == "aws" else names


def validate_arguments(
    parsed_args: Any,
    partition: Partition,
    partitions: Partitions,
    sts_region: str | None,
) -> Arguments:
    """Check every argument; raise ArgumentProblem with one clear line."""
    choices = region_choices(partition)
    regions = _regions("--regions", parsed_args.regions, choices, partition)
    role_arn = parsed_args.role_arn
    if role_arn is not None:
        _check_role_arn(role_arn, partition, partitions)
    timeout = _number("--timeout", parsed_args.timeout, DEFAULT_TIMEOUT, MAX_TIMEOUT)
    max_concurrency = _integer(
        "--max-concurrency",
        parsed_args.max_concurrency,
        DEFAULT_MAX_CONCURRENCY,
        MAX_CONCURRENCY_LIMIT,
    )
    samples = _integer("--samples", parsed_args.samples, DEFAULT_SAMPLES, MAX_SAMPLES)
    require = parsed_args.require_active
    require_active: tuple[str, ...] | None = None
    if require is not None:
        if require:
            require_active = _regions("--require-active", require, choices, partition)
        elif sts_region:
            require_active = (sts_region,)
        else:
            raise ArgumentProblem(
                "--require-active: name the regions, or set sts_region in the "
                "profile (aws configure set sts_region REGION)"
            )
    return Arguments(
        regions, role_arn, timeout, max_concurrency, samples, require_active
    )


def _regions(
    option: str,
    values: Sequence[str] | None,
    choices: tuple[str, ...],
    partition: Partition,
) -> tuple[str, ...] | None:
    if values is None:
        return None
    chosen: list[str] = []
    for value in values:
        for name in value.split(","):  # also accept "a,b" as shells users type
            name = name.strip()
            if not name:
                continue
            if name not in choices:
                raise ArgumentProblem(
                    f"{option}: {name!r} is not an STS region of partition "
                    f"{partition.name}; expected one of: {', '.join(choices)}"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise ArgumentProblem(f"{option}: name at least one region")
    return tuple(chosen)


def _check_role_arn(value: str, partition: Partition, partitions: Partitions) -> None:
    names = "|".join(re.escape(p.name) for p in partitions.partitions)
    match = re.fullmatch(rf"arn:({names}):iam::(\d{{12}}):role/[\w+=,.@/-]+", value)
    if not match:
        raise ArgumentProblem(
            f"--role-arn: {value!r} is not an IAM role ARN; expected "
            f"arn:{partition.name}:iam::123456789012:role/NAME"
        )
    if match.group(1) != partition.name:
        raise ArgumentProblem(
            f"--role-arn: {value!r} is in partition {match.group(1)}, but the "
            f"check runs in partition {partition.name} (the profile's region)"
        )


def _number(option: str, value: Any, default: float, maximum: float) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and 0 < number <= maximum):
        raise ArgumentProblem(
            f"{option}: expected a number of seconds above 0 and at most "
            f"{maximum:g}, got {value!r}"
        )
    return number


def _integer(option: str, value: Any, default: int, maximum: int) -> int:
    if value is None:
        return default
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= maximum:
        raise ArgumentProblem(
            f"{option}: expected a whole number from 1 to {maximum}, got {value!r}"
        )
    return int(text)


def regions_to_probe(
    arguments: Arguments, partition: Partition, sts_region: str | None
) -> tuple[str, ...]:
    """All regions of the partition (global first), or those asked for; the
    regions ``--require-active`` names and the profile's sts_region are
    always probed, since the verdict and the warning depend on them."""
    base = arguments.regions or region_choices(partition)
    extra = list(arguments.require_active or ())
    if sts_region and sts_region in region_choices(partition):
        extra.append(sts_region)
    return tuple(dict.fromkeys([*base, *extra]))


def not_active(report: Report, regions: Sequence[str]) -> list[str]:
    """The required regions that are not active, as "region (status)"."""
    from awscli_regional_sts.activation.probe import ACTIVE

    return [
        f"{region} ({report.status_of(region) or 'not checked'})"
        for region in regions
        if report.status_of(region) != ACTIVE
    ]


class ActivationCheckCommand(BasicCommand):  # type: ignore[misc]
    NAME = "activation-check"

    DESCRIPTION = (
        "Check in which regions AWS STS is active for the account, and how "
        "fast each regional endpoint answers, to choose the ``sts_region`` of "
        "a profile.\n\n"
        "No AWS API lists STS activation per region, and GetCallerIdentity "
        "answers in deactivated regions too, so each region is probed with a "
        "credential-issuing call: ``GetSessionToken`` for long-term IAM user "
        "keys; ``AssumeRole`` of ``--role-arn`` when given; for a profile "
        "with ``role_arn``, ``AssumeRole`` of that role with the profile's "
        "source credentials (the call the CLI itself makes to load the "
        "profile). Other session credentials (IAM Identity Center, a session "
        "token in the environment) cannot call GetSessionToken: their regions "
        "are only checked for reachability and reported as ``unknown`` unless "
        "activation follows from documented facts; pass ``--role-arn`` to "
        "verify them. The credentials a probe obtains last the minimum 900 "
        "seconds and are discarded at once: never printed, logged or cached.\n\n"
        "Status of each region: ``active``, ``inactive`` (STS deactivated), "
        "``not-enabled`` (opt-in region not enabled for the account), "
        "``unreachable`` (no connection or no answer within ``--timeout``) or "
        "``unknown`` (with the reason). ``Verified`` is true when a "
        "credential-issuing call proved the status; otherwise ``Detail`` says "
        "what it was inferred from. Opt-in status comes from Account "
        "Management ListRegions when allowed. Activation applies to the "
        "account that issues the credentials (for AssumeRole, the role's "
        "account).\n\n"
        "``LatencyMs`` is the median of ``--samples`` GetCallerIdentity calls "
        "made after the probe call on the same connection (round trip without "
        "TLS set-up). Each probe goes to the region's own endpoint, whatever "
        "``sts_region``, ``--endpoint-url``, FIPS or dual-stack settings say. "
        "The report also gives the account's GlobalEndpointTokenVersion (IAM "
        "GetAccountSummary), the fastest active region and the ``aws "
        "configure set`` command that selects it."
    )

    ARG_TABLE = [
        {
            "name": "regions",
            "nargs": "+",
            "synopsis": "--regions <value> [<value>...]",
            "help_text": (
                "Probe only these regions (names of the profile's partition; "
                "<code>global</code> for the global endpoint). Default: every "
                "STS region in botocore's endpoint data, and the global "
                "endpoint."
            ),
        },
        {
            "name": "role-arn",
            "help_text": (
                "Probe by assuming this role (arn:PARTITION:iam::ACCOUNT:role/"
                "NAME) with the profile's credentials. Needed to verify "
                "activation with session credentials."
            ),
        },
        {
            "name": "timeout",
            "help_text": (
                "Seconds to wait for a connection and for each answer, per "
                f"request (default {DEFAULT_TIMEOUT:g}). A region that does "
                "not answer in time is unreachable."
            ),
        },
        {
            "name": "max-concurrency",
            "help_text": (
                "How many regions to probe at once (default "
                f"{DEFAULT_MAX_CONCURRENCY})."
            ),
        },
        {
            "name": "samples",
            "help_text": (
                "GetCallerIdentity calls per region for the latency median "
                f"(default {DEFAULT_SAMPLES})."
            ),
        },
        {
            "name": "require-active",
            "nargs": "*",
            "synopsis": "--require-active [<value>...]",
            "help_text": (
                "For scripts and CI: exit with status 1 unless these regions "
                "(default: the profile's <code>sts_region</code>) are "
                "active. The report is printed either way."
            ),
        },
        {
            "name": "save",
            "action": "store_true",
            "help_text": (
                "Save the statuses and latencies for <code>sts_region = "
                "auto</code>, under ~/.aws/cli/cache/regional-sts (per account "
                "and partition; nothing secret). Profiles with "
                "<code>sts_region = auto</code> then use the fastest active "
                "region without measuring."
            ),
        },
        *ORGANIZATION_ARG_TABLE,
    ]

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        from awscli_regional_sts.activation.check import (
            ActivationCheck,
            CheckOptions,
            credentials_redacted_in_logs,
        )
        from awscli_regional_sts.partitions import default_partitions

        session = self._session
        partitions = default_partitions()
        profile_region = parsed_globals.region or session.get_config_variable("region")
        partition = (
            partitions.region_partition(profile_region) if profile_region else None
        ) or partitions.by_name("aws")
        assert partition is not None
        sts_region = _sts_region(session)
        try:
            arguments = validate_arguments(
                parsed_args, partition, partitions, sts_region
            )
            organization = organization_arguments(parsed_args, parsed_globals)
        except ArgumentProblem as problem:
            sys.stderr.write(f"aws sts {self.NAME}: error: {problem}\n")
            return PARAM_VALIDATION_ERROR_RC

        options = CheckOptions(
            regions=regions_to_probe(arguments, partition, sts_region),
            partition=partition.name,
            profile=session.profile or "default",
            profile_region=profile_region,
            timeout=arguments.timeout,
            max_concurrency=arguments.max_concurrency,
            samples=arguments.samples,
            role_arn=arguments.role_arn,
            verify=getattr(parsed_globals, "verify_ssl", None),
            router_handlers=session_handler_ids(),
            sts_region=sts_region,
        )
        if organization is not None:
            return run_organization_check(
                self.NAME, session, options, organization, parsed_globals
            )
        progress = _Progress() if sys.stderr.isatty() else None
        with credentials_redacted_in_logs() as redactor:
            try:
                report = ActivationCheck(
                    session,
                    options,
                    progress or (lambda done, total: None),
                    redactor,
                ).run()
            finally:
                if progress is not None:
                    progress.clear()

        output = parsed_globals.output or session.get_config_variable("output")
        formatter = get_formatter(output or "json", parsed_globals)
        formatter(self.NAME, report.to_dict())

        if getattr(parsed_args, "save", False):
            from awscli_regional_sts.nearest import save_activation_check

            not_saved = save_activation_check(report.to_dict(), options.profile)
            if not_saved:
                sys.stderr.write(f"aws sts {self.NAME}: {not_saved}\n")
                return SAVE_FAILED_RC

        if arguments.require_active is not None:
            failing = not_active(report, arguments.require_active)
            if failing:
                sys.stderr.write(
                    f"aws sts {self.NAME}: not active: {', '.join(failing)}\n"
                )
                return NOT_ACTIVE_RC
        return 0


class _Progress:
    """One self-overwriting line on stderr (only used when it is a TTY)."""

    def __call__(self, done: int, total: int) -> None:
        sys.stderr.write(f"\rChecking STS activation: {done}/{total} ")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _sts_region(session: Any) -> str | None:
    """The STS region the profile asks for (AWS_STS_REGION or sts_region)."""
    try:
        from awscli_regional_sts.settings import read_sts_settings

        return read_sts_settings(session).region
    except Exception:
        # An invalid value is reported by the router on the first STS call.
        return None
