"""The options of ``aws sts activation-check``, with their help: the
command's ``ARG_TABLE``.

Apart from ``command.py`` because the AWS CLI builds the ``sts`` command
table, and so imports ``command.py``, for every ``aws sts ...`` command,
while this table (and the defaults it names) is needed only when the
command runs or shows its help. Numbers are typed for the help page only:
``command.py`` keeps the CLI from converting them, so that
``argument_checks.py`` checks each with one clear line.
"""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.commands.accounts.members import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
    DEFAULT_MEMBER_ROLE_NAME,
)
from awscli_regional_sts.commands.activation.fleet.documents import MAX_REPORT_BYTES
from awscli_regional_sts.commands.activation.fleet.listing import (
    DEFAULT_MAX_AGE_MINUTES,
    MAX_MAX_AGE_MINUTES,
)
from awscli_regional_sts.commands.activation.fleet.shards import MAX_SHARDS
from awscli_regional_sts.commands.activation.model.options import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_SAMPLES,
    DEFAULT_THROTTLE_BUDGET,
    DEFAULT_TIMEOUT,
    ORGANIZATION_MAX_CONCURRENCY,
    ORGANIZATION_SAMPLES,
    OutputFormat,
)

#: Options typed as numbers in the help, parsed by argument_checks.py.
NUMBER_OPTIONS = frozenset(
    {
        "timeout",
        "max-concurrency",
        "samples",
        "max-accounts-in-flight",
        "accounts-max-age",
        "throttle-budget",
    }
)

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
            "The credentials of a member's first successful probe sign its "
            "GetAccountSummary and ListRegions; an opt-in region that "
            "ListRegions says is DISABLED is reported without a probe. A "
            "region's latency is measured once for the whole run (the "
            "caller's GetCallerIdentity after the region's first answered "
            "probe) and given in every member's rows. Member-role "
            "credentials stay in memory for one account's check only."
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
        "cli_type_name": "integer",
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


FLEET_ARG_TABLE: list[dict[str, Any]] = [
    {
        "name": "shard",
        "help_text": (
            "With --organization: check only shard K of N (<code>K/N</code>, "
            f"1 &lt;= K &lt;= N &lt;= {MAX_SHARDS}), so that N jobs (a CI matrix, "
            "an AWS Batch array, a Step Functions map) share the accounts. "
            "An account is in shard K when the SHA-256 of its 12-digit id, "
            "as a big-endian number, modulo N is K-1: the same accounts for "
            "the same K/N whatever the order of ListAccounts. The report's "
            "<code>Shard</code> records K, N and how many accounts the whole "
            "run selected, for <code>--merge</code>."
        ),
    },
    {
        "name": "list-accounts",
        "action": "store_true",
        "help_text": (
            "With --organization: check nothing; list the organization's "
            "accounts (Organizations ListAccounts, every page) and write the "
            "listing to stdout as JSON, whatever <code>--output</code> says "
            "(<code>&gt; accounts.json</code>), for the "
            "<code>--accounts-from</code> of every shard: one ListAccounts "
            "per run instead of one per shard. The listing holds the "
            "organization's id, its management account, each account's "
            "<code>Id</code>, <code>Name</code> and <code>Status</code>, when "
            "it was listed and a SHA-256 <code>Digest</code> of the rest."
        ),
    },
    {
        "name": "accounts-from",
        "help_text": (
            "With --organization: take the accounts from this "
            "<code>--list-accounts</code> file instead of ListAccounts. The "
            "file must be yours or root's, writable by nobody else and not a "
            "symbolic link; a file that is stale (see "
            "<code>--accounts-max-age</code>), does not match its "
            "<code>Digest</code>, is malformed or of another partition is "
            "refused before anything is sent, and one of another "
            "organization (Organizations DescribeOrganization names another "
            "id or management account) before any member role is assumed. "
            "The digest tells corruption and careless edits, not an attacker "
            "who can rewrite the file: keep it where only you can write."
        ),
    },
    {
        "name": "accounts-max-age",
        "cli_type_name": "integer",
        "help_text": (
            "With --accounts-from: the oldest listing used, in minutes "
            f"(default {DEFAULT_MAX_AGE_MINUTES}, at most {MAX_MAX_AGE_MINUTES}): "
            "an older one would miss the accounts created since."
        ),
    },
    {
        "name": "merge",
        "nargs": "+",
        "synopsis": "--merge <value> [<value>...]",
        "help_text": (
            "Run no check: merge the <code>--output json</code> reports of "
            "every shard of one <code>--organization --shard K/N</code> run "
            "into one organization report (accounts in account id order, the "
            "summary counted again), printed and usable with "
            "<code>--baseline</code>, <code>--report</code>, "
            "<code>--output</code> and <code>--query</code> as an unsharded "
            "run's. A missing shard, a shard given twice, an account in two "
            "shards or shards of different runs are refused in one line."
        ),
    },
    {
        "name": "baseline",
        "help_text": (
            "An earlier <code>--output json</code> report of the same kind "
            "(this account, or this organization; for <code>--shard</code>, "
            "the whole organization or the same shard): the report gains "
            "<code>Changes</code> (accounts that appeared, went or could not "
            "be checked, region statuses, GlobalEndpointTokenVersion; not "
            "latencies) and the command exits with status 5 when there is "
            "any. A missing, unreadable, corrupt or foreign file, or one over "
            f"{MAX_REPORT_BYTES // (1024 * 1024)} MiB, is refused before any "
            "probe (a file of another account or organization after the first "
            "call that names the caller)."
        ),
    },
    {
        "name": "report",
        "nargs": "+",
        "synopsis": "--report <value> [<value>...]",
        "help_text": (
            "Also write the report to these files, each replaced atomically: "
            "<code>.csv</code>, one row per account and region (AccountId, "
            "Name, Region, Status, Verified, LatencyMs, Detail, "
            "GlobalEndpointTokenVersion); <code>.html</code>, one "
            "self-contained page (nothing fetched) with the summary and an "
            "accounts by regions grid; or <code>.md</code>, a Markdown "
            "summary (the counts, then only what needs a person; bounded in "
            "length) for a CI step summary or a pull-request comment. Other "
            "names are refused."
        ),
    },
]


