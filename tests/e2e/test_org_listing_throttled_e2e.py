"""An organization's listing throttled past ``--throttle-budget``, with the
real CLIs against the simulator: ``--list-accounts``, the organization run
(ListAccounts) and ``--accounts-from`` (DescribeOrganization) end in the
command's own one line, naming the call, how often it was throttled and
the fix, with the status each CLI gives a call AWS answered with an error
(CLI v2's 254, CLI v1's 255, checked here on the CLI's own
``aws organizations`` call), no traceback, and nothing sent after the
last throttled answer: no member role assumed, no account checked.

Organizations throttles here from the second call on (a bucket of one
request that never refills): the test spends the first itself, with the
CLI's own command. A budget of one second keeps each run short; the
count in the line is the simulator's, never the wall time's.
"""

from __future__ import annotations

import json
import re

import pytest

from testing.clients import CLI_V1, AwsEnv, Result
from testing.simulator import ACCOUNT_ID
from tests.e2e.deployment import organization_with_keys
from tests.e2e.matrix import EVERY_ROW_ON, FURTHER_CASES_ON

MEMBERS = 3
BUDGET = "1"
#: What each CLI exits with when AWS answers its own call with an error
#: (CLI v2's CLIENT_ERROR_RC; CLI v1 has one status for every error).
SERVICE_ERROR_RC = {CLI_V1: 255}
ORG = ("sts", "activation-check", "--organization", "--regions", "us-east-1")
LINE = re.compile(
    r"aws sts activation-check: error: organizations (\w+) was throttled "
    r"(once|\d+ times) \(TooManyRequestsException\) until the retry budget "
    rf"\(--throttle-budget {BUDGET} s\) was spent; retry later or raise "
    r"--throttle-budget"
)


def build(aws_env: AwsEnv, members: int = MEMBERS) -> list[str]:
    return organization_with_keys(aws_env, members)


def throttle_from_now(aws_env: AwsEnv, kind: str, api: str, command: str) -> None:
    """Organizations ``api`` answers one more call, then only throttles:
    the CLI's own ``aws organizations COMMAND`` takes that one."""
    aws_env.simulator.set_throttle(service="organizations", api=api, rate=0, burst=1)
    aws_env.run(kind, "organizations", command).check()
    aws_env.simulator.clear_log()


def the_cli_own_status(aws_env: AwsEnv, kind: str, command: str) -> int:
    """The status the CLI itself exits with when the call is throttled
    (one attempt: no retries to wait for)."""
    result = aws_env.run(kind, "organizations", command, env={"AWS_MAX_ATTEMPTS": "1"})
    assert "TooManyRequestsException" in result.stderr, result.output
    return result.returncode


def assert_one_line(
    aws_env: AwsEnv, result: Result, kind: str, api: str, *, compare: bool = True
) -> None:
    """``result`` is the one line, counting the call's throttled answers,
    nothing else was sent; ``compare``: its status is the CLI's own for the
    call throttled (once per client and call is enough)."""
    expected = SERVICE_ERROR_RC.get(kind, 254)
    assert result.returncode == expected, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = LINE.fullmatch(lines[0])
    assert match, lines[0]
    assert match[1] == api
    count = 1 if match[2] == "once" else int(match[2].split()[0])
    requests = aws_env.simulator.requests
    # Every request of the command: the call's throttled answers, as many
    # as the line counts, and nothing after the budget was spent.
    assert [(r.service, r.action, r.throttled) for r in requests] == [
        ("organizations", api, True)
    ] * count
    assert count > 1
    if compare:
        assert the_cli_own_status(aws_env, kind, api_command(api)) == expected


def api_command(api: str) -> str:
    return {"ListAccounts": "list-accounts"}.get(api, "describe-organization")


@pytest.mark.parametrize("kind", FURTHER_CASES_ON)
@pytest.mark.parametrize("listing", ["--list-accounts", "--output-format=jsonl"])
def test_a_listing_throttled_past_the_budget_ends_in_one_line(
    aws_env: AwsEnv, kind: str, listing: str
) -> None:
    build(aws_env)
    throttle_from_now(aws_env, kind, "ListAccounts", "list-accounts")
    result = aws_env.run(kind, *ORG, listing, "--throttle-budget", BUDGET, timeout=60)
    compare = listing == "--list-accounts"
    assert_one_line(aws_env, result, kind, "ListAccounts", compare=compare)


def test_a_describe_organization_throttled_past_the_budget_ends_in_one_line(
    aws_env: AwsEnv,
) -> None:
    """``--accounts-from``: the one DescribeOrganization before anything
    else of the run, throttled: no member role assumed."""
    build(aws_env)
    listed = aws_env.run(EVERY_ROW_ON, *ORG, "--list-accounts").check()
    path = aws_env.root / "accounts.json"
    path.write_text(listed.stdout)
    throttle_from_now(
        aws_env, EVERY_ROW_ON, "DescribeOrganization", "describe-organization"
    )
    result = aws_env.run(
        EVERY_ROW_ON,
        *ORG,
        "--accounts-from",
        str(path),
        "--throttle-budget",
        BUDGET,
        timeout=60,
    )
    assert_one_line(aws_env, result, EVERY_ROW_ON, "DescribeOrganization")


@pytest.mark.parametrize("output", ["jsonl", "document"])
def test_a_later_page_throttled_past_the_budget_ends_the_run(
    aws_env: AwsEnv, output: str
) -> None:
    """The second page of ListAccounts throttled: the accounts of the first
    are finished (printed with jsonl, as each ends; the document, which
    needs every account, is not printed), none of the second is begun, and
    the run ends in the same line."""
    members = build(aws_env, members=30)
    simulator = aws_env.simulator
    # The first page answered, every later call throttled.
    simulator.set_throttle(service="organizations", api="ListAccounts", rate=0, burst=1)
    result = aws_env.run(
        EVERY_ROW_ON,
        *ORG,
        "--output-format",
        output,
        "--throttle-budget",
        BUDGET,
        timeout=120,
    )
    assert result.returncode == 254, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and LINE.fullmatch(lines[0]), result.stderr
    listings = [r for r in simulator.requests if r.action == "ListAccounts"]
    assert [r.throttled for r in listings][:2] == [False, True], listings
    checked = {r.account_id for r in simulator.requests if r.action == "AssumeRole"}
    # A page is 20 accounts: the management account (its member role
    # asked for once) and 19 members; nothing was sent for the others.
    assert len(checked) == 20 and ACCOUNT_ID in checked, sorted(checked)
    begun = {r.account_id for r in simulator.requests}
    assert begun & set(members) == checked - {ACCOUNT_ID}
    if output == "document":
        assert result.stdout == ""
        return
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert not any("Summary" in document for document in printed)
    assert {document["AccountId"] for document in printed} == checked | {ACCOUNT_ID}
