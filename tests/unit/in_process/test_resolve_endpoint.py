"""``aws sts resolve-endpoint`` in process (tests/unit/in_process/harness.py
says why): its CLI glue (resolve_endpoint/command.py) that the end-to-end
tests of tests/e2e/test_diagnostics_e2e.py reach in client processes. Every
run sends nothing: the profiles assume a role, so a credential provider
that ran would send an AssumeRole the simulator logs."""

from __future__ import annotations

from typing import Any

from awscli_regional_sts.plugin.version import __version__
from tests.unit.in_process.harness import InProcessAws

RESOLVE = ("sts", "resolve-endpoint")


def world(aws: InProcessAws) -> None:
    sim = aws.simulator
    aws.aws_env.add_keys("base", sim.add_user("alice"))
    role = sim.add_role("deployer")
    aws.aws_env.config = (
        "[profile base]\nregion = eu-west-1\n"
        "[profile fallback]\nregion = us-east-1\nsts_region = eu-west-3\n"
        "sts_fallback = eu-central-1 global\nsts_timeout = 3\n"
        "auth_scheme_preference = sigv4a\n"
        "sigv4a_signing_region_set = eu-west-3,eu-central-1\n"
        f"source_profile = base\nrole_arn = {role}\n"
        "[profile bad]\nsts_region = tokyo\n"
        f"source_profile = base\nrole_arn = {role}\n"
    )


def resolve(aws: InProcessAws, *args: str) -> Any:
    aws.simulator.clear_log()
    result = aws.run(*RESOLVE, *args)
    assert aws.simulator.connects == [] and aws.simulator.requests == []
    return result


def test_the_route_with_failover_and_sigv4a(aws: InProcessAws) -> None:
    world(aws)
    result = resolve(aws, "--profile", "fallback")
    assert result.returncode == 0, result.output
    assert result.stderr == ""
    warning = (
        "awscli-regional-sts: sts_fallback entry global (signed for us-east-1) "
        "skipped: SigV4a requests are signed for sigv4a_signing_region_set = "
        "eu-west-3,eu-central-1, which STS in us-east-1 would refuse; add "
        "us-east-1 to sigv4a_signing_region_set to use it."
    )
    document = result.json()
    assert document == {
        "Profile": "fallback",
        "Url": "https://sts.eu-west-3.amazonaws.com",
        "SigningRegion": "eu-west-3",
        "Rerouted": True,
        "Reason": "sts_region in profile 'fallback' is 'eu-west-3'",
        "BotocoreUrl": "https://sts.us-east-1.amazonaws.com",
        "BotocoreSigningRegion": "us-east-1",
        "StsRegion": "eu-west-3",
        "Auto": None,
        "Fallback": [
            {
                "Entry": "eu-central-1",
                "Url": "https://sts.eu-central-1.amazonaws.com",
                "SigningRegion": "eu-central-1",
                "Scheme": "sigv4a",
                "RegionSet": "eu-west-3,eu-central-1",
                "Skipped": None,
            },
            {
                "Entry": "global",
                "Url": "https://sts.amazonaws.com",
                "SigningRegion": "us-east-1",
                "Scheme": "sigv4a",
                "RegionSet": "eu-west-3,eu-central-1",
                "Skipped": warning,
            },
        ],
        "FallbackSource": "sts_fallback in profile 'fallback'",
        "TimeoutSeconds": 3.0,
        "TimeoutSource": "sts_timeout in profile 'fallback'",
        "Partition": "aws",
        "Fips": False,
        "DualStack": False,
        "ConfiguredEndpoint": None,
        "Scheme": "sigv4a",
        "RegionSet": "eu-west-3,eu-central-1",
        "Warnings": [warning],
        "PluginVersion": __version__,
    }


def test_the_global_options_reach_the_report(aws: InProcessAws) -> None:
    world(aws)
    result = resolve(
        aws,
        "--profile",
        "fallback",
        "--region",
        "eu-central-1",
        "--endpoint-url",
        "https://sts.example.test/",
        "--query",
        "[Url, SigningRegion, ConfiguredEndpoint, length(Fallback)]",
        "--output",
        "table",
    )
    assert result.returncode == 0, result.output
    # The CLI's table, titled with the command's name.
    cells = [line.strip("|+- ") for line in result.stdout.splitlines()]
    assert [cell for cell in cells if cell] == [
        "resolve-endpoint",
        "https://sts.example.test/",
        "eu-central-1",
        "https://sts.example.test/",
        "0",
    ]


def test_a_bad_setting_is_the_first_calls_one_line(aws: InProcessAws) -> None:
    world(aws)
    result = resolve(aws, "--profile", "bad")
    assert result.returncode == 255
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "Invalid STS region in sts_region in profile 'bad': 'tokyo' is not a "
        "region name; expected a region name such as ap-northeast-1"
    ), line
