"""The run of ``aws sts activation-check`` described once (cli/spec.py's
``build_spec``) from the parsed command line and what cli/main.py's
``read_profile`` reads off a real botocore session: each value reaches
the ``RunSpec`` field that the run reads, from one place."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import botocore.session
import pytest

from awscli_regional_sts.aws.partitions import default_partitions
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.activation.cli.main import read_profile
from awscli_regional_sts.commands.activation.cli.spec import (
    Profile,
    RunSpec,
    build_spec,
)
from awscli_regional_sts.commands.activation.fleet.options import FleetArguments
from awscli_regional_sts.commands.activation.fleet.shards import Shard
from awscli_regional_sts.commands.activation.model.options import (
    CheckOptions,
    OrganizationOptions,
    OutputFormat,
)
from awscli_regional_sts.plugin.registry import session_handler_ids
from tests.unit.commands.test_fleet import organization as organization_report

PARTITIONS = default_partitions()
HANDLERS = (("before-call.sts", "regional-sts-x"),)
VERIFY = "/tmp/ca.pem"


def profile(partition: str = "aws", **changes: Any) -> Profile:
    found = PARTITIONS.by_name(partition)
    assert found is not None
    values: dict[str, Any] = {
        "partition": found,
        "partitions": PARTITIONS,
        "name": "work",
        "region": "eu-west-1",
        "sts_region": "eu-west-2",
        "sts_region_source": "sts_region in profile 'work'",
        "verify": VERIFY,
        "router_handlers": HANDLERS,
    }
    values.update(changes)
    return Profile(**values)


def parsed(**given: Any) -> argparse.Namespace:
    """Every option of the table, not typed (the parser's None / False)."""
    values: dict[str, Any] = dict.fromkeys(
        (
            "regions",
            "role_arn",
            "timeout",
            "max_concurrency",
            "samples",
            "throttle_budget",
            "require_active",
            "member_role_name",
            "accounts",
            "max_accounts_in_flight",
            "output_format",
            "shard",
            "accounts_from",
            "accounts_max_age",
            "merge",
            "baseline",
            "report",
        )
    )
    values.update(organization=False, include_suspended=False, save=False)
    values.update(list_accounts=False)
    values.update(given)
    return argparse.Namespace(**values)


GLOBALS = argparse.Namespace(query=None, output=None)


def test_one_account_run_is_described_from_the_options_and_the_profile() -> None:
    spec = build_spec(
        parsed(
            regions=["us-east-1"],
            require_active=["ap-east-1"],
            role_arn="arn:aws:iam::111122223333:role/Audit",
            timeout="2",
            max_concurrency="7",
            samples="5",
            throttle_budget="9",
            save=True,
        ),
        GLOBALS,
        profile(),
    )
    assert spec == RunSpec(
        check=CheckOptions(
            regions=("us-east-1", "ap-east-1"),
            partition="aws",
            profile="work",
            profile_region="eu-west-1",
            timeout=2.0,
            max_concurrency=7,
            samples=5,
            throttle_budget=9.0,
            role_arn="arn:aws:iam::111122223333:role/Audit",
            verify=VERIFY,
            router_handlers=HANDLERS,
            sts_region="eu-west-2",
            sts_region_source="sts_region in profile 'work'",
        ),
        organization=None,
        fleet=FleetArguments(),
        require_active=("ap-east-1",),
        save=True,
    )
    assert spec.shard is None


def test_the_profiles_partition_decides_the_regions_and_the_checks() -> None:
    china = build_spec(parsed(), GLOBALS, profile("aws-cn", region="cn-north-1"))
    assert china.check.regions == ("cn-north-1", "cn-northwest-1")
    assert china.check.partition == "aws-cn"
    assert china.save is False
    # A namespace without --save (another table): not asked.
    without = parsed()
    del without.save
    assert build_spec(without, GLOBALS, profile()).save is False
    with pytest.raises(ArgumentProblem, match="is in partition aws, but the check"):
        build_spec(
            parsed(role_arn="arn:aws:iam::111122223333:role/R"),
            GLOBALS,
            profile("aws-cn"),
        )


def test_an_organization_run_leaves_out_the_callers_sts_region(tmp_path: Path) -> None:
    spec = build_spec(
        parsed(organization=True, shard="2/3", output_format="document"),
        GLOBALS,
        profile(),
    )
    assert spec.organization == OrganizationOptions(output_format=OutputFormat.DOCUMENT)
    assert spec.check.sts_region is None
    assert spec.check.sts_region_source == "sts_region in profile 'work'"
    assert (spec.check.max_concurrency, spec.check.samples) == (16, 1)
    assert spec.shard == Shard(2, 3) == spec.fleet.shard
    assert spec.require_active is None
    # The fleet options are told the mode and its output format.
    with pytest.raises(ArgumentProblem, match="--report needs the whole report"):
        build_spec(
            parsed(organization=True, output_format="jsonl", report=["r.csv"]),
            GLOBALS,
            profile(),
        )
    with pytest.raises(ArgumentProblem, match="^--shard needs --organization$"):
        build_spec(parsed(shard="1/2"), GLOBALS, profile())
    # The fleet options see the profile's partition.
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(organization_report([])))
    baseline.chmod(0o600)
    with pytest.raises(
        ArgumentProblem, match="partition 'aws', this run checks aws-cn"
    ):
        build_spec(
            parsed(organization=True, baseline=str(baseline)),
            GLOBALS,
            profile("aws-cn", region="cn-north-1", sts_region=None),
        )
    # ... and the organization's options the CLI's global ones.
    with pytest.raises(
        ArgumentProblem, match="^--query does not apply to --output-format"
    ):
        build_spec(
            parsed(organization=True, output_format="jsonl"),
            argparse.Namespace(query="Accounts", output=None),
            profile(),
        )


