"""The caller's own account's check (run/caller_account.py's
``check_caller_account``) on clients handed over, as an organization run
hands over its shared ones: the identity is asked before the probe clients
are made and answered after, its account decides whether the role's
account is another one (a warning, no ListRegions), and the facts asked
depend on the partition."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore.credentials import Credentials

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.runner import RequestPool
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.model.account_facts import OPT_IN
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import ProbePlan
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run import caller_account
from awscli_regional_sts.commands.activation.run.account_check import (
    Schedule,
    backstop_seconds,
)
from awscli_regional_sts.commands.activation.run.caller_account import (
    CallerAccount,
    check_caller_account,
)
from awscli_regional_sts.commands.activation.run.probes import ConnectionProbes

CALLER = "111122223333"
ARN = f"arn:aws:iam::{CALLER}:user/alice"
SECRET = "the-callers-secret-key"


class Session:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def get_credentials(self) -> Credentials:
        return Credentials("AKIAUSER", SECRET)

    def get_scoped_config(self) -> Mapping[str, Any]:
        return self.config


class Aws:
    """Every client the check asks for, and the order things happened."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.keys: list[Any] = []
        self.meta = SimpleNamespace(
            service_model=SimpleNamespace(operation_names=["ListRegions"])
        )

    # CallerClients
    def probes(self, plan: ProbePlan, keys: Any) -> ConnectionProbes:
        self.events.append("probe clients")
        self.keys.append(keys)
        return ConnectionProbes(
            {"eu-west-1": (self, lambda: "https://sts.eu-west-1.amazonaws.com/")},
            plan.method,
            1,
            Throttle(2, 0.0, sleep=lambda seconds: None),
        )

    def fact_client(self, service: str) -> Any:
        self.events.append(f"{service} client")
        return self

    # STS, IAM, Account Management
    def get_session_token(self, **params: Any) -> Any:
        return {"Credentials": {}}

    def assume_role(self, **params: Any) -> Any:
        return {"Credentials": {}, "AssumedRoleUser": {"Arn": "x"}}

    def get_caller_identity(self) -> Any:
        return {}

    def get_account_summary(self) -> Any:
        return {"SummaryMap": {"GlobalEndpointTokenVersion": 2}}

    def list_regions(self, **params: Any) -> Any:
        self.events.append("ListRegions")
        return {"Regions": []}


def check(
    aws: Aws,
    *,
    role_arn: str | None = None,
    config: Mapping[str, Any] | None = None,
    partition: str = "aws",
) -> tuple[Report, list[str], CredentialRedactor]:
    identities: list[str] = []

    def ask_identity() -> Any:
        aws.events.append("identity asked")

        def answer() -> Mapping[str, Any]:
            aws.events.append("identity answered")
            return {"Account": int(CALLER), "Arn": ARN}

        return answer

    redactor = CredentialRedactor()
    caller = CallerAccount(
        session=Session(config or {}),
        options=CheckOptions(
            regions=("eu-west-1",),
            partition=partition,
            profile="default",
            profile_region="us-east-1",
            role_arn=role_arn,
        ),
        redactor=redactor,
        ask_identity=ask_identity,
        on_identity=identities.append,
    )
    pool = RequestPool(2)
    try:
        schedule = Schedule(
            pool=pool,
            deadline=30,
            throttle=Throttle(2, 0.0, sleep=lambda seconds: None),
        )
        return check_caller_account(caller, aws, schedule), identities, redactor
    finally:
        pool.close()


def test_the_callers_account_with_its_own_keys() -> None:
    aws = Aws()
    report, identities, redactor = check(aws)
    # Asked first, answered after the probe clients exist; the facts'
    # clients once the account is known.
    assert aws.events[:5] == [
        "identity asked",
        "probe clients",
        "identity answered",
        "iam client",
        "account client",
    ]
    assert "ListRegions" in aws.events
    assert identities == [CALLER]
    assert [keys.access_key for keys in aws.keys] == ["AKIAUSER"]
    assert redactor.redact(SECRET) == "<redacted>"
    assert (report.facts.account, report.facts.arn) == (CALLER, ARN)
    assert report.probe == "GetSessionToken (IAM user keys)"
    assert not any("activation is per account" in w for w in report.warnings)


def test_a_role_of_another_account_is_warned_of_and_not_asked_listregions() -> None:
    aws = Aws()
    role = "arn:aws:iam::444455556666:role/Probe"
    report, identities, _ = check(aws, role_arn=role)
    assert "account client" not in aws.events and "ListRegions" not in aws.events
    assert "iam client" in aws.events
    assert report.warnings[0] == (
        f"the probes ask account 444455556666 (the role's), not {CALLER}: "
        "activation is per account"
    )
    assert identities == [CALLER]
    assert report.facts.values[OPT_IN.key] == (
        None,
        "ListRegions not asked: the role is in another account",
    )


def test_a_role_of_the_callers_account_is_not_another_account() -> None:
    aws = Aws()
    report, _, _ = check(aws, role_arn=f"arn:aws:iam::{CALLER}:role/Probe")
    assert "ListRegions" in aws.events
    assert not any("activation is per account" in w for w in report.warnings)


def test_a_partition_without_opt_in_regions_is_not_asked_listregions() -> None:
    aws = Aws()
    check(aws, partition="aws-cn")
    assert "iam client" in aws.events and "account client" not in aws.events


def test_the_runs_schedule_bounds_every_call_of_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What run_account_check hands the check: a throttle with the run's
    # concurrency and budget, the same one its session clients retry
    # through, and a backstop for all the regions' probes and the facts.
    handed: list[tuple[Any, Schedule]] = []

    def capture(caller: Any, clients: Any, schedule: Schedule) -> Any:
        handed.append((clients, schedule))
        return "report"

    monkeypatch.setattr(caller_account, "check_caller_account", capture)
    options = CheckOptions(
        regions=("us-east-1", "eu-west-1", "eu-west-2"),
        partition="aws",
        profile="default",
        profile_region="us-east-1",
        timeout=2.0,
        max_concurrency=2,
        samples=3,
        throttle_budget=7.0,
    )
    caller = CallerAccount(
        session=Session({}),
        options=options,
        redactor=CredentialRedactor(),
        ask_identity=lambda: lambda: {},
    )

    def progress(done: int, total: int) -> None:
        pass

    report: Any = caller_account.run_account_check(caller, progress)
    assert report == "report"
    [(clients, schedule)] = handed
    # 3 regions + 2 facts on 2 workers: 3 waves of up to 4 requests.
    assert schedule.deadline == backstop_seconds(5, 2, 2.0, 3, 7.0) == 36.0
    assert (schedule.throttle.ceiling, schedule.throttle.budget) == (2, 7.0)
    assert clients.throttle is schedule.throttle and clients.options is options
    assert schedule.progress is progress
