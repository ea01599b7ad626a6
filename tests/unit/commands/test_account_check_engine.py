"""One account's check (run/account_check.py) on botocore-shaped fakes: a
member's facts wait for the first probe that brought its credentials (or
one more AssumeRole), opt-in regions wait for ListRegions, the stragglers
are abandoned at the deadline, and every outcome moves the progress."""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Callable, TypeVar

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.runner import RequestPool
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.model.account_facts import (
    OPT_IN,
    TOKEN_VERSION,
)
from awscli_regional_sts.commands.activation.model.observation import (
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import CheckOptions
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
)
from awscli_regional_sts.commands.activation.model.report import Report
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountCheck,
    AccountNotChecked,
    AccountTarget,
    Schedule,
    backstop_seconds,
)
from awscli_regional_sts.commands.activation.run.probe import RegionLatencies
from awscli_regional_sts.commands.activation.run.probes import (
    ConnectionProbes,
    SharedProbes,
)
from awscli_regional_sts.commands.activation.run.signing import (
    CallerSigner,
    MemberSigner,
)

T = TypeVar("T")
MEMBER = "444455556666"
ROLE = f"arn:aws:iam::{MEMBER}:role/Member"
ASSUMED = f"arn:aws:sts::{MEMBER}:assumed-role/Member/probe"
SECRET = "member-secret-access-key"
ROLE_PROBE = ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=ROLE)


def client_error(code: str, message: str = "denied") -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 403},
    }
    return ClientError(response, "Call")


def assumed() -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": "ASIAMEMBER",
            "SecretAccessKey": SECRET,
            "SessionToken": "member-session-token-0",
        },
        "AssumedRoleUser": {"Arn": ASSUMED},
    }


#: Every AssumeRole and GetAccountSummary the fakes answered, in order
#: (the pool has one worker).
CALLS: list[str] = []


class Sts:
    """A region's STS: AssumeRole answers or fails with ``error``;
    ``gate`` (when given) holds every call until it is set."""

    def __init__(
        self, error: str | None = None, gate: threading.Event | None = None
    ) -> None:
        self.error, self.gate = error, gate
        self.calls: list[str] = []

    def assume_role(self, **params: Any) -> Any:
        self.calls.append("AssumeRole")
        CALLS.append("AssumeRole")
        if self.gate is not None:
            self.gate.wait(10)
        if self.error == "unreachable":
            raise EndpointConnectionError(endpoint_url="https://sts.x")
        if self.error:
            raise client_error(self.error)
        return assumed()

    def get_caller_identity(self) -> Any:
        self.calls.append("GetCallerIdentity")
        return {}


class Facts:
    """IAM and Account Management at once; which credentials signed."""

    def __init__(self, signers: Signers, list_regions_error: bool = False) -> None:
        self.signers, self.error = signers, list_regions_error
        self.meta = SimpleNamespace(
            service_model=SimpleNamespace(operation_names=["ListRegions"])
        )
        self.signed: list[str | None] = []

    def get_account_summary(self) -> Any:
        self.signed.append(self.signers.current)
        CALLS.append("GetAccountSummary")
        return {"SummaryMap": {"GlobalEndpointTokenVersion": 2}}

    def list_regions(self, **params: Any) -> Any:
        self.signed.append(self.signers.current)
        if self.error:
            raise client_error("AccessDenied")
        return {
            "Regions": [
                {"RegionName": "ap-east-1", "RegionOptStatus": "DISABLED"},
                {"RegionName": "me-south-1", "RegionOptStatus": "ENABLED"},
            ]
        }


class Signers:
    def __init__(self) -> None:
        self.current: str | None = None

    @contextmanager
    def signing_as(self, credentials: Mapping[str, Any]) -> Iterator[None]:
        self.current = credentials["AccessKeyId"]
        try:
            yield
        finally:
            self.current = None


class Recording(Throttle):
    """The run's Throttle, noting each call's endpoint."""

    def __init__(self) -> None:
        super().__init__(4, 0.0, sleep=lambda seconds: None)
        self.endpoints: list[str] = []

    def call(self, endpoint: str, fn: Callable[[], T]) -> T:
        self.endpoints.append(endpoint)
        return super().call(endpoint, fn)


def endpoint(region: str) -> str:
    return f"https://sts.{region}.amazonaws.com/"


