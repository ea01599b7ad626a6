"""``aws sts activation-check``: the CLI glue around ``account.ActivationCheck``.

Parses and validates the arguments (nothing is sent when one is wrong),
runs the check, prints the report through the CLI's own formatter (so
``--output`` and ``--query`` work as for any command) and sets the exit
status.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import Any

from awscli.customizations.commands import BasicCommand

from awscli_regional_sts.plugin.settings import read_sts_settings

#: Fields the default table leaves out (each region's own endpoint URL, as
#: wide as two other columns; JSON and text keep it), so that it stays
#: narrow.
_WIDE_FIELDS = ("Endpoint",)


class ActivationCheckCommand(BasicCommand):  # type: ignore[misc]
    NAME = "activation-check"

    SYNOPSIS = (
        "aws sts activation-check [--regions <value> [<value>...]] "
        "[--role-arn <value>] [--timeout <value>] [--max-concurrency <value>] "
        "[--samples <value>] [--require-active [<value>...]] [--save] "
        "[--organization [--member-role-name <value>] "
        "[--accounts <value> [<value>...]] [--include-suspended] "
        "[--max-accounts-in-flight <value>] [--output-format <value>] "
        "[--shard <value>]] [--baseline <value>] [--report <value>] | "
        "aws sts activation-check --merge <value> [<value>...] "
        "[--baseline <value>] [--report <value>]"
    )

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
        "configure set`` command that selects it.\n\n"
        "Output fields: ``Account`` and ``Arn``: the caller (GetCallerIdentity); "
        "``Partition``; ``GlobalEndpointTokenVersion``: 1 or 2, or null with "
        "``GlobalEndpointTokenVersionDetail`` saying why; ``Probe``: the call "
        "each region was probed with; ``Fastest``: the fastest active region; "
        "``Recommendation``: ``Region``, ``LatencyMs``, ``GlobalLatencyMs``, "
        "``TimesFasterThanGlobal``, ``Tie`` and ``TiedWith`` (regions whose "
        "latency cannot be told apart from the fastest one's: their samples' "
        "ranges overlap, or with one sample they differ by at most 2 ms or "
        "20 %; the profile's ``sts_region``, then its ``region``, is then "
        "preferred among them), ``Reason`` and the ``Command`` that selects "
        "it; "
        "``Regions``: per region ``Region``, ``Endpoint`` (the URL probed), "
        "``Status``, ``Verified``, ``LatencyMs`` (null when unreachable) and "
        "``Detail``; ``Warnings``: lines about the profile's ``sts_region`` "
        "(naming where its value came from) and about v1 tokens. With "
        "``--output table`` or ``text`` and no ``--query``, warnings go to "
        "stderr and the table leaves out ``Endpoint``, so that it stays "
        "narrow. With ``--organization``: ``Partition``, ``MemberRoleName``, "
        "``Probe``, ``Accounts`` (per account ``AccountId``, its report's "
        "fields or an ``Error``) and ``Summary`` (``AccountsChecked``, "
        "``AccountsWithError``, ``AccountsSkipped``, and per region the "
        "number of accounts with each status), ``OrganizationId`` and "
        "``ManagementAccountId`` (from the accounts' ARNs in ListAccounts), "
        "and with ``--shard`` a ``Shard`` (``Number``, ``Count``, "
        "``AccountsSelected``: accounts of the whole run, ``AccountsInShard``). "
        "With ``--baseline``: ``Changes``, per change ``AccountId``, "
        "``Region`` (null unless a region's status changed), ``Change`` "
        "(``Status``, ``GlobalEndpointTokenVersion``, or ``Account``: the "
        "account appeared, went, or could not be checked: null, ``checked`` "
        "or ``error``), ``Before`` and ``After``.\n\n"
        "Exit status: 0 when the check ran; 1 when ``--require-active`` "
        "finds a region not active; 3 when ``--require-active`` finds none "
        "inactive but cannot tell the activation of one (``unknown``); 4 "
        "when ``--organization`` could not check a selected account; 5 "
        "when ``--baseline`` finds a change; for an invalid option value "
        "or an unusable ``--baseline``/``--merge`` file (nothing is sent), "
        "the CLI's own status for a bad parameter: 252 on AWS CLI v2, 255 on "
        "AWS CLI v1; 255 when ``--save`` or ``--report`` could not write; "
        "otherwise the CLI's own statuses (e.g. missing credentials). When "
        "several apply, the first in this order wins: 255 (could not write), "
        "1, 3, 4, 5."
    )

    EXAMPLES = (
        "**To check every STS region for the profile's account**\n\n"
        "::\n\n"
        "    aws sts activation-check --profile tokyo\n\n"
        "**To check two regions as a table**\n\n"
        "::\n\n"
        "    aws sts activation-check --regions ap-northeast-1 eu-west-1 "
        "--output table\n\n"
        "**To fail a CI job unless eu-west-1 is active**\n\n"
        "::\n\n"
        "    aws sts activation-check --regions eu-west-1 --require-active\n\n"
        "**To fail a CI job unless the profile's sts_region is active**\n\n"
        "::\n\n"
        "    aws sts activation-check --require-active\n\n"
        "**To list the regions where STS is inactive**\n\n"
        "::\n\n"
        "    aws sts activation-check --query "
        "\"Regions[?Status=='inactive'].Region\" --output text\n\n"
        "**To check every account of an organization, a line per account**\n\n"
        "::\n\n"
        "    aws sts activation-check --organization --output-format jsonl\n\n"
        "**To alert when anything changed since yesterday's report**\n\n"
        "::\n\n"
        "    aws sts activation-check --organization --baseline yesterday.json "
        "--report today.html > today.json\n\n"
        "**To check an organization in four jobs and merge them**\n\n"
        "::\n\n"
        "    aws sts activation-check --organization --shard 1/4 > shard-1.json\n"
        "    aws sts activation-check --merge shard-*.json --report org.csv\n"
    )

    @property
    def ARG_TABLE(self) -> list[dict[str, Any]]:  # noqa: N802 (BasicCommand's name)
        # Loaded on use: the table and the defaults it names are needed
        # only when the command runs or shows help, not by every aws sts.
        from awscli_regional_sts.commands.activation.arg_table import ARG_TABLE

        return ARG_TABLE

    def _should_allow_plugins_override(self, param: Any, value: Any) -> bool:
        # The CLI would convert the numbers (typed in ARG_TABLE for the help
        # page) with int()/float() and fail with a bare Python message;
        # arguments.py checks the text instead, one clear line each.
        from awscli_regional_sts.commands.activation.arg_table import NUMBER_OPTIONS

        if getattr(param, "name", None) in NUMBER_OPTIONS:
            return False
        allowed: bool = super()._should_allow_plugins_override(param, value)
        return allowed

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        # The check loads only when it runs: the sts command table, and so
        # this module, is built for every `aws sts ...` command.
        from awscli_regional_sts.aws.partitions import default_partitions
        from awscli_regional_sts.commands.accounts.arguments import (
            ArgumentProblem,
            invalid_arguments_status,
        )
        from awscli_regional_sts.commands.activation.arguments import (
            organization_arguments,
            validate_arguments,
        )
        from awscli_regional_sts.commands.activation.fleet.arguments import (
            fleet_arguments,
        )
        from awscli_regional_sts.commands.activation.fleet.command import run_merge
        from awscli_regional_sts.commands.activation.fleet.documents import (
            ReportProblem,
        )

        session = self._session
        # The session's loader: it keeps endpoints.json, parsed once, for
        # every client of the check.
        partitions = default_partitions(session.get_component("data_loader"))
        profile_region = parsed_globals.region or session.get_config_variable("region")
        partition = partitions.of_region_or_aws(profile_region)
        sts_region, sts_region_source = _sts_region(session)
        try:
            arguments = validate_arguments(
                parsed_args, partition, partitions, sts_region
            )
            organization = organization_arguments(parsed_args, parsed_globals)
            fleet = fleet_arguments(
                parsed_args,
                organization is not None,
                organization.output_format if organization else None,
                partition.name,
            )
        except ArgumentProblem as problem:
            sys.stderr.write(f"aws sts {self.NAME}: error: {problem}\n")
            return invalid_arguments_status()
        if fleet.merged is not None:
            return run_merge(self.NAME, session, fleet, parsed_globals)
        try:
            return self._run_check(
                parsed_args,
                parsed_globals,
                _Run(
                    arguments,
                    organization,
                    fleet,
                    partition,
                    profile_region,
                    (sts_region, sts_region_source),
                ),
            )
        except ReportProblem as problem:
            # A --baseline of another account or organization: told by the
            # first answer that names the caller, before any probe.
            sys.stderr.write(f"aws sts {self.NAME}: error: {problem}\n")
            return invalid_arguments_status()

    def _run_check(self, parsed_args: Any, parsed_globals: Any, run: _Run) -> int:
        from awscli_regional_sts.aws.status import CheckExit
        from awscli_regional_sts.aws.values import printable
        from awscli_regional_sts.commands.accounts.output import (
            TERMINAL_FORMATS,
            output_format,
            print_document,
        )
        from awscli_regional_sts.commands.accounts.progress import Progress
        from awscli_regional_sts.commands.accounts.redaction import (
            credentials_redacted_in_logs,
        )
        from awscli_regional_sts.commands.activation.arguments import regions_to_probe
        from awscli_regional_sts.commands.activation.fleet.command import (
            apply_fleet,
            exit_status,
        )
        from awscli_regional_sts.commands.activation.fleet.documents import ReportKind
        from awscli_regional_sts.commands.activation.fleet.drift import check_identity
        from awscli_regional_sts.commands.activation.options import CheckOptions
        from awscli_regional_sts.commands.activation.organization_command import (
            run_organization_check,
        )
        from awscli_regional_sts.commands.activation.run.caller_account import (
            CallerAccount,
            ask_identity,
            run_account_check,
        )
        from awscli_regional_sts.commands.activation.save import save_for_auto
        from awscli_regional_sts.plugin.registry import session_handler_ids

        session = self._session
        arguments, organization, fleet = run.arguments, run.organization, run.fleet
        partition, profile_region = run.partition, run.profile_region
        sts_region, sts_region_source = run.sts_region
        options = CheckOptions(
            regions=regions_to_probe(arguments, partition),
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
            sts_region_source=sts_region_source,
        )
        if organization is not None:
            organization = dataclasses.replace(
                organization,
                organization=dataclasses.replace(
                    organization.organization, shard=fleet.shard
                ),
            )
            return run_organization_check(
                self.NAME, session, options, organization, parsed_globals, fleet
            )
        baseline = fleet.baseline

        def on_identity(account: str) -> None:
            if baseline is not None:
                check_identity(ReportKind.ACCOUNT, baseline[1], account)

        progress = Progress.on_terminal(lambda done, total: f"{done}/{total}")
        with credentials_redacted_in_logs() as redactor:
            try:
                report = run_account_check(
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

        output = output_format(session, parsed_globals)
        document = report.to_dict()
        fleet_status = apply_fleet(self.NAME, ReportKind.ACCOUNT, document, fleet)
        if output in TERMINAL_FORMATS and parsed_globals.query is None:
            # A warning is a sentence: as a table row it would make every
            # column as wide as itself. It may quote AWS's words.
            for warning in document.pop("Warnings"):
                sys.stderr.write(
                    f"aws sts {self.NAME}: warning: {printable(warning)}\n"
                )
        if output == "table" and parsed_globals.query is None:
            for row in document["Regions"]:
                for name in _WIDE_FIELDS:
                    row.pop(name, None)
        print_document(self.NAME, document, session, parsed_globals)

        if getattr(parsed_args, "save", False):
            not_saved = save_for_auto(
                report.to_dict(), options.profile, arguments.role_arn
            )
            if not_saved:
                sys.stderr.write(f"aws sts {self.NAME}: {not_saved}\n")
                return CheckExit.SAVE_FAILED

        if arguments.require_active is not None:
            verdict = report.verdict(arguments.require_active)
            if verdict.failing:
                sys.stderr.write(
                    f"aws sts {self.NAME}: not active: "
                    f"{', '.join(verdict.failing + verdict.undetermined)}\n"
                )
                return exit_status(fleet_status, CheckExit.NOT_ACTIVE)
            if verdict.undetermined:
                sys.stderr.write(
                    f"aws sts {self.NAME}: activation cannot be told: "
                    f"{', '.join(verdict.undetermined)}; these credentials "
                    "cannot call a credential-issuing probe: pass --role-arn "
                    "to verify\n"
                )
                return exit_status(fleet_status, CheckExit.UNDETERMINED)
        return exit_status(fleet_status)


@dataclass(frozen=True)
class _Run:
    """What ``_run_main`` checked, for ``_run_check``."""

    arguments: Any
    organization: Any
    fleet: Any
    partition: Any
    profile_region: str | None
    #: The profile's STS region and where it was set.
    sts_region: tuple[str | None, str]


def _sts_region(session: Any) -> tuple[str | None, str]:
    """The STS region the profile asks for (AWS_STS_REGION or sts_region),
    and where that was said."""
    try:
        settings = read_sts_settings(session)
    except Exception:
        # An invalid value is reported by the router on the first STS call.
        return None, ""
    return settings.region, settings.source
