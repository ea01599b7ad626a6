"""``aws sts activation-check`` of one account (the caller's, or a role's
with --role-arn), in process (tests/unit/in_process/harness.py says why):
cli/one_account.py, run/caller_account.py and the run tier under it
(account_check, probes, probe, signing, save). One rich run is asserted
on many ways: what was printed, the exit status, which requests the
simulator answered and with whose keys, and the file --save wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from testing.clients import Result
from testing.simulator import ACCOUNT_ID
from tests.unit.in_process.harness import InProcessAws

CHECK = ("sts", "activation-check")
PROG = "aws sts activation-check"
OTHER_ACCOUNT = "444455556666"
V1_WARNING = (
    f"{PROG}: warning: the global endpoint issues v1 session tokens, which are "
    "not valid in the enabled opt-in regions ({regions}): use a regional "
    "endpoint (sts_region) or run 'aws iam set-security-token-service-preferences "
    "--global-endpoint-token-version v2Token'"
)


def saved(aws: InProcessAws) -> dict[str, Any]:
    """The one measurements file --save wrote, by name."""
    folder = aws.aws_env.root / "home" / ".aws" / "cli" / "cache" / "regional-sts"
    files = {path.name: path for path in folder.iterdir()}
    assert len(files) == 1, files
    ((name, path),) = files.items()
    document: dict[str, Any] = json.loads(path.read_text())
    document["File"] = name
    return document


def actions(aws: InProcessAws, host_part: str = "") -> list[tuple[str, str, str]]:
    """(action, host, access key) of each answered request, in order."""
    return [
        (r.action, r.host, str(r.access_key_id))
        for r in aws.simulator.requests
        if host_part in r.host
    ]


def text_rows(result: Result, kind: str) -> list[list[str]]:
    return [
        line.split("\t")[1:]
        for line in result.stdout.splitlines()
        if line.startswith(kind + "\t")
    ]


def test_a_role_arn_profile_probes_with_its_source_keys_and_saves(
    aws: InProcessAws,
) -> None:
    """Every status at once, through a profile whose role_arn is in the
    caller's own account: the probes are AssumeRole of that role signed
    with the source profile's keys; the facts are signed as the caller
    (the assumed role); --save keeps the profile; --require-active fails
    on the inactive and the unreachable region; text output keeps each
    row's endpoint and prints the warnings on stderr."""
    simulator = aws.simulator
    user = simulator.add_user("bob")
    role_arn = simulator.add_role("ops", trusted=(f"arn:aws:iam::{ACCOUNT_ID}:root",))
    aws.aws_env.config = (
        "[profile ops]\nregion = us-east-1\n"
        f"role_arn = {role_arn}\nsource_profile = base\n"
        "[profile base]\nregion = us-east-1\n"
    )
    aws.aws_env.add_keys("base", user)
    simulator.set_region("eu-west-1", state="deactivated")
    simulator.set_region("ap-east-1", state="not-enabled")
    simulator.set_region("eu-west-2", state="refused")
    regions = ("us-east-1", "eu-west-1", "ap-east-1", "eu-west-2")

    result = aws.run(
        *CHECK,
        "--profile",
        "ops",
        "--regions",
        *regions,
        "--timeout",
        "1",
        "--samples",
        "2",
        "--save",
        "--require-active",
        "eu-west-1",
        "eu-west-2",
        "us-east-1",
        "--output",
        "text",
    )

    assert result.returncode == 1, result.output
    assert result.stderr.splitlines() == [
        V1_WARNING.format(
            regions="af-south-1, ap-east-2, ap-south-2, ap-southeast-3 and 12 more"
        ),
        f"{PROG}: not active: eu-west-1 (inactive), eu-west-2 (unreachable)",
    ]
    head = result.stdout.splitlines()[0].split("\t")
    assert head[:2] == [ACCOUNT_ID, head[1]] and ":assumed-role/ops/" in head[1]
    assert head[-1] == f"AssumeRole of the profile's role_arn {role_arn}"
    # No WARNINGS line: they went to stderr.
    assert not any(line.startswith("WARNINGS") for line in result.stdout.splitlines())
    rows = {row[3]: row for row in text_rows(result, "REGIONS")}
    assert list(rows) == list(regions)
    assert {region: row[4:] for region, row in rows.items()} == {
        "us-east-1": ["active", "True"],
        "eu-west-1": ["inactive", "True"],
        "ap-east-1": ["not-enabled", "True"],
        "eu-west-2": ["unreachable", "False"],
    }
    for region, row in rows.items():
        assert row[1] == f"https://sts.{region}.amazonaws.com/"
    assert rows["us-east-1"][0] == "AssumeRole succeeded"
    assert rows["eu-west-1"][0] == "RegionDisabledException from AssumeRole"
    assert rows["ap-east-1"][0] == (
        "InvalidClientTokenId, and ListRegions says opt-in status DISABLED"
    )
    assert rows["eu-west-2"][0].startswith("no connection (")
    # Latency only where the probe was answered (eu-west-1 answered with
    # its error), from the samples on the probe's own connection.
    assert [row[2] == "None" for row in rows.values()] == [False, False, True, True]

    sent = actions(aws)
    key = user.access_key_id
    probes = [(a, h) for a, h, k in sent if k == key and h.startswith("sts.")]
    role_calls = [(a, h) for a, h, k in sent if k != key]
    # The CLI's own AssumeRole (us-east-1), then one probe per region that
    # answered TLS, each with the source profile's keys.
    assert sorted(probes) == sorted(
        [("AssumeRole", "sts.us-east-1.amazonaws.com")] * 2
        + [("AssumeRole", f"sts.{r}.amazonaws.com") for r in ("eu-west-1", "ap-east-1")]
        + [
            ("GetCallerIdentity", f"sts.{r}.amazonaws.com")
            for r in ("us-east-1", "eu-west-1")
        ]
        * 2
        + [("GetCallerIdentity", "sts.ap-east-1.amazonaws.com")]
    )
    assert sorted(role_calls) == [
        ("GetAccountSummary", "iam.amazonaws.com"),
        ("GetCallerIdentity", "sts.us-east-1.amazonaws.com"),
        ("ListRegions", "account.us-east-1.amazonaws.com"),
    ]
    assert len({k for _, _, k in sent if k != key}) == 1

    # The probe clients make one attempt: the refused region was tried
    # once (botocore's default retries would try it again).
    assert simulator.connects.count("sts.eu-west-2.amazonaws.com") == 1

    document = saved(aws)
    assert document["File"] == f"aws-{ACCOUNT_ID}.json"
    assert (document["Account"], document["Profiles"]) == (ACCOUNT_ID, ["ops"])
    assert [
        (r["Region"], r["Status"], r["Verified"], r.get("LatencyMs") is None)
        for r in document["Regions"]
    ] == [
        ("us-east-1", "active", True, False),
        ("eu-west-1", "inactive", True, False),
        ("ap-east-1", "not-enabled", True, True),
        ("eu-west-2", "unreachable", False, True),
    ]
    for secret in simulator.issued_secrets():
        assert secret not in result.output


