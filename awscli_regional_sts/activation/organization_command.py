"""``aws sts activation-check --organization``: the CLI glue around
``organization.OrganizationCheck``.

Holds the organization options' ARG_TABLE entries, their validation (one
line, nothing sent), and the two outputs:

* ``--output-format document`` (default): one document through the CLI's
  formatter, so ``--output`` json/text/table/yaml and ``--query`` apply. A
  document must hold every account, so this mode keeps each account's
  printed fields (and only those) until the end.
* ``--output-format jsonl``: one JSON line per account, written as each
  account finishes, then one summary line; nothing is held, so memory stays
  flat however large the organization.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from awscli_regional_sts.activation import DEFAULT_MEMBER_ROLE_NAME

if TYPE_CHECKING:
    from awscli_regional_sts.activation.check import CheckOptions
    from awscli_regional_sts.activation.organization import (
        AccountResult,
        OrganizationOptions,
    )

DOCUMENT = "document"
JSONL = "jsonl"
OUTPUT_FORMATS = (DOCUMENT, JSONL)

#: In an organization check one semaphore bounds the requests of all
#: accounts together, so the default is larger than the single account's.
DEFAULT_MAX_CONCURRENCY = 16
DEFAULT_MAX_ACCOUNTS_IN_FLIGHT = 4
MAX_ACCOUNTS_IN_FLIGHT = 64
#: A region's latency is the same for every account (one endpoint, one
#: caller), so more samples per account would only multiply requests.
DEFAULT_SAMPLES = 1

_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_ACCOUNT_ID = re.compile(r"\d{12}")

#: Options that only mean something with --organization.
_ORGANIZATION_ONLY = (
    ("member_role_name", "--member-role-name"),
    ("accounts", "--accounts"),
    ("include_suspended", "--include-suspended"),
    ("max_accounts_in_flight", "--max-accounts-in-flight"),
    ("output_format", "--output-format"),
)

ARG_TABLE: list[dict[str, Any]] = [
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
            f"(<code>--max-concurrency</code>, default {DEFAULT_MAX_CONCURRENCY}"
            f" here; <code>--samples</code> defaults to {DEFAULT_SAMPLES}). "
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
        "choices": list(OUTPUT_FORMATS),
        "help_text": (
            "With --organization: <code>document</code> (default; one "
            "document through <code>--output</code> and <code>--query</code>, "
            "which holds every account until the end) or <code>jsonl</code> "
            "(one JSON line per account as it finishes, then a summary line; "
            "memory stays flat; <code>--query</code> does not apply)."
        ),
    },
]


@dataclass(frozen=True)
class OrganizationArguments:
    organization: OrganizationOptions
    output_format: str
    max_concurrency: int
    samples: int


def organization_arguments(
    parsed_args: Any, parsed_globals: Any
) -> OrganizationArguments | None:
    """The organization options, validated; None without --organization.

    Runs after the single-account validation (regions, timeout, limits).
    Raises ArgumentProblem with one clear line.
    """
    from awscli_regional_sts.activation.command import (
        MAX_CONCURRENCY_LIMIT,
        MAX_SAMPLES,
        ArgumentProblem,
        _integer,
    )

    if not getattr(parsed_args, "organization", False):
        for dest, option in _ORGANIZATION_ONLY:
            if getattr(parsed_args, dest, None) not in (None, False):
                raise ArgumentProblem(f"{option} needs --organization")
        return None
    for dest, option in (
        ("role_arn", "--role-arn"),
        ("require_active", "--require-active"),
        ("save", "--save"),
    ):
        if getattr(parsed_args, dest, None) not in (None, False):
            raise ArgumentProblem(
                f"{option} cannot be used with --organization (it asks about "
                "one account)"
            )
    role_name = parsed_args.member_role_name
    if role_name is None:
        role_name = DEFAULT_MEMBER_ROLE_NAME
    elif not _ROLE_NAME.fullmatch(role_name):
        raise ArgumentProblem(
            f"--member-role-name: {role_name!r} is not an IAM role name "
            "(1 to 64 of letters, digits and +=,.@_-)"
        )
    accounts = _account_ids(parsed_args.accounts)
    in_flight = _integer(
        "--max-accounts-in-flight",
        parsed_args.max_accounts_in_flight,
        DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
        MAX_ACCOUNTS_IN_FLIGHT,
    )
    output_format = parsed_args.output_format or DOCUMENT
    if output_format == JSONL:
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
    from awscli_regional_sts.activation.organization import OrganizationOptions

    return OrganizationArguments(
        OrganizationOptions(
            member_role_name=role_name,
            accounts=accounts,
            include_suspended=bool(parsed_args.include_suspended),
            max_accounts_in_flight=in_flight,
        ),
        output_format,
        _integer(
            "--max-concurrency",
            parsed_args.max_concurrency,
            DEFAULT_MAX_CONCURRENCY,
            MAX_CONCURRENCY_LIMIT,
        ),
        _integer("--samples", parsed_args.samples, DEFAULT_SAMPLES, MAX_SAMPLES),
    )


def _account_ids(values: Sequence[str] | None) -> tuple[str, ...] | None:
    from awscli_regional_sts.activation.command import ArgumentProblem

    if values is None:
        return None
    chosen: list[str] = []
    for value in values:
        for name in value.split(","):  # also accept "a,b"
            name = name.strip()
            if not name:
                continue
            if not _ACCOUNT_ID.fullmatch(name):
                raise ArgumentProblem(
                    f"--accounts: {name!r} is not an AWS account id (12 digits)"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise ArgumentProblem("--accounts: name at least one account id")
    return tuple(chosen)


def run_organization_check(
    command_name: str,
    session: Any,
    options: CheckOptions,
    arguments: OrganizationArguments,
    parsed_globals: Any,
) -> int:
    """Run the check and print it; the exit status (0: every account was
    listed and handled, whether or not some have an Error)."""
    from awscli_regional_sts.activation.check import credentials_redacted_in_logs
    from awscli_regional_sts.activation.organization import OrganizationCheck

    options = dataclasses.replace(
        options, max_concurrency=arguments.max_concurrency, samples=arguments.samples
    )
    progress = _Progress() if sys.stderr.isatty() else None
    kept: list[tuple[int, dict[str, Any]]] = []
    on_result: Callable[[AccountResult], None]
    if arguments.output_format == JSONL:
        on_result = _write_line
    else:
        # A document holds every account: keep only the printed fields.
        def on_result(result: AccountResult) -> None:
            kept.append((result.index, result.to_dict()))

    with credentials_redacted_in_logs() as redactor:
        check = OrganizationCheck(
            session,
            options,
            arguments.organization,
            on_result,
            progress or (lambda checked, failed: None),
            redactor,
        )
        try:
            summary = check.run()
        finally:
            if progress is not None:
                progress.clear()

    if arguments.output_format == JSONL:
        _write_line_dict({"Summary": summary.to_dict()})
        return 0
    from awscli.formatter import get_formatter

    kept.sort(key=lambda item: item[0])
    document = {
        "Partition": options.partition,
        "MemberRoleName": arguments.organization.member_role_name,
        "Probe": check.probe_description,
        "Accounts": [fields for _, fields in kept],
        "Summary": summary.to_dict(),
    }
    output = parsed_globals.output or session.get_config_variable("output")
    formatter = get_formatter(output or "json", parsed_globals)
    formatter(command_name, document)
    return 0


def _write_line(result: AccountResult) -> None:
    _write_line_dict(result.to_dict())


def _write_line_dict(fields: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(fields, separators=(",", ":")) + "\n")
    # Flushed per line: a reader (jq, a pipeline) sees each account as it
    # finishes.
    sys.stdout.flush()


class _Progress:
    """One self-overwriting line on stderr (only used when it is a TTY)."""

    def __call__(self, checked: int, failed: int) -> None:
        sys.stderr.write(
            f"\rChecking STS activation: {checked} accounts checked, "
            f"{failed} with an error "
        )
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
