"""Seeing what the plugin does without sending anything, on every CLI:
`aws sts resolve-endpoint`, and the `--debug` line of a profile that sets
no `sts_region` (issue 11).

Each resolve-endpoint run is checked against the simulator's log (no
CONNECT, no request), then a real `aws sts get-caller-identity` of the same
profile must reach the URL it printed, signed for the region it printed.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    error_line,
)
from testing.simulator import ACCOUNT_ID

RESOLVE = ("sts", "resolve-endpoint")
#: Each CLI's own status for an unknown option.
UNKNOWN_OPTION_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 252, CLI_V2_FROZEN: 252}
CALL = ("sts", "get-caller-identity")


@pytest.fixture
def world(aws_env: AwsEnv) -> AwsEnv:
    """Profiles for every case; `base` holds keys, `assumer` a role."""
    sim = aws_env.simulator
    user = sim.add_user("alice")
    aws_env.add_keys("base", user)
    aws_env.add_keys("keys", user)
    role = sim.add_role("deployer")
    aws_env.config = (
        "[profile base]\nregion = eu-west-1\n"
        "[profile plain]\nregion = eu-west-1\nsource_profile = base\n"
        f"role_arn = {role}\n"
        "[profile noregion]\nsource_profile = base\n"
        f"role_arn = {role}\n"
        "[profile keys]\nsts_region = ap-northeast-1\n"
        "[profile tokyo]\nsts_region = ap-northeast-1\nsource_profile = base\n"
        f"role_arn = {role}\n"
        "[profile fallback]\nregion = us-east-1\nsts_region = eu-west-3\n"
        f"sts_fallback = eu-central-1 global\nsts_timeout = 3\n"
        f"source_profile = base\nrole_arn = {role}\n"
        "[profile fips]\nuse_fips_endpoint = true\nsts_region = us-west-2\n"
        f"source_profile = base\nrole_arn = {role}\n"
        "[profile auto]\nsts_region = auto\nregion = us-east-1\n"
        f"source_profile = base\nrole_arn = {role}\n"
    )
    return aws_env


def resolve(env: AwsEnv, kind: str, profile: str, *args: str) -> Result:
    """`aws sts resolve-endpoint --profile P`, asserting it sent nothing."""
    env.simulator.clear_log()
    result = env.run(kind, *RESOLVE, "--profile", profile, *args)
    assert env.simulator.connects == [], env.simulator.connects
    assert env.simulator.requests == []
    assert "Traceback" not in result.stderr
    return result


def reaches(env: AwsEnv, kind: str, profile: str, report: dict[str, str]) -> None:
    """A real call of ``profile`` goes where ``report`` said, every STS
    request of it (AssumeRole of the role_arn included)."""
    env.simulator.clear_log()
    # The CLI's cached role credentials would skip AssumeRole; auto's cache
    # (a directory beside them) stays.
    for cached in (env.home / ".aws" / "cli" / "cache").glob("*.json"):
        cached.unlink()
    env.run(kind, *CALL, "--profile", profile).check()
    host = urlsplit(report["Url"]).hostname
    seen = [(r.host, r.action, r.signing_region) for r in env.simulator.requests]
    assert seen, "no request reached the simulator"
    assert {h for h, _, _ in seen} == {host}, seen
    assert {s for _, _, s in seen} == {report["SigningRegion"]}, seen


CASES = {
    # profile: (Rerouted, host, signing region, words in Reason)
    "keys": (
        True,
        "sts.ap-northeast-1.amazonaws.com",
        "ap-northeast-1",
        "sts_region in profile 'keys' is 'ap-northeast-1'",
    ),
    "tokyo": (
        True,
        "sts.ap-northeast-1.amazonaws.com",
        "ap-northeast-1",
        "sts_region in profile 'tokyo' is 'ap-northeast-1'",
    ),
    "fips": (
        True,
        "sts-fips.us-west-2.amazonaws.com",
        "us-west-2",
        "sts_region in profile 'fips'",
    ),
    "fallback": (
        True,
        "sts.eu-west-3.amazonaws.com",
        "eu-west-3",
        "sts_region in profile 'fallback'",
    ),
    "noregion": (
        False,
        "sts.amazonaws.com",
        "us-east-1",
        "the plugin changes nothing here: botocore uses https://sts.amazonaws.com "
        "(reason: no sts_region in profile 'noregion'",
    ),
}


# What the report says comes from each CLI's own botocore (its endpoint
# rules, FIPS, its partitions): every case on every CLI.
@pytest.mark.parametrize("profile", list(CASES))
@pytest.mark.parametrize("kind", CLI_KINDS)
def test_resolve_endpoint_sends_nothing_and_tells_the_truth(
    world: AwsEnv, kind: str, profile: str
) -> None:
    rerouted, host, signing_region, reason = CASES[profile]
    report = resolve(world, kind, profile).check().json()
    assert report["Profile"] == profile
    assert report["Rerouted"] is rerouted
    assert urlsplit(report["Url"]).hostname == host
    assert report["SigningRegion"] == signing_region
    assert reason in report["Reason"]
    assert report["Partition"] == "aws"
    assert report["PluginVersion"]
    reaches(world, kind, profile, report)


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_plain_profile_reports_botocores_own_choice(world: AwsEnv, kind: str) -> None:
    """Region eu-west-1 and no sts_region: CLI v1 before 1.42 (legacy mode)
    uses the global endpoint, the others the regional one; the report says
    which, and a real call agrees."""
    report = resolve(world, kind, "plain").check().json()
    expected = (
        "sts.amazonaws.com" if kind == CLI_V1_LEGACY else "sts.eu-west-1.amazonaws.com"
    )
    assert report["Rerouted"] is False
    assert urlsplit(report["Url"]).hostname == expected
    assert report["Url"] == report["BotocoreUrl"]
    assert report["Reason"].startswith("the plugin changes nothing here: botocore uses")
    if kind == CLI_V1_LEGACY:
        assert "sts_regional_endpoints mode legacy" in report["Reason"]
    reaches(world, kind, "plain", report)


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_fallback_hops_and_timeout(world: AwsEnv, kind: str) -> None:
    report = resolve(world, kind, "fallback").check().json()
    assert report["Fallback"] == [
        {
            "Entry": "eu-central-1",
            "Url": "https://sts.eu-central-1.amazonaws.com",
            "SigningRegion": "eu-central-1",
            "Scheme": "sigv4",
            "RegionSet": None,
            "Skipped": None,
        },
        {
            "Entry": "global",
            "Url": "https://sts.amazonaws.com",
            "SigningRegion": "us-east-1",
            "Scheme": "sigv4",
            "RegionSet": None,
            "Skipped": None,
        },
    ]
    assert report["FallbackSource"] == "sts_fallback in profile 'fallback'"
    assert report["TimeoutSeconds"] == 3
    assert report["TimeoutSource"] == "sts_timeout in profile 'fallback'"
    # The hops are where a real failover goes.
    world.simulator.set_region("eu-west-3", state="deactivated")
    world.simulator.clear_log()
    world.run(kind, *CALL, "--profile", "fallback").check()
    hosts = [r.host for r in world.simulator.requests]
    assert "sts.eu-central-1.amazonaws.com" in hosts


def seed_auto_cache(env: AwsEnv, *, age: float = 60.0) -> None:
    """What `activation-check --save` would leave for profile `auto`."""
    directory = env.home / ".aws" / "cli" / "cache" / "regional-sts"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"aws-{ACCOUNT_ID}.json").write_text(
        json.dumps(
            {
                "Version": 1,
                "Partition": "aws",
                "Account": ACCOUNT_ID,
                "MeasuredAt": time.time() - age,
                "Method": "activation-check",
                "Profiles": ["auto"],
                "Regions": [
                    {
                        "Region": "us-east-1",
                        "Status": "active",
                        "Verified": True,
                        "LatencyMs": 80.0,
                    },
                    {
                        "Region": "eu-north-1",
                        "Status": "active",
                        "Verified": True,
                        "LatencyMs": 12.0,
                    },
                ],
            }
        )
    )


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_auto_is_read_from_the_cache_never_measured(world: AwsEnv, kind: str) -> None:
    fresh = resolve(world, kind, "auto").check().json()
    assert fresh["StsRegion"] == "auto"
    assert fresh["Rerouted"] is False
    assert fresh["Auto"]["Region"] is None
    assert (
        "auto: not measured yet; the first STS call will measure" in (fresh["Reason"])
    )

    seed_auto_cache(world)
    cached = resolve(world, kind, "auto").check().json()
    assert cached["Rerouted"] is True
    assert cached["Url"] == "https://sts.eu-north-1.amazonaws.com"
    assert cached["Auto"]["Region"] == "eu-north-1"
    assert cached["Auto"]["Account"] == ACCOUNT_ID
    assert cached["Auto"]["CacheFile"].endswith(f"aws-{ACCOUNT_ID}.json")
    assert 50 <= cached["Auto"]["AgeSeconds"] < 600
    assert "measured by activation-check" in cached["Reason"]
    reaches(world, kind, "auto", cached)

    seed_auto_cache(world, age=3 * 24 * 3600)
    stale = resolve(world, kind, "auto").check().json()
    assert stale["Auto"]["Region"] is None
    assert "the first STS call will measure again" in stale["Reason"]


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_query_output_and_bad_values(world: AwsEnv, kind: str) -> None:
    url = resolve(world, kind, "tokyo", "--query", "Url", "--output", "text").check()
    assert url.stdout.strip() == "https://sts.ap-northeast-1.amazonaws.com"
    table = resolve(world, kind, "fallback", "--output", "table").check()
    assert "resolve-endpoint" in table.stdout

    world.config += "[profile bad]\nsts_region = tokyo\n"
    bad = resolve(world, kind, "bad")
    assert bad.returncode == 255
    assert bad.stdout == ""
    (line,) = bad.stderr.strip().splitlines()
    assert "Invalid STS region in sts_region in profile 'bad': 'tokyo'" in line

    world.config += (
        "[profile badfips]\nsts_region = eu-west-3\nuse_fips_endpoint = true\n"
    )
    fips = resolve(world, kind, "badfips")
    assert fips.returncode == 255
    assert "has no FIPS STS endpoint" in fips.stderr
    assert len(fips.stderr.strip().splitlines()) == 1

    missing = resolve(world, kind, "nosuch")
    assert missing.returncode == 255
    assert (
        error_line(missing.stderr.strip())
        == "The config profile (nosuch) could not be found"
    )
    unknown = resolve(world, kind, "tokyo", "--bogus")
    assert unknown.returncode == UNKNOWN_OPTION_RC[kind]
    # CLI v2 2.38 words it "An error occurred (ParamValidation): Unknown ...".
    (unknown_line,) = unknown.stderr.strip().splitlines()
    assert error_line(unknown_line).endswith("Unknown options: --bogus")


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_help_documents_resolve_endpoint(world: AwsEnv, kind: str) -> None:
    env = {"PAGER": "cat", "MANPAGER": "cat"}
    listing = world.run(kind, "sts", "help", env=env).check()
    assert "resolve-endpoint" in listing.stdout
    # Man pages overstrike bold text: "X\bX".
    page = re.sub(".\b", "", world.run(kind, *RESOLVE, "help", env=env).check().stdout)
    assert "aws sts resolve-endpoint [--profile <value>]" in page
    assert "SigningRegion" in page and "EXAMPLES" in page


# -- a profile that sets no sts_region says so in --debug ----------------------

UNCHANGED = "no sts_region in profile 'base': STS requests unchanged"


def plugin_lines(result: Result) -> list[str]:
    return [
        line
        for line in result.stderr.splitlines()
        if " - awscli_regional_sts - " in line
    ]


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_debug_says_once_that_the_profile_sets_no_sts_region(
    world: AwsEnv, kind: str
) -> None:
    # A role_arn profile makes two STS requests (AssumeRole, the call): one line.
    sts = world.run(kind, *CALL, "--profile", "plain", "--debug").check()
    (line,) = plugin_lines(sts)
    assert "no sts_region in profile 'plain': STS requests unchanged" in line
    assert "aws sts resolve-endpoint" in line

    keys = world.run(kind, *CALL, "--profile", "base", "--debug").check()
    (line,) = plugin_lines(keys)
    assert UNCHANGED in line

    # Not on a command that makes no STS request, and not without --debug.
    other = world.run(kind, "configure", "list", "--profile", "base", "--debug")
    assert plugin_lines(other) == []
    quiet = world.run(kind, *CALL, "--profile", "base").check()
    assert "awscli_regional_sts" not in quiet.stderr
