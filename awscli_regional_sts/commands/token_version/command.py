"""``aws sts set-global-endpoint-token-version``: the CLI glue.

This module is imported whenever the ``sts`` command table is built, i.e.
for every ``aws sts ...`` command, so it imports only the CLI's command
base class; the option table and the logic load when the command runs.
"""

from __future__ import annotations

from typing import Any

from awscli.customizations.commands import BasicCommand


class SetGlobalEndpointTokenVersionCommand(BasicCommand):  # type: ignore[misc]
    NAME = "set-global-endpoint-token-version"

    SYNOPSIS = (
        "aws sts set-global-endpoint-token-version --token-version <value> "
        "[--accounts <value> [<value>...]] [--organization] "
        "[--member-role-name <value>] [--max-accounts-in-flight <value>] "
        "[--dry-run]"
    )

    DESCRIPTION = (
        "Set which version of session tokens the STS global endpoint "
        "(``sts.amazonaws.com``) issues for an account: IAM's "
        "``GlobalEndpointTokenVersion``, set with IAM "
        "SetSecurityTokenServicePreferences and read with IAM "
        "GetAccountSummary, one call per account at the partition's IAM "
        "endpoint. Version 1 tokens are valid only in regions enabled by "
        "default, so a v1 token fails in an opt-in region (such as "
        "ap-east-1) with ``InvalidClientTokenId``; version 2 tokens are "
        "valid in every region. Regional STS endpoints issue tokens valid "
        "in every region whatever the setting; it matters for what still "
        "calls the global endpoint.\n\n"
        "**Before moving to v2Token:** version 2 tokens are longer than "
        "version 1 tokens. A system that stores session tokens in a field "
        "of fixed size (a database column, a cache entry, a header with a "
        "size limit) can truncate or reject them. AWS gives this warning in "
        'the IAM User Guide, "Manage AWS STS in an AWS Region", and in the '
        "IAM API Reference for SetSecurityTokenServicePreferences.\n\n"
        "**To go back:** run the command again with ``--token-version "
        "v1Token`` for the same accounts.\n\n"
        "Which accounts: the caller's own (no option); those that "
        "``--accounts`` names, each through ``--member-role-name`` (the "
        "caller's own account with the caller's credentials); or with "
        "``--organization`` every ACTIVE account that Organizations "
        "ListAccounts lists, each member through its member role as ``aws "
        "sts activation-check --organization`` reaches it, and the caller's "
        "own account (the management account) with the caller's "
        "credentials. Member-role credentials are kept in memory for one "
        "account's calls only, and never printed.\n\n"
        "Each account's version is read first; SetSecurityTokenServicePreferences "
        "is sent only where it differs from ``--token-version``, so running "
        "the command again sends no write. With ``--dry-run`` nothing is "
        "written at all. An account that fails gets an ``Error`` and the "
        "others go on.\n\n"
        "Output fields: ``TokenVersion`` (asked for); ``DryRun``; "
        "``MemberRoleName`` (null for the caller's account alone); "
        "``Accounts``: per account ``AccountId``, ``Before`` and ``After`` "
        "(``v1Token`` or ``v2Token``; null when unknown; with ``--dry-run`` "
        "``After`` is what a run without it would leave), ``Changed`` (true "
        "when this run changed the account) and ``Error`` (null, or the "
        "call that failed and why); ``Summary``: ``Accounts``, "
        "``AlreadySet``, ``Changed``, ``WouldChange`` (``--dry-run``), "
        "``WithError`` and ``Skipped`` (listed accounts that are not "
        "ACTIVE).\n\n"
        "Exit status: 0 when every account has (or, with ``--dry-run``, "
        "could be given) the version; 4 when an account has an ``Error`` "
        "(the others are printed all the same); for an invalid option "
        "value (nothing is sent), the CLI's own status for a bad parameter: "
        "252 on AWS CLI v2, 255 on AWS CLI v1; otherwise the CLI's own "
        "statuses (e.g. missing credentials, or a caller who may not list "
        "the organization's accounts)."
    )

    EXAMPLES = (
        "**To see which accounts of the organization still issue v1 "
        "tokens, changing nothing**\n\n"
        "::\n\n"
        "    aws sts set-global-endpoint-token-version --token-version "
        "v2Token --organization --dry-run --query "
        "\"Accounts[?Before=='v1Token'].AccountId\" --output text\n\n"
        "**To move the profile's account to version 2 tokens**\n\n"
        "::\n\n"
        "    aws sts set-global-endpoint-token-version --token-version "
        "v2Token\n\n"
        "**To move two member accounts, as a table**\n\n"
        "::\n\n"
        "    aws sts set-global-endpoint-token-version --token-version "
        "v2Token --accounts 111111111111 222222222222 --output table\n\n"
        "**To go back to version 1 tokens in every account**\n\n"
        "::\n\n"
        "    aws sts set-global-endpoint-token-version --token-version "
        "v1Token --organization\n"
    )

    @property
    def ARG_TABLE(self) -> list[dict[str, Any]]:  # noqa: N802 (BasicCommand's name)
        # Loaded on use: only this command's run or help needs it.
        from awscli_regional_sts.commands.token_version.arg_table import ARG_TABLE

        return ARG_TABLE

    def _should_allow_plugins_override(self, param: Any, value: Any) -> bool:
        # The CLI would convert the number with int() and fail with a bare
        # Python message; arguments.py checks the text, one clear line.
        from awscli_regional_sts.commands.token_version.arg_table import (
            NUMBER_OPTIONS,
        )

        if getattr(param, "name", None) in NUMBER_OPTIONS:
            return False
        allowed: bool = super()._should_allow_plugins_override(param, value)
        return allowed

    def _run_main(self, parsed_args: Any, parsed_globals: Any) -> int:
        # Loaded only when the command runs (see the module docstring).
        from awscli_regional_sts.commands.token_version.run import run_command

        return run_command(self.NAME, self._session, parsed_args, parsed_globals)


def inject_token_version_command(
    command_table: Any, session: Any, **kwargs: Any
) -> None:
    """Handle ``building-command-table.sts``: add the command."""
    command_table[SetGlobalEndpointTokenVersionCommand.NAME] = (
        SetGlobalEndpointTokenVersionCommand(session)
    )
