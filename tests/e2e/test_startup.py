"""What the plugin loads into an `aws` process, read from the real CLI.

The AWS CLI imports the plugin for every command, so anything the plugin
imports eagerly is a start-up cost on every command. These tests run the
real CLI v1 driver (what the `aws` script runs) in a child process and read
which of the plugin's modules it had loaded when the command finished:
structure, not timings (the figures are in benchmarks/plugin_overhead.py).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from testing.clients import REPO_ROOT, AwsEnv

#: The `aws` script's own body, plus a look at sys.modules on the way out.
AWS_MAIN = """
import json, sys
import awscli.clidriver
rc = awscli.clidriver.main()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("awscli_regional_sts"))),
      file=sys.stderr)
sys.exit(rc)
"""


#: The subpackages an `aws sts` command passes through on its way to the
#: modules above: each costs one import of a file that holds nothing but a
#: docstring (test_subpackages_on_the_way_are_empty checks that).
EMPTY_SUBPACKAGES = frozenset(
    {
        "awscli_regional_sts.aws",
        "awscli_regional_sts.commands",
        "awscli_regional_sts.commands.resolve_endpoint",
        "awscli_regional_sts.commands.token_version",
        "awscli_regional_sts.plugin",
    }
)


def plugin_modules(env: AwsEnv, *args: str) -> set[str]:
    """The plugin's modules that `aws ARGS` loaded (it must succeed)."""
    result = env.run_python(AWS_MAIN, args=args, plugin=True).check()
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_a_command_without_sts_loads_only_the_handler_table(aws_env: AwsEnv) -> None:
    aws_env.config = "[default]\nregion = eu-west-1\nsts_region = ap-northeast-1\n"
    assert plugin_modules(aws_env, "configure", "list") == {
        "awscli_regional_sts",
        "awscli_regional_sts.plugin",
        # Puts the handler table on the session and wraps create_client for
        # sts clients; reads no setting until one is made.
        "awscli_regional_sts.plugin.registration",
        "awscli_regional_sts.plugin.registry",
    }


def test_an_sts_command_does_not_load_the_activation_check(aws_env: AwsEnv) -> None:
    aws_env.add_keys("default", aws_env.simulator.add_user("startup"))
    aws_env.config = "[default]\nsts_region = ap-northeast-1\n"
    loaded = plugin_modules(aws_env, "sts", "get-caller-identity")
    # Routing runs, and the sts command table lists activation-check ...
    assert "awscli_regional_sts.plugin.routing" in loaded
    assert "awscli_regional_sts.commands.activation.command" in loaded
    # ... and resolve-endpoint's and set-global-endpoint-token-version's
    # entries ...
    assert "awscli_regional_sts.commands.resolve_endpoint.command" in loaded
    assert "awscli_regional_sts.commands.token_version.command" in loaded
    # ... but the check itself, its option table, the route report and the
    # token version change load only when they run.
    assert not loaded & {
        "awscli_regional_sts.commands.token_version.arg_table",
        "awscli_regional_sts.commands.token_version.run",
        "awscli_regional_sts.commands.token_version.arguments",
        "awscli_regional_sts.commands.token_version.remediation",
        "awscli_regional_sts.commands.token_version.plan",
        "awscli_regional_sts.commands.accounts",
        "awscli_regional_sts.commands.accounts.members",
        "awscli_regional_sts.commands.accounts.credentials",
        "awscli_regional_sts.commands.accounts.arguments",
        "awscli_regional_sts.commands.activation.cli.option_table",
        "awscli_regional_sts.commands.activation.model.options",
        "awscli_regional_sts.commands.resolve_endpoint.report",
        "awscli_regional_sts.aws.status",
        "awscli_regional_sts.commands.activation.run.caller_account",
        "awscli_regional_sts.commands.activation.cli.argument_checks",
        "awscli_regional_sts.commands.activation.run.probe",
        "awscli_regional_sts.commands.activation.model.organization_report",
        "awscli_regional_sts.commands.activation.run.organization_run",
        "awscli_regional_sts.commands.activation.cli.organization_output",
        "awscli_regional_sts.plugin.nearest",
        "awscli_regional_sts.lifecycle.installer",
        # No sts_fallback: failover has nothing to do and is not loaded,
        # nor its memory (which would read a file).
        "awscli_regional_sts.plugin.failover",
        "awscli_regional_sts.plugin.failover_memory",
    }, sorted(loaded)
    # No more modules than before the package was cut into one job per
    # module: the entry points, registration, registry, settings,
    # partitions, routing, endpoints and the two commands' table entries;
    # plus values (how settings parse numbers and quote bad values, #12);
    # plus the third command's table entry (set-global-endpoint-token-
    # version, #18), which imports nothing but the CLI's BasicCommand.
    # The subpackages of #17's layout come on top, and nothing else.
    assert loaded & EMPTY_SUBPACKAGES == EMPTY_SUBPACKAGES, sorted(loaded)
    assert len(loaded - EMPTY_SUBPACKAGES) <= 12, sorted(loaded)


def test_subpackages_on_the_way_are_empty() -> None:
    """The subpackages every `aws` command imports hold a docstring only."""
    for package in EMPTY_SUBPACKAGES:
        path = REPO_ROOT / package.replace(".", "/") / "__init__.py"
        body = ast.parse(path.read_text()).body
        assert len(body) == 1, package
        assert isinstance(body[0], ast.Expr), package
        assert isinstance(body[0].value, ast.Constant), package


def test_importing_the_package_loads_nothing_else() -> None:
    """The CLI imports the plugin for every command: it must cost nothing."""
    code = (
        "import sys; import awscli_regional_sts; "
        "print(sorted(m for m in sys.modules if m.startswith("
        "('botocore', 'boto3', 'awscli_regional_sts.', 'typing'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    ).stdout
    assert out.strip() == "[]"
