"""What the plugin loads into an `aws` process, read from the real CLI.

The AWS CLI imports the plugin for every command, so anything the plugin
imports eagerly is a start-up cost on every command. These tests run the
real CLI v1 driver (what the `aws` script runs) in a child process and read
which of the plugin's modules it had loaded when the command finished:
structure, not timings (the figures are in benchmarks/plugin_overhead.py).
"""

from __future__ import annotations

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


def plugin_modules(env: AwsEnv, *args: str) -> set[str]:
    """The plugin's modules that `aws ARGS` loaded (it must succeed)."""
    result = env.run_python(AWS_MAIN, args=args, plugin=True).check()
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_a_command_without_sts_loads_only_the_handler_table(aws_env: AwsEnv) -> None:
    aws_env.config = "[default]\nregion = eu-west-1\nsts_region = ap-northeast-1\n"
    assert plugin_modules(aws_env, "configure", "list") == {
        "awscli_regional_sts",
        # Puts the handler table on the session and wraps create_client for
        # sts clients; reads no setting until one is made.
        "awscli_regional_sts.registration",
        "awscli_regional_sts.registry",
    }


def test_an_sts_command_does_not_load_the_activation_check(aws_env: AwsEnv) -> None:
    aws_env.add_keys("default", aws_env.simulator.add_user("startup"))
    aws_env.config = "[default]\nsts_region = ap-northeast-1\n"
    loaded = plugin_modules(aws_env, "sts", "get-caller-identity")
    # Routing runs, and the sts command table lists activation-check ...
    assert "awscli_regional_sts.routing" in loaded
    assert "awscli_regional_sts.activation.command" in loaded
    # ... and resolve-endpoint's entry ...
    assert "awscli_regional_sts.resolve_command" in loaded
    # ... but the check itself, its option table and the route report load
    # only when they run.
    assert not loaded & {
        "awscli_regional_sts.activation.arg_table",
        "awscli_regional_sts.activation.options",
        "awscli_regional_sts.route_report",
        "awscli_regional_sts.status",
        "awscli_regional_sts.activation.account",
        "awscli_regional_sts.activation.arguments",
        "awscli_regional_sts.activation.probe",
        "awscli_regional_sts.activation.organization",
        "awscli_regional_sts.activation.organization_check",
        "awscli_regional_sts.activation.organization_command",
        "awscli_regional_sts.nearest",
        "awscli_regional_sts.installer",
        # No sts_fallback: failover has nothing to do and is not loaded,
        # nor its memory (which would read a file).
        "awscli_regional_sts.failover",
        "awscli_regional_sts.state",
    }, sorted(loaded)
    # No more modules than before the package was cut into one job per
    # module: the entry points, registration, registry, settings,
    # partitions, routing, endpoints and the two commands' table entries;
    # plus values (how settings parse numbers and quote bad values, #12).
    assert len(loaded) <= 11, sorted(loaded)


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
