"""Every Python the package claims (pyproject.toml's classifiers).

3.9 to 3.13: `make setup` finds each (pyenv's newest release, else the
system's) and builds `.venv-pythons/3.X` (testing/pythons.py); there the
package's unit tests pass (on the oldest and the newest:
``unit_test_versions`` says why), every module imports with
DeprecationWarning an error, a boto3 session given `register()` fails
over, and the bridge answers as a `credential_process`. A version with
no interpreter here is skipped with its name. 3.14 exists here only
inside AWS's frozen CLI v2: every test of the `cli-v2-frozen` kind runs
the plugin there (test_frozen_bundle.py imports every module in it).
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from testing.clients import CLI_V2_FROZEN, REPO_ROOT, AwsEnv, ClientMissing, aws_command
from testing.pythons import (
    FROZEN_CLI_PYTHON,
    claimed,
    interpreter,
    main_version,
    venv,
    venv_python,
    with_interpreters,
)

TOKYO_HOST = "sts.ap-northeast-1.amazonaws.com"
IRELAND_HOST = "sts.eu-west-1.amazonaws.com"


def python_of(version: str) -> str:
    """The virtualenv Python of ``version``; skipped where this machine has
    no interpreter of it, missing (a failure on CI) where it has one but
    `make setup` has not built the virtualenv."""
    if interpreter(version) is None:
        pytest.skip(f"Python {version}: no interpreter on this machine")
    python = venv_python(version)
    if not python.exists():
        raise ClientMissing(
            f"Python {version}'s virtualenv ({venv(version)})", "run `make setup`"
        )
    return str(python)


def test_the_claimed_versions_are_the_tested_ones() -> None:
    versions = claimed()
    # 3.9 .. 3.14, each minor once, with no gap.
    minors = [int(v.split(".")[1]) for v in versions]
    assert versions[0] == "3.9" and minors == list(range(9, minors[-1] + 1))
    assert versions[-1] == FROZEN_CLI_PYTHON
    assert with_interpreters() == versions[:-1]
    text = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.9"' in text
    # The frozen CLI's own Python is the one claimed for it.
    (aws,) = aws_command(CLI_V2_FROZEN)
    shown = subprocess.run(
        [aws, "--version"], capture_output=True, text=True, timeout=120
    )
    match = re.search(r"Python/(\d+\.\d+)\.", shown.stdout)
    assert match, shown.stdout
    assert match.group(1) == FROZEN_CLI_PYTHON


def unit_test_versions() -> list[str]:
    """The oldest and the newest claimed Python with an interpreter here,
    but the main virtualenv's (make test's unit step runs that one). The
    standard library gains an API in one release and drops one in a later
    release, never the other way round: code that uses something too new
    fails at the oldest end, something gone at the newest (and 3.14, the
    frozen CLI's, runs every `cli-v2-frozen` test). The versions between
    import every module, fail over through boto3 and answer as the bridge
    below; a whole unit run there (30 s of CPU each) would find nothing
    these two do not."""
    versions = with_interpreters()
    return [
        v for v in dict.fromkeys([versions[0], versions[-1]]) if v != main_version()
    ]


def package_unit_tests() -> list[str]:
    """The unit tests of the package's own code: tests/unit/NAME for each
    folder NAME of the package, the ``aws`` runs in process, and the console
    script's. The rest of tests/unit tests the suite's own tools (the
    simulator, scripts/, the docs' and the workflow's checks), which run on
    the main virtualenv's Python only; so do the import contracts, which
    read the source whatever Python runs them (older Pythons get older
    import-linter releases, which lack contract types the project uses)."""
    unit = REPO_ROOT / "tests" / "unit"
    package = REPO_ROOT / "awscli_regional_sts"
    folders = sorted(
        f"tests/unit/{path.name}"
        for path in package.iterdir()
        if (path / "__init__.py").exists() and (unit / path.name).is_dir()
    )
    return [*folders, "tests/unit/in_process", "tests/unit/test_cli.py"]


def test_the_package_unit_tests_are_found() -> None:
    chosen = package_unit_tests()
    for name in ("aws", "bridge", "commands", "lifecycle", "plugin"):
        assert f"tests/unit/{name}" in chosen
    assert "tests/unit/simulator" not in chosen
    assert all((REPO_ROOT / path).exists() for path in chosen)


@pytest.mark.parametrize("version", unit_test_versions())
def test_unit_tests_pass(version: str) -> None:
    python = python_of(version)
    done = subprocess.run(
        [python, "-m", "pytest", *package_unit_tests(), "-q"]
        + ["-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(REPO_ROOT / ".venv-pythons"),
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", summary), summary
    assert "failed" not in summary and "error" not in summary, summary


IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
import awscli_regional_sts
names = [m.name for m in pkgutil.walk_packages(
    awscli_regional_sts.__path__, "awscli_regional_sts.")]
for name in names:
    importlib.import_module(name)
print(len(names), ".".join(map(str, sys.version_info[:2])))
"""


@pytest.mark.parametrize("version", with_interpreters())
def test_every_module_imports_without_a_deprecation_warning(version: str) -> None:
    python = python_of(version)
    done = subprocess.run(
        [python, "-W", "error::DeprecationWarning", "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    count, shown = done.stdout.split()
    assert shown == version and int(count) > 80
    assert done.stderr == ""


BOTO3_FAILOVER = """
import json, sys
import boto3, awscli_regional_sts
session = boto3.Session(profile_name="assumer")
awscli_regional_sts.register(session)
arn = session.client("sts").get_caller_identity()["Arn"]
print(json.dumps({"python": ".".join(map(str, sys.version_info[:2])), "arn": arn}))
"""


@pytest.fixture
def routed(aws_env: AwsEnv) -> AwsEnv:
    """`assumer` assumes a role at sts_region Tokyo, deactivated, with
    failover to Ireland; `tf` gets `assumer`'s credentials from the bridge
    (filled in by the test)."""
    sim = aws_env.simulator
    role = sim.add_role("matrix-role")
    aws_env.add_keys("base", sim.add_user("matrix"))
    sim.set_region("ap-northeast-1", state="deactivated")
    aws_env.config = (
        f"[profile assumer]\nrole_arn = {role}\nsource_profile = base\n"
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1\n"
    )
    return aws_env


@pytest.mark.parametrize("version", with_interpreters())
def test_boto3_register_fails_over(routed: AwsEnv, version: str) -> None:
    python = python_of(version)
    routed.write_files(CLI_V2_FROZEN, plugin=False)
    routed.simulator.clear_log()
    done = subprocess.run(
        [python, "-c", BOTO3_FAILOVER],
        env=routed.env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=routed.home,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["python"] == version
    assert ":assumed-role/matrix-role/" in answer["arn"]
    seen = [(r.host, r.action, r.status) for r in routed.simulator.requests]
    assert seen == [
        (TOKYO_HOST, "AssumeRole", 403),
        (IRELAND_HOST, "AssumeRole", 200),
        (IRELAND_HOST, "GetCallerIdentity", 200),
    ]
    assert routed.simulator.requests[0].error_code == "RegionDisabledException"


@pytest.mark.parametrize("version", with_interpreters())
def test_the_bridge_answers_as_a_credential_process(
    routed: AwsEnv, version: str
) -> None:
    python_of(version)  # skips, or fails on a missing venv
    bridge = str(venv(version) / "bin" / "aws-regional-sts")
    routed.write_files(CLI_V2_FROZEN, plugin=False)
    routed.simulator.clear_log()
    done = subprocess.run(
        [bridge, "credentials", "--profile", "assumer"],
        env=routed.env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=routed.home,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["Version"] == 1
    assert document["AccessKeyId"] and document["Expiration"]
    assert "awscli-regional-sts: STS in ap-northeast-1" in done.stderr
    seen = [(r.host, r.action, r.status) for r in routed.simulator.requests]
    assert seen == [(TOKYO_HOST, "AssumeRole", 403), (IRELAND_HOST, "AssumeRole", 200)]
    # The bridge ran on this virtualenv's Python.
    with open(bridge) as script:
        shebang = script.readline().strip()
    assert shebang.startswith(f"#!{venv(version)}/bin/python"), shebang
