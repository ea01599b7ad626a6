"""``aws sts activation-check``: the CLI glue around ``account.ActivationCheck``.

Parses and validates the arguments (nothing is sent when one is wrong),
runs the check, prints the report through the CLI's own formatter (so
``--output`` and ``--query`` work as for any command) and sets the exit
status.
"""

from __future__ import annotations

import sys
from typing import Any

from awscli.customizations.commands import BasicCommand

from awscli_regional_sts.activation.options import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MEMBER_ROLE_NAME,
    DEFAULT_SAMPLES,
    DEFAULT_TIMEOUT,
    ORGANIZATION_MAX_CONCURRENCY,
    ORGANIZATION_SAMPLES,
    CheckOptions,
    OutputFormat,
)
from awscli_regional_sts.settings import read_sts_settings

#: The CLI's exit status for invalid parameters (CLI v2's
#: PARAM_VALIDATION_ERROR_RC; CLI v1 has no separate status and uses 255
#: for everything, so the v2 value is used on both).
PARAM_VALIDATION_ERROR_RC = 252
#: Exit status of ``--require-active`` when a named region is not active.
NOT_ACTIVE_RC = 1
#: Exit status when ``--save`` could not write (the CLI's general error).
SAVE_FAILED_RC = 255


ORGANIZATION_ARG_TABLE: list[dict[str, Any]] = [
    {
        "name": "organization",
        "action": "store_true",
        "help_text": (
            "Check every account of the AWS Organization (run it from the "
            "management account or a delegated administrator): list the "
            "accounts with Organizations ListAccounts, assume "
            "<code>--member-role-name</code> in each, and probe every region "
            "of each account by assuming that role at the region's endpoint "
            "(the member account issues the credentials, so its activation "
            "is what is probed). One result per account (<code>Error</code> "
            "says why an account could not be checked; the others go on) and "
            "a summary counting the accounts per region and status. "
            "Concurrency is bounded across accounts and regions together "
            f"(<code>--max-concurrency</code>, default {ORGANIZATION_MAX_CONCURRENCY}"
            f" here; <code>--samples</code> defaults to {ORGANIZATION_SAMPLES}). "
            "Member-role credentials stay in memory for one account's check "
            "only."
        ),
    },
    {
        "name": "member-role-name",
        "help_text": (
            "With --organization: the role to assume in each account "
            f"(default {DEFAULT_MEMBER_ROLE_NAME})."
        ),
    },
    {
        "name": "accounts",
        "nargs": "+",
        "synopsis": "--accounts <value> [<value>...]",
        "help_text": (
            "With --organization: only these 12-digit account ids. A named "
            "account that is not listed, or is not ACTIVE, gets a line with "
            "<code>Error</code>."
        ),
    },
    {
        "name": "include-suspended",
        "action": "store_true",
        "help_text": (
            "With --organization: also try accounts that are not ACTIVE "
            "(by default they are only counted in the summary)."
        ),
    },
    {
        "name": "max-accounts-in-flight",
        "help_text": (
            "With --organization: how many accounts to check at once "
            f"(default {DEFAULT_MAX_ACCOUNTS_IN_FLIGHT}); their requests share "
            "<code>--max-concurrency</code>."
        ),
    },
    {
        "name": "output-format",
        "choices": [output_format.value for output_format in OutputFormat],
        "help_text": (
            "With --organization: <code>document</code> (default; one "
            "document through <code>--output</code> and <code>--query</code>, "
            "which holds every account until the end) or <code>jsonl</code> "
            "(one JSON line per account as it finishes, then a summary line; "
            "memory stays flat; <code>--query</code> does not apply)."
        ),
    },
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
                "How many regions to probe at once (default: every region "
                f"asked for, up to {DEFAULT_MAX_CONCURRENCY}). A region's "
                "samples are always sequential."
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
        # The check loads only when it runs: the sts command table, and so
        # this module, is built for every `aws sts ...` command.
        from awscli.formatter import get_formatter

        from awscli_regional_sts.activation.account import ActivationCheck
        from awscli_regional_sts.activation.arguments import (
            ArgumentProblem,
            organization_arguments,
            regions_to_probe,
            validate_arguments,
        )
        from awscli_regional_sts.activation.organization_command import (
            run_organization_check,
        )
        from awscli_regional_sts.activation.progress import Progress
        from awscli_regional_sts.activation.redaction import (
            credentials_redacted_in_logs,
        )
        from awscli_regional_sts.activation.save import save_for_auto
        from awscli_regional_sts.partitions import default_partitions
        from awscli_regional_sts.registry import session_handler_ids

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
        progress = Progress.on_terminal(lambda done, total: f"{done}/{total}")
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
            not_saved = save_for_auto(
                report.to_dict(), options.profile, arguments.role_arn
            )
            if not_saved:
                sys.stderr.write(f"aws sts {self.NAME}: {not_saved}\n")
                return SAVE_FAILED_RC

        if arguments.require_active is not None:
            failing = report.not_active(arguments.require_active)
            if failing:
                sys.stderr.write(
                    f"aws sts {self.NAME}: not active: {', '.join(failing)}\n"
                )
                return NOT_ACTIVE_RC
        return 0


def _sts_region(session: Any) -> str | None:
    """The STS region the profile asks for (AWS_STS_REGION or sts_region)."""
    try:
        return read_sts_settings(session).region
    except Exception:
        # An invalid value is reported by the router on the first STS call.
        return None