def run_check(
    stses: dict[str, Sts],
    *,
    signer: Any,
    fact_clients: Mapping[str, Any],
    method: ProbeMethod = ROLE_PROBE,
    defer_opt_in: bool = True,
    deadline: float = 5.0,
    progress: list[tuple[int, int]] | None = None,
    throttle: Recording | None = None,
    probes: Any = None,
    same_account: bool = True,
    shared_pool: RequestPool | None = None,
) -> Report:
    options = CheckOptions(
        regions=tuple(stses), partition="aws", profile="p", profile_region=None
    )
    throttle = throttle or Recording()
    probes = probes or ConnectionProbes(
        {r: (sts, functools.partial(endpoint, r)) for r, sts in stses.items()},
        method,
        1,
        throttle,
    )
    target = AccountTarget(
        account_id=MEMBER,
        plan=ProbePlan(method, CredentialSource.CALLER, "probe"),
        probes=probes,
        signer=signer,
        fact_clients=fact_clients,
        same_account=same_account,
    )
    pool = shared_pool or RequestPool(1)
    seen = progress if progress is not None else []
    try:
        schedule = Schedule(
            pool=pool,
            deadline=deadline,
            throttle=throttle,
            defer_opt_in=defer_opt_in,
            progress=lambda done, total: seen.append((done, total)),
        )
        return AccountCheck(options, target, schedule).run()
    finally:
        pool.close()


def member_signer(
    redactor: CredentialRedactor, signers: Signers, assume: Any = None
) -> MemberSigner:
    return MemberSigner(
        role_arn=ROLE,
        signers=signers,  # type: ignore[arg-type]
        redactor=redactor,
        assume_role=assume or (lambda arn: pytest.fail("no AssumeRole expected")),
    )


def statuses(report: Report) -> dict[str, tuple[RegionStatus, bool, str]]:
    return {r.region: (r.status, r.verified, r.detail) for r in report.regions}


def test_a_members_facts_wait_for_the_first_probes_credentials() -> None:
    signers, redactor = Signers(), CredentialRedactor()
    facts = Facts(signers)
    stses = {"eu-west-1": Sts(), "ap-east-1": Sts(), "me-south-1": Sts()}
    progress: list[tuple[int, int]] = []
    throttle = Recording()

    report = run_check(
        stses,
        signer=member_signer(redactor, signers),
        fact_clients={"iam": facts, "account": facts},
        progress=progress,
        throttle=throttle,
    )

    # Each region's STS and each fact's service is an endpoint of its own.
    assert sorted(throttle.endpoints) == [
        "account",
        "iam",
        "sts/eu-west-1",
        "sts/me-south-1",
    ]

    # The opt-in regions waited for ListRegions: the one not enabled was
    # never probed; the enabled one was, after it.
    assert stses["ap-east-1"].calls == []
    assert stses["me-south-1"].calls == ["AssumeRole", "GetCallerIdentity"]
    assert statuses(report) == {
        "eu-west-1": (RegionStatus.ACTIVE, True, "AssumeRole succeeded"),
        "ap-east-1": (
            RegionStatus.NOT_ENABLED,
            True,
            "not probed: ListRegions says opt-in status DISABLED",
        ),
        "me-south-1": (RegionStatus.ACTIVE, True, "AssumeRole succeeded"),
    }
    # Rows without a probe have no endpoint and no latency.
    [not_probed] = [r for r in report.regions if r.region == "ap-east-1"]
    assert (not_probed.endpoint, not_probed.latency_ms) == (None, None)
    [probed] = [r for r in report.regions if r.region == "me-south-1"]
    assert probed.endpoint == "https://sts.me-south-1.amazonaws.com/"
    assert probed.latency_ms is not None
    # Both facts signed with the member's credentials the probe brought.
    assert facts.signed == ["ASIAMEMBER", "ASIAMEMBER"]
    assert report.facts.account == MEMBER and report.facts.arn == ASSUMED
    assert report.facts.values[TOKEN_VERSION.key] == (2, None)
    # One worker: the probe, the two facts (urgent), then the opt-in
    # region ListRegions let through.
    assert progress == [(1, 1), (2, 3), (3, 3), (4, 4)]
    # The check ended: the log filter forgot the member's secret.
    assert redactor.redact(SECRET) == SECRET


def test_a_member_assumes_its_role_once_when_no_probe_brought_credentials() -> None:
    signers, redactor = Signers(), CredentialRedactor()
    facts = Facts(signers, list_regions_error=True)
    asked: list[str] = []

    def assume(arn: str) -> Mapping[str, Any]:
        asked.append(arn)
        return assumed()

    stses = {
        "eu-west-1": Sts("RegionDisabledException"),
        "eu-west-2": Sts("RegionDisabledException"),
        "ap-east-1": Sts("RegionDisabledException"),
    }
    report = run_check(
        stses,
        signer=member_signer(redactor, signers, assume),
        fact_clients={"iam": facts, "account": facts},
    )

    assert asked == [ROLE]
    # ListRegions failed: the opt-in region is probed all the same.
    assert stses["ap-east-1"].calls[0] == "AssumeRole"
    found = statuses(report)
    assert (
        found["eu-west-1"][:2]
        == found["eu-west-2"][:2]
        == (
            RegionStatus.INACTIVE,
            True,
        )
    )
    assert facts.signed == ["ASIAMEMBER", "ASIAMEMBER"]
    assert OPT_IN.key in report.facts.values
    assert report.facts.values[OPT_IN.key][0] is None
    # The policy's refusal is reported as such.
    assert [denial.action for denial in report.denials] == ["account:ListRegions"]


