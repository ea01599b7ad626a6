"""activation-check's own arguments (cli/argument_checks.py) and the run
they describe (cli/spec.py): each default, each bound, and each refusal's
whole line, as the user reads it after ``aws sts activation-check: error:``.
Parsed-argument namespaces as the CLI's parser fills them; nothing is sent."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from awscli_regional_sts.aws.partitions import Partition, default_partitions
from awscli_regional_sts.commands.accounts.arguments import ArgumentProblem
from awscli_regional_sts.commands.activation.cli.argument_checks import (
    Arguments,
    organization_arguments,
    region_choices,
    regions_to_probe,
    validate_arguments,
)
from awscli_regional_sts.commands.activation.model.options import (
    OrganizationOptions,
    OutputFormat,
)

PARTITIONS = default_partitions()


def partition(name: str) -> Partition:
    found = PARTITIONS.by_name(name)
    assert found is not None
    return found


AWS = partition("aws")
CHINA = partition("aws-cn")
AWS_CHOICES = ", ".join(region_choices(AWS))


def single(**given: Any) -> argparse.Namespace:
    """What the parser gives without --organization (options not typed: None)."""
    values: dict[str, Any] = {
        "regions": None,
        "role_arn": None,
        "timeout": None,
        "max_concurrency": None,
        "samples": None,
        "throttle_budget": None,
        "require_active": None,
    }
    values.update(given)
    return argparse.Namespace(**values)


def organization(**given: Any) -> argparse.Namespace:
    values: dict[str, Any] = {
        "organization": True,
        "member_role_name": None,
        "accounts": None,
        "include_suspended": False,
        "max_accounts_in_flight": None,
        "output_format": None,
        "role_arn": None,
        "require_active": None,
        "save": False,
    }
    values.update(given)
    return argparse.Namespace(**values)


def globals_(**given: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"query": None, "output": None, **given})


def check(
    parsed: argparse.Namespace,
    on: Partition = AWS,
    sts_region: str | None = None,
) -> Arguments:
    return validate_arguments(parsed, on, PARTITIONS, sts_region)


def refusal(parsed: argparse.Namespace, on: Partition = AWS) -> str:
    with pytest.raises(ArgumentProblem) as raised:
        check(parsed, on)
    return str(raised.value)


# -- regions --


def test_region_choices_put_global_first_only_where_it_exists() -> None:
    assert region_choices(AWS) == ("global", *AWS.sts_regions)
    assert region_choices(CHINA) == tuple(CHINA.sts_regions)
    assert region_choices(CHINA) == ("cn-north-1", "cn-northwest-1")


def test_the_defaults_of_one_account() -> None:
    assert check(single()) == Arguments(
        regions=None,
        role_arn=None,
        timeout=5.0,
        max_concurrency=64,
        samples=3,
        throttle_budget=60.0,
        require_active=None,
    )
    # A caller whose namespace has no --throttle-budget (an older table).
    without = single()
    del without.throttle_budget
    assert check(without).throttle_budget == 60.0


def test_the_defaults_of_an_organization_run_are_its_own() -> None:
    arguments = check(single(organization=True))
    assert (arguments.max_concurrency, arguments.samples) == (16, 1)
    given = check(single(organization=True, max_concurrency="3", samples="2"))
    assert (given.max_concurrency, given.samples) == (3, 2)


def test_an_unknown_region_is_named_with_the_choices() -> None:
    assert refusal(single(regions=["us-east-1", "us-east-9"])) == (
        "--regions: 'us-east-9' is not an STS region of partition aws; did you "
        "mean us-east-2?; if it is a region newer than the installed botocore, "
        f"upgrade the AWS CLI; expected one of: {AWS_CHOICES}"
    )
    # Not a region's shape: no advice to upgrade; global has no endpoint in
    # aws-cn.
    assert refusal(single(regions=["global"]), CHINA) == (
        "--regions: 'global' is not an STS region of partition aws-cn; "
        "expected one of: cn-north-1, cn-northwest-1"
    )
    assert refusal(single(require_active=["cn-north-9"]), CHINA) == (
        "--require-active: 'cn-north-9' is not an STS region of partition "
        "aws-cn; did you mean cn-north-1?; if it is a region newer than the "
        "installed botocore, upgrade the AWS CLI; expected one of: cn-north-1, "
        "cn-northwest-1"
    )
    assert refusal(single(regions=[" , "])) == "--regions: name at least one region"


def test_regions_are_split_deduplicated_and_kept_in_order() -> None:
    arguments = check(single(regions=["eu-west-1,global", "eu-west-1"]))
    assert arguments.regions == ("eu-west-1", "global")
    china = check(single(regions=["cn-northwest-1"]), CHINA)
    assert china.regions == ("cn-northwest-1",)


def test_regions_to_probe_add_the_required_ones_once() -> None:
    both = check(
        single(
            regions=["eu-west-1", "us-east-1"], require_active=["us-east-1,ap-east-1"]
        )
    )
    assert regions_to_probe(both, AWS) == ("eu-west-1", "us-east-1", "ap-east-1")
    assert regions_to_probe(check(single()), AWS) == region_choices(AWS)
    assert regions_to_probe(check(single()), CHINA) == ("cn-north-1", "cn-northwest-1")
    required = check(single(require_active=["eu-west-1"]))
    assert regions_to_probe(required, CHINA) == (
        "cn-north-1",
        "cn-northwest-1",
        "eu-west-1",
    )


def test_require_active_without_names() -> None:
    regions = single(regions=["eu-west-1"], require_active=[])
    assert check(regions, sts_region="ap-east-1").require_active == ("eu-west-1",)
    profile = check(single(require_active=[]), sts_region="ap-east-1")
    assert profile.require_active == ("ap-east-1",)
    assert profile.regions is None
    assert refusal(single(require_active=[])) == (
        "--require-active: name the regions (here or with --regions), or set "
        "sts_region in the profile (aws configure set sts_region REGION)"
    )
    assert check(single(), sts_region="ap-east-1").require_active is None


# -- --role-arn --


def test_role_arn_must_be_a_role_of_this_partition() -> None:
    role = "arn:aws-cn:iam::111122223333:role/path/x"
    assert check(single(role_arn=role), CHINA).role_arn == role
    assert refusal(single(role_arn=role)) == (
        f"--role-arn: '{role}' is in partition aws-cn, but the check runs in "
        "partition aws (the profile's region)"
    )
    for bad in (
        "arn:aws:iam::111122223333:user/x",
        "arn:aws-zz:iam::111122223333:role/x",
        "role/x",
    ):
        assert refusal(single(role_arn=bad), CHINA) == (
            f"--role-arn: '{bad}' is not an IAM role ARN; expected "
            "arn:aws-cn:iam::123456789012:role/NAME"
        )


# -- numbers --


@pytest.mark.parametrize(
    "option, dest, low, high, maximum",
    [
        ("--timeout", "timeout", "0.1", "300", "300"),
        ("--throttle-budget", "throttle_budget", "0.1", "3600", "3600"),
    ],
)
def test_seconds_are_taken_from_the_minimum_to_the_maximum(
    option: str, dest: str, low: str, high: str, maximum: str
) -> None:
    assert getattr(check(single(**{dest: low})), dest) == 0.1
    assert getattr(check(single(**{dest: high})), dest) == float(high)
    assert getattr(check(single(**{dest: "2.5"})), dest) == 2.5
    for bad in ("0.09", f"{maximum}.5", "nan", "1e1", "-1"):
        assert refusal(single(**{dest: bad})) == (
            f"{option}: expected a number of seconds from 0.1 to {maximum} "
            f"(digits and a point, such as 5 or 2.5), got '{bad}'"
        )
    # Text from the command line is shown escaped, not as typed.
    assert refusal(single(**{dest: "\u00b2"})).endswith("got '\\xb2'")


@pytest.mark.parametrize(
    "option, dest, maximum",
    [("--max-concurrency", "max_concurrency", 64), ("--samples", "samples", 20)],
)
def test_whole_numbers_are_bounded(option: str, dest: str, maximum: int) -> None:
    assert getattr(check(single(**{dest: str(maximum)})), dest) == maximum
    assert getattr(check(single(**{dest: "1"})), dest) == 1
    assert refusal(single(**{dest: str(maximum + 1)})) == (
        f"{option}: expected a whole number from 1 to {maximum} (digits 0-9), "
        f"got '{maximum + 1}'"
    )


# -- --organization --


def test_organization_only_options_need_it() -> None:
    for dest, option, value in (
        ("member_role_name", "--member-role-name", "R"),
        ("accounts", "--accounts", ["111111111111"]),
        ("include_suspended", "--include-suspended", True),
        ("max_accounts_in_flight", "--max-accounts-in-flight", "2"),
        ("output_format", "--output-format", "jsonl"),
    ):
        parsed = single(**{dest: value})
        with pytest.raises(ArgumentProblem) as raised:
            organization_arguments(parsed, globals_())
        assert str(raised.value) == f"{option} needs --organization"
    # Flags the parser sets to False, and a namespace without them: not given.
    assert organization_arguments(single(include_suspended=False), globals_()) is None
    assert organization_arguments(argparse.Namespace(), globals_()) is None


def test_one_account_options_are_refused_with_organization() -> None:
    for dest, option, value in (
        ("role_arn", "--role-arn", "arn:aws:iam::111111111111:role/R"),
        ("require_active", "--require-active", []),
        ("save", "--save", True),
    ):
        with pytest.raises(ArgumentProblem) as raised:
            organization_arguments(organization(**{dest: value}), globals_())
        assert str(raised.value) == (
            f"{option} cannot be used with --organization (it asks about one account)"
        )
    # A namespace without --save (token-version's table): not given.
    parsed = organization()
    del parsed.save
    assert organization_arguments(parsed, globals_()) is not None


def test_organization_options_and_their_defaults() -> None:
    assert organization_arguments(organization(), globals_()) == OrganizationOptions(
        member_role_name="OrganizationAccountAccessRole",
        accounts=None,
        include_suspended=False,
        max_accounts_in_flight=4,
        output_format=OutputFormat.DOCUMENT,
    )
    given = organization(
        member_role_name="Audit",
        accounts=["111111111111,222222222222"],
        include_suspended=True,
        max_accounts_in_flight="64",
        output_format="jsonl",
    )
    assert organization_arguments(
        given, globals_(output="json")
    ) == OrganizationOptions(
        member_role_name="Audit",
        accounts=("111111111111", "222222222222"),
        include_suspended=True,
        max_accounts_in_flight=64,
        output_format=OutputFormat.JSONL,
    )
    with pytest.raises(ArgumentProblem) as raised:
        organization_arguments(organization(accounts=["12345"]), globals_())
    assert (
        str(raised.value) == "--accounts: '12345' is not an AWS account id (12 digits)"
    )
    with pytest.raises(ArgumentProblem) as raised:
        organization_arguments(organization(max_accounts_in_flight="65"), globals_())
    assert str(raised.value) == (
        "--max-accounts-in-flight: expected a whole number from 1 to 64 "
        "(digits 0-9), got '65'"
    )


def test_jsonl_takes_neither_a_query_nor_another_output() -> None:
    jsonl = organization(output_format="jsonl")
    with pytest.raises(ArgumentProblem) as raised:
        organization_arguments(jsonl, globals_(query="Accounts"))
    assert str(raised.value) == (
        "--query does not apply to --output-format jsonl; filter the lines "
        "(e.g. with jq), or use --output-format document"
    )
    with pytest.raises(ArgumentProblem) as raised:
        organization_arguments(jsonl, globals_(output="text"))
    assert str(raised.value) == (
        "--output text does not apply to --output-format jsonl, which writes JSON lines"
    )
    # No global options at all (another caller): JSON, no query.
    options = organization_arguments(jsonl, argparse.Namespace())
    assert options is not None and options.output_format == OutputFormat.JSONL
    # A document goes through the CLI's formatter: any --output, --query.
    document = organization_arguments(
        organization(), globals_(query="Accounts", output="table")
    )
    assert document is not None and document.output_format == OutputFormat.DOCUMENT