ARG_TABLE: list[dict[str, Any]] = [
    {
        "name": "regions",
        "nargs": "+",
        "synopsis": "--regions <value> [<value>...]",
        "help_text": (
            "Probe only these regions (names of the profile's partition; "
            "<code>global</code> for the global endpoint), and those that "
            "<code>--require-active</code> names. Default: every STS region "
            "in botocore's endpoint data, and the global endpoint."
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
        "cli_type_name": "double",
        "help_text": (
            "Seconds to wait for a connection and for each answer, per "
            f"request (default {DEFAULT_TIMEOUT:g}). A region that does "
            "not answer in time is unreachable."
        ),
    },
    {
        "name": "max-concurrency",
        "cli_type_name": "integer",
        "help_text": (
            "How many regions to probe at once (default: every region "
            f"asked for, up to {DEFAULT_MAX_CONCURRENCY}). A region's "
            "samples are always sequential. The ceiling: toward a region "
            "that throttles, fewer requests are in flight, and more again "
            "as it answers."
        ),
    },
    {
        "name": "throttle-budget",
        "cli_type_name": "double",
        "help_text": (
            "Seconds a throttled request (Throttling, "
            "TooManyRequestsException, HTTP 429) is retried, with "
            "exponential back-off and full jitter, and a region or service "
            "that answers only with throttling is waited for (default "
            f"{DEFAULT_THROTTLE_BUDGET:g}). Throttling is never a finding: "
            "a region is <code>unknown</code> only once the budget is "
            "spent, its Detail counting the throttled answers."
        ),
    },
    {
        "name": "samples",
        "cli_type_name": "integer",
        "help_text": (
            "GetCallerIdentity calls per region for the latency median "
            f"(default {DEFAULT_SAMPLES}; with --organization "
            f"{ORGANIZATION_SAMPLES}, once per region for the whole run)."
        ),
    },
    {
        "name": "require-active",
        "nargs": "*",
        "synopsis": "--require-active [<value>...]",
        "help_text": (
            "For scripts and CI: exit with status 1 unless these regions "
            "are active (default: the <code>--regions</code> given, else the "
            "profile's <code>sts_region</code> or <code>AWS_STS_REGION</code>"
            "), or with status 3 when none is inactive but the activation of "
            "one cannot be told (<code>unknown</code>: session credentials "
            "without <code>--role-arn</code>). The report is printed either "
            "way."
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
    *FLEET_ARG_TABLE,
]