def test_an_account_whose_role_cannot_be_assumed_is_not_checked() -> None:
    def refused(arn: str) -> Mapping[str, Any]:
        raise client_error("AccessDenied", "not authorized to assume")

    signers, redactor = Signers(), CredentialRedactor()
    with pytest.raises(AccountNotChecked) as raised:
        run_check(
            {"eu-west-1": Sts("AccessDenied")},
            signer=member_signer(redactor, signers, refused),
            fact_clients={"iam": Facts(signers)},
        )
    assert str(raised.value) == (
        f"AssumeRole of {ROLE}: AccessDenied: not authorized to assume"
    )


def test_no_credentials_at_all_names_the_account_when_no_role() -> None:
    signers, redactor = Signers(), CredentialRedactor()
    identity_only = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="x")
    asked: list[str] = []

    def no_credentials(arn: str) -> Mapping[str, Any]:
        asked.append(arn)
        return {"Account": MEMBER}

    with pytest.raises(AccountNotChecked) as raised:
        run_check(
            {"eu-west-1": Sts()},
            signer=member_signer(redactor, signers, no_credentials),
            fact_clients={"iam": Facts(signers)},
            method=identity_only,
        )
    assert str(raised.value) == f"AssumeRole of {MEMBER}: no answer in time"
    # Once: an answer without credentials is not asked again.
    assert asked == [ROLE]


def test_a_straggler_is_abandoned_at_the_deadline() -> None:
    gate = threading.Event()
    signers = Signers()
    facts = Facts(signers)
    stses = {"ap-east-1": Sts(), "eu-west-1": Sts(gate=gate)}
    started = time.monotonic()
    try:
        # No ListRegions client: the opt-in region is probed at once.
        report = run_check(
            stses,
            signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
            fact_clients={"iam": facts},
            deadline=0.6,
        )
    finally:
        gate.set()
    assert time.monotonic() - started < 5
    assert stses["ap-east-1"].calls == ["AssumeRole", "GetCallerIdentity"]
    assert {r: s[0] for r, s in statuses(report).items()} == {
        "ap-east-1": RegionStatus.ACTIVE,
        "eu-west-1": RegionStatus.UNREACHABLE,
    }
    # The one worker was held by the straggler: the fact never ran.
    assert facts.signed == []
    assert report.facts.values[TOKEN_VERSION.key] == (
        None,
        "iam:GetAccountSummary: no answer in time",
    )
    assert report.facts.arn == "arn:aws:iam::111122223333:user/alice"


@pytest.mark.parametrize(
    ("tasks", "workers", "expected"),
    [
        # 3 waves of 2 s, each up to samples + 1 requests, 5 s, the budget.
        (10, 4, 3 * 2.0 * 4 + 5.0 + 1.5),
        (8, 4, 2 * 2.0 * 4 + 5.0 + 1.5),
        (10, 0, 10 * 2.0 * 4 + 5.0 + 1.5),
    ],
)
def test_the_backstop_waits_for_every_wave(
    tasks: int, workers: int, expected: float
) -> None:
    assert backstop_seconds(tasks, workers, 2.0, 3, 1.5) == expected
    assert backstop_seconds(tasks, max(workers, 1), 2.0, 3) == expected - 1.5


def test_a_slow_answer_within_the_deadline_is_waited_for() -> None:
    # Held longer than the calling thread's 0.25 s slices, well within
    # the deadline: the check keeps waiting for it.
    gate = threading.Event()
    timer = threading.Timer(0.6, gate.set)
    stses = {"eu-west-1": Sts(gate=gate)}
    timer.start()
    try:
        report = run_check(
            stses,
            signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
            fact_clients={},
            deadline=5.0,
        )
    finally:
        timer.cancel()
        gate.set()
    assert statuses(report)["eu-west-1"][0] == RegionStatus.ACTIVE


def test_a_later_probe_may_still_bring_a_members_credentials() -> None:
    # The first probe fails, the second brings credentials: no AssumeRole
    # of its own while a probe is still awaited.
    signers, redactor = Signers(), CredentialRedactor()
    facts = Facts(signers)
    stses = {"eu-west-1": Sts("RegionDisabledException"), "eu-west-2": Sts()}
    report = run_check(
        stses, signer=member_signer(redactor, signers), fact_clients={"iam": facts}
    )
    assert facts.signed == ["ASIAMEMBER"]
    assert report.facts.arn == ASSUMED


