"""`aws sts activation-check` end to end: real CLI v1 and v2 against the
simulator. Each test limits `--regions` so that the file stays quick; hung
regions use `--timeout 2`."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    is_cli_v2,
)
from testing.simulator import ACCOUNT_ID, Simulator
from tests.e2e.matrix import rows_by_client

CHECK = ("sts", "activation-check")
# CLI v1 sends every error through one status; v2 has one per kind.
NO_CREDENTIALS_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 253, CLI_V2_FROZEN: 253}
CLIENT_ERROR_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 254, CLI_V2_FROZEN: 254}
# Each CLI's own status for a bad parameter value (ParamValidationError on
# v1, PARAM_VALIDATION_ERROR_RC on v2): activation-check uses the same.
INVALID_ARGUMENT_RC = {CLI_V1: 255, CLI_V1_LEGACY: 255, CLI_V2: 252, CLI_V2_FROZEN: 252}
ALL_CLIS = CLI_KINDS


def use_user_keys(aws_env: AwsEnv, *, sts_region: str | None = None) -> Any:
    user = aws_env.simulator.add_user("alice")
    aws_env.config = "[default]\nregion = us-east-1\n" + (
        f"sts_region = {sts_region}\n" if sts_region else ""
    )
    aws_env.add_keys("default", user)
    return user


def rows(result_or_json: Any) -> dict[str, dict[str, Any]]:
    """The Regions entries by region, from a Result or its parsed JSON."""
    data = (
        result_or_json.json() if isinstance(result_or_json, Result) else result_or_json
    )
    return {row["Region"]: row for row in data["Regions"]}


def assert_no_secret(simulator: Simulator, *results: Result) -> None:
    for secret in simulator.issued_secrets():
        for result in results:
            assert secret not in result.output


# A world with every status: Tokyo slow, eu-west-1 deactivated, ap-east-1
# (opt-in) not enabled, eu-west-2 refusing connections, eu-west-3 hung.
WORLD_REGIONS = (
    "global",
    "us-east-1",
    "ap-northeast-1",
    "eu-west-1",
    "ap-east-1",
    "eu-west-2",
    "eu-west-3",
)


def build_world(simulator: Simulator) -> None:
    simulator.set_region("ap-northeast-1", latency=0.3)
    simulator.set_region("eu-west-1", state="deactivated")
    simulator.set_region("ap-east-1", state="not-enabled")
    simulator.set_region("eu-west-2", state="refused")
    simulator.set_region("eu-west-3", state="hang")


@pytest.mark.parametrize("kind", CLI_KINDS)
def test_every_status_with_iam_user_keys(aws_env: AwsEnv, kind: str) -> None:
    simulator = aws_env.simulator
    use_user_keys(aws_env)
    build_world(simulator)
    start = time.monotonic()
    result = aws_env.run(
        kind, *CHECK, "--regions", *WORLD_REGIONS, "--timeout", "2", "--debug"
    ).check()
    elapsed = time.monotonic() - start
    report = result.json()
    by_region = rows(result)

    assert report["Account"] == ACCOUNT_ID
    assert report["Partition"] == "aws"
    assert report["Probe"].startswith("GetSessionToken")
    assert list(by_region) == list(WORLD_REGIONS)
    status = {region: row["Status"] for region, row in by_region.items()}
    assert status == {
        "global": "active",
        "us-east-1": "active",
        "ap-northeast-1": "active",
        "eu-west-1": "inactive",
        "ap-east-1": "not-enabled",
        "eu-west-2": "unreachable",
        "eu-west-3": "unreachable",
    }
    for region in ("global", "us-east-1", "ap-northeast-1", "eu-west-1"):
        assert by_region[region]["Verified"] is True
    for region in ("eu-west-2", "eu-west-3"):
        assert by_region[region]["Verified"] is False
        assert by_region[region]["LatencyMs"] is None
    assert "within 2 s" in by_region["eu-west-3"]["Detail"]
    # Debian's CLI v2 2.9 has an older botocore without Account ListRegions:
    # the opt-in verdict is then inferred, and says so.
    if kind == CLI_V2:
        assert by_region["ap-east-1"]["Verified"] is False
        assert "inferred" in by_region["ap-east-1"]["Detail"]
    else:
        assert by_region["ap-east-1"]["Verified"] is True
    # Each probe reached its own region's endpoint, also where older botocore
    # in legacy mode would have sent the region to sts.amazonaws.com.
    assert by_region["global"]["Endpoint"] == "https://sts.amazonaws.com/"
    assert (
        by_region["ap-northeast-1"]["Endpoint"]
        == "https://sts.ap-northeast-1.amazonaws.com/"
    )
    probes = [r for r in simulator.requests if r.action == "GetSessionToken"]
    assert {(r.host, r.signing_region) for r in probes} >= {
        ("sts.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("sts.amazonaws.com", "us-east-1"),
    }
    # The slow region is slower, and not the recommendation.
    assert by_region["ap-northeast-1"]["LatencyMs"] > 250
    assert report["Fastest"] in ("us-east-1",)
    assert report["Recommendation"]["Command"] == (
        f"aws configure set sts_region {report['Fastest']} --profile default"
    )
    # In parallel: the hung region costs one --timeout, not the sum of all
    # (slow Tokyo alone takes 4 x 0.3 s). Coarse bound, for loaded machines.
    assert elapsed < 2 + 8
    assert_no_secret(simulator, result)


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_role_arn_profile_assumes_its_own_role_with_source_keys(
    aws_env: AwsEnv, kind: str
) -> None:
    simulator = aws_env.simulator
    user = simulator.add_user("bob")
    role_arn = simulator.add_role("ops", trusted=(f"arn:aws:iam::{ACCOUNT_ID}:root",))
    aws_env.config = (
        "[profile ops]\nregion = us-east-1\n"
        f"role_arn = {role_arn}\nsource_profile = base\n"
        "[profile base]\nregion = us-east-1\n"
    )
    aws_env.add_keys("base", user)
    simulator.set_region("eu-west-1", state="deactivated")
    result = aws_env.run(
        kind,
        *CHECK,
        "--profile",
        "ops",
        "--regions",
        "us-east-1",
        "eu-west-1",
        "--debug",
    ).check()
    by_region = rows(json.loads(result.stdout))
    assert by_region["us-east-1"]["Status"] == "active"
    assert by_region["eu-west-1"]["Status"] == "inactive"
    assert by_region["eu-west-1"]["Verified"] is True
    assume = [
        r
        for r in simulator.requests
        if r.action == "AssumeRole" and r.host == "sts.eu-west-1.amazonaws.com"
    ]
    assert assume and all(r.access_key_id == user.access_key_id for r in assume)
    # --debug prints every response body: the issued credentials must not be
    # among them, nor anywhere else.
    assert_no_secret(simulator, result)


def session_credentials(aws_env: AwsEnv) -> dict[str, str]:
    """Temporary credentials of alice, as the environment would give them."""
    use_user_keys(aws_env)
    issued = aws_env.run(CLI_V1, "sts", "get-session-token", plugin=False).check()
    creds = issued.json()["Credentials"]
    aws_env.credentials = ""
    return {
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"],
    }


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_session_credentials_need_role_arn_to_verify(
    aws_env: AwsEnv, kind: str
) -> None:
    simulator = aws_env.simulator
    env = session_credentials(aws_env)
    simulator.set_region("eu-west-1", state="deactivated")
    regions = ("us-east-1", "eu-west-1", "eu-west-2")

    plain = aws_env.run(kind, *CHECK, "--regions", *regions, env=env).check()
    by_region = rows(plain)
    assert plain.json()["Probe"].startswith("GetCallerIdentity only")
    # us-east-1 cannot be deactivated; elsewhere GetCallerIdentity says
    # nothing about activation.
    assert by_region["us-east-1"]["Status"] == "active"
    assert by_region["us-east-1"]["Verified"] is False
    for region in ("eu-west-1", "eu-west-2"):
        assert by_region[region]["Status"] == "unknown"
        assert "--role-arn" in by_region[region]["Detail"]

    role_arn = simulator.add_role("checker")
    verified = aws_env.run(
        kind,
        *CHECK,
        "--regions",
        *regions,
        "--role-arn",
        role_arn,
        "--debug",
        env=env,
    ).check()
    by_region = rows(verified)
    assert by_region["eu-west-1"]["Status"] == "inactive"
    assert by_region["eu-west-2"]["Status"] == "active"
    assert all(row["Verified"] for row in by_region.values())
    # Neither the caller's session token (sent with every request, which
    # --debug logs) nor the probes' credentials appear anywhere.
    assert env["AWS_SESSION_TOKEN"] not in verified.output
    assert_no_secret(simulator, plain, verified)


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_output_formats_and_query(aws_env: AwsEnv, kind: str) -> None:
    use_user_keys(aws_env)
    aws_env.simulator.set_region("eu-west-1", state="deactivated")
    base = (*CHECK, "--regions", "us-east-1", "eu-west-1", "--samples", "1")

    text = aws_env.run(
        kind,
        *base,
        "--query",
        "Regions[?Status=='inactive'].Region",
        "--output",
        "text",
    ).check()
    assert text.stdout.strip() == "eu-west-1"
    table = aws_env.run(kind, *base, "--output", "table").check()
    assert "activation-check" in table.stdout and "inactive" in table.stdout
    plain_text = aws_env.run(kind, *base, "--output", "text").check()
    assert "eu-west-1" in plain_text.stdout
    if is_cli_v2(kind):
        yaml = aws_env.run(kind, *base, "--output", "yaml").check()
        assert "Status: inactive" in yaml.stdout
    assert_no_secret(aws_env.simulator, text, table, plain_text)


@pytest.mark.parametrize("kind", ALL_CLIS)
def test_help_lists_and_documents_the_command(aws_env: AwsEnv, kind: str) -> None:
    use_user_keys(aws_env)
    env = {"PAGER": "cat", "MANPAGER": "cat"}
    listing = aws_env.run(kind, "sts", "help", env=env).check()
    assert "activation-check" in listing.stdout
    page = aws_env.run(kind, *CHECK, "help", env=env).check()
    # Man pages overstrike bold text ("X\bX"); columns wrap long lines and
    # hyphenate words at line ends ("Ac-" / "countsWithError").
    plain = re.sub(".\b", "", page.stdout)
    text = " ".join(re.sub(r"(\w)-\n\s*(\w)", r"\1\2", plain).split())
    for option in ("regions", "role-arn", "timeout", "require-active"):
        assert option in text
    assert "SYNOPSIS aws sts activation-check [--regions <value>" in text
    assert "--max-concurrency (integer)" in text
    assert "--samples (integer)" in text
    assert "--timeout (double)" in text
    assert "EXAMPLES" in text and "--require-active" in text
    for field in ("Verified", "LatencyMs", "Recommendation", "AccountsWithError"):
        assert field in text
    assert "Exit status: 0" in text and "252 on AWS CLI v2, 255 on AWS CLI v1" in text


BAD_ARGUMENTS = {
    "unknown-region": (
        ("--regions", "us-east-1", "xx-east-9"),
        "'xx-east-9' is not an STS region",
    ),
    "role-arn": (("--role-arn", "arn:aws:iam::12:role/x"), "is not an IAM role ARN"),
    "timeout-negative": (("--timeout", "-1"), "--timeout"),
    "concurrency-0": (("--max-concurrency", "0"), "--max-concurrency"),
    "samples-word": (("--samples", "many"), "--samples: expected a whole number"),
    "timeout-word": (("--timeout", "soon"), "--timeout: expected a number of seconds"),
    "require-active-alone": (("--require-active",), "set sts_region"),
}


@pytest.mark.parametrize(
    ("kind", "args", "message"), rows_by_client(ALL_CLIS, BAD_ARGUMENTS)
)
def test_bad_arguments_fail_before_any_request(
    aws_env: AwsEnv, kind: str, args: tuple[str, ...], message: str
) -> None:
    use_user_keys(aws_env)
    aws_env.simulator.clear_log()
    result = aws_env.run(kind, *CHECK, *args)
    assert result.returncode == INVALID_ARGUMENT_RC[kind], result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert aws_env.simulator.requests == []


@pytest.mark.parametrize("kind", ALL_CLIS)
def test_require_active_checks_the_regions_given(aws_env: AwsEnv, kind: str) -> None:
    use_user_keys(aws_env, sts_region="eu-west-1")
    aws_env.simulator.set_region("eu-west-1", state="deactivated")
    result = aws_env.run(kind, *CHECK, "--regions", "eu-west-1", "--require-active")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "aws sts activation-check: not active: eu-west-1 (inactive)"
    ]
    report = result.json()
    assert list(rows(report)) == ["eu-west-1"]
    # (Then, on CLIs that can ask ListRegions, the v1-token warning.)
    assert report["Warnings"][:1] == [
        "STS region eu-west-1 (sts_region in profile 'default') is inactive: STS "
        "calls of this profile may fail (RegionDisabledException from "
        "GetSessionToken)"
    ]

    # --regions probes only those: not the profile's sts_region, which
    # --require-active then does not check either.
    ok = aws_env.run(kind, *CHECK, "--regions", "us-east-1", "--require-active")
    assert ok.returncode == 0, ok.stderr
    assert list(rows(ok)) == ["us-east-1"]
    assert not any("STS region" in w for w in ok.json()["Warnings"])

    named = aws_env.run(
        kind, *CHECK, "--regions", "us-east-1", "--require-active", "eu-west-1"
    )
    assert named.returncode == 1
    assert list(rows(named)) == ["us-east-1", "eu-west-1"]


@pytest.mark.parametrize("kind", ALL_CLIS)
def test_warning_names_the_environment_variable(aws_env: AwsEnv, kind: str) -> None:
    use_user_keys(aws_env)
    aws_env.simulator.set_region("eu-west-1", state="deactivated")
    result = aws_env.run(
        kind,
        *CHECK,
        "--regions",
        "eu-west-1",
        "us-east-1",
        env={"AWS_STS_REGION": "eu-west-1"},
    ).check()
    warning = result.json()["Warnings"][0]
    assert warning.startswith(
        "STS region eu-west-1 (environment variable AWS_STS_REGION) is inactive"
    )


@pytest.mark.parametrize("kind", ALL_CLIS)
def test_require_active_cannot_tell_with_session_credentials(
    aws_env: AwsEnv, kind: str
) -> None:
    env = session_credentials(aws_env)
    result = aws_env.run(
        kind,
        *CHECK,
        "--regions",
        "eu-west-2",
        "us-east-1",
        "--require-active",
        env=env,
    )
    assert result.returncode == 3, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "aws sts activation-check: activation cannot be told: eu-west-2 (unknown)"
    )
    assert "--role-arn" in line and "not active" not in line
    assert rows(result)["eu-west-2"]["Status"] == "unknown"


@pytest.mark.parametrize("kind", ALL_CLIS)
def test_default_table_stays_narrow(aws_env: AwsEnv, kind: str) -> None:
    use_user_keys(aws_env, sts_region="eu-west-1")
    aws_env.simulator.set_region("eu-west-1", state="deactivated")
    regions = ("--regions", "global", "us-east-1", "eu-west-1", "--samples", "1")
    table = aws_env.run(kind, *CHECK, *regions, "--output", "table").check()
    assert "inactive" in table.stdout
    width = max(len(line) for line in table.stdout.splitlines())
    assert width <= 110, table.stdout
    # The warnings went to stderr, one line each, not into the table.
    warnings = table.stderr.strip().splitlines()
    assert warnings and all(
        w.startswith("aws sts activation-check: warning: ") for w in warnings
    )
    assert "STS region eu-west-1" in table.stderr
    assert "STS region" not in table.stdout
    # Asked for with --query, they are output as usual.
    queried = aws_env.run(
        kind, *CHECK, *regions, "--output", "text", "--query", "Warnings"
    ).check()
    assert "STS region eu-west-1" in queried.stdout


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_denied_account_facts_are_null_with_a_reason(
    aws_env: AwsEnv, kind: str
) -> None:
    use_user_keys(aws_env)
    aws_env.simulator.deny("iam:GetAccountSummary")
    report = aws_env.run(kind, *CHECK, "--regions", "us-east-1").check().json()
    assert report["GlobalEndpointTokenVersion"] is None
    assert "AccessDenied" in report["GlobalEndpointTokenVersionDetail"]
    assert rows(report)["us-east-1"]["Status"] == "active"


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_caller_errors_are_one_line_without_traceback(
    aws_env: AwsEnv, kind: str
) -> None:
    aws_env.config = "[default]\nregion = us-east-1\n"
    missing = aws_env.run(kind, *CHECK, "--regions", "us-east-1")
    assert missing.returncode == NO_CREDENTIALS_RC[kind]
    assert "Unable to locate credentials" in missing.stderr
    assert "Traceback" not in missing.stderr

    # Keys AWS does not know (GetCallerIdentity cannot be denied by policy).
    aws_env.credentials = (
        "[default]\naws_access_key_id = AKIAUNKNOWNUNKNOWN00\n"
        "aws_secret_access_key = " + "x" * 40 + "\n"
    )
    rejected = aws_env.run(kind, *CHECK, "--regions", "us-east-1")
    assert rejected.returncode == CLIENT_ERROR_RC[kind]
    assert "InvalidClientTokenId" in rejected.stderr
    assert "Traceback" not in rejected.stderr
    assert len(rejected.stderr.strip().splitlines()) == 1
