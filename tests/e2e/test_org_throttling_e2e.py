"""`aws sts activation-check --organization` under throttling (issue 34,
item 2), with the real CLIs against the simulator's rate limits: a
throttled answer is retried with back-off, inside the run's budget, never
reported; a region is ``unknown`` only once the budget is spent, with the
count of its throttled answers, and never ``inactive``.

The rates are the simulator's (AWS publishes none for STS): low enough
that a few dozen accounts meet them many times in a second or two. The
tests read the simulator's log and the report, never the wall time.
"""

from __future__ import annotations

import collections
import json
import re
import threading
from typing import Any

import pytest

from testing.clients import CLI_V1, CLI_V2_FROZEN, AwsEnv, Result
from testing.simulator import ACCOUNT_ID
from tests.e2e.deployment import organization_with_keys

#: CLI v1 (legacy retry mode by default) and AWS's frozen CLI v2
#: (standard mode, its own botocore fork and Python).
KINDS = (CLI_V1, CLI_V2_FROZEN)
REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")
MEMBERS = 30
#: Two pages of ListAccounts (20 a page) for the members and the management account.
PAGES = 2


def build(aws_env: AwsEnv) -> list[str]:
    return organization_with_keys(aws_env, MEMBERS)


def audit(aws_env: AwsEnv, kind: str, *options: str) -> Result:
    return aws_env.run(
        kind,
        "sts",
        "activation-check",
        "--organization",
        "--regions",
        *REGIONS,
        "--output-format",
        "jsonl",
        *options,
        timeout=120,
    )


def rows(result: Result) -> dict[str, dict[str, dict[str, Any]]]:
    """Each account's rows by region (the summary line left out)."""
    found = {}
    for line in result.stdout.splitlines():
        document = json.loads(line)
        if "Summary" in document:
            continue
        assert document["Error"] is None, document
        found[document["AccountId"]] = {
            row["Region"]: row for row in document["Regions"]
        }
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_throttling_within_the_budget_is_retried_never_reported(
    aws_env: AwsEnv, kind: str
) -> None:
    members = build(aws_env)
    simulator = aws_env.simulator
    # Every member's eu-west-1 probe is the caller's AssumeRole there: one
    # bucket, a burst of 4 and 20 a second, for 31 accounts, 24 at once.
    simulator.set_throttle(
        service="sts", api="AssumeRole", region="eu-west-1", rate=20, burst=4
    )
    # With 24 accounts in flight the second page of the listing is asked
    # as soon as the checks start: too soon for one page a second.
    simulator.set_throttle(service="organizations", api="ListAccounts", rate=1, burst=1)
    result = audit(aws_env, kind, "--max-accounts-in-flight", "24")
    assert result.returncode == 0, result.output
    found = rows(result)
    assert set(found) == {ACCOUNT_ID, *members}
    statuses = collections.Counter(
        row["Status"] for regions in found.values() for row in regions.values()
    )
    # Nothing unknown, nothing inactive: every row active.
    assert statuses == {"active": len(found) * len(REGIONS)}, statuses

    log = simulator.requests
    throttled = [r for r in log if r.throttled]
    by_call = collections.Counter((r.action, r.region) for r in throttled)
    assert by_call[("AssumeRole", "eu-west-1")] > 0, by_call
    assert by_call[("ListAccounts", "global")] > 0, by_call
    # Each throttled call was retried until it was answered: every member
    # got one answered AssumeRole in eu-west-1, and the listing its pages.
    answered = [r for r in log if not r.throttled]
    for member in members:
        probes = [
            r
            for r in answered
            if r.action == "AssumeRole"
            and r.region == "eu-west-1"
            and r.account_id == member
        ]
        assert len(probes) == 1, member
    assert sum(r.action == "ListAccounts" for r in answered) == PAGES


