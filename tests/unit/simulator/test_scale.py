"""What keeps the simulator fast at 10,000 accounts without changing what it
answers: roles counted per account as they are added (GetAccountSummary's
``Roles``), and keys drawn from one random read each, still AWS-shaped."""

from __future__ import annotations

import re
from collections import Counter

from testing.simulator import keys
from testing.simulator.world import World


def test_role_counts_follow_the_roles_added() -> None:
    world = World()
    world.add_role("a", "222233334444", (), False)
    world.add_role("b", "222233334444", (), False)
    world.add_role("a", "222233334444", (), False)  # the same ARN again
    world.add_role("a", "333344445555", (), False)
    world.add_role("c", None, (), False)  # the simulator's own account
    counted = Counter(role.account_id for role in world.roles.values())
    assert world.role_counts == dict(counted)
    assert world.role_counts["222233334444"] == 2
    assert world.role_counts[world.default_account] == 1


def test_keys_keep_their_shape_and_use_their_whole_alphabet() -> None:
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", keys.new_access_key_id("ASIA"))
    assert re.fullmatch(r"AROA[A-Z2-7]{17}", keys.new_unique_id("AROA"))
    secrets = [keys.new_secret() for _ in range(200)]
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{40}", s) for s in secrets)
    # 8,000 characters over 64: every one appears (a byte-to-character map
    # that skipped some would show here), and no two secrets repeat.
    assert len(set("".join(secrets))) == 64 and len(set(secrets)) == 200
    ids = "".join(keys.new_access_key_id("AKIA")[4:] for _ in range(200))
    assert set(ids) == set(keys._KEY_ALPHABET)