def test_require_active_alone_checks_the_profiles_sts_region() -> None:
    spec = build_spec(parsed(require_active=[]), GLOBALS, profile())
    assert spec.require_active == ("eu-west-2",)
    assert spec.check.regions[0] == "global" and "eu-west-2" in spec.check.regions


def test_list_accounts_takes_no_query() -> None:
    listed = build_spec(
        parsed(organization=True, list_accounts=True), GLOBALS, profile()
    )
    assert listed.fleet.list_accounts is True
    assert listed.organization is not None
    with pytest.raises(ArgumentProblem) as raised:
        build_spec(
            parsed(organization=True, list_accounts=True),
            argparse.Namespace(query="Accounts", output=None),
            profile(),
        )
    assert str(raised.value) == (
        "--query does not apply to --list-accounts, which writes the whole "
        "listing as JSON (--accounts-from reads it); filter a copy of it "
        "instead (e.g. with jq)"
    )
    # Global options without a query at all: nothing refused.
    bare = build_spec(
        parsed(organization=True, list_accounts=True), argparse.Namespace(), profile()
    )
    assert bare.fleet.list_accounts is True


# -- what the run reads off the CLI's session (cli/main.py) --


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    path.write_text(
        "[default]\nregion = ap-northeast-1\n"
        "[profile tokyo]\nregion = ap-northeast-1\nsts_region = ap-northeast-3\n"
        "[profile china]\nregion = cn-north-1\n"
        "[profile broken]\nregion = eu-west-1\nsts_region = tokyo\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_STS_REGION", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    return path


def session(name: str | None = None) -> Any:
    return botocore.session.Session(profile=name)


def cli_globals(region: str | None = None, verify: Any = None) -> argparse.Namespace:
    return argparse.Namespace(region=region, verify_ssl=verify)


@pytest.mark.usefixtures("config")
def test_read_profile_takes_the_profiles_settings() -> None:
    tokyo = read_profile(session("tokyo"), cli_globals(verify=False))
    assert tokyo == Profile(
        partition=PARTITIONS.of_region_or_aws("ap-northeast-1"),
        partitions=tokyo.partitions,
        name="tokyo",
        region="ap-northeast-1",
        sts_region="ap-northeast-3",
        sts_region_source="sts_region in profile 'tokyo'",
        verify=False,
        router_handlers=session_handler_ids(),
    )
    assert tokyo.partition.name == "aws"
    assert tokyo.partitions.by_name("aws-cn") is not None
    assert tokyo.router_handlers


@pytest.mark.usefixtures("config")
def test_read_profile_region_from_the_command_line_first() -> None:
    default = read_profile(session(), cli_globals("cn-northwest-1", VERIFY))
    assert (default.name, default.region) == ("default", "cn-northwest-1")
    assert default.partition.name == "aws-cn"
    assert default.verify == VERIFY
    assert (default.sts_region, default.sts_region_source) == (
        None,
        "no sts_region in profile 'default'",
    )
    china = read_profile(session("china"), cli_globals())
    assert (china.region, china.partition.name) == ("cn-north-1", "aws-cn")
    # A namespace of global options without --verify-ssl: botocore's default.
    assert (
        read_profile(session("china"), argparse.Namespace(region=None)).verify is None
    )


@pytest.mark.usefixtures("config")
def test_read_profile_leaves_an_invalid_sts_region_to_the_router() -> None:
    broken = read_profile(session("broken"), cli_globals())
    assert (broken.sts_region, broken.sts_region_source) == (None, "")
    assert broken.region == "eu-west-1"