def test_role_arn_of_another_account_is_saved_under_it_without_the_profile(
    aws: InProcessAws,
) -> None:
    """--role-arn of another account: the probes ask that account, a
    warning says so, ListRegions (the caller's account's answer) is not
    asked, --save writes the role's account's file without the profile.
    On a terminal, the progress line counts the calls and is cleared;
    the table leaves out each row's endpoint."""
    simulator = aws.simulator
    user = simulator.add_user("carol")
    role_arn = simulator.add_role("probe", account_id=OTHER_ACCOUNT, trusted=("*",))
    aws.aws_env.config = "[default]\nregion = us-east-1\n"
    aws.aws_env.add_keys("default", user)
    simulator.set_region("eu-west-1", state="deactivated", account_id=OTHER_ACCOUNT)
    aws.monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    result = aws.run(
        *CHECK,
        "--role-arn",
        role_arn,
        "--regions",
        "us-east-1",
        "eu-west-1",
        "ap-east-1",
        "--samples",
        "1",
        "--save",
        "--require-active",
        "us-east-1",
        "--output",
        "table",
    )

    assert result.returncode == 0, result.output
    progress = "".join(f"\rChecking STS activation: {n}/4 " for n in range(1, 5))
    assert result.stderr == (
        f"{progress}\r\033[K"
        f"{PROG}: warning: the probes ask account {OTHER_ACCOUNT} (the role's), "
        f"not {ACCOUNT_ID}: activation is per account\n"
        + V1_WARNING.format(regions="ap-east-1")
        + "\n"
    )
    # No endpoint column: the URLs appear nowhere.
    assert "https://sts." not in result.stdout
    assert "inactive" in result.stdout and "Warnings" not in result.stdout
    key = user.access_key_id
    # GetCallerIdentity first (the identity before any probe), no
    # ListRegions: the caller's account's answer, not the role's.
    assert sorted(actions(aws)[1:]) == sorted(
        [
            (op, f"sts.{r}.amazonaws.com", key)
            for r in ("us-east-1", "eu-west-1", "ap-east-1")
            for op in ("AssumeRole", "GetCallerIdentity")
        ]
        + [("GetAccountSummary", "iam.amazonaws.com", key)]
    )
    assert actions(aws)[0] == ("GetCallerIdentity", "sts.us-east-1.amazonaws.com", key)
    assume = [r for r in simulator.requests if r.action == "AssumeRole"]
    assert {r.account_id for r in assume} == {OTHER_ACCOUNT}

    document = saved(aws)
    assert document["File"] == f"aws-{OTHER_ACCOUNT}.json"
    assert (document["Account"], document["Profiles"]) == (OTHER_ACCOUNT, [])
    assert [(r["Region"], r["Status"]) for r in document["Regions"]] == [
        ("us-east-1", "active"),
        ("eu-west-1", "inactive"),
        ("ap-east-1", "active"),
    ]

    # With --query, the document is the user's to shape: the table keeps
    # the endpoints, text prints the warnings where the query puts them.
    endpoints = aws.run(
        *CHECK,
        "--role-arn",
        role_arn,
        "--regions",
        "us-east-1",
        "--samples",
        "1",
        "--output",
        "table",
        "--query",
        "Regions[].Endpoint",
    )
    assert endpoints.returncode == 0, endpoints.output
    assert "https://sts.us-east-1.amazonaws.com/" in endpoints.stdout
    warnings = aws.run(
        *CHECK,
        "--role-arn",
        role_arn,
        "--regions",
        "us-east-1",
        "--samples",
        "1",
        "--output",
        "text",
        "--query",
        "Warnings",
    )
    assert warnings.returncode == 0, warnings.output
    assert warnings.stdout == (
        f"the probes ask account {OTHER_ACCOUNT} (the role's), not {ACCOUNT_ID}: "
        "activation is per account\n"
    )
    assert "warning" not in warnings.stderr


