"""The clients and limits an organization run builds
(``run/organization_run.py``): each client's ``--timeout``, single
attempt, pool size and region read back from the clients botocore built,
since only an endpoint that hangs or a crowded pool would show them in a
run; and the run's backstop and throttle budget, which only a run that
takes minutes would show. A run whose listing skips every account needs
no member request: it runs here whole, its one GetCallerIdentity answered
by a fake STS. And what a member's check is handed (``member_account.py``):
its account, probe plan, the run's clients and backstop, which a run's
output shows only in part (an organization row takes its ``AccountId``
from the listing, not the report). The CLI's side is
tests/unit/in_process/test_organization_check.py."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest

from awscli_regional_sts.aws.runner import RequestPool
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.accounts.members import MemberAccount, Selected
from awscli_regional_sts.commands.activation.model.observation import (
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
    OrganizationOptions,
)
from awscli_regional_sts.commands.activation.model.organization_report import (
    AccountResult,
)
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
)
from awscli_regional_sts.commands.activation.run import member_account, organization_run
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountNotChecked,
)
from awscli_regional_sts.commands.activation.run.member_account import MemberRun
from awscli_regional_sts.commands.activation.run.organization_run import (
    OrganizationCheck,
)
from awscli_regional_sts.commands.activation.run.probes import SharedProbes
from tests.unit.commands.recording_session import (  # noqa: F401  (autouse)
    RecordingSession,
    no_region_from_outside,
)


class RecordingSigners(Signers):
    """Keeps every client the run asks for, by service, as caller or
    member."""

    def __init__(self, session: Any) -> None:
        super().__init__(session)
        self.made: list[tuple[str, str, Any]] = []

    def caller_client(self, service: str, *args: Any) -> Any:
        client = super().caller_client(service, *args)
        self.made.append(("caller", service, client))
        return client

    def member_client(self, service: str, *args: Any) -> Any:
        client = super().member_client(service, *args)
        self.made.append(("member", service, client))
        return client


def options(**changes: Any) -> CheckOptions:
    values: dict[str, Any] = {
        "regions": ("eu-west-1", "ap-east-1"),
        "partition": "aws",
        "profile": "default",
        "profile_region": "eu-west-3",
        "timeout": 7.0,
        "max_concurrency": 3,
        "samples": 2,
        "throttle_budget": 11.0,
        "verify": "/etc/ssl/a-bundle.pem",
    }
    values.update(changes)
    return CheckOptions(**values)


def organization_check(session: Any, **changes: Any) -> OrganizationCheck:
    return OrganizationCheck(
        session,
        options(**changes),
        OrganizationOptions(max_accounts_in_flight=4),
        None,
        on_result=lambda result: None,
    )


def settings(client: Any) -> tuple[float, float, int, int, str]:
    config = client.meta.config
    return (
        config.connect_timeout,
        config.read_timeout,
        config.retries["total_max_attempts"],
        config.max_pool_connections,
        client.meta.region_name,
    )


def member_run(check: OrganizationCheck, signers: Signers) -> MemberRun:
    pool = RequestPool(1, name="test")
    try:
        return check._member_run(object(), pool, signers, check._throttle)
    finally:
        pool.close()


def test_probe_and_fact_clients_have_one_attempt_the_timeout_and_their_pools() -> None:
    session = RecordingSession()
    check = organization_check(session)
    signers = RecordingSigners(session)
    run = member_run(check, signers)
    made = {
        (kind, service, client.meta.region_name): client
        for kind, service, client in signers.made
    }
    assert sorted(made) == [
        ("caller", "sts", "ap-east-1"),
        ("caller", "sts", "eu-west-1"),
        ("member", "account", "aws-global"),
        ("member", "iam", "aws-global"),
    ]
    # The probes: the members' and the caller's own account's, 2 x 3.
    for region in ("eu-west-1", "ap-east-1"):
        client = made["caller", "sts", region]
        assert settings(client) == (7.0, 7.0, 1, 6, region)
        assert client.meta.endpoint_url == f"https://sts.{region}.amazonaws.com"
        assert run.probes[region][0] is client
    for service in ("account", "iam"):
        client = made["member", service, "aws-global"]
        assert settings(client) == (7.0, 7.0, 1, 3, "aws-global")
        assert run.fact_clients[service] is client
    # CLI v1's botocore asks ListRegions: ap-east-1 (opt-in) waits for it.
    assert run.lists_regions is True
    assert run.schedule.defer_opt_in is True


def test_fact_clients_are_in_the_profile_regions_partition() -> None:
    session = RecordingSession()
    check = organization_check(
        session,
        partition="aws-cn",
        regions=("cn-north-1",),
        profile_region="cn-north-1",
    )
    signers = RecordingSigners(session)
    run = member_run(check, signers)
    endpoints = {
        service: client.meta.endpoint_url
        for kind, service, client in signers.made
        if kind == "member"
    }
    # No opt-in regions there: no Account Management client, no ListRegions.
    assert endpoints == {"iam": "https://iam.cn-north-1.amazonaws.com.cn"}
    assert run.lists_regions is False


def test_the_listing_client_has_one_attempt_the_timeout_and_the_run_region() -> None:
    session = RecordingSession()
    check = organization_check(session, partition="aws-cn")
    signers = RecordingSigners(session)
    check._selected(signers, "cn-north-1")
    ((kind, service, client),) = signers.made
    assert (kind, service) == ("caller", "organizations")
    assert settings(client) == (7.0, 7.0, 1, 3, "aws-cn-global")
    assert client.meta.endpoint_url == (
        "https://organizations.cn-northwest-1.amazonaws.com.cn"
    )


def test_the_backstop_counts_every_account_in_flight_and_the_throttle_budget() -> None:
    check = organization_check(RecordingSession())
    # (2 regions + 3) tasks x 4 accounts in flight, 3 at a time: 7 waves of
    # 7 s x (2 samples + 1), + 5 s, + the 11 s throttle budget.
    assert check._wait() == math.ceil(20 / 3) * 7.0 * 3 + 5.0 + 11.0
    assert (check._throttle.ceiling, check._throttle.budget) == (3, 11.0)


def test_a_run_of_skipped_accounts_counts_them_and_asks_only_who_the_caller_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def suspended(organizations: Any, listing: Any) -> Iterator[MemberAccount]:
        for account_id in ("111111111111", "222222222222"):
            yield MemberAccount(account_id=account_id, name="n", status="SUSPENDED")

    monkeypatch.setattr(organization_run, "organization_accounts", suspended)
    session = RecordingSession()
    summary = organization_check(session).run()
    assert summary.skipped == 2
    assert summary.checked == 0
    assert [sent.action for sent in session.sts.sent] == ["GetCallerIdentity"]
    # The CLI's own STS path: --timeout, and a connection per worker.
    (sts,) = session.clients
    assert sts.meta.region_name == "eu-west-3"
    config = sts.meta.config
    assert (config.connect_timeout, config.read_timeout) == (7.0, 7.0)
    assert config.max_pool_connections == 3


def test_an_account_whose_check_fails_unexpectedly_gets_the_error_in_its_line() -> None:
    check = organization_check(RecordingSession())
    account = MemberAccount(account_id="111111111111", name="n", status="ACTIVE")
    # A run without any client: check_member fails on its first use.
    result = check._check(Selected(account), object())  # type: ignore[arg-type]
    assert result == AccountResult(
        account=account,
        error="AttributeError: 'object' object has no attribute 'probes'",
    )


class RecordingAccountCheck:
    """Stands in for ``AccountCheck``: keeps what a member's check was
    given, and reports nothing."""

    made: list[tuple[Any, Any, Any]] = []

    def __init__(self, options: Any, target: Any, schedule: Any) -> None:
        self.made.append((options, target, schedule))

    def run(self) -> str:
        return "report"


def test_a_members_check_probes_as_the_caller_for_the_listed_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What ``check_member`` hands the account's check: the listed account
    (its report's ``Account``), AssumeRole of its role signed with the
    caller's credentials, the run's clients, backstop and schedule."""
    monkeypatch.setattr(member_account, "AccountCheck", RecordingAccountCheck)
    monkeypatch.setattr(RecordingAccountCheck, "made", [])
    session = RecordingSession()
    check = organization_check(session)
    run = member_run(check, RecordingSigners(session))
    role_arn = "arn:aws:iam::111111111111:role/Audit"

    assert member_account.check_member(run, "111111111111", role_arn) == "report"
    ((given_options, target, schedule),) = RecordingAccountCheck.made
    assert given_options is run.options
    assert target.account_id == "111111111111"
    assert target.plan == ProbePlan(
        ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=role_arn),
        CredentialSource.CALLER,
        f"AssumeRole of {role_arn} as the caller",
    )
    assert (target.probes.clients, target.probes.wait) == (run.probes, run.wait)
    assert target.fact_clients is run.fact_clients
    assert schedule.deadline == 3 * run.wait


