"""A throttled probe's row (issue 34): never inactive, never a finding;
``unknown`` with the count of throttled answers once the retry budget is
spent, in every region and for every probe."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore.exceptions import ClientError

from awscli_regional_sts.aws.backoff import DEFAULT_BUDGET_SECONDS
from awscli_regional_sts.aws.errors import CallError, RetryBudgetSpent
from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.activation.cli.argument_checks import (
    validate_arguments,
)
from awscli_regional_sts.commands.activation.model.classify import classify
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)

ROLE = ProbeMethod(
    ProbeOperation.ASSUME_ROLE, role_arn="arn:aws:iam::111111111111:role/R"
)
GST = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)


def throttled(code: str, status: int, count: int) -> Observation:
    answer = ClientError(
        {
            "Error": {"Code": code, "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "AssumeRole",
    )
    return Observation(
        probe_error=CallError.from_exception(RetryBudgetSpent(answer, count))
    )


@pytest.mark.parametrize("method", [ROLE, GST])
@pytest.mark.parametrize("region", ["eu-west-1", "ap-east-1", "us-east-1"])
@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("Throttling", 400),
        ("TooManyRequestsException", 400),
        ("TooManyRequestsException", 429),
        ("SomethingNew", 429),
    ],
)
@pytest.mark.parametrize("opt_in", [None, "DISABLED", "ENABLED"])
def test_a_throttled_region_is_unknown_with_its_count(
    method: ProbeMethod, region: str, code: str, status: int, opt_in: str | None
) -> None:
    verdict = classify(
        region, "aws", method, throttled(code, status, 7), opt_in, None, 2.0
    )
    assert verdict.status == RegionStatus.UNKNOWN and not verdict.verified
    assert verdict.detail == (
        f"throttled 7 times; retry budget spent ({code}: Rate exceeded)"
    )


def test_one_throttled_answer_reads_once() -> None:
    verdict = classify(
        "eu-west-1", "aws", ROLE, throttled("Throttling", 400, 1), None, None, 2.0
    )
    assert verdict.detail.startswith("throttled once; retry budget spent")


def _validate(**kwargs: Any) -> Any:
    base: dict[str, Any] = dict(
        regions=None,
        role_arn=None,
        timeout=None,
        max_concurrency=None,
        samples=None,
        require_active=None,
    )
    base.update(kwargs)
    partitions = default_partitions()
    aws = partitions.by_name("aws")
    assert aws is not None
    return validate_arguments(SimpleNamespace(**base), aws, partitions, None)


def test_the_throttle_budget_has_one_default_and_is_checked() -> None:
    assert _validate().throttle_budget == DEFAULT_BUDGET_SECONDS
    assert _validate(throttle_budget="2.5").throttle_budget == 2.5
    for bad in ("0", "-1", "soon", "nan", "3601"):
        with pytest.raises(ArgumentProblem) as problem:
            _validate(throttle_budget=bad)
        line = str(problem.value)
        assert line.startswith("--throttle-budget: expected a number of seconds")
        assert "\n" not in line
