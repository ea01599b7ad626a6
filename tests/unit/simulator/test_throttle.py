"""The simulator's rate limits: token buckets (burst, refill, per-key
isolation, which rule applies), the region switch, and each service's
throttling answer as botocore reads it (``protocol.handle`` in process,
requests signed by botocore's SigV4 signer; the clock is a ManualClock, so
nothing here depends on time passing)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials as BotoCredentials
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker
from botocore.session import get_session

from testing.simulator import ManualClock, Simulator, protocol
from testing.simulator.answers import Response
from testing.simulator.endpoints import host_catalog
from testing.simulator.throttle import ThrottleRule, Throttles
from testing.simulator.world import Credentials, LoggedRequest

from .signing import STS_VERSION, _received

EU = "sts.eu-west-1.amazonaws.com"
GLOBAL = "sts.amazonaws.com"
MEMBER = "222233334444"


def _throttles(*rules: ThrottleRule) -> tuple[Throttles, ManualClock]:
    throttles = Throttles()
    clock = ManualClock()
    throttles.clock = clock
    for rule in rules:
        throttles.set_rule(rule)
    return throttles, clock


def _rule(
    rate: float,
    burst: int,
    *,
    service: str = "sts",
    api: str | None = None,
    region: str | None = None,
    account_id: str | None = None,
) -> ThrottleRule:
    return ThrottleRule(
        service=service,
        api=api,
        region=region,
        account_id=account_id,
        rate=rate,
        burst=burst,
    )


def _admits(throttles: Throttles, n: int, *key: str) -> list[bool]:
    service, account, region, api = key
    return [throttles.admit(service, account, region, api) for _ in range(n)]


KEY = ("sts", "111122223333", "eu-west-1", "AssumeRole")


# -- buckets -----------------------------------------------------------------
def test_a_new_bucket_holds_burst_tokens_and_nothing_more() -> None:
    throttles, _ = _throttles(_rule(0, 3))
    assert _admits(throttles, 5, *KEY) == [True, True, True, False, False]


def test_a_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    throttles, clock = _throttles(_rule(2, 2))
    assert _admits(throttles, 3, *KEY) == [True, True, False]
    clock.advance(0.25)  # half a token
    assert _admits(throttles, 1, *KEY) == [False]
    clock.advance(0.25)  # one token
    assert _admits(throttles, 2, *KEY) == [True, False]
    clock.advance(100)  # never more than the burst
    assert _admits(throttles, 3, *KEY) == [True, True, False]


def test_a_throttled_request_takes_no_token() -> None:
    throttles, clock = _throttles(_rule(1, 1))
    assert _admits(throttles, 10, *KEY) == [True] + [False] * 9
    clock.advance(1)
    assert _admits(throttles, 2, *KEY) == [True, False]


@pytest.mark.parametrize(
    "other",
    [
        ("sts", "444455556666", "eu-west-1", "AssumeRole"),  # another account
        ("sts", "111122223333", "eu-central-1", "AssumeRole"),  # another region
        ("sts", "111122223333", "global", "AssumeRole"),  # the global endpoint
        ("sts", "111122223333", "eu-west-1", "GetCallerIdentity"),  # another API
    ],
)
def test_each_account_region_and_api_has_its_own_bucket(
    other: tuple[str, str, str, str],
) -> None:
    throttles, _ = _throttles(_rule(0, 1))
    assert _admits(throttles, 2, *KEY) == [True, False]
    assert _admits(throttles, 2, *other) == [True, False]


def test_a_rule_limits_only_its_service_and_filter() -> None:
    throttles, _ = _throttles(
        _rule(0, 1, api="AssumeRole", region="eu-west-1", account_id=KEY[1])
    )
    assert _admits(throttles, 2, *KEY) == [True, False]
    for key in (
        ("iam", KEY[1], "global", "AssumeRole"),
        ("sts", "444455556666", "eu-west-1", "AssumeRole"),
        ("sts", KEY[1], "us-east-1", "AssumeRole"),
        ("sts", KEY[1], "eu-west-1", "GetCallerIdentity"),
    ):
        assert _admits(throttles, 5, *key) == [True] * 5, key


def test_the_most_specific_rule_applies_and_the_same_filter_replaces() -> None:
    throttles, _ = _throttles(_rule(0, 5), _rule(0, 1, api="AssumeRole"))
    assert _admits(throttles, 2, *KEY) == [True, False]
    other_api = ("sts", KEY[1], "eu-west-1", "GetCallerIdentity")
    assert _admits(throttles, 6, *other_api) == [True] * 5 + [False]
    throttles.set_rule(_rule(0, 2, api="AssumeRole"))  # full buckets again
    assert _admits(throttles, 3, *KEY) == [True, True, False]
    throttles.clear()
    assert _admits(throttles, 10, *KEY) == [True] * 10


@pytest.mark.parametrize(
    ("rate", "burst"), [(-1, 1), (float("nan"), 1), (1, 0), (1, 1.5), (1, True)]
)
def test_nonsense_rates_and_bursts_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="rate|burst"):
        Throttles().set_rule(_rule(rate, burst))


def test_the_simulator_refuses_unknown_services_and_regions() -> None:
    sim = Simulator()
    with pytest.raises(ValueError, match="service must be one of"):
        sim.set_throttle(service="ec2", rate=1, burst=1)
    with pytest.raises(ValueError, match="no sts region 'eu-westt-1'"):
        sim.set_throttle(service="sts", region="eu-westt-1", rate=1, burst=1)
    with pytest.raises(ValueError, match="no iam region 'us-east-1'"):
        sim.set_throttle(service="iam", region="us-east-1", rate=1, burst=1)
    with pytest.raises(ValueError, match="no STS region"):
        sim.throttle_region("nowhere-1", seconds=1)


# -- the region switch -----------------------------------------------------------
def test_a_throttled_region_refuses_everything_until_its_time_is_up() -> None:
    throttles, clock = _throttles()
    throttles.throttle_region("eu-west-1", 10)
    for key in (KEY, ("sts", "444455556666", "eu-west-1", "GetCallerIdentity")):
        assert _admits(throttles, 3, *key) == [False] * 3
    # Other regions, and other services (global), are not affected.
    assert (
        _admits(throttles, 3, "sts", KEY[1], "eu-central-1", "AssumeRole") == [True] * 3
    )
    assert (
        _admits(throttles, 3, "iam", KEY[1], "global", "GetAccountSummary")
        == [True] * 3
    )
    clock.advance(9.9)
    assert _admits(throttles, 1, *KEY) == [False]
    clock.advance(0.1)
    assert _admits(throttles, 3, *KEY) == [True] * 3


def test_a_throttled_region_ends_at_zero_seconds_and_on_clear() -> None:
    throttles, _ = _throttles()
    throttles.throttle_region("eu-west-1", 10)
    throttles.throttle_region("eu-west-1", 0)
    assert _admits(throttles, 1, *KEY) == [True]
    throttles.throttle_region("global", 10)
    assert _admits(throttles, 1, "sts", KEY[1], "global", "AssumeRole") == [False]
    throttles.clear()
    assert _admits(throttles, 1, "sts", KEY[1], "global", "AssumeRole") == [True]


# -- the answers, in process -------------------------------------------------------
def _signed(
    keys: Credentials,
    host: str,
    body: bytes,
    headers: dict[str, str],
    path: str = "/",
) -> tuple[Response, LoggedRequest]:
    info = host_catalog()[host]
    request = AWSRequest(
        method="POST", url=f"https://{host}{path}", data=body, headers=headers
    )
    credentials = BotoCredentials(
        keys.access_key_id, keys.secret_access_key, keys.session_token
    )
    SigV4Auth(credentials, info.service, info.region).add_auth(request)
    return protocol.handle(SIM._world, info, _received(request, host))


def _query(
    keys: Credentials, host: str, action: str, version: str = STS_VERSION
) -> tuple[Response, LoggedRequest]:
    body = urlencode({"Action": action, "Version": version}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    return _signed(keys, host, body, form)


SIM = Simulator()


@pytest.fixture
def sim() -> Simulator:
    SIM.reset()
    SIM.use_manual_clock()
    return SIM


def _botocore_view(
    service: str, operation: str, response: Response
) -> tuple[str, bool]:
    """The error code botocore's parser reads from the answer, and whether
    botocore's standard retry mode counts it as throttling."""
    model = ServiceModel(get_session().get_service_data(service), service)
    op = model.operation_model(operation)
    # Case-insensitive, as botocore's own responses' headers are.
    headers = HTTPHeaders.from_pairs(response.headers)
    parser = create_parser(model.metadata["protocol"])
    assert op.output_shape is not None
    parsed = parser.parse(
        {"status_code": response.status, "headers": headers, "body": response.body},
        op.output_shape,
    )
    http = AWSResponse("https://x/", response.status, headers, None)
    context = RetryContext(
        attempt_number=1, operation_model=op, parsed_response=parsed, http_response=http
    )
    return parsed["Error"]["Code"], ThrottledRetryableChecker().is_retryable(context)


