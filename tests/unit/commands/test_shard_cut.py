"""``--shard K/N``: the bounds and the refusal's whole line, and the
``Shard`` record a shard's run writes (how many accounts the run
selected, how many fell in this shard)."""

from __future__ import annotations

import pytest

from awscli_regional_sts.commands.activation.fleet.shards import (
    Shard,
    ShardCut,
    ShardProblem,
    parse_shard,
    shard_of,
)


def test_the_largest_shard_counts_are_taken() -> None:
    assert parse_shard("1000/1000") == Shard(number=1000, count=1000)
    assert parse_shard("0001/0003") == Shard(number=1, count=3)
    assert parse_shard("3/3") == Shard(number=3, count=3)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1001/1001", "'1001/1001'"),
        ("0/1", "'0/1'"),
        ("2/1", "'2/1'"),
        (" 1 /2", "' 1 /2'"),
        ("x" * 100, "'" + "x" * 40 + "...' (100 characters)"),
    ],
)
def test_a_bad_shard_is_named(value: str, shown: str) -> None:
    with pytest.raises(ShardProblem) as refused:
        parse_shard(value)
    assert str(refused.value) == (
        "--shard: expected K/N with 1 <= K <= N <= 1000 (such as 1/4: the first "
        f"of four runs), got {shown}"
    )


def test_a_cut_counts_what_it_selected_and_kept() -> None:
    ids = [f"{200000000000 + i:012d}" for i in range(10)]
    shard = Shard(number=2, count=3)
    cut = ShardCut(shard)
    kept = list(cut.cut([(i, "name") for i in ids], lambda item: item[0]))
    expected = [i for i in ids if shard_of(i, 3) == 2]
    assert [i for i, _ in kept] == expected
    assert 0 < len(expected) < len(ids)
    assert cut.to_dict() == {
        "Number": 2,
        "Count": 3,
        "AccountsSelected": 10,
        "AccountsInShard": len(expected),
    }
    assert [shard.holds(i) for i in ids] == [i in expected for i in ids]
    assert str(shard) == "2/3"
    assert ShardCut(shard).to_dict() == {
        "Number": 2,
        "Count": 3,
        "AccountsSelected": 0,
        "AccountsInShard": 0,
    }
