"""The simulator's throttling as the real clients see it: the stock `aws`
CLIs (no plugin) and boto3 read each service's throttling answer as
throttling, retry it by their own retry modes (legacy in CLI v1 and boto3,
standard in CLI v2) and, with one attempt, report it in the CLI's words.

The rate limits read a ManualClock that moves only when the simulator has
answered with a throttling error (``_advance_on_throttle``): the clients'
retry delays are random, but whether a retry finds a token is not.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from testing.clients import (
    BOTO3,
    CLI_KINDS,
    CLI_V1,
    CLI_V2_FROZEN,
    AwsEnv,
    is_cli_v2,
)
from testing.simulator import ACCOUNT_ID, ManualClock, Simulator

OTHER = "333333333333"
REGIONAL = {"AWS_STS_REGIONAL_ENDPOINTS": "regional"}


@contextmanager
def _advance_on_throttle(
    sim: Simulator, clock: ManualClock, seconds: float
) -> Iterator[None]:
    """Move the clock ``seconds`` on after each throttled answer, as time
    would pass while the client backs off."""
    stop = threading.Event()

    def advance() -> None:
        seen = 0
        while not stop.is_set():
            try:
                found = sim.wait_for_requests(
                    lambda r: r.throttled, count=seen + 1, timeout=0.2
                )
            except TimeoutError:
                continue
            seen = len(found)
            clock.advance(seconds)

    thread = threading.Thread(target=advance, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _user(env: AwsEnv) -> None:
    env.add_keys("default", env.simulator.add_user("alice"))
    env.config = "[default]\nregion = eu-west-1\n"


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_the_cli_retries_a_throttled_region_until_it_answers(
    aws_env: AwsEnv, kind: str
) -> None:
    sim = aws_env.simulator
    _user(aws_env)
    clock = sim.use_manual_clock()
    sim.throttle_region("eu-west-1", seconds=5)
    with _advance_on_throttle(sim, clock, 5):
        result = aws_env.run(
            kind, "sts", "get-caller-identity", plugin=False, env=REGIONAL
        ).check()
    assert result.json()["Account"] == ACCOUNT_ID
    calls = [r for r in sim.requests if r.action == "GetCallerIdentity"]
    # Throttled answers first (HTTP 400, Throttling), then the answer.
    assert calls[0].throttled and calls[0].status == 400
    assert all(r.error_code == "Throttling" for r in calls[:-1])
    assert not calls[-1].throttled and calls[-1].status == 200
    assert {r.region for r in calls} == {"eu-west-1"}


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2_FROZEN])
def test_with_one_attempt_the_cli_reports_the_throttling_error(
    aws_env: AwsEnv, kind: str
) -> None:
    sim = aws_env.simulator
    _user(aws_env)
    sim.use_manual_clock()  # that nobody advances: throttled for good
    sim.throttle_region("eu-west-1", seconds=60)
    extra = {**REGIONAL, "AWS_MAX_ATTEMPTS": "1"}
    result = aws_env.run(kind, "sts", "get-caller-identity", plugin=False, env=extra)
    assert result.returncode == (254 if is_cli_v2(kind) else 255), result.stderr
    assert re.search(
        r"An error occurred \(Throttling\) when calling the GetCallerIdentity "
        r"operation.*: Rate exceeded",
        result.stderr,
    ), result.stderr
    calls = [r for r in sim.requests if r.action == "GetCallerIdentity"]
    assert [(r.status, r.throttled, r.region) for r in calls] == [
        (400, True, "eu-west-1")
    ]


#: One call of each simulated service per line of argv[2:], each twice;
#: prints, per call, its retry count or its error's code and HTTP status.
CALLS = """
import json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

mode, attempts = sys.argv[1], int(sys.argv[2])
config = Config(retries={"mode": mode, "total_max_attempts": attempts})
# A session of its own per service: in legacy mode, creating an
# Organizations client changes the session's retry rules for later clients
# (test_an_organizations_client_stops_legacy_retries_of_429_in_its_session).
def client(service, region):
    return boto3.Session().client(service, region, config=config)

calls = {
    "sts": lambda: client("sts", "eu-west-1").get_caller_identity(),
    "iam": lambda: client("iam", "us-east-1").get_account_summary(),
    "organizations": lambda: client("organizations", "us-east-1").list_accounts(),
    "account": lambda: client("account", "us-east-1").list_regions(),
}
out = {}
for service, call in calls.items():
    seen = []
    for _ in range(2):
        try:
            seen.append(call()["ResponseMetadata"]["RetryAttempts"])
        except ClientError as error:
            seen.append([error.response["Error"]["Code"],
                         error.response["ResponseMetadata"]["HTTPStatusCode"]])
    out[service] = seen
