"""``aws sts activation-check``'s entry in the CLI's command table: its
name, synopsis, help and option table; the run itself (``main.py``) loads
only when the command runs.
"""

from __future__ import annotations

from typing import Any

from awscli.customizations.commands import BasicCommand


class ActivationCheckCommand(BasicCommand):  # type: ignore[misc]
    NAME = "activation-check"

    SYNOPSIS = (
        "aws sts activation-check [--regions <value> [<value>...]] "
        "[--role-arn <value>] [--timeout <value>] [--max-concurrency <value>] "
        "[--samples <value>] [--require-active [<value>...]] [--save] "
        "[--organization [--member-role-name <value>] "
        "[--accounts <value> [<value>...]] [--include-suspended] "
        "[--max-accounts-in-flight <value>] [--output-format <value>] "
        "[--shard <value>] [--accounts-from <value> "
        "[--accounts-max-age <value>]]] [--baseline <value>] "
        "[--report <value>] | "
        "aws sts activation-check --organization --list-accounts | "
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
        "``unknown`` (with the reason). A throttled answer is retried with "
        "back-off for up to ``--throttle-budget`` seconds, never reported: "
        "a region is ``unknown`` for throttling only once that budget is "
        "spent. ``Verified`` is true when a "
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
        "``--organization --list-accounts`` checks nothing and writes the "
        "organization's account listing as JSON (``Format``, "
        "``FormatVersion``, ``Partition``, ``OrganizationId``, "
        "``ManagementAccountId``, ``ListedAt``, ``Accounts`` with ``Id``, "
        "``Name`` and ``Status``, and ``Digest``, a SHA-256 of the rest); "
        "``--accounts-from`` takes the accounts from such a file instead of "
        "ListAccounts, so that the shards of one run list the organization "
        "once. "
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
        "or an unusable ``--baseline``/``--merge``/``--accounts-from`` file "
        "(nothing is sent; a listing of another organization: nothing after "
        "DescribeOrganization), "
        "the CLI's own status for a bad parameter: 252 on AWS CLI v2, 255 on "
        "AWS CLI v1; 255 when ``--save`` or ``--report`` could not write; "
        "when Organizations ListAccounts or DescribeOrganization is throttled "
        "until ``--throttle-budget`` is spent, the CLI's own status for a call "
        "AWS refused: 254 on AWS CLI v2, 255 on AWS CLI v1; "
        "otherwise the CLI's own statuses (e.g. missing credentials). When "
        "several apply, the first in this order wins: 255 (could not write), "
        "254 (throttled), 1, 3, 4, 5."
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
        "    aws sts activation-check --merge shard-*.json --report org.csv\n\n"
        "**To list the organization once for all the shards**\n\n"
        "::\n\n"
        "    aws sts activation-check --organization --list-accounts "
        "> accounts.json\n"
        "    aws sts activation-check --organization --accounts-from "
        "accounts.json --shard 1/4 > shard-1.json\n"
    )

    @property
    def ARG_TABLE(self) -> list[dict[str, Any]]:  # noqa: N802 (BasicCommand's name)
        # Loaded on use: the table and the defaults it names are needed
        # only when the command runs or shows help, not by every aws sts.
        from awscli_regional_sts.commands.activation.cli.option_table import ARG_TABLE

        return ARG_TABLE

    def _should_allow_plugins_override(self, param: Any, value: Any) -> bool:
        # The CLI would convert the numbers (typed in ARG_TABLE for the help
        # page) with int()/float() and fail with a bare Python message;
        # cli/argument_checks.py checks the text instead, one clear line each.
        from awscli_regional_sts.commands.activation.cli.option_table import (
            NUMBER_OPTIONS,
        )

        if getattr(param, "name", None) in NUMBER_OPTIONS:
            return False
        allowed: bool = super()._should_allow_plugins_override(param, value)
        return allowed

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        # The check loads only when it runs: the sts command table, and so
        # this module, is built for every `aws sts ...` command.
        from awscli_regional_sts.commands.activation.cli.main import run_command

        return run_command(self.NAME, self._session, parsed_args, parsed_globals)
