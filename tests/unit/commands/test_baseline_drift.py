"""``--baseline``: each refusal's whole line (kind, partition, unnamed
organization, shard, identity), and ``compare``'s changes for accounts
that come, go, fail or recover, facts and regions that appear or go, and
a shard's run against a whole baseline."""

from __future__ import annotations

from typing import Any

import pytest

from awscli_regional_sts.commands.activation.fleet.documents import (
    ReportKind,
    ReportProblem,
)
from awscli_regional_sts.commands.activation.fleet.drift import (
    Change,
    check_baseline,
    check_identity,
    compare,
)
from awscli_regional_sts.commands.activation.fleet.shards import Shard, shard_of

ORG, ONE = ReportKind.ORGANIZATION, ReportKind.ACCOUNT
WHOLE = {"Partition": "aws", "OrganizationId": "o-a1b2c3d4e5", "Accounts": []}
SINGLE = {"Account": "111122223333", "Partition": "aws", "Regions": []}
HALF = {**WHOLE, "Shard": {"Number": 1, "Count": 2}}
MERGE_THEM = ": merge the shards (--merge) for a whole baseline"


@pytest.mark.parametrize(
    ("baseline_kind", "baseline", "kind", "partition", "shard", "message"),
    [
        (
            ORG,
            WHOLE,
            ONE,
            "aws",
            None,
            "the file is a report of an organization, this run checks one account",
        ),
        (
            ONE,
            SINGLE,
            ORG,
            "aws",
            None,
            "the file is a report of one account, this run checks an organization",
        ),
        (
            ORG,
            WHOLE,
            ORG,
            "aws-cn",
            None,
            "the file is a report of partition 'aws', this run checks aws-cn",
        ),
        (
            ORG,
            {**WHOLE, "OrganizationId": ""},
            ORG,
            "aws",
            None,
            "the file does not name its organization (OrganizationId); write a "
            "new baseline with this version",
        ),
        (
            ORG,
            HALF,
            ORG,
            None,
            None,
            "the file is shard 1/2, this run is the whole organization" + MERGE_THEM,
        ),
        (
            ORG,
            HALF,
            ORG,
            "aws",
            Shard(2, 2),
            "the file is shard 1/2, this run is shard 2/2" + MERGE_THEM,
        ),
        (
            ORG,
            HALF,
            ORG,
            "aws",
            Shard(1, 3),
            "the file is shard 1/2, this run is shard 1/3" + MERGE_THEM,
        ),
    ],
)
def test_a_baseline_that_cannot_be_this_runs(
    baseline_kind: ReportKind,
    baseline: dict[str, Any],
    kind: ReportKind,
    partition: str | None,
    shard: Shard | None,
    message: str,
) -> None:
    with pytest.raises(ReportProblem) as refused:
        check_baseline(baseline_kind, baseline, kind, partition, shard)
    assert str(refused.value) == "--baseline: " + message


def test_baselines_this_run_can_use() -> None:
    check_baseline(ONE, SINGLE, ONE, "aws")
    check_baseline(ONE, SINGLE, ONE, None)  # a merge: the partition not known yet
    check_baseline(ORG, WHOLE, ORG, "aws", Shard(1, 2))
    check_baseline(ORG, HALF, ORG, "aws", Shard(1, 2))
    check_identity(ONE, SINGLE, "111122223333")
    check_identity(ORG, WHOLE, "o-a1b2c3d4e5")


def test_a_baseline_of_another_account_or_organization() -> None:
    with pytest.raises(ReportProblem) as refused:
        check_identity(ONE, SINGLE, "999999999999")
    assert str(refused.value) == (
        "--baseline: the file is a report of account '111122223333', this run "
        "checks account '999999999999'"
    )
    with pytest.raises(ReportProblem) as refused:
        # An account's id is no organization's.
        check_identity(ORG, {**WHOLE, "Account": "o-zzzzzzzzzz"}, "o-zzzzzzzzzz")
    assert str(refused.value) == (
        "--baseline: the file is a report of organization 'o-a1b2c3d4e5', this "
        "run checks organization 'o-zzzzzzzzzz'"
    )