print(json.dumps(out))
"""

SERVICES = {
    # service: (API, status of its throttling answer, its error code)
    "sts": ("GetCallerIdentity", 400, "Throttling"),
    "iam": ("GetAccountSummary", 400, "Throttling"),
    "organizations": ("ListAccounts", 400, "TooManyRequestsException"),
    "account": ("ListRegions", 429, "TooManyRequestsException"),
}


def _management(env: AwsEnv) -> None:
    sim: Simulator = env.simulator
    sim.create_organization()
    env.add_keys("default", sim.add_user("admin"))
    env.config = "[default]\nregion = us-east-1\n"


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_boto3_retries_each_services_throttling(aws_env: AwsEnv, mode: str) -> None:
    sim = aws_env.simulator
    _management(aws_env)
    clock = sim.use_manual_clock()
    for service, (api, _, _) in SERVICES.items():
        sim.set_throttle(service=service, api=api, rate=1, burst=1)
    with _advance_on_throttle(sim, clock, 1):
        result = aws_env.run_python(
            CALLS, kind=BOTO3, env=REGIONAL, args=(mode, "5")
        ).check()
    out = json.loads(result.stdout)
    for service, (api, status, code) in SERVICES.items():
        first, second = out[service]
        # The second call found the bucket empty and was retried.
        assert first == 0 and second >= 1, (service, out)
        calls = [r for r in sim.requests if r.action == api]
        assert calls[0].status == 200 and not calls[0].throttled
        assert calls[1].throttled, (service, calls)
        assert {(r.status, r.error_code) for r in calls if r.throttled} == {
            (status, code)
        }
        assert calls[-1].status == 200 and not calls[-1].throttled
        assert len(calls) == 2 + second


def test_boto3_with_one_attempt_sees_each_services_throttling_error(
    aws_env: AwsEnv,
) -> None:
    sim = aws_env.simulator
    _management(aws_env)
    sim.use_manual_clock()
    for service, (api, _, _) in SERVICES.items():
        sim.set_throttle(service=service, api=api, rate=0, burst=1)
    out = json.loads(
        aws_env.run_python(CALLS, kind=BOTO3, env=REGIONAL, args=("standard", "1"))
        .check()
        .stdout
    )
    assert out == {
        service: [0, [code, status]] for service, (_, status, code) in SERVICES.items()
    }
    throttled = [r for r in sim.requests if r.throttled]
    assert {r.caller_account_id for r in throttled} == {ACCOUNT_ID}
    assert sorted(r.service for r in throttled) == sorted(SERVICES)


#: Account Management's ListRegions in legacy mode with two attempts: in a
#: fresh session, then in a session that made an Organizations client first
#: (as one `aws` command that lists the organization would). Prints each
#: throttled call's retry count.
AFTER_ORGANIZATIONS = """
import json
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

config = Config(retries={"mode": "legacy", "total_max_attempts": 2})
def retries(session):
    try:
        session.client("account", "us-east-1", config=config).list_regions()
    except ClientError as error:
        return error.response["ResponseMetadata"]["RetryAttempts"]

fresh = boto3.Session()
fresh.client("account", "us-east-1", config=config).list_regions()
after = boto3.Session()
after.client("organizations", "us-east-1", config=config)
print(json.dumps({"fresh": retries(fresh), "after": retries(after)}))
"""


def test_an_organizations_client_stops_legacy_retries_of_429_in_its_session(
    aws_env: AwsEnv,
) -> None:
    """botocore's legacy retry mode (1.44.18, the pinned one) resolves
    `_retry.json`'s shared ``too_many_requests`` definition in place and then
    merges Organizations' own rule (HTTP 400 + TooManyRequestsException)
    into it: every client the session makes afterwards no longer retries an
    HTTP 429, so Account Management's throttling answer is final at once.
    Standard and adaptive modes read error codes and are not affected."""
    sim = aws_env.simulator
    _management(aws_env)
    sim.use_manual_clock()
    sim.set_throttle(service="account", api="ListRegions", rate=0, burst=1)
    out = json.loads(aws_env.run_python(AFTER_ORGANIZATIONS, kind=BOTO3).check().stdout)
    assert out == {"fresh": 1, "after": 0}
    calls = [r for r in sim.requests if r.action == "ListRegions"]
    assert [(r.status, r.throttled) for r in calls] == [(200, False)] + [
        (429, True)
    ] * 3
