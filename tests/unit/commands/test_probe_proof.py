"""Unit tests: a probe never takes an answer from an operation that answers
in a deactivated region as proof of activation (aws/operations.py)."""

from __future__ import annotations

import pytest

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.operations import (
    ANSWERS_WHEN_DEACTIVATED,
    PROVES_ACTIVATION,
)
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.activation.model.classify import classify
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)


@pytest.mark.parametrize("operation", list(ProbeOperation))
def test_a_probe_verifies_only_with_an_operation_that_proves(
    operation: ProbeOperation,
) -> None:
    method = ProbeMethod(operation, role_arn="arn:aws:iam::111122223333:role/r")
    assert method.verifies is (operation.value in PROVES_ACTIVATION)
    if operation.value in ANSWERS_WHEN_DEACTIVATED:
        assert not method.verifies


def test_the_verifying_probes_are_credential_issuing_calls() -> None:
    verifying = {op.value for op in ProbeOperation if ProbeMethod(op).verifies}
    assert verifying == {"GetSessionToken", "AssumeRole"}


@pytest.mark.parametrize("region", ["eu-west-1", "ap-northeast-1"])
def test_get_caller_identity_answering_never_proves_a_region_active(
    region: str,
) -> None:
    """A deactivatable region where only GetCallerIdentity could be sent:
    its answer is no proof (it answers in deactivated regions too)."""
    method = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="SSO session")
    verdict = classify(
        region, "aws", method, Observation(latencies_ms=[5.0]), None, None, 5.0
    )
    assert verdict.status == RegionStatus.UNKNOWN
    assert not verdict.verified
    assert "cannot tell active from deactivated" in verdict.detail


def test_get_caller_identity_refused_proves_nothing_either() -> None:
    method = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="SSO session")
    observation = Observation(
        probe_error=CallError("RegionDisabledException", "STS is not activated")
    )
    verdict = classify("eu-west-1", "aws", method, observation, None, None, 5.0)
    assert not verdict.verified


def test_a_credential_issuing_answer_proves_a_region_active() -> None:
    method = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
    verdict = classify("eu-west-1", "aws", method, Observation(), None, None, 5.0)
    assert (verdict.status, verdict.verified) == (RegionStatus.ACTIVE, True)
