"""``--shard K/N``: which accounts one of N runs checks, and the record a
sharded report carries so that ``--merge`` can tell the shards fit.

An account belongs to shard ``K`` of ``N`` when the SHA-256 of its
12-digit id, read as a big-endian number, is ``K - 1`` modulo ``N``. That
depends on the id alone: the same accounts whatever the order (or paging)
of ListAccounts, on every machine and Python (``hash()`` is salted per
process, so it would not do). Pure functions; nothing here talks to AWS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.commands.accounts.exit_status import CommandProblem

#: The most shards a run may be cut into: 10,000 accounts in 1,000 shards
#: is 10 a shard, already less than one machine checks at once.
MAX_SHARDS = 1000

_SHARD = re.compile(r"([0-9]{1,4})/([0-9]{1,4})")

T = TypeVar("T")


class ShardProblem(CommandProblem, ValueError):
    """A bad ``--shard`` value; one line for stderr."""


@dataclass(frozen=True)
class Shard:
    #: 1-based: shard ``number`` of ``count``.
    number: int
    count: int

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"

    def holds(self, account_id: str) -> bool:
        return shard_of(account_id, self.count) == self.number


def parse_shard(value: str) -> Shard:
    """``K/N`` with 1 <= K <= N <= MAX_SHARDS, in ASCII digits."""
    match = _SHARD.fullmatch(value.strip())
    number, count = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match or not 1 <= number <= count <= MAX_SHARDS:
        raise ShardProblem(
            f"--shard: expected K/N with 1 <= K <= N <= {MAX_SHARDS} (such as "
            f"1/4: the first of four runs), got {quote(value)}"
        )
    return Shard(number, count)


def shard_of(account_id: str, count: int) -> int:
    """The shard (1..count) that holds ``account_id``."""
    digest = hashlib.sha256(account_id.encode("ascii")).digest()
    return int.from_bytes(digest, "big") % count + 1


@dataclass
class ShardCut:
    """Counts while a run's accounts are cut: how many the whole run would
    cover (each gets a line or is counted as skipped) and how many fell in
    this shard."""

    shard: Shard
    selected: int = 0
    in_shard: int = 0

    def cut(self, items: Iterable[T], account_id: Callable[[T], str]) -> Iterator[T]:
        for item in items:
            self.selected += 1
            if self.shard.holds(account_id(item)):
                self.in_shard += 1
                yield item

    def to_dict(self) -> dict[str, Any]:
        """The ``Shard`` field of a sharded organization report."""
        return {
            "Number": self.shard.number,
            "Count": self.shard.count,
            "AccountsSelected": self.selected,
            "AccountsInShard": self.in_shard,
        }