def test_the_organization_run_checks_the_listed_account_through_its_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[tuple[Any, str, str]] = []

    def check_member(run: Any, account_id: str, role_arn: str) -> Any:
        checked.append((run, account_id, role_arn))
        raise AccountNotChecked("the role was not assumed")

    monkeypatch.setattr(organization_run, "check_member", check_member)
    check = organization_check(RecordingSession())
    account = MemberAccount(account_id="111111111111", name="n", status="ACTIVE")
    run = object()
    result = check._check(Selected(account), run)  # type: ignore[arg-type]
    assert checked == [
        (
            run,
            "111111111111",
            "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
        )
    ]
    assert result == AccountResult(account=account, error="the role was not assumed")


def test_the_callers_own_account_borrows_the_runs_probes_and_their_backstop() -> None:
    session = RecordingSession()
    check = organization_check(session)
    run = member_run(check, RecordingSigners(session))
    lent = member_account.SharedCallerClients(session_probes=None, run=run)  # type: ignore[arg-type]
    role_arn = "arn:aws:iam::111111111111:role/Audit"
    plan = ProbePlan(
        ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=role_arn),
        CredentialSource.CALLER,
        "AssumeRole",
    )
    probes = lent.probes(plan, None)
    assert isinstance(probes, SharedProbes)
    assert (probes.clients, probes.wait, probes.throttle) == (
        run.probes,
        run.wait,
        run.throttle,
    )
    fact = lent.fact_client("iam")
    assert settings(fact)[:3] == (7.0, 7.0, 1)
