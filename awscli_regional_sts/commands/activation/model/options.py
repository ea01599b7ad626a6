"""What one activation check runs with: options and their defaults, once.

Plain dataclasses and constants, shared by the argument checks
(``cli/argument_checks.py``), the run description (``cli/spec.py``), the
checks (``run/``) and the command's help (``cli/option_table.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from awscli_regional_sts.aws.backoff import DEFAULT_BUDGET_SECONDS
from awscli_regional_sts.commands.accounts.members import (
    DEFAULT_MAX_ACCOUNTS_IN_FLIGHT,
    DEFAULT_MEMBER_ROLE_NAME,
)
from awscli_regional_sts.plugin.settings import MAX_TIMEOUT

#: Per request, to connect and to read (``--timeout``).
DEFAULT_TIMEOUT = 5.0
#: The longest ``--timeout``: the same bound as ``sts_timeout``.
MAX_CHECK_TIMEOUT = MAX_TIMEOUT
MAX_CONCURRENCY_LIMIT = 64
#: By default every region of the partition is probed at once (the runner
#: starts no more threads than there are tasks, and the largest partition
#: has fewer STS regions than the limit): probes of different regions go to
#: different endpoints and share no rate limit, so a hung region costs one
#: --timeout, not one per wave. A region's own samples stay sequential
#: (``run/probe.py``), on one connection.
DEFAULT_MAX_CONCURRENCY = MAX_CONCURRENCY_LIMIT
DEFAULT_SAMPLES = 3
MAX_SAMPLES = 20

#: In an organization check one pool bounds the requests of all accounts
#: together, so the default is larger than the single account's.
ORGANIZATION_MAX_CONCURRENCY = 16
#: A region's latency is the same for every account (one endpoint, one
#: caller), so more samples per account would only multiply requests.
ORGANIZATION_SAMPLES = 1
#: ``--max-concurrency``'s and ``--samples``' defaults, without and with
#: ``--organization``: each option is parsed once, with its mode's default.
MAX_CONCURRENCY_DEFAULTS = {
    False: DEFAULT_MAX_CONCURRENCY,
    True: ORGANIZATION_MAX_CONCURRENCY,
}
SAMPLES_DEFAULTS = {False: DEFAULT_SAMPLES, True: ORGANIZATION_SAMPLES}
#: ``--throttle-budget``: how long throttled calls are retried
#: (``aws/backoff.py`` says how the budget is read, and holds the default).
DEFAULT_THROTTLE_BUDGET = DEFAULT_BUDGET_SECONDS
MAX_THROTTLE_BUDGET = 3600.0


class OutputFormat(str, Enum):
    """How ``--organization`` prints its results. (Not a status.Word: this
    module is loaded by every ``aws sts`` command, and only compares it.)"""

    #: One document through the CLI's formatter (--output, --query).
    DOCUMENT = "document"
    #: One JSON line per account as it finishes, then a summary line.
    JSONL = "jsonl"


@dataclass(frozen=True)
class CheckOptions:
    regions: tuple[str, ...]  # region names and/or GLOBAL, in output order
    partition: str
    profile: str
    profile_region: str | None
    timeout: float = DEFAULT_TIMEOUT
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    samples: int = DEFAULT_SAMPLES
    #: Seconds a throttled call, and its endpoint, may keep retrying.
    throttle_budget: float = DEFAULT_THROTTLE_BUDGET
    role_arn: str | None = None
    verify: Any = None  # as the CLI's --no-verify-ssl / --ca-bundle give it
    #: (event, unique_id) of the plugin's session handlers.
    router_handlers: tuple[tuple[str, str], ...] = ()
    #: The profile's STS region (sts_region / AWS_STS_REGION), if any.
    sts_region: str | None = None
    #: Where ``sts_region`` came from, for warnings (StsSettings.source).
    sts_region_source: str = ""


@dataclass(frozen=True)
class OrganizationOptions:
    member_role_name: str = DEFAULT_MEMBER_ROLE_NAME
    #: Only these account ids (``--accounts``), or None for every account.
    accounts: tuple[str, ...] | None = None
    include_suspended: bool = False
    max_accounts_in_flight: int = DEFAULT_MAX_ACCOUNTS_IN_FLIGHT
    output_format: OutputFormat = OutputFormat.DOCUMENT
