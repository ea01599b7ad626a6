"""The options of ``aws sts set-global-endpoint-token-version``, with their
help: the command's ``ARG_TABLE``.

Apart from ``command.py`` because the AWS CLI imports ``command.py`` for
every ``aws sts ...`` command (to build the command table), while this
table is needed only when the command runs or shows its help. The numbers
are typed for the help page only; ``arguments.py`` checks them.
"""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.commands.accounts.members import (
    DEFAULT_MEMBER_ROLE_NAME,
    MAX_ACCOUNTS_IN_FLIGHT,
)
from awscli_regional_sts.commands.token_version.arguments import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
)

#: Options typed as numbers in the help, parsed by arguments.py.
NUMBER_OPTIONS = frozenset({"max-accounts-in-flight"})

ARG_TABLE: list[dict[str, Any]] = [
    {
        "name": "token-version",
        "synopsis": "--token-version <value>",
        "help_text": (
            "Required. <code>v2Token</code>: the global endpoint "
            "(sts.amazonaws.com) issues version 2 session tokens, valid in "
            "every region, opt-in regions included. Version 2 tokens are "
            "longer: a system that stores session tokens in a field of fixed "
            'size can truncate or reject them (IAM User Guide, "Manage AWS '
            'STS in an AWS Region"). <code>v1Token</code>: version 1 tokens, '
            "valid only in regions enabled by default; this is also how to "
            "go back after <code>v2Token</code>. Regional endpoints issue "
            "tokens valid in every region whatever this says."
        ),
    },
    {
        "name": "accounts",
        "nargs": "+",
        "synopsis": "--accounts <value> [<value>...]",
        "help_text": (
            "Only these 12-digit account ids, each reached by assuming "
            "<code>--member-role-name</code> in it (the caller's own account "
            "with the caller's credentials). With "
            "<code>--organization</code>: only these of the listed accounts; "
            "one that is not listed, or not ACTIVE, gets an "
            "<code>Error</code>."
        ),
    },
    {
        "name": "organization",
        "action": "store_true",
        "help_text": (
            "Every ACTIVE account of the AWS Organization (run it from the "
            "management account or a delegated administrator): the accounts "
            "are listed with Organizations ListAccounts, each member is "
            "reached by assuming <code>--member-role-name</code> in it, as "
            "<code>aws sts activation-check --organization</code> does, and "
            "the caller's own account with the caller's credentials. "
            "Accounts that are not ACTIVE are only counted "
            "(<code>Summary.Skipped</code>)."
        ),
    },
    {
        "name": "member-role-name",
        "help_text": (
            "With --accounts or --organization: the role to assume in each "
            f"member account (default {DEFAULT_MEMBER_ROLE_NAME}). It needs "
            "<code>iam:GetAccountSummary</code> and "
            "<code>iam:SetSecurityTokenServicePreferences</code>."
        ),
    },
    {
        "name": "max-accounts-in-flight",
        "cli_type_name": "integer",
        "help_text": (
            "With --accounts or --organization: how many accounts to work "
            f"on at once (default {DEFAULT_MAX_ACCOUNTS_IN_FLIGHT}, at most "
            f"{MAX_ACCOUNTS_IN_FLIGHT}); each account's requests are "
            "sequential."
        ),
    },
    {
        "name": "dry-run",
        "action": "store_true",
        "help_text": (
            "Only read each account's version (IAM GetAccountSummary) and "
            "show what would change: no SetSecurityTokenServicePreferences "
            "is sent. <code>After</code> is then the version a run without "
            "<code>--dry-run</code> would leave, and <code>Changed</code> is "
            "false."
        ),
    },
]