def test_listregions_is_not_asked_for_a_role_of_another_account() -> None:
    report = run_check(
        {"eu-west-1": Sts()},
        signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
        fact_clients={},
        same_account=False,
    )
    assert report.facts.values[OPT_IN.key] == (
        None,
        "ListRegions not asked: the role is in another account",
    )


def test_an_organizations_rows_take_the_regions_figure_only_when_answered() -> None:
    # Another account's probe already measured both regions.
    figures = RegionLatencies(1, clock=iter([0.0, 0.007, 1.0, 1.003]).__next__)
    figures.after_answer("eu-west-1", Sts(), ROLE_PROBE)
    figures.after_answer("eu-west-2", Sts(), ROLE_PROBE)
    stses = {"eu-west-1": Sts("unreachable"), "eu-west-2": Sts()}
    probes = SharedProbes(
        {r: (sts, functools.partial(endpoint, r)) for r, sts in stses.items()},
        ROLE_PROBE,
        figures,
        1.0,
        Recording(),
    )
    report = run_check(
        stses,
        signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
        fact_clients={},
        probes=probes,
    )
    latency = {r.region: r.latency_ms for r in report.regions}
    assert latency == {"eu-west-1": None, "eu-west-2": 3.0}


def test_a_members_facts_go_before_the_probes_still_queued() -> None:
    # The facts started by a probe's credentials are urgent: the one
    # worker, held by the second region meanwhile, takes them before the
    # third region's probe, queued earlier.
    CALLS.clear()
    signers, redactor = Signers(), CredentialRedactor()
    gate = threading.Event()
    timer = threading.Timer(0.3, gate.set)
    timer.start()
    try:
        run_check(
            {"eu-west-1": Sts(), "eu-west-2": Sts(gate=gate), "eu-west-3": Sts()},
            signer=member_signer(redactor, signers),
            fact_clients={"iam": Facts(signers)},
        )
    finally:
        timer.cancel()
        gate.set()
    assert CALLS == ["AssumeRole", "AssumeRole", "GetAccountSummary", "AssumeRole"]


def test_listregions_alone_still_holds_the_opt_in_regions_back() -> None:
    signers = Signers()
    stses = {"ap-east-1": Sts(), "eu-west-1": Sts()}
    run_check(
        stses,
        signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
        fact_clients={"account": Facts(signers)},
    )
    assert stses["ap-east-1"].calls == []
    assert stses["eu-west-1"].calls == ["AssumeRole", "GetCallerIdentity"]


def test_a_probe_task_that_fails_is_the_regions_error() -> None:
    # Nothing a probe task calls is expected to raise (ask_region keeps
    # every failure of the call); if its client's URL recorder does, the
    # row reports that error rather than an abandoned probe.
    def broken() -> str:
        raise EndpointConnectionError(
            endpoint_url="https://sts.eu-west-1.amazonaws.com"
        )

    probes = ConnectionProbes(
        {"eu-west-1": (Sts(), broken)}, ROLE_PROBE, 1, Recording()
    )
    report = run_check(
        {"eu-west-1": Sts()},
        signer=CallerSigner("arn:aws:iam::111122223333:user/alice"),
        fact_clients={},
        probes=probes,
    )
    [row] = report.regions
    assert row.status == RegionStatus.UNREACHABLE
    assert row.detail.startswith("no connection (EndpointConnectionError"), row.detail


def test_a_members_extra_assumerole_goes_before_other_accounts_calls() -> None:
    # In an organization the pool is shared: other accounts' calls queue
    # while this account's only probe fails. The AssumeRole that follows
    # is urgent: the one worker, held meanwhile by another account's call,
    # takes it before the other accounts' next one.
    CALLS.clear()
    pool, sink = RequestPool(1), queue.SimpleQueue()  # type: ignore[var-annotated]
    gate = threading.Event()
    timer = threading.Timer(0.3, gate.set)

    def held() -> None:
        gate.wait(5)
        CALLS.append("other-1")

    class Busy(Sts):
        def assume_role(self, **params: Any) -> Any:
            CALLS.append("probe")
            pool.submit("other-1", held, sink)
            pool.submit("other-2", lambda: CALLS.append("other-2"), sink)
            raise client_error("RegionDisabledException")

    def assume(arn: str) -> Mapping[str, Any]:
        CALLS.append("AssumeRole")
        return assumed()

    signers, redactor = Signers(), CredentialRedactor()
    timer.start()
    try:
        run_check(
            {"eu-west-1": Busy()},
            signer=member_signer(redactor, signers, assume),
            fact_clients={},
            shared_pool=pool,
        )
    finally:
        timer.cancel()
        gate.set()
        pool.close()
    assert CALLS[:3] == ["probe", "other-1", "AssumeRole"]
