"""set-global-endpoint-token-version's arguments: checked before anything is
sent, one ``ArgumentProblem`` line each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.untrusted import did_you_mean, quote
from awscli_regional_sts.commands.accounts.arguments import (
    ArgumentProblem,
    account_ids,
    member_role_name,
    whole_number,
)
from awscli_regional_sts.commands.accounts.members import MAX_ACCOUNTS_IN_FLIGHT
from awscli_regional_sts.commands.token_version.plan import TokenVersion

#: More than activation-check's 4: an account here is two or three
#: sequential requests, not a probe of every region, so 4 accounts would be
#: only 4 requests in flight. Measured: 1,000 accounts took 55 s with 4 and
#: 25 s with 16 (benchmarks/token_version_remediation.py), CPU-bound at 16.
DEFAULT_MAX_ACCOUNTS_IN_FLIGHT = 16

_CHOICES = tuple(version.value for version in TokenVersion)


@dataclass(frozen=True)
class TokenVersionArguments:
    target: TokenVersion
    dry_run: bool
    #: ``--accounts``: only these (through their member role unless one is
    #: the caller's); None: the caller's account, or every listed account.
    accounts: tuple[str, ...] | None
    organization: bool
    member_role_name: str
    max_accounts_in_flight: int

    @property
    def uses_member_roles(self) -> bool:
        return self.organization or self.accounts is not None


def token_version_arguments(parsed_args: Any) -> TokenVersionArguments:
    """Every argument checked; raises ArgumentProblem with one clear line."""
    value = parsed_args.token_version
    if value is None:
        raise ArgumentProblem(f"--token-version is required: {' or '.join(_CHOICES)}")
    if value not in _CHOICES:
        raise ArgumentProblem(
            f"--token-version: {quote(value)} is not a token version"
            f"{did_you_mean(value, _CHOICES)}; expected {' or '.join(_CHOICES)}"
        )
    accounts = account_ids("--accounts", parsed_args.accounts)
    organization = bool(parsed_args.organization)
    if not organization and accounts is None:
        for dest, option in (
            ("member_role_name", "--member-role-name"),
            ("max_accounts_in_flight", "--max-accounts-in-flight"),
        ):
            if getattr(parsed_args, dest, None) is not None:
                raise ArgumentProblem(
                    f"{option} needs --accounts or --organization (it concerns "
                    "member accounts)"
                )
    return TokenVersionArguments(
        target=TokenVersion(value),
        dry_run=bool(parsed_args.dry_run),
        accounts=accounts,
        organization=organization,
        member_role_name=member_role_name(parsed_args.member_role_name),
        max_accounts_in_flight=whole_number(
            "--max-accounts-in-flight",
            parsed_args.max_accounts_in_flight,
            DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
            MAX_ACCOUNTS_IN_FLIGHT,
        ),
    )
