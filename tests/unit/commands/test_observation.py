"""The probe's description and what it saw (``model/observation.py``): the
exact call each probe method makes, which of them can prove activation,
the median latency, and whether a region answered. No network: a recording
client stands in for botocore's."""

from __future__ import annotations

from typing import Any

import pytest

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.commands.activation.model.observation import (
    PROBE_DURATION_SECONDS,
    ROLE_SESSION_NAME,
    Observation,
    ProbeMethod,
    ProbeOperation,
    answered,
)

ROLE_ARN = "arn:aws:iam::111122223333:role/prober"


class RecordingClient:
    """Records each call (operation and parameters) and answers it with a
    marker naming the operation, so a test sees which answer came back."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, operation: str) -> Any:
        def call(**params: Any) -> dict[str, str]:
            self.calls.append((operation, params))
            return {"Answer": operation}

        return call


def test_the_probes_constants_are_what_sts_is_sent() -> None:
    assert ROLE_SESSION_NAME == "sts-activation-check"
    # The shortest duration STS accepts for either call.
    assert PROBE_DURATION_SECONDS == 900


def test_a_probe_method_defaults_to_the_checks_session_name_and_nothing_else() -> None:
    method = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN)
    assert method.role_arn is None
    assert method.role_session_name == "sts-activation-check"
    assert method.external_id is None
    assert method.reason is None


def test_get_session_token_asks_for_the_shortest_duration_only() -> None:
    client = RecordingClient()
    answer = ProbeMethod(ProbeOperation.GET_SESSION_TOKEN).call(client)
    assert answer == {"Answer": "get_session_token"}
    assert client.calls == [("get_session_token", {"DurationSeconds": 900})]


def test_assume_role_names_the_role_the_session_and_the_duration() -> None:
    client = RecordingClient()
    method = ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=ROLE_ARN)
    answer = method.call(client)
    assert answer == {"Answer": "assume_role"}
    assert client.calls == [
        (
            "assume_role",
            {
                "RoleArn": ROLE_ARN,
                "RoleSessionName": "sts-activation-check",
                "DurationSeconds": 900,
            },
        )
    ]


def test_assume_role_passes_the_profiles_session_name_and_external_id() -> None:
    client = RecordingClient()
    method = ProbeMethod(
        ProbeOperation.ASSUME_ROLE,
        role_arn=ROLE_ARN,
        role_session_name="ops",
        external_id="secret-handshake",
    )
    method.call(client)
    assert client.calls == [
        (
            "assume_role",
            {
                "RoleArn": ROLE_ARN,
                "RoleSessionName": "ops",
                "DurationSeconds": 900,
                "ExternalId": "secret-handshake",
            },
        )
    ]


def test_an_empty_external_id_is_not_sent() -> None:
    client = RecordingClient()
    ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=ROLE_ARN, external_id="").call(
        client
    )
    assert "ExternalId" not in client.calls[0][1]


def test_get_caller_identity_is_called_without_parameters() -> None:
    client = RecordingClient()
    method = ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="session")
    assert method.call(client) == {"Answer": "get_caller_identity"}
    assert client.calls == [("get_caller_identity", {})]


@pytest.mark.parametrize(
    ("operation", "verifies"),
    [
        (ProbeOperation.GET_SESSION_TOKEN, True),
        (ProbeOperation.ASSUME_ROLE, True),
        # It answers in a deactivated region too.
        (ProbeOperation.GET_CALLER_IDENTITY, False),
    ],
)
def test_only_credential_issuing_calls_verify(
    operation: ProbeOperation, verifies: bool
) -> None:
    assert ProbeMethod(operation).verifies is verifies


def test_an_observation_starts_empty() -> None:
    observation = Observation()
    assert observation.endpoint is None
    assert observation.probe_error is None
    assert observation.latencies_ms == []
    assert observation.sample_error is None
    assert observation.abandoned is False
    assert observation.latency_ms is None
    # Each observation has its own list of samples.
    observation.latencies_ms.append(1.0)
    assert Observation().latencies_ms == []


@pytest.mark.parametrize(
    ("samples", "latency"),
    [
        ([7.0], 7.0),
        ([30.0, 10.0, 20.0], 20.0),  # the middle one, not the first
        ([40.0, 10.0, 20.0, 30.0], 25.0),  # the mean of the middle two
        ([1.0, 2.0], 1.5),
        ([10.04], 10.0),  # one decimal
        ([10.06], 10.1),
        ([5.0, 1.0, 9.0, 2.0, 8.0], 5.0),
    ],
)
def test_latency_is_the_median_of_the_samples_to_one_decimal(
    samples: list[float], latency: float
) -> None:
    assert Observation(latencies_ms=samples).latency_ms == latency


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (None, True),
        (CallError("RegionDisabledException", "STS is not activated"), True),
        (CallError("AccessDenied", "not authorized"), True),
        (CallError("ConnectTimeoutError", "timed out", unreachable=True), False),
        (CallError("Throttling", "Rate exceeded"), False),
        (CallError("SlowDown", "", status=429), False),
    ],
)
def test_a_region_answered_unless_unreachable_or_throttling(
    error: CallError | None, expected: bool
) -> None:
    assert answered(Observation(probe_error=error)) is expected
