"""Unit tests of `aws sts activation-check`'s logic: classification, probe
choice, recommendation, argument validation, concurrency, log redaction and
the aiming of probe clients. No network; botocore is exercised in-process."""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
)

from awscli_regional_sts.aws.errors import CallError
from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.aws.runner import run_parallel, start_in_background
from awscli_regional_sts.aws.status import RegionStatus
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.accounts.redaction import CredentialRedactor
from awscli_regional_sts.commands.activation.cli.argument_checks import (
    Arguments,
    region_choices,
    regions_to_probe,
    validate_arguments,
)
from awscli_regional_sts.commands.activation.model.classify import classify
from awscli_regional_sts.commands.activation.model.observation import (
    Observation,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.probe_plan import choose_probe
from awscli_regional_sts.commands.activation.model.report import (
    AccountFacts,
    RegionResult,
    Report,
    Verdict,
    recommend,
    sts_region_warning,
    token_version_warning,
    within_noise,
)
from awscli_regional_sts.commands.activation.run.probe import (
    RegionLatencies,
    probe_region,
)
from awscli_regional_sts.commands.activation.run.save import save_for_auto
from awscli_regional_sts.plugin.endpoints import aim_client

ACTIVE = RegionStatus.ACTIVE
INACTIVE = RegionStatus.INACTIVE
NOT_ENABLED = RegionStatus.NOT_ENABLED
UNKNOWN = RegionStatus.UNKNOWN
UNREACHABLE = RegionStatus.UNREACHABLE
ASSUME_ROLE = ProbeOperation.ASSUME_ROLE
GET_CALLER_IDENTITY = ProbeOperation.GET_CALLER_IDENTITY
GET_SESSION_TOKEN = ProbeOperation.GET_SESSION_TOKEN

GST = ProbeMethod(GET_SESSION_TOKEN)
ROLE = ProbeMethod(ASSUME_ROLE, role_arn="arn:aws:iam::111122223333:role/r")
GCI = ProbeMethod(GET_CALLER_IDENTITY, reason="session credentials")


def client_error(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Op")


def seen(error: BaseException | None = None, **kwargs: Any) -> Observation:
    probe_error = CallError.from_exception(error) if error else None
    return Observation(probe_error=probe_error, **kwargs)


# --- classification ---------------------------------------------------------


@pytest.mark.parametrize(
    "region, method, observation, opt_in, expected",
    [
        ("eu-west-1", GST, seen(latencies_ms=[5.0]), None, (ACTIVE, True)),
        (
            "eu-west-1",
            GST,
            seen(client_error("RegionDisabledException", "STS is not activated")),
            None,
            (INACTIVE, True),
        ),
        (
            "eu-west-1",
            ROLE,
            seen(
                client_error(
                    "AccessDenied",
                    "STS is not activated in this region for account:1",
                )
            ),
            None,
            (INACTIVE, True),
        ),
        (
            "ap-east-1",
            GST,
            seen(client_error("InvalidClientTokenId")),
            "DISABLED",
            (NOT_ENABLED, True),
        ),
        (
            "ap-east-1",
            GST,
            seen(client_error("InvalidClientTokenId")),
            None,
            (NOT_ENABLED, False),
        ),
        # A default region cannot be "not enabled": a token problem instead.
        (
            "eu-west-1",
            GST,
            seen(client_error("InvalidClientTokenId")),
            None,
            (UNKNOWN, False),
        ),
        # Enabled opt-in region + InvalidClientTokenId: a v1 token, not opt-in.
        (
            "ap-east-1",
            GST,
            seen(client_error("InvalidClientTokenId")),
            "ENABLED",
            (UNKNOWN, False),
        ),
        (
            "eu-west-1",
            GST,
            seen(ConnectTimeoutError(endpoint_url="https://x")),
            None,
            (UNREACHABLE, False),
        ),
        ("eu-west-1", GST, Observation(abandoned=True), None, (UNREACHABLE, False)),
        (
            "eu-west-1",
            ROLE,
            seen(client_error("AccessDenied", "not authorized")),
            None,
            (UNKNOWN, False),
        ),
        (
            "eu-west-1",
            GST,
            seen(client_error("Throttling", "Rate exceeded")),
            None,
            (UNKNOWN, False),
        ),
        # GetCallerIdentity only: facts decide where they can.
        ("eu-west-1", GCI, seen(latencies_ms=[1.0]), None, (UNKNOWN, False)),
        ("us-east-1", GCI, seen(latencies_ms=[1.0]), None, (ACTIVE, False)),
        ("global", GCI, seen(latencies_ms=[1.0]), None, (ACTIVE, False)),
        ("ap-east-1", GCI, seen(latencies_ms=[1.0]), "ENABLED", (ACTIVE, False)),
    ],
)
def test_classify(
    region: str,
    method: ProbeMethod,
    observation: Observation,
    opt_in: str | None,
    expected: tuple[str, bool],
) -> None:
    verdict = classify(region, "aws", method, observation, opt_in, None, 2.0)
    assert (verdict.status, verdict.verified) == expected
    assert verdict.detail


def test_details_say_what_is_inferred_or_unconfirmed() -> None:
    inferred = classify(
        "ap-east-1",
        "aws",
        GST,
        seen(client_error("InvalidClientTokenId")),
        None,
        "ListRegions: AccessDenied",
        2.0,
    )
    assert "inferred" in inferred.detail and "AccessDenied" in inferred.detail
    denied = classify(
        "eu-west-1", "aws", ROLE, seen(client_error("AccessDenied")), None, None, 2
    )
    assert "unconfirmed" in denied.detail
    hung = classify(
        "eu-west-1",
        "aws",
        GST,
        seen(ConnectTimeoutError(endpoint_url="https://x")),
        None,
        None,
        2.0,
    )
    assert "within 2 s" in hung.detail


def test_a_timed_out_proxy_tunnel_counts_as_a_timeout() -> None:
    error = ProxyConnectionError(proxy_url="http://p", error="CONNECT timed out")
    problem = CallError.from_exception(error)
    assert problem.unreachable and problem.timed_out


# --- the probe ---------------------------------------------------------------


class StubClient:
    URL = "https://sts.eu-west-1.amazonaws.com/"

    def __init__(self, *errors: BaseException | None) -> None:
        self.calls: list[str] = []
        self._errors = list(errors)
        #: As aim_client's recorder: None until a request was sent.
        self.requested: str | None = None

    def _answer(self, name: str) -> dict[str, Any]:
        self.calls.append(name)
        self.requested = self.URL
        error = self._errors.pop(0) if self._errors else None
        if error is not None:
            raise error
        return {"Credentials": {"SecretAccessKey": "s"}}

    def get_session_token(self, **kwargs: Any) -> dict[str, Any]:
        assert kwargs == {"DurationSeconds": 900}
        return self._answer("GetSessionToken")

    def get_caller_identity(self) -> dict[str, Any]:
        return self._answer("GetCallerIdentity")


def test_probe_issues_credentials_once_then_samples_latency() -> None:
    client = StubClient()
    ticks = iter([0.0, 0.010, 1.0, 1.030, 2.0, 2.020])
    observation = probe_region(
        client, GST, 3, lambda: client.requested, lambda: next(ticks)
    )
    assert client.calls == ["GetSessionToken"] + ["GetCallerIdentity"] * 3
    # The median of the three samples (10, 30, 20 ms), not the probe call's.
    assert observation.latency_ms == 20.0
    # The URL the requests went to, read once they were sent (aim_client's
    # recorder gives None before the first request).
    assert observation.endpoint == StubClient.URL
    assert observation.probe_error is None


def test_probe_stops_at_a_dead_region() -> None:
    client = StubClient(ConnectTimeoutError(endpoint_url="https://x"))
    observation = probe_region(client, GST, 3, lambda: client.requested)
    assert client.calls == ["GetSessionToken"]
    assert observation.endpoint == StubClient.URL
    assert observation.probe_error is not None and observation.probe_error.timed_out
    assert observation.latency_ms is None


def test_deactivated_region_still_gets_latency() -> None:
    client = StubClient(client_error("RegionDisabledException"))
    observation = probe_region(client, GST, 2)
    assert client.calls == ["GetSessionToken", "GetCallerIdentity", "GetCallerIdentity"]
    assert observation.latency_ms is not None


# --- probe choice --------------------------------------------------------------


def test_choose_probe() -> None:
    assert choose_probe("AKIAX", False, None, {}).method.operation == GET_SESSION_TOKEN
    session = choose_probe("ASIAX", True, None, {})
    assert session.method.operation == GET_CALLER_IDENTITY
    assert "--role-arn" in session.description
    option = choose_probe("ASIAX", True, "arn:aws:iam::1:role/x", {})
    assert option.method.role_arn == "arn:aws:iam::1:role/x"
    assert option.credentials == "caller"
    profile = {
        "role_arn": "arn:aws:iam::1:role/p",
        "source_profile": "base",
        "external_id": "e",
    }
    plan = choose_probe("ASIAX", True, None, profile)
    assert plan.method.operation == ASSUME_ROLE
    assert plan.method.external_id == "e"
    assert plan.credentials == "source"
    env = choose_probe(
        "ASIAX", True, None, {"role_arn": "r", "credential_source": "Environment"}
    )
    assert env.credentials == "source"
    mfa = choose_probe("ASIAX", True, None, {**profile, "mfa_serial": "m"})
    assert mfa.method.operation == GET_CALLER_IDENTITY


# --- recommendation and warnings ----------------------------------------------


def row(region: str, status: str = ACTIVE, ms: float | None = 10.0) -> RegionResult:
    return RegionResult(region, None, status, True, ms, "d")


def test_recommend_fastest_active_region_not_the_global_endpoint() -> None:
    results = [
        row("global", ms=300.0),
        row("us-east-1", ms=250.0),
        row("ap-northeast-1", ms=30.0),
        row("eu-west-1", INACTIVE, ms=5.0),
    ]
    fastest, recommendation = recommend(results, "tokyo")
    assert fastest == "ap-northeast-1"
    assert recommendation is not None
    assert recommendation.times_faster == 10.0
    assert recommendation.command == (
        "aws configure set sts_region ap-northeast-1 --profile tokyo"
    )
    assert recommend([row("eu-west-1", INACTIVE)], "p") == (None, None)


def sampled(region: str, *samples: float) -> RegionResult:
    ordered = sorted(samples)
    middle = len(ordered) // 2
    median = (
        ordered[middle]
        if len(ordered) % 2
        else (ordered[middle - 1] + ordered[middle]) / 2
    )
    return RegionResult(region, None, ACTIVE, True, median, "d", tuple(samples))


@pytest.mark.parametrize(
    ("faster", "slower", "tie"),
    [
        # One sample each: within max(2 ms, 20 %) of the faster.
        ((15.4,), (15.5,), True),  # the issue's moto run
        ((5.0,), (7.0,), True),  # 2 ms floor
        ((5.0,), (7.1,), False),
        ((100.0,), (120.0,), True),  # 20 %
        ((100.0,), (120.5,), False),
        # One sample on one side only: no range to compare, the floor again.
        ((15.0, 16.0, 30.0), (17.0,), True),
        ((15.0, 16.0, 17.0), (40.0,), False),
        # Samples on both sides: overlapping ranges.
        ((15.0, 15.4, 18.0), (16.0, 17.0, 19.0), True),
        ((15.0, 15.4, 15.8), (16.0, 16.1, 16.2), False),  # 0.2 ms, but apart
        ((10.0, 11.0), (11.0, 12.0), True),  # touching counts
    ],
)
def test_within_noise(
    faster: tuple[float, ...], slower: tuple[float, ...], tie: bool
) -> None:
    assert within_noise(sampled("a", *faster), sampled("b", *slower)) is tie


def test_a_tie_prefers_the_profiles_sts_region_then_its_region() -> None:
    results = [
        sampled("eu-west-1", 15.4),
        sampled("ap-northeast-1", 15.5),
        sampled("us-west-2", 15.6),
        sampled("us-east-1", 40.0),
    ]
    fastest, chosen = recommend(results, "p", ("ap-northeast-1", "us-west-2"))
    assert fastest == "eu-west-1"  # still the measured fastest
    assert chosen is not None
    assert chosen.region == "ap-northeast-1"
    assert chosen.latency_ms == 15.5
    assert chosen.tied_with == ("eu-west-1", "us-west-2")
    assert chosen.reason.startswith("a tie: eu-west-1 15.4 ms (1 sample), ")
    assert chosen.reason.endswith(
        "cannot be told apart by this measurement; ap-northeast-1 is the "
        "profile's own region among them"
    )
    assert chosen.command == "aws configure set sts_region ap-northeast-1 --profile p"
    document = chosen.to_dict()
    assert (document["Tie"], document["TiedWith"]) == (
        True,
        ["eu-west-1", "us-west-2"],
    )
    # No sts_region: the profile's region, also tied, wins.
    _, by_region = recommend(results, "p", (None, "us-west-2"))
    assert by_region is not None and by_region.region == "us-west-2"
    # The profile's regions not among the tied: the fastest, still a tie.
    _, neither = recommend(results, "p", ("us-east-1", "sa-east-1"))
    assert neither is not None and neither.region == "eu-west-1"
    assert neither.tied_with == ("ap-northeast-1", "us-west-2")
    assert neither.reason.endswith("eu-west-1 is the fastest of them")


def test_a_clear_winner_is_no_tie() -> None:
    results = [
        sampled("eu-west-1", 15.0, 15.2, 15.4),
        sampled("ap-northeast-1", 16.0, 16.1, 16.3),
    ]
    _, chosen = recommend(results, "p", ("ap-northeast-1", None))
    assert chosen is not None
    assert (chosen.region, chosen.tied_with) == ("eu-west-1", ())
    assert chosen.reason == "the fastest active region"
    assert chosen.to_dict()["Tie"] is False


def test_warnings() -> None:
    results = [row("eu-west-1", INACTIVE), row("ap-east-1"), row("eu-west-2", UNKNOWN)]
    source = "environment variable AWS_STS_REGION"
    warning = sts_region_warning(results, "eu-west-1", source)
    # The warning names where the value came from, not always the profile.
    assert warning is not None
    assert warning.startswith(
        "STS region eu-west-1 (environment variable AWS_STS_REGION) is inactive: "
        "STS calls of this profile may fail"
    )
    assert sts_region_warning(results, "ap-east-1", source) is None
    unknown = sts_region_warning(results, "eu-west-2", "sts_region in profile 'p'")
    assert unknown is not None and "cannot be told" in unknown
    v1 = token_version_warning(1, "aws", results, {"me-south-1": "ENABLED"})
    assert v1 is not None and "ap-east-1" in v1 and "me-south-1" in v1
    assert token_version_warning(2, "aws", results, {}) is None
    assert token_version_warning(1, "aws", [row("eu-west-1")], {}) is None


# --- arguments -----------------------------------------------------------------


def args(**kwargs: Any) -> SimpleNamespace:
    base = dict(
        regions=None,
        role_arn=None,
        timeout=None,
        max_concurrency=None,
        samples=None,
        require_active=None,
    )
    base.update(kwargs)
    return SimpleNamespace(**base)


AWS = default_partitions().by_name("aws")


def validate(**kwargs: Any) -> Arguments:
    assert AWS is not None
    return validate_arguments(args(**kwargs), AWS, default_partitions(), None)


def test_valid_arguments_and_defaults() -> None:
    parsed = validate(
        regions=["global", "us-east-1,eu-west-1"],
        role_arn="arn:aws:iam::111122223333:role/path/x",
        timeout="2.5",
        samples="1",
    )
    assert parsed.regions == ("global", "us-east-1", "eu-west-1")
    assert parsed.timeout == 2.5 and parsed.samples == 1
    assert parsed.require_active is None
    # Every region of the partition at once (plus the two account tasks):
    # a hung region then costs one --timeout, not one per wave.
    assert AWS is not None
    assert parsed.max_concurrency >= len(regions_to_probe(parsed, AWS)) + 2
    assert parsed.max_concurrency >= len(region_choices(AWS)) + 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"regions": ["aws-global"]},
        {"regions": ["us-east-1-fips"]},
        {"regions": ["cn-north-1"]},
        {"role_arn": "arn:aws:iam::111122223333:user/x"},
        {"role_arn": "arn:aws-cn:iam::111122223333:role/x"},
        {"timeout": "0"},
        {"timeout": "nan"},
        {"max_concurrency": "1.5"},
        {"samples": "0"},
        {"require_active": []},
    ],
)
def test_invalid_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ArgumentProblem) as problem:
        validate(**kwargs)
    assert "\n" not in str(problem.value)


