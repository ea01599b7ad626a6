"""``aws sts activation-check``'s CLI glue in process (harness.py says
why): the command in the sts table (commands/activation/__init__.py,
command.py), the run from the command line to the exit status
(cli/main.py) down each of its four ways (one account, ``--organization``,
``--list-accounts``, ``--merge``), and the one error line of a bad
argument. What every client shows is the end-to-end tests' to claim
(tests/e2e/test_activation_cli.py, test_organization_cli.py,
test_account_listing_e2e.py, test_fleet_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from awscli_regional_sts.commands.activation import command as command_module
from awscli_regional_sts.commands.activation import inject_commands
from awscli_regional_sts.commands.activation.cli.option_table import (
    ARG_TABLE,
    NUMBER_OPTIONS,
)
from awscli_regional_sts.commands.activation.command import ActivationCheckCommand
from testing.simulator import ACCOUNT_ID
from tests.unit.commands.test_fleet import ACTIVE, IDS, account, sharded
from tests.unit.in_process.harness import InProcessAws

CHECK = ("sts", "activation-check")
MEMBER = "222222222222"
#: CLI v1's status for a bad parameter (ParamValidationError).
BAD_PARAMETER_V1 = 255


def organization_world(aws: InProcessAws) -> None:
    user = aws.simulator.add_user("admin")
    aws.aws_env.config = "[default]\nregion = us-east-1\n"
    aws.aws_env.add_keys("default", user)
    aws.simulator.create_organization()
    aws.simulator.add_member_account(MEMBER, name="prod")


def test_one_account_with_a_named_profile_and_a_table(aws: InProcessAws) -> None:
    user = aws.simulator.add_user("alice")
    aws.aws_env.config = "[profile tokyo]\nregion = us-east-1\nsts_region = eu-west-1\n"
    aws.aws_env.add_keys("tokyo", user)
    aws.simulator.set_region("eu-west-1", state="deactivated")

    result = aws.run(
        *CHECK,
        "--profile",
        "tokyo",
        "--regions",
        "us-east-1",
        "eu-west-1",
        "--samples",
        "1",
        "--output",
        "table",
    )

    assert result.returncode == 0, result.output
    # The profile's name, its sts_region and where that was set reach the
    # warning, printed under the command's name (the table stays narrow).
    assert result.stderr.splitlines()[0] == (
        "aws sts activation-check: warning: STS region eu-west-1 (sts_region in "
        "profile 'tokyo') is inactive: STS calls of this profile may fail "
        "(RegionDisabledException from GetSessionToken)"
    )
    lines = result.stdout.splitlines()
    assert "activation-check" in lines[1]
    assert "aws configure set sts_region us-east-1 --profile tokyo" in result.stdout
    # Each probe went to its region's own endpoint, not through the
    # profile's sts_region: the router's handlers are off on probe clients.
    probes = {
        (r.host, r.signing_region)
        for r in aws.simulator.requests
        if r.action == "GetSessionToken"
    }
    assert probes == {
        ("sts.us-east-1.amazonaws.com", "us-east-1"),
        ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
    }
    for secret in aws.simulator.issued_secrets():
        assert secret not in result.output


def test_a_bad_number_is_one_line_and_nothing_is_sent(aws: InProcessAws) -> None:
    user = aws.simulator.add_user("alice")
    aws.aws_env.config = "[default]\nregion = us-east-1\n"
    aws.aws_env.add_keys("default", user)

    # Not the CLI's own float(): the command checks the text itself.
    result = aws.run(*CHECK, "--timeout", "abc")

    assert result.returncode == BAD_PARAMETER_V1
    assert result.stderr == (
        "aws sts activation-check: error: --timeout: expected a number of "
        "seconds from 0.1 to 300 (digits and a point, such as 5 or 2.5), got "
        "'abc'\n"
    )
    assert result.stdout == ""
    assert aws.simulator.requests == []

    # The CLI's global options are checked with the command's.
    query = aws.run(*CHECK, "--organization", "--list-accounts", "--query", "Accounts")

    assert query.returncode == BAD_PARAMETER_V1
    assert query.stderr == (
        "aws sts activation-check: error: --query does not apply to "
        "--list-accounts, which writes the whole listing as JSON "
        "(--accounts-from reads it); filter a copy of it instead (e.g. with jq)\n"
    )
    assert aws.simulator.requests == []


def test_an_organization_run(aws: InProcessAws) -> None:
    organization_world(aws)
    aws.simulator.set_region("eu-west-1", state="deactivated", account_id=MEMBER)

    result = aws.run(
        *CHECK,
        "--organization",
        "--regions",
        "us-east-1",
        "eu-west-1",
        "--output",
        "table",
        "--query",
        "Accounts[].[AccountId, Regions[1].Status]",
    )

    assert result.returncode == 0, result.output
    assert "activation-check" in result.stdout.splitlines()[1]
    rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|"))
        for line in result.stdout.splitlines()
        if line.startswith("|") and line.count("|") == 3
    }
    assert rows == {(ACCOUNT_ID, "active"), (MEMBER, "inactive")}
    # The member was checked through its role.
    assert MEMBER in {
        r.account_id for r in aws.simulator.requests if r.action == "AssumeRole"
    }


def test_list_accounts_writes_the_listing_as_json(aws: InProcessAws) -> None:
    organization_world(aws)

    # Whatever --output says: the listing is the file --accounts-from reads.
    result = aws.run(*CHECK, "--organization", "--list-accounts", "--output", "table")

    assert result.returncode == 0, result.output
    listing = json.loads(result.stdout)
    assert result.stdout == json.dumps(listing, indent=1) + "\n"
    assert sorted((a["Id"], a["Status"]) for a in listing["Accounts"]) == [
        (ACCOUNT_ID, "ACTIVE"),
        (MEMBER, "ACTIVE"),
    ]
    assert listing["Format"] == "awscli-regional-sts/organization-accounts"
    assert listing["Partition"] == "aws"
    assert result.stderr == ""
    # Listed, nothing checked.
    actions = {r.action for r in aws.simulator.requests}
    assert "ListAccounts" in actions
    assert not actions & {"AssumeRole", "GetSessionToken"}


def test_merge_prints_the_merged_report(aws: InProcessAws, tmp_path: Path) -> None:
    # The output format from the profile, as for any command's response.
    aws.aws_env.config = "[default]\nregion = us-east-1\noutput = table\n"
    accounts = [account(a, ACTIVE) for a in IDS[:4]]
    files = []
    for number, (_, document) in enumerate(sharded(2, accounts), 1):
        path = tmp_path / f"shard-{number}.json"
        path.write_text(json.dumps(document))
        path.chmod(0o600)
        files.append(str(path))

    result = aws.run(
        *CHECK,
        "--merge",
        *files,
        "--query",
        "[Summary.AccountsChecked, OrganizationId]",
    )

    assert result.returncode == 0, result.output
    assert "activation-check" in result.stdout.splitlines()[1]
    assert "o-a1b2c3d4e5" in result.stdout and "|  4 " in result.stdout
    # A merge runs no check: nothing is sent.
    assert aws.simulator.requests == []


# -- the command in the sts table, without a run --


def test_number_options_are_left_to_the_commands_own_checks() -> None:
    command = ActivationCheckCommand(None)
    typed = SimpleNamespace(argument_model=object())
    for name in NUMBER_OPTIONS:
        param = SimpleNamespace(name=name, argument_model=object())
        assert command._should_allow_plugins_override(param, "1") is False
    # Other typed options: as the CLI decides (a model and a value).
    assert command._should_allow_plugins_override(
        SimpleNamespace(name="regions", argument_model=object()), "x"
    )
    assert not command._should_allow_plugins_override(
        SimpleNamespace(name="regions", argument_model=None), "x"
    )
    assert command._should_allow_plugins_override(typed, "x")


def test_the_command_table_entry() -> None:
    table: dict[str, object] = {}
    session = object()
    inject_commands(table, session)
    (name,) = table
    assert name == "activation-check"
    entry = table[name]
    assert isinstance(entry, command_module.ActivationCheckCommand)
    assert entry._session is session
    assert entry.ARG_TABLE is ARG_TABLE