def test_session_credentials_cannot_tell_and_a_baseline_is_compared(
    aws: InProcessAws, tmp_path: Path
) -> None:
    """Session credentials: GetCallerIdentity only, so --require-active
    cannot tell (exit status 3) and says to pass --role-arn; JSON keeps
    the warnings in the document. That report as --baseline: a later run
    whose region changed ends with the drift's status (5), and one by
    another account is refused before any probe."""
    simulator = aws.simulator
    user = simulator.add_user("erin")
    aws.aws_env.config = "[default]\nregion = us-east-1\n"
    aws.aws_env.add_keys("default", user)
    issued = aws.run("sts", "get-session-token")
    assert issued.returncode == 0, issued.output
    credentials = issued.json()["Credentials"]
    aws.aws_env.credentials = ""
    session = {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }
    regions = ("--regions", "us-east-1", "eu-west-1", "eu-west-2")
    simulator.clear_log()

    result = aws.run(*CHECK, *regions, "--require-active", env=session)

    assert result.returncode == 3, result.output
    assert result.stderr == (
        f"{PROG}: activation cannot be told: eu-west-1 (unknown), eu-west-2 "
        "(unknown); these "
        "credentials cannot call a credential-issuing probe: pass --role-arn "
        "to verify\n"
    )
    report = result.json()
    assert report["Probe"].startswith("GetCallerIdentity only")
    assert isinstance(report["Warnings"], list)
    assert [(r["Region"], r["Status"], r["Verified"]) for r in report["Regions"]] == [
        ("us-east-1", "active", False),
        ("eu-west-1", "unknown", False),
        ("eu-west-2", "unknown", False),
    ]
    # The first GetCallerIdentity of each region is the probe, the next
    # the second sample (--samples defaults to 3).
    probes = [r.host for r in simulator.requests if r.host.startswith("sts.")]
    assert sorted(probes) == sorted(
        ["sts.us-east-1.amazonaws.com"] * 4
        + ["sts.eu-west-1.amazonaws.com"] * 3
        + ["sts.eu-west-2.amazonaws.com"] * 3
    )
    assert all(row["LatencyMs"] is not None for row in report["Regions"])

    baseline = tmp_path / "baseline.json"
    baseline.write_text(result.stdout)
    simulator.set_region("eu-west-2", state="refused")
    drifted = aws.run(*CHECK, *regions, "--baseline", str(baseline), env=session)
    assert drifted.returncode == 5, drifted.output
    assert drifted.json()["Changes"] == [
        {
            "AccountId": ACCOUNT_ID,
            "Region": "eu-west-2",
            "Change": "Status",
            "Before": "unknown",
            "After": "unreachable",
        }
    ]

    other = simulator.add_user("frank", account_id=OTHER_ACCOUNT)
    simulator.clear_log()
    refused = aws.run(
        *CHECK,
        *regions,
        "--baseline",
        str(baseline),
        env={
            "AWS_ACCESS_KEY_ID": other.access_key_id,
            "AWS_SECRET_ACCESS_KEY": other.secret_access_key,
        },
    )
    assert refused.returncode == 255, refused.output
    assert refused.stdout == ""
    assert refused.stderr == (
        f"{PROG}: error: --baseline: the file is a report of account "
        f"'{ACCOUNT_ID}', this run checks account '{OTHER_ACCOUNT}'\n"
    )
    # Only the identity was asked: no probe, no fact.
    assert [r.action for r in simulator.requests] == ["GetCallerIdentity"]