def member(
    account_id: str, statuses: dict[str, str], version: int | None = 2, **extra: Any
) -> dict[str, Any]:
    return {
        "AccountId": account_id,
        "GlobalEndpointTokenVersion": version,
        "Regions": [{"Region": r, "Status": s} for r, s in statuses.items()],
        "Error": None,
        **extra,
    }


def changes(
    kind: ReportKind,
    before: dict[str, Any],
    after: dict[str, Any],
    shard: Shard | None = None,
) -> list[tuple[Any, ...]]:
    return [tuple(c.to_dict().values()) for c in compare(kind, before, after, shard)]


def test_accounts_that_fail_recover_come_and_go() -> None:
    up = {"us-east-1": "active"}
    before = {
        **WHOLE,
        "Accounts": [
            member("200000000001", up),
            member("200000000002", up, Error="denied"),
            member("200000000003", up, Error="denied"),
            member("200000000004", up),
        ],
    }
    after = {
        **WHOLE,
        "Accounts": [
            member("200000000005", up),
            # Failed now: no region compared (its rows are not this run's).
            member("200000000001", {"us-east-1": "inactive"}, 1, Error="denied"),
            member("200000000002", {"us-east-1": "inactive"}, 1),
            member("200000000003", {}, 1, Error="still denied"),
        ],
    }
    assert changes(ORG, before, after) == [
        ("200000000005", None, "Account", None, "checked"),
        ("200000000001", None, "Account", "checked", "error"),
        ("200000000002", None, "Account", "error", "checked"),
        ("200000000004", None, "Account", "checked", None),
    ]


def test_one_accounts_facts_and_regions_that_appear_or_go() -> None:
    before = {
        **SINGLE,
        "GlobalEndpointTokenVersion": None,
        "Regions": [
            {"Region": "eu-west-1", "Status": "active"},
            {"Region": "us-east-1", "Status": "active"},
        ],
    }
    after = {
        **SINGLE,
        "GlobalEndpointTokenVersion": 1,
        "Regions": [
            {"Region": "ap-east-1", "Status": "not-enabled"},
            {"Region": "us-east-1", "Status": "unknown"},
        ],
    }
    assert changes(ONE, before, after) == [
        ("111122223333", None, "GlobalEndpointTokenVersion", None, 1),
        ("111122223333", "ap-east-1", "Status", None, "not-enabled"),
        ("111122223333", "us-east-1", "Status", "active", "unknown"),
        ("111122223333", "eu-west-1", "Status", "active", None),
    ]
    assert changes(ONE, before, {**before, "Regions": None}) == [
        ("111122223333", "eu-west-1", "Status", "active", None),
        ("111122223333", "us-east-1", "Status", "active", None),
    ]


def test_a_shards_run_against_the_whole_baseline() -> None:
    ids = [f"{200000000000 + i:012d}" for i in range(8)]
    mine = [i for i in ids if shard_of(i, 2) == 2]
    others = [i for i in ids if shard_of(i, 2) == 1]
    assert mine and others
    up = {"us-east-1": "active"}
    before = {**WHOLE, "Accounts": [member(i, up) for i in ids]}
    after = {**WHOLE, "Accounts": [member(i, up) for i in mine[1:]]}
    # Only the shard's own accounts count: the other shard's are not gone.
    assert changes(ORG, before, after, Shard(2, 2)) == [
        (mine[0], None, "Account", "checked", None)
    ]
    assert len(changes(ORG, before, after)) == len(others) + 1


def test_a_change_in_the_report() -> None:
    change = Change(
        account_id="200000000001",
        region="eu-west-1",
        field="Status",
        before="active",
        after="inactive",
    )
    assert change.to_dict() == {
        "AccountId": "200000000001",
        "Region": "eu-west-1",
        "Change": "Status",
        "Before": "active",
        "After": "inactive",
    }