def test_require_active_checks_the_regions_given_else_the_sts_region() -> None:
    assert AWS is not None
    given = validate(regions=["eu-west-1", "us-east-1"], require_active=[])
    assert given.require_active == ("eu-west-1", "us-east-1")
    named = validate(regions=["eu-west-1"], require_active=["us-east-1"])
    assert named.require_active == ("us-east-1",)
    profile = validate_arguments(
        args(require_active=[]), AWS, default_partitions(), "ap-northeast-1"
    )
    assert profile.require_active == ("ap-northeast-1",)
    with pytest.raises(ArgumentProblem, match="set sts_region"):
        validate(require_active=[])


def test_require_active_verdict_tells_unknown_from_inactive() -> None:
    report = Report(
        AccountFacts(account="111122223333", arn="arn:aws:iam::111122223333:user/a"),
        "aws",
        "GetCallerIdentity only",
        [row("us-east-1"), row("eu-west-1", INACTIVE), row("eu-west-2", UNKNOWN)],
    )
    assert report.verdict(["us-east-1"]) == Verdict([], [])
    assert report.verdict(["eu-west-2", "us-east-1"]) == Verdict(
        [], ["eu-west-2 (unknown)"]
    )
    assert report.verdict(["eu-west-1", "eu-west-2", "ap-east-1"]) == Verdict(
        ["eu-west-1 (inactive)", "ap-east-1 (not checked)"], ["eu-west-2 (unknown)"]
    )


