"""End to end: the bridge reads the config files as botocore does (issue 31,
finding 5), with the real bridge as Debian's CLI v2's ``credential_process``
(no plugin configured) against the simulator.

The issue's scenario: ``[profile prod]`` (a ReadOnly role) and
``[profile "prod"]`` (an Admin role) in one file. botocore uses the later,
Admin; the bridge read ReadOnly's section, cached botocore's Admin
credentials under ReadOnly's key, and served them after the quoted section
was gone. Also ``$VAR`` in ``AWS_CONFIG_FILE``, and changes to the sections
a profile leads to (its source profile, its sso-session) are cache misses.
"""

from __future__ import annotations

import pytest

from testing.clients import CLI_V2, AwsEnv
from tests.e2e.test_bridge_e2e import (
    TOKYO,
    TOKYO_HOST,
    bridge,
    bridge_command,
    cache_files,
    seen,
)

CALLER_HOST = "sts.us-west-2.amazonaws.com"


@pytest.fixture
def prod(aws_env: AwsEnv) -> AwsEnv:
    """Keys in ``base``; ``prod`` twice, ReadOnly then quoted Admin; ``tf``
    runs the bridge for ``prod``."""
    sim = aws_env.simulator
    aws_env.add_keys("base", sim.add_user("alice"))
    read_only = sim.add_role("ReadOnly")
    admin = sim.add_role("Admin")
    aws_env.config = (
        "[profile base]\nregion = us-west-2\n"
        f"[profile prod]\nrole_arn = {read_only}\nsource_profile = base\n"
        f"sts_region = {TOKYO}\nsso_session = corp\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
        f'[profile "prod"]\nrole_arn = {admin}\nsource_profile = base\n'
        f"sts_region = {TOKYO}\n"
        "[profile tf]\nregion = us-west-2\n"
        f"credential_process = {bridge_command()} credentials --profile prod\n"
    )
    return aws_env


def caller_arn(env: AwsEnv) -> str:
    env.simulator.clear_log()
    result = env.run(
        CLI_V2, "sts", "get-caller-identity", "--profile", "tf", plugin=False
    ).check()
    arn: str = result.json()["Arn"]
    return arn


def without_quoted_prod(config: str) -> str:
    head, quoted = config.split('[profile "prod"]\n')
    return head + quoted[quoted.index("[profile tf]") :]


def test_the_quoted_section_gets_its_own_role_and_removing_it_is_a_miss(
    prod: AwsEnv,
) -> None:
    # botocore (the CLI and the bridge's fetch) uses the quoted section.
    assert ":assumed-role/Admin/" in caller_arn(prod)
    assert seen(prod) == [
        (TOKYO_HOST, "AssumeRole", 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]
    assert ":assumed-role/Admin/" in caller_arn(prod)
    assert seen(prod) == [(CALLER_HOST, "GetCallerIdentity", 200)]  # cached

    # Quoted section gone: prod is ReadOnly for botocore, and for the
    # bridge's key, so Admin's cached credentials are not served.
    prod.config = without_quoted_prod(prod.config)
    assert ":assumed-role/ReadOnly/" in caller_arn(prod)
    assert seen(prod) == [
        (TOKYO_HOST, "AssumeRole", 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]


def test_a_variable_in_aws_config_file_is_expanded_as_by_the_cli(
    prod: AwsEnv,
) -> None:
    prod.config = without_quoted_prod(prod.config)
    folder = str(prod.config_file.parent)
    extra = {"BRIDGE_E2E_DIR": folder, "AWS_CONFIG_FILE": "$BRIDGE_E2E_DIR/config"}
    prod.write_files(CLI_V2, plugin=False)
    prod.simulator.clear_log()
    result = prod.run(
        CLI_V2, "sts", "get-caller-identity", "--profile", "tf", plugin=False, env=extra
    ).check()
    assert ":assumed-role/ReadOnly/" in result.json()["Arn"]
    assert seen(prod) == [
        (TOKYO_HOST, "AssumeRole", 200),
        (CALLER_HOST, "GetCallerIdentity", 200),
    ]
    # The same file through ${VAR}: the same resolved path, the same key.
    braces = {**extra, "AWS_CONFIG_FILE": "${BRIDGE_E2E_DIR}/config"}
    bridge(prod, "credentials", "--profile", "prod", extra=braces).check()
    assert seen(prod) == []
    assert len(cache_files(prod)) == 1


EDITS = {
    # The source profile's section.
    "source-profile": (
        "[profile base]\n",
        "[profile base]\naws_account_id = 111122223333\n",
    ),
    # The sso-session section the profile names.
    "sso-session": (
        "https://corp.awsapps.com/start",
        "https://other.awsapps.com/start",
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_change_to_a_section_the_profile_names_is_a_miss(
    prod: AwsEnv, edit: str
) -> None:
    prod.config = without_quoted_prod(prod.config)
    first = bridge(prod, "credentials", "--profile", "prod").check()
    assert seen(prod) == [(TOKYO_HOST, "AssumeRole", 200)]
    bridge(prod, "credentials", "--profile", "prod").check()
    assert seen(prod) == []
    old, new = EDITS[edit]
    prod.config = prod.config.replace(old, new, 1)
    again = bridge(prod, "credentials", "--profile", "prod").check()
    assert seen(prod) == [(TOKYO_HOST, "AssumeRole", 200)]
    assert again.stdout != first.stdout