def test_sts_answers_throttling_rate_exceeded_before_any_signature_work(
    sim: Simulator,
) -> None:
    keys = sim.add_user("alice")
    sim.set_throttle(service="sts", api="GetCallerIdentity", rate=1, burst=1)
    first, logged = _query(keys, EU, "GetCallerIdentity")
    assert first.status == 200 and not logged.throttled
    assert logged.caller_account_id == "111122223333" and logged.region == "eu-west-1"
    response, logged = _query(keys, EU, "GetCallerIdentity")
    body = response.body.decode()
    assert response.status == 400
    assert re.search(
        r"<Error><Type>Sender</Type><Code>Throttling</Code>"
        r"<Message>Rate exceeded</Message></Error>",
        body,
    ), body
    assert logged.throttled and logged.error_code == "Throttling"
    assert logged.caller_account_id == logged.account_id == "111122223333"
    assert logged.access_key_id == keys.access_key_id
    assert _botocore_view("sts", "GetCallerIdentity", response) == ("Throttling", True)
    # A wrong secret is never looked at while the bucket is empty (the
    # simulator's choice): the answer is still Throttling.
    forged = Credentials(keys.access_key_id, "not-the-secret")
    response, logged = _query(forged, EU, "GetCallerIdentity")
    assert logged.throttled and logged.error_code == "Throttling"
    # The global endpoint is a key of its own; another API is not limited.
    assert not _query(keys, GLOBAL, "GetCallerIdentity")[1].throttled
    assert _query(keys, GLOBAL, "GetCallerIdentity")[1].region == "global"
    assert not _query(keys, EU, "GetSessionToken")[1].throttled
    sim.clear_throttles()
    assert not _query(keys, EU, "GetCallerIdentity")[1].throttled