def test_regions_probes_only_those_and_the_required_ones() -> None:
    assert AWS is not None
    parsed = validate(regions=["us-east-1"], require_active=["eu-west-1"])
    # The profile's sts_region is not added: --regions means only these.
    assert regions_to_probe(parsed, AWS) == ("us-east-1", "eu-west-1")
    everything = regions_to_probe(validate(), AWS)
    assert everything[0] == "global" and "us-east-1" in everything
    assert not any(r.endswith("-fips") or r == "aws-global" for r in everything)


# --- concurrency ------------------------------------------------------------------


def test_run_parallel_bounds_concurrency_and_isolates_failures() -> None:
    lock = threading.Lock()
    running = peak = 0

    def task(value: int) -> Any:
        def run() -> int:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            if value == 3:
                raise RuntimeError("boom")
            return value

        return run

    results = run_parallel({str(i): task(i) for i in range(8)}, 3, 10.0)
    assert peak <= 3
    assert len(results) == 8
    assert isinstance(results["3"][1], RuntimeError)
    assert results["4"] == (4, None)


def test_run_parallel_abandons_a_hung_task_at_the_deadline() -> None:
    release = threading.Event()
    start = time.monotonic()
    results = run_parallel(
        {"hung": lambda: release.wait(30), "quick": lambda: 1}, 2, 0.5
    )
    release.set()
    assert time.monotonic() - start < 3
    assert results == {"quick": (1, None)}


