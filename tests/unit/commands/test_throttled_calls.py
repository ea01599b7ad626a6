"""The one engine (``run/account_check.py``) sends its probes and facts
through the run's ``Throttle``: a throttled probe or fact is retried until
it answers, on botocore-shaped fakes and a sleep that does not wait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest
from botocore.exceptions import ClientError

from awscli_regional_sts.aws.backoff import Throttle
from awscli_regional_sts.aws.runner import RequestPool
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.clients import Signers
from awscli_regional_sts.commands.activation.model.account_facts import TOKEN_VERSION
from awscli_regional_sts.commands.activation.model.observation import (
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
    OrganizationOptions,
)
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
)
from awscli_regional_sts.commands.activation.run.account_check import (
    AccountCheck,
    AccountTarget,
    Schedule,
)
from awscli_regional_sts.commands.activation.run.organization_run import (
    OrganizationCheck,
)
from awscli_regional_sts.commands.activation.run.probes import ConnectionProbes
from awscli_regional_sts.commands.activation.run.signing import CallerSigner

ARN = "arn:aws:iam::111122223333:user/alice"


def throttling() -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "Throttling", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "Call",
    )


class Sts:
    """Throttles the first ``throttled`` GetSessionToken calls."""

    def __init__(self, throttled: int) -> None:
        self.throttled = throttled
        self.calls = 0

    def get_session_token(self, **params: Any) -> Any:
        self.calls += 1
        if self.calls <= self.throttled:
            raise throttling()
        return {"Credentials": {}}

    def get_caller_identity(self) -> Any:
        return {"Account": "111122223333"}


class Iam:
    def __init__(self) -> None:
        self.calls = 0

    def get_account_summary(self) -> Any:
        self.calls += 1
        if self.calls <= 2:
            raise throttling()
        return {"SummaryMap": {"GlobalEndpointTokenVersion": 2}}


def check(sts: Sts, iam: Iam, budget: float) -> Any:
    options = CheckOptions(
        regions=("eu-west-1",),
        partition="aws",
        profile="default",
        profile_region="us-east-1",
        samples=1,
        throttle_budget=budget,
    )
    throttle = Throttle(4, budget, sleep=lambda seconds: None)
    method = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
    target = AccountTarget(
        account_id="111122223333",
        plan=ProbePlan(method, CredentialSource.CALLER, "GetSessionToken"),
        probes=ConnectionProbes(
            {"eu-west-1": (sts, lambda: "https://sts.eu-west-1.amazonaws.com/")},
            method,
            1,
            throttle,
        ),
        signer=CallerSigner(ARN),
        fact_clients={TOKEN_VERSION.service: iam},
    )
    pool = RequestPool(2)
    try:
        schedule = Schedule(pool=pool, deadline=30, throttle=throttle)
        return AccountCheck(options, target, schedule).run(), throttle
    finally:
        pool.close()


def test_a_throttled_probe_and_fact_are_retried_until_they_answer() -> None:
    sts, iam = Sts(throttled=3), Iam()
    report, throttle = check(sts, iam, budget=30)
    [row] = report.regions
    assert row.status == RegionStatus.ACTIVE and row.verified
    assert sts.calls == 4 and iam.calls == 3
    assert report.facts.values[TOKEN_VERSION.key] == (2, None)
    assert throttle.throttled_answers == 5


def test_the_organization_runs_clients_make_one_attempt_whatever_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run retries throttling; botocore's legacy mode must not
    # (docs/sts-facts.md section 12), even with the profile's max_attempts.
    config = tmp_path / "config"
    config.write_text(
        "[default]\nregion = us-east-1\nretry_mode = legacy\nmax_attempts = 7\n"
        "aws_access_key_id = AKIACALLER\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    session = botocore.session.Session()
    options = CheckOptions(
        regions=("eu-west-1",), partition="aws", profile="default", profile_region=None
    )
    run = OrganizationCheck(
        session, options, OrganizationOptions(), None, lambda result: None
    )
    signers = Signers(session)
    for client in (
        signers.member_client("iam", None, None, run._one_attempt(16)),
        signers.caller_client("organizations", None, None, run._one_attempt(16)),
    ):
        retries = client.meta.config.retries
        assert retries.get("total_max_attempts", retries.get("max_attempts")) == 1
