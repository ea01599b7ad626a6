"""Where an organization run's accounts come from
(``run/account_listing.py``) and the Organizations calls it makes through
the run's ``Throttle`` (``run/throttled_organizations.py``): on
botocore-shaped fakes and a sleep that does not wait. The CLI's side is
tests/unit/in_process/test_organization_check.py and
tests/e2e/test_account_listing_e2e.py."""

from __future__ import annotations

from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest
from botocore.exceptions import ClientError

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.errors import RetryBudgetSpent, shorten
from awscli_regional_sts.aws.untrusted import printable
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem, Exit
from awscli_regional_sts.commands.accounts.members import MemberAccount, Selected
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.fleet.listing import (
    AccountListing,
    ListingProblem,
)
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.run import account_listing
from awscli_regional_sts.commands.activation.run.account_listing import (
    check_organization,
    checked_only,
    organization_accounts,
)
from awscli_regional_sts.commands.activation.run.throttled_organizations import (
    CODE_LIMIT,
    OrganizationsThrottled,
    ThrottledOrganizations,
    spent_line,
)

ORG, MANAGEMENT = "o-a1b2c3d4e5", "111122223333"
RELIST = (
    "list the accounts again (aws sts activation-check --organization "
    "--list-accounts > FILE)"
)


def throttling() -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TooManyRequestsException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "ListAccounts",
    )


class Organizations:
    """Throttles the first ``throttled`` calls; records every call's
    parameters; answers ListAccounts' ``pages`` in turn."""

    def __init__(
        self,
        throttled: int = 0,
        pages: list[dict[str, Any]] | None = None,
        organization: dict[str, Any] | None = None,
    ) -> None:
        self.throttled = throttled
        self.pages = list(pages or [])
        self.organization = organization
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _answer(self, name: str, params: dict[str, Any]) -> None:
        self.calls.append((name, params))
        if self.throttled:
            self.throttled -= 1
            raise throttling()

    def list_accounts(self, **params: Any) -> Any:
        self._answer("ListAccounts", params)
        return self.pages.pop(0)

    def describe_organization(self) -> Any:
        self._answer("DescribeOrganization", {})
        return self.organization


def throttle(slept: list[float]) -> Throttle:
    """A throttle whose clock stands still and whose sleep only records."""
    return Throttle(4, 30.0, clock=lambda: 100.0, sleep=slept.append, draw=max)


def entry(account_id: str, status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "Id": account_id,
        "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/{ORG}/{account_id}",
        "Name": f"n{account_id[0]}",
        "Status": status,
    }


def test_list_accounts_is_retried_with_its_parameters() -> None:
    slept: list[float] = []
    client = Organizations(throttled=2, pages=[{"Accounts": []}])
    organizations = ThrottledOrganizations(client, throttle(slept))

    assert organizations.list_accounts(MaxResults=20, NextToken="t") == {"Accounts": []}
    assert client.calls == [("ListAccounts", {"MaxResults": 20, "NextToken": "t"})] * 3
    assert len(slept) == 2


def test_describe_organization_is_retried() -> None:
    slept: list[float] = []
    client = Organizations(throttled=1, organization={"Organization": {"Id": ORG}})
    organizations = ThrottledOrganizations(client, throttle(slept))

    assert organizations.describe_organization() == {"Organization": {"Id": ORG}}
    assert [name for name, _ in client.calls] == ["DescribeOrganization"] * 2
    assert len(slept) == 1


def test_both_calls_share_the_organizations_endpoints_window() -> None:
    """One window for Organizations, whichever call: a throttled
    ListAccounts narrows it for DescribeOrganization too, and each answer
    widens it."""
    shared = throttle([])
    organizations = ThrottledOrganizations(
        Organizations(throttled=1, pages=[{}], organization={}), shared
    )
    organizations.list_accounts()
    organizations.describe_organization()
    window = shared.window("organizations")
    # 4 halved by the throttled answer, then + 1/2 and + 1/2.5 (AIMD).
    assert window.epoch == 1
    assert window.limit == pytest.approx(2.9)
    assert shared.throttled_answers == 1