# --- log redaction ------------------------------------------------------------------


def test_redactor_blanks_credentials() -> None:
    redactor = CredentialRedactor()
    redactor.add("KNOWNSECRETVALUE")
    text = redactor.redact(
        "b'<SecretAccessKey>abc/def+g</SecretAccessKey><SessionToken>tok</SessionToken>'"
        " {'X-Amz-Security-Token': b'tok2'} x-amz-security-token:tok3"
        " X-Amz-Security-Token=tok4&a=1 KNOWNSECRETVALUE"
    )
    for secret in ("abc/def+g", "tok", "tok2", "tok3", "tok4", "KNOWNSECRETVALUE"):
        assert f"{secret}<" not in text and f"{secret}'" not in text
    assert "KNOWNSECRETVALUE" not in text and "tok4" not in text
    assert "<SecretAccessKey><redacted></SecretAccessKey>" in text


# --- aiming a real botocore client ---------------------------------------------------


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


IDENTITY_XML = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::1:user/u</Arn><UserId>U</UserId>"
    b"<Account>111122223333</Account></GetCallerIdentityResult>"
    b"</GetCallerIdentityResponse>"
)


@pytest.mark.parametrize(
    "region, host, signing_region",
    [
        ("ap-northeast-1", "sts.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("global", "sts.amazonaws.com", "us-east-1"),
    ],
)
def test_aimed_client_reaches_its_region_despite_legacy_mode_and_router(
    monkeypatch: pytest.MonkeyPatch, region: str, host: str, signing_region: str
) -> None:
    import botocore.session
    from botocore.awsrequest import AWSResponse

    monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    session = botocore.session.get_session()
    # A stand-in router that would send everything to eu-west-1.
    session.register(
        "before-endpoint-resolution.sts",
        lambda builtins, **kw: builtins.update({"AWS::Region": "eu-west-1"}),
        unique_id="router",
    )
    client = session.create_client(
        "sts",
        region_name="us-east-1" if region == "global" else region,
        aws_access_key_id="AKIAEXAMPLEEXAMPLE00",
        aws_secret_access_key="s" * 40,
    )
    endpoint = aim_client(
        client, region, (("before-endpoint-resolution.sts", "router"),)
    )
    sent: list[Any] = []

    def answer(request: Any, **kwargs: Any) -> AWSResponse:
        sent.append(request)
        return AWSResponse(request.url, 200, {}, _Raw(IDENTITY_XML))

    client.meta.events.register_last("before-send.sts", answer)
    client.get_caller_identity()
    assert endpoint() == f"https://{host}/"
    authorization = sent[0].headers["Authorization"].decode()
    assert f"/{signing_region}/sts/aws4_request" in authorization


# --- --save (#12 item 2) -------------------------------------------------------------

CALLER = "111122223333"
ROLE_ACCOUNT = "444455556666"


def saved_report() -> dict[str, Any]:
    return {
        "Account": CALLER,
        "Partition": "aws",
        "Regions": [
            {"Region": "eu-west-1", "Status": "inactive", "Verified": True},
            {"Region": "ap-south-1", "Status": "active", "LatencyMs": 12.0},
            {"Region": "global", "Status": "active", "LatencyMs": 9.0},
        ],
    }


@pytest.fixture
def home(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path / ".aws" / "cli" / "cache" / "regional-sts"


def saved_files(folder: Any) -> dict[str, Any]:
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.iterdir())}


