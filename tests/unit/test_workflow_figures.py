"""The arithmetic of benchmarks/organization_workflow.py
(benchmarks/workflow_figures.py): its options, the least-squares slope, the
floor a throttle sets, and the counting of unknown answers. The benchmark
itself runs thousands of accounts and is not a test."""

from __future__ import annotations

import argparse
import json

import pytest

from benchmarks.organization_workflow import _ratio, parser
from benchmarks.workflow_figures import (
    DEFAULT_REGIONS,
    Answered,
    account_sizes,
    bucket_loads,
    floor_seconds,
    least_squares,
    peer_unknowns,
    per_region,
    product_unknowns,
    region_choice,
)


def test_the_slope_is_a_least_squares_fit_not_one_point() -> None:
    # Points off the line y = 2 + 3x by +1, -1, -1, +1: the fit is the line.
    fit = least_squares([0, 1, 2, 3], [3, 4, 7, 12])
    assert fit.slope == pytest.approx(3.0)
    assert fit.intercept == pytest.approx(2.0)
    # The first two points alone would give another slope (1, not 3).
    assert least_squares([0, 1], [3, 4]).slope == pytest.approx(1.0)


def test_a_slope_needs_two_sizes() -> None:
    with pytest.raises(ValueError, match="two distinct sizes"):
        least_squares([1000, 1000], [5.0, 6.0])
    with pytest.raises(ValueError, match="as many"):
        least_squares([1, 2], [1.0])


def _request(
    region: str,
    api: str = "AssumeRole",
    *,
    caller: str = "111122223333",
    throttled: bool = False,
) -> Answered:
    return Answered(
        service="sts", caller=caller, region=region, api=api, throttled=throttled
    )


def test_the_floor_is_the_busiest_bucket_less_its_burst_over_the_rate() -> None:
    requests = (
        [_request("us-east-1")] * 120
        + [_request("us-east-1", throttled=True)] * 50  # retries are not work
        + [_request("us-east-1", "GetSessionToken")] * 3  # a bucket of its own
        + [_request("eu-west-1")] * 100
        + [_request("eu-west-1", caller="222233334444")] * 100  # another caller's
        + [
            Answered(
                service="iam", caller="x", region="global", api="A", throttled=False
            )
        ]
        * 999
    )
    loads = bucket_loads(requests)
    assert loads[("111122223333", "us-east-1", "AssumeRole")] == 120
    assert ("x", "global", "A") not in loads  # only STS is throttled
    # Buckets refill side by side: the busiest one sets the floor.
    assert floor_seconds(loads, rate=10.0, burst=20) == pytest.approx(10.0)
    assert per_region(loads) == {"us-east-1": 120, "eu-west-1": 100}
    assert floor_seconds(loads, rate=10.0, burst=500) == 0.0
    assert floor_seconds(bucket_loads([]), rate=1.0, burst=1) == 0.0


def test_unknown_rows_are_counted_per_region_and_per_account() -> None:
    def account(*statuses: str) -> dict[str, object]:
        return {
            "Regions": [
                {"Region": f"r{i}", "Status": s} for i, s in enumerate(statuses)
            ]
        }

    document = {
        "Accounts": [account("active", "unknown", "unknown"), account("inactive")]
    }
    assert product_unknowns(document) == (2, 1)
    assert product_unknowns({"Accounts": []}) == (0, 0)

    lines = [
        {"AccountId": "1", "Regions": {"a": "active", "b": "unknown: Throttling"}},
        {"AccountId": "2", "Regions": {"a": "inactive"}, "TokenVersion": "unknown: x"},
        {"AccountId": "3", "Regions": {"a": "active"}, "TokenVersion": 1},
    ]
    stdout = "\n".join(json.dumps(line) for line in lines) + "\n"
    assert peer_unknowns(stdout) == (1, 1, 2)


def test_options() -> None:
    assert account_sizes("10000, 1000,2500,1000") == (1000, 2500, 10000)
    assert region_choice("4") == DEFAULT_REGIONS[:4]
    assert region_choice("17") == DEFAULT_REGIONS and len(DEFAULT_REGIONS) == 17
    assert region_choice("eu-west-1,us-east-1") == ("eu-west-1", "us-east-1")
    options = parser().parse_args([])
    assert options.accounts == (1000, 2500, 5000, 10000)
    assert options.regions == DEFAULT_REGIONS and options.shards == 3
    options = parser().parse_args(
        ["--accounts", "20,40", "--regions", "2", "--shards", "2", "--rate", "2.5"]
    )
    assert (options.accounts, options.regions, options.shards) == (
        (20, 40),
        DEFAULT_REGIONS[:2],
        2,
    )
    assert options.rate == 2.5


@pytest.mark.parametrize(
    ("check", "text", "message"),
    [
        (account_sizes, "1000,lots", "not a comma-separated list"),
        (account_sizes, "1", "at least 2"),
        (region_choice, "18", "1 to 17"),
        (region_choice, "0", "1 to 17"),
        (region_choice, "af-south-1", "af-south-1 is not one of the default-enabled"),
    ],
)
def test_bad_options_say_what_is_wrong(check: object, text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        check(text)  # type: ignore[operator]


def test_bad_numbers_end_the_parse_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for args in (["--rate", "0"], ["--shards", "0"], ["--rounds", "x"]):
        with pytest.raises(SystemExit) as ended:
            parser().parse_args(args)
        assert ended.value.code == 2
        assert "error:" in capsys.readouterr().err


def test_a_ratio_to_no_floor_is_a_dash_not_a_division_by_zero() -> None:
    assert _ratio(57.5, 50.0) == "1.15x"
    assert _ratio(3.0, 0.0).startswith("- ")