def test_a_region_switch_throttles_every_account_of_the_region(sim: Simulator) -> None:
    alice, bob = sim.add_user("alice"), sim.add_user("bob", account_id=MEMBER)
    sim.throttle_region("eu-west-1", seconds=5)
    for keys in (alice, bob):
        response, logged = _query(keys, EU, "GetCallerIdentity")
        assert response.status == 400 and logged.throttled
    assert not _query(alice, GLOBAL, "GetCallerIdentity")[1].throttled
    sim.reset()  # reset clears throttles
    assert not _query(alice, EU, "GetCallerIdentity")[1].throttled


def test_iam_answers_throttling_in_its_own_namespace(sim: Simulator) -> None:
    keys = sim.add_user("alice")
    sim.set_throttle(service="iam", rate=0, burst=1)
    host = "iam.amazonaws.com"
    assert _query(keys, host, "GetAccountSummary", "2010-05-08")[0].status == 200
    response, logged = _query(keys, host, "GetAccountSummary", "2010-05-08")
    body = response.body.decode()
    assert response.status == 400 and logged.throttled and logged.region == "global"
    assert "https://iam.amazonaws.com/doc/2010-05-08/" in body
    assert "<Type>Sender</Type><Code>Throttling</Code>" in body
    assert "<Message>Rate exceeded</Message>" in body
    assert _botocore_view("iam", "GetAccountSummary", response) == ("Throttling", True)


def test_organizations_answers_too_many_requests_with_400(sim: Simulator) -> None:
    sim.create_organization()
    keys = sim.add_user("admin")
    sim.set_throttle(service="organizations", api="ListAccounts", rate=0, burst=1)
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts",
    }
    host = "organizations.us-east-1.amazonaws.com"
    assert _signed(keys, host, b"{}", headers)[0].status == 200
    response, logged = _signed(keys, host, b"{}", headers)
    assert response.status == 400 and logged.throttled
    assert json.loads(response.body) == {
        "__type": "TooManyRequestsException",
        "Message": "AWS Organizations can't complete your request because "
        "another request is already in progress. Try again later.",
    }
    assert _botocore_view("organizations", "ListAccounts", response) == (
        "TooManyRequestsException",
        True,
    )


def test_account_management_answers_too_many_requests_with_429(sim: Simulator) -> None:
    keys = sim.add_user("admin")
    sim.set_throttle(service="account", rate=0, burst=1)
    host = "account.us-east-1.amazonaws.com"
    headers = {"Content-Type": "application/json"}
    assert _signed(keys, host, b"{}", headers, "/listRegions")[0].status == 200
    response, logged = _signed(keys, host, b"{}", headers, "/listRegions")
    assert response.status == 429 and logged.throttled
    assert ("x-amzn-ErrorType", "TooManyRequestsException") in response.headers
    assert json.loads(response.body) == {"message": "Too Many Requests"}
    assert _botocore_view("account", "ListRegions", response) == (
        "TooManyRequestsException",
        True,
    )