def test_save_with_a_role_of_another_account_saves_under_the_roles(home: Any) -> None:
    role = f"arn:aws:iam::{ROLE_ACCOUNT}:role/Probe"
    assert save_for_auto(saved_report(), "tokyo", role) is None
    files = saved_files(home)
    assert list(files) == [f"aws-{ROLE_ACCOUNT}.json"]
    saved = files[f"aws-{ROLE_ACCOUNT}.json"]
    assert saved["Account"] == ROLE_ACCOUNT
    # The caller's profile is not issued by the role's account: not listed,
    # so `auto` never takes these statuses for the caller's own.
    assert saved["Profiles"] == []
    assert {r["Region"] for r in saved["Regions"]} == {"eu-west-1", "ap-south-1"}


def test_save_with_a_role_of_the_callers_account_keeps_the_profile(home: Any) -> None:
    assert (
        save_for_auto(saved_report(), "tokyo", f"arn:aws:iam::{CALLER}:role/P") is None
    )
    assert save_for_auto(saved_report(), "other") is None
    saved = saved_files(home)[f"aws-{CALLER}.json"]
    assert saved["Account"] == CALLER and saved["Profiles"] == ["other", "tokyo"]


def test_save_refuses_when_the_probed_account_is_unknown(home: Any) -> None:
    problem = save_for_auto(saved_report(), "tokyo", "arn:aws:iam::12:role/x")
    assert problem is not None and "whose activation was probed" in problem
    assert not home.exists()