def spending(budget: float = 30.0) -> Throttle:
    """A throttle whose clock moves 20 s a reading: a call throttled at 20,
    40 and 60 s has spent a 30 s budget at its third throttled answer."""
    now = [0.0]

    def clock() -> float:
        now[0] += 20.0
        return now[0]

    return Throttle(4, budget, clock=clock, sleep=lambda seconds: None, draw=max)


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("DescribeOrganization", lambda o: o.describe_organization()),
        ("ListAccounts", lambda o: o.list_accounts(MaxResults=20)),
    ],
)
def test_a_call_throttled_past_the_budget_ends_the_run_in_one_line(
    operation: str, call: Any
) -> None:
    """The command's own error (printed by the CLI glue), naming the call,
    the count, the code, the budget and the fix; nothing more is asked."""
    client = Organizations(throttled=9)
    organizations = ThrottledOrganizations(client, spending())
    with pytest.raises(OrganizationsThrottled) as ended:
        call(organizations)
    assert str(ended.value) == (
        f"organizations {operation} was throttled 3 times "
        "(TooManyRequestsException) until the retry budget (--throttle-budget "
        "30 s) was spent; retry later or raise --throttle-budget"
    )
    assert ended.value.exit is Exit.THROTTLED
    assert isinstance(ended.value, CommandProblem)
    # The budget's own error, kept for --debug's traceback.
    assert isinstance(ended.value.__cause__, RetryBudgetSpent)
    assert [name for name, _ in client.calls] == [operation] * 3


def test_the_line_says_once_and_shows_the_budget_as_given() -> None:
    spent = RetryBudgetSpent(throttling(), 1)
    assert spent_line("ListAccounts", spent, 0.5) == (
        "organizations ListAccounts was throttled once (TooManyRequestsException) "
        "until the retry budget (--throttle-budget 0.5 s) was spent; retry later "
        "or raise --throttle-budget"
    )
    assert "throttled 2 times (" in spent_line(
        "ListAccounts", RetryBudgetSpent(throttling(), 2), 60.0
    )
    assert "(--throttle-budget 3600 s)" in spent_line("ListAccounts", spent, 3600.0)


def test_the_code_in_the_line_is_defused_and_short() -> None:
    """AWS's error code reaches a terminal: its controls shown escaped, and
    no longer than CODE_LIMIT characters."""
    hostile = ClientError(
        {
            "Error": {"Code": "Slow\x1b[2J" + "x" * 100, "Message": ""},
            "ResponseMetadata": {"HTTPStatusCode": 429},
        },
        "ListAccounts",
    )
    line = spent_line("ListAccounts", RetryBudgetSpent(hostile, 2), 1.0)
    shown = line[line.index("(") + 1 : line.index(") until")]
    assert "\x1b" not in shown
    assert shown == printable(shorten("Slow\x1b[2J" + "x" * 100, CODE_LIMIT))
    assert shown.startswith("Slow\\x1b[2J") and shown.endswith("...")
    # 64 characters of AWS's, the ESC among them shown as four.
    assert len(shown) == 64 + 3


def listing(organization_id: str = ORG, management: str = MANAGEMENT) -> AccountListing:
    return AccountListing(
        partition="aws",
        organization_id=organization_id,
        management_account_id=management,
        listed_at=1_800_000_000,
        accounts=(
            MemberAccount(account_id=MANAGEMENT, name="management", status="ACTIVE"),
            MemberAccount(account_id="222222222222", name="prod", status="ACTIVE"),
        ),
    )


def describing(organization_id: Any, management: Any) -> Organizations:
    return Organizations(
        organization={
            "Organization": {"Id": organization_id, "MasterAccountId": management}
        }
    )


def test_the_listings_accounts_once_describe_organization_agrees() -> None:
    client = describing(ORG, MANAGEMENT)
    accounts = organization_accounts(client, listing())
    # Lazily: nothing is asked before the first account is wanted.
    assert client.calls == []
    assert next(accounts) == MemberAccount(
        account_id=MANAGEMENT,
        name="management",
        status="ACTIVE",
        organization_id=ORG,
        management_account_id=MANAGEMENT,
    )
    assert client.calls == [("DescribeOrganization", {})]
    assert [a.account_id for a in accounts] == ["222222222222"]
    assert [name for name, _ in client.calls] == ["DescribeOrganization"]