@pytest.mark.parametrize("kind", KINDS)
def test_a_region_throttled_past_the_budget_is_unknown_never_inactive(
    aws_env: AwsEnv, kind: str
) -> None:
    members = build(aws_env)
    simulator = aws_env.simulator
    simulator.throttle_region("eu-west-1", seconds=600)
    result = audit(aws_env, kind, "--throttle-budget", "1")
    # An unknown row is not an account that could not be checked: the
    # status of a run whose accounts were all checked (docs/activation-check.md).
    assert result.returncode == 0, result.output
    found = rows(result)
    assert set(found) == {ACCOUNT_ID, *members}
    detail = re.compile(
        r"throttled (once|\d+ times); retry budget spent \(Throttling: Rate exceeded\)"
    )
    counts = []
    for account, regions in found.items():
        row = regions["eu-west-1"]
        assert row["Status"] == "unknown" and not row["Verified"], (account, row)
        match = detail.fullmatch(row["Detail"])
        assert match, row["Detail"]
        counts.append(1 if match[1] == "once" else int(match[1].split()[0]))
        for region in ("us-east-1", "ap-northeast-1"):
            assert regions[region]["Status"] == "active", (account, region)
    # The counts are the simulator's throttled answers in eu-west-1.
    throttled = [
        r for r in simulator.requests if r.throttled and r.region == "eu-west-1"
    ]
    # (A throttled probe takes no latency sample: the region's rate is
    # spent on nothing but the probes.)
    assert sum(counts) == len(throttled), [(r.action, r.account_id) for r in throttled]
    # The budget was spent on the first calls; the later ones got one
    # attempt each.
    assert max(counts) > 1 and counts.count(1) > 0, counts


def _single_account(aws_env: AwsEnv) -> None:
    aws_env.simulator.use_real_clock()
    user = aws_env.simulator.add_user("alice")
    aws_env.config = "[default]\nregion = us-east-1\n"
    aws_env.add_keys("default", user)


@pytest.mark.parametrize("kind", KINDS)
def test_without_organization_a_throttled_probe_is_retried(
    aws_env: AwsEnv, kind: str
) -> None:
    _single_account(aws_env)
    simulator = aws_env.simulator
    # Every request to eu-west-1 is throttled until the throttle's clock
    # has moved on, which it does after the second throttled answer.
    clock = simulator.use_manual_clock()
    simulator.throttle_region("eu-west-1", seconds=5)

    def end_the_throttle() -> None:
        simulator.wait_for_requests(lambda r: r.throttled, count=2, timeout=60)
        clock.advance(10)

    thread = threading.Thread(target=end_the_throttle, daemon=True)
    thread.start()
    result = aws_env.run(
        kind, "sts", "activation-check", "--regions", "us-east-1", "eu-west-1"
    ).check()
    thread.join(5)
    report = {row["Region"]: row for row in result.json()["Regions"]}
    assert report["eu-west-1"]["Status"] == "active", report
    assert report["eu-west-1"]["Verified"] is True
    probes = [
        r
        for r in simulator.requests
        if r.action == "GetSessionToken" and r.region == "eu-west-1"
    ]
    # Throttled, retried, answered once (the last).
    assert len(probes) >= 2 and all(r.throttled for r in probes[:-1])
    assert not probes[-1].throttled


@pytest.mark.parametrize("kind", KINDS)
def test_require_active_on_a_region_throttled_past_the_budget_is_undetermined(
    aws_env: AwsEnv, kind: str
) -> None:
    _single_account(aws_env)
    aws_env.simulator.throttle_region("eu-west-1", seconds=600)
    result = aws_env.run(
        kind,
        "sts",
        "activation-check",
        "--regions",
        "us-east-1",
        "eu-west-1",
        "--throttle-budget",
        "0.5",
        "--require-active",
    )
    # Unknown, not inactive: status 3, not 1 (docs/activation-check.md).
    assert result.returncode == 3, result.output
    report = {row["Region"]: row for row in result.json()["Regions"]}
    assert report["eu-west-1"]["Status"] == "unknown"
    assert "retry budget spent" in report["eu-west-1"]["Detail"]
    assert report["us-east-1"]["Status"] == "active"


def test_the_listing_for_the_shards_retries_a_throttled_page(aws_env: AwsEnv) -> None:
    """``--list-accounts`` (the workflow's first job) lists through the same
    back-off: each page it is refused is asked again, and the listing has
    every account. One page per 4 s outlasts botocore's own retries (the
    frozen CLI's standard mode: 3 attempts, at most 1 + 2 s apart), which
    is all the listing had before."""
    members = build(aws_env)
    simulator = aws_env.simulator
    simulator.set_throttle(
        service="organizations", api="ListAccounts", rate=0.25, burst=1
    )
    result = aws_env.run(
        CLI_V2_FROZEN, "sts", "activation-check", "--organization", "--list-accounts"
    )
    assert result.returncode == 0, result.output
    listed = {account["Id"] for account in result.json()["Accounts"]}
    assert listed == {ACCOUNT_ID, *members}
    calls = [r for r in simulator.requests if r.action == "ListAccounts"]
    assert sum(r.throttled for r in calls) > 0
    assert sum(not r.throttled for r in calls) == PAGES