# --- numbers (#12 items 5, 6) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "quoted"),
    [
        ({"max_concurrency": "²"}, "'\\xb2'"),
        ({"samples": "¹⁰"}, "'\\xb9\\u2070'"),
        ({"max_concurrency": "9" * 5000}, "(5000 characters)"),
        ({"max_concurrency": "1_0"}, "'1_0'"),
        ({"timeout": "1e-300"}, "'1e-300'"),
        ({"timeout": "0.05"}, "'0.05'"),
        ({"timeout": "٥"}, "'\\u0665'"),
        ({"timeout": "inf"}, "'inf'"),
        ({"regions": ["eu-wset-1"]}, "did you mean eu-west-1?"),
        ({"require_active": ["ap-northeast-11"]}, "did you mean ap-northeast-1?"),
    ],
)
def test_numbers_are_ascii_digits_within_bounds(
    kwargs: dict[str, Any], quoted: str
) -> None:
    with pytest.raises(ArgumentProblem) as problem:
        validate(**kwargs)
    message = str(problem.value)
    assert quoted in message and "\n" not in message and len(message) < 1_500


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"timeout": "0.1"}, "timeout", 0.1),
        ({"timeout": "300"}, "timeout", 300.0),
        ({"max_concurrency": "64"}, "max_concurrency", 64),
        ({"samples": " 20 "}, "samples", 20),
    ],
)
def test_numbers_at_the_bounds_pass(
    kwargs: dict[str, Any], field: str, value: Any
) -> None:
    assert getattr(validate(**kwargs), field) == value