def test_without_a_listing_every_page_of_list_accounts() -> None:
    client = Organizations(
        pages=[
            {"Accounts": [entry(MANAGEMENT)], "NextToken": "next"},
            {"Accounts": [entry("222222222222", "SUSPENDED")]},
        ]
    )
    accounts = organization_accounts(client, None)
    assert client.calls == []
    found = list(accounts)
    assert [(a.account_id, a.status, a.organization_id) for a in found] == [
        (MANAGEMENT, "ACTIVE", ORG),
        ("222222222222", "SUSPENDED", ORG),
    ]
    assert [name for name, _ in client.calls] == ["ListAccounts", "ListAccounts"]


@pytest.mark.parametrize(
    "organization_id, management, says",
    [
        (
            "o-zzzzzzzzzz",
            MANAGEMENT,
            f"'o-zzzzzzzzzz' (management account '{MANAGEMENT}')",
        ),
        (ORG, "999999999999", f"'{ORG}' (management account '999999999999')"),
        (None, None, "'None' (management account 'None')"),
    ],
)
def test_a_listing_of_another_organization_is_refused(
    organization_id: Any, management: Any, says: str
) -> None:
    client = describing(organization_id, management)
    with pytest.raises(ListingProblem) as raised:
        list(organization_accounts(client, listing()))
    assert str(raised.value) == (
        f"--accounts-from: the listing is of organization {ORG} (management "
        f"account {MANAGEMENT}), but DescribeOrganization says the caller is "
        f"in {says}; no member role was assumed; {RELIST} with these credentials"
    )
    assert [name for name, _ in client.calls] == ["DescribeOrganization"]


def test_an_answer_without_an_organization_is_another_one() -> None:
    client = Organizations(organization={})
    says = "the caller is in 'None' \\(management account 'None'\\)"
    with pytest.raises(ListingProblem, match=says):
        check_organization(client, listing())


def test_skipped_accounts_are_counted_not_yielded() -> None:
    accounts = [
        Selected(
            MemberAccount(account_id=str(n) * 12, name=None, status="ACTIVE"), **kw
        )
        for n, kw in (
            (1, {}),
            (2, {"skipped": True}),
            (3, {"error": "why"}),
            (4, {"skipped": True}),
        )
    ]
    skipped: list[None] = []
    kept = checked_only(iter(accounts), lambda: skipped.append(None))
    assert [item.account.account_id[0] for item in kept] == ["1", "3"]
    assert len(skipped) == 2


def test_list_accounts_asks_the_profile_regions_partition_once_per_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """--list-accounts' client: the profile region's partition (China's
    endpoint for a China profile), ``--timeout``, one attempt; its pages
    through a Throttle of ``--max-concurrency`` and ``--throttle-budget``.
    The listing itself stands still: the Organizations object it would
    page through is handed back."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setattr(account_listing, "list_accounts", lambda client: client)
    monkeypatch.setattr(
        account_listing, "listed", lambda accounts, partition, started: accounts
    )
    session = botocore.session.Session()
    session.set_credentials("AKIAUSERKEYEXAMPLE1", "user-secret")
    options = CheckOptions(
        regions=("cn-north-1",),
        partition="aws-cn",
        profile="default",
        profile_region="cn-north-1",
        timeout=7.0,
        max_concurrency=3,
        throttle_budget=11.0,
    )

    organizations = account_listing.list_organization(
        session, options, CredentialRedactor()
    )
    assert isinstance(organizations, ThrottledOrganizations)
    client = organizations._organizations
    assert client.meta.endpoint_url == (
        "https://organizations.cn-northwest-1.amazonaws.com.cn"
    )
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (7.0, 7.0)
    assert config.retries["total_max_attempts"] == 1
    throttle = organizations._throttle
    assert (throttle.ceiling, throttle.budget) == (3, 11.0)
