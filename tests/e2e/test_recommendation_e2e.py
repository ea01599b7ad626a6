"""`aws sts activation-check`'s recommendation does not pick a region on
noise (#16 item 4), end to end with the real CLI v1 and v2.

The simulator gives Tokyo (the profile's ``sts_region``) 525 ms and Ireland
500 ms: one sample each cannot tell 25 ms apart at that distance (the rule
allows max(2 ms, 20 %) = 100 ms, which leaves room for a loaded machine's
jitter), so the profile's own region is recommended and the output says it
is a tie. Oregon, at 1 s, is no part of it. Regions with a clear gap are no
tie.
"""

from __future__ import annotations

import pytest

from testing.clients import CLI_V1, CLI_V2, CLI_V2_FROZEN, AwsEnv

TOKYO = "ap-northeast-1"
IRELAND = "eu-west-1"
OREGON = "us-west-2"


def check(aws_env: AwsEnv, kind: str) -> dict[str, object]:
    aws_env.add_keys("default", aws_env.simulator.add_user("alice"))
    aws_env.config = f"[default]\nregion = us-east-1\nsts_region = {TOKYO}\n"
    result = aws_env.run(
        kind,
        "sts",
        "activation-check",
        "--regions",
        TOKYO,
        IRELAND,
        OREGON,
        "--samples",
        "1",
        "--output",
        "json",
    ).check()
    report = result.json()
    assert isinstance(report, dict)
    return report


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_regions_within_noise_are_a_tie_won_by_the_profiles_region(
    aws_env: AwsEnv, kind: str
) -> None:
    sim = aws_env.simulator
    sim.set_region(TOKYO, latency=0.525)
    sim.set_region(IRELAND, latency=0.5)
    sim.set_region(OREGON, latency=1.0)
    report = check(aws_env, kind)
    recommendation = report["Recommendation"]
    assert isinstance(recommendation, dict)
    assert recommendation["Region"] == TOKYO
    assert recommendation["Tie"] is True
    assert recommendation["TiedWith"] == [IRELAND]
    reason = recommendation["Reason"]
    assert reason.startswith("a tie: ")
    assert reason.endswith(
        f"cannot be told apart by this measurement; {TOKYO} is the profile's "
        "own region among them"
    )
    assert recommendation["Command"] == (
        f"aws configure set sts_region {TOKYO} --profile default"
    )


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_a_clear_gap_is_no_tie(aws_env: AwsEnv, kind: str) -> None:
    sim = aws_env.simulator
    sim.set_region(TOKYO, latency=0.6)
    sim.set_region(IRELAND, latency=0.2)
    sim.set_region(OREGON, latency=1.0)
    recommendation = check(aws_env, kind)["Recommendation"]
    assert isinstance(recommendation, dict)
    assert (recommendation["Region"], recommendation["Tie"]) == (IRELAND, False)
    assert recommendation["TiedWith"] == []
    assert recommendation["Reason"] == "the fastest active region"