def test_start_in_background_overlaps_and_reraises() -> None:
    release = threading.Event()
    started = threading.Event()

    def call() -> int:
        started.set()
        release.wait(5)
        return 7

    wait = start_in_background(call)
    # Started at once, before anyone waits: the caller's work overlaps it.
    assert started.wait(5)
    release.set()
    assert wait() == 7

    def fail() -> None:
        raise ConnectTimeoutError(endpoint_url="https://x")

    with pytest.raises(ConnectTimeoutError):
        start_in_background(fail)()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role_arn": "arn:aws:iam::١١١١٢٢٢٢٣٣٣٣:role/x"},
        {"role_arn": "arn:aws:iam::111122223333:role/x\n"},
        # aws/identifiers.py's ASCII role name: \\w took non-ASCII letters.
        {"role_arn": "arn:aws:iam::111122223333:role/Rôle"},
        {"role_arn": "arn:aws:iam::111122223333:role/"},
    ],
)
def test_role_arn_account_is_ascii_digits(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ArgumentProblem, match="is not an IAM role ARN"):
        validate(**kwargs)


def test_a_regions_latency_is_measured_once_for_every_account() -> None:
    class Client:
        calls = 0

        def get_caller_identity(self) -> dict[str, str]:
            Client.calls += 1
            return {}

    ticks = iter(range(100))
    latencies = RegionLatencies(2, clock=lambda: float(next(ticks)) / 1000)
    client = Client()
    for _ in range(5):  # five accounts' probes answered in eu-west-1
        latencies.after_answer("eu-west-1", client, GST)
    assert Client.calls == 2
    assert latencies.of("eu-west-1", 1) == [1.0, 1.0]
    # A region no probe got an answer from has no figure, without waiting.
    assert latencies.of("ap-east-1", 5) == []


def test_a_regions_probe_measures_it_only_when_answered() -> None:
    class Client:
        samples = 0
        reachable = True

        def get_session_token(self, **kwargs: Any) -> dict[str, str]:
            if not self.reachable:
                raise EndpointConnectionError(endpoint_url="https://sts.x")
            return {"answer": "issued"}

        def get_caller_identity(self) -> dict[str, str]:
            Client.samples += 1
            return {}

    latencies = RegionLatencies(1)
    down = Client()
    down.reachable = False
    observation, answer = latencies.probe("eu-west-1", down, GST, lambda: "u1")
    assert answer is None and observation.probe_error is not None
    assert observation.endpoint == "u1" and Client.samples == 0
    observation, answer = latencies.probe("eu-west-1", Client(), GST, lambda: "u2")
    assert answer == {"answer": "issued"} and observation.probe_error is None
    assert observation.endpoint == "u2" and Client.samples == 1
    assert len(latencies.of("eu-west-1", 1)) == 1