def test_a_report_and_measurements_that_cannot_be_written(
    aws: InProcessAws, tmp_path: Path
) -> None:
    """--report into /proc and --save into a home whose cache is a
    file: each says so on one line, the report is printed all the same,
    and the run ends with the CLI's general error status."""
    user = aws.simulator.add_user("grace")
    # No region: the identity goes to the global endpoint, the facts'
    # clients to us-east-1's.
    aws.aws_env.config = "[default]\noutput = json\n"
    aws.aws_env.add_keys("default", user)
    # A folder that passes --report's checks, where no file can be
    # created, not even by root: /proc.
    report = Path("/proc/report.md")
    cache = aws.aws_env.root / "home" / ".aws" / "cli" / "cache"
    cache.parent.mkdir(parents=True)
    cache.write_text("not a folder")

    result = aws.run(
        *CHECK,
        "--regions",
        "us-east-1",
        "eu-west-1",
        "--samples",
        "1",
        "--report",
        str(report),
        "--save",
        # The simulator's CA named on the command line, the environment's
        # bundle missing: every client of the check must take --ca-bundle.
        "--ca-bundle",
        aws.simulator.ca_bundle,
        env={"AWS_CA_BUNDLE": str(tmp_path / "missing-ca.pem")},
    )

    assert result.returncode == 255, result.output
    document = result.json()
    assert [row["Status"] for row in document["Regions"]] == ["active"] * 2
    assert document["GlobalEndpointTokenVersion"] == 1
    assert result.stderr.splitlines() == [
        f"{PROG}: --report: cannot write '{report}': No such file or directory",
        f"{PROG}: measurements not saved: cannot open {cache}: Not a directory",
    ]
