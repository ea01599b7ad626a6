"""The distribution: sdist and wheel build, pass `twine check`, and carry
what a user's install needs (every subpackage, `py.typed`, the console
script, the botocore floor)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

from testing.clients import (
    BOTO3_LEGACY,
    CLI_V2_FROZEN,
    REPO_ROOT,
    AwsEnv,
    aws_command,
    python_command,
)
from tests.e2e.test_installer import SYSTEM_PATH, routes_to_tokyo

# One build at a time: `python -m build` writes the egg-info into the
# checkout, so under pytest-xdist (--dist loadgroup) the `dist` fixture
# must not run on two workers at once.
pytestmark = pytest.mark.xdist_group("packaging")


#: What the build leaves out of its copy of the checkout: virtualenvs,
#: caches and earlier builds, and every ``__pycache__``. Built in the
#: checkout itself, the build failed in 2 full runs of the suite out of
#: about 6, never alone: the other test processes write byte code into the
#: tree the build walks (its output was not kept then; the assertion below
#: now keeps it).
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    ".cache",
    ".*_cache",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "*.egg-info",
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout's sources, as a user's clone has them."""
    copy = tmp_path_factory.mktemp("source") / "awscli-regional-sts"
    shutil.copytree(REPO_ROOT, copy, ignore=_NOT_SOURCE)
    return copy


@pytest.fixture(scope="module")
def dist(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel, built from a copy of the checkout's sources."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-4000:]
    return out


def test_twine_check_passes(dist: Path) -> None:
    files = sorted(str(p) for p in dist.iterdir())
    assert any(f.endswith(".whl") for f in files)
    assert any(f.endswith(".tar.gz") for f in files)
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wheel_contents_and_metadata(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(zf.read(metadata_name).decode())
        (entry_points,) = [n for n in names if n.endswith("entry_points.txt")]
        scripts = zf.read(entry_points).decode()
    assert "awscli_regional_sts/py.typed" in names
    sources = {
        str(p.relative_to(REPO_ROOT))
        for p in (REPO_ROOT / "awscli_regional_sts").rglob("*.py")
    }
    assert sources <= names, sorted(sources - names)
    assert not any(n.startswith("tests/") for n in names)
    assert not any(n.startswith("testing/") for n in names)
    assert metadata["Requires-Python"] == ">=3.9"
    requires = metadata.get_all("Requires-Dist")
    assert any(r.startswith("botocore>=") for r in requires), requires
    assert any("awscli" in r and "extra ==" in r for r in requires), requires
    assert "aws-regional-sts-enable" in scripts


def test_sdist_has_readme_and_typing_marker(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert "README.md" in names
    assert "pyproject.toml" in names
    assert "awscli_regional_sts/py.typed" in names


def wheel_metadata(dist: Path) -> Message:
    """The built wheel's METADATA: what pip reads of pyproject.toml."""
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(zf.read(name).decode())


def test_declared_botocore_floor_is_what_the_legacy_suite_runs_on(
    dist: Path,
) -> None:
    """The floor in pyproject.toml is proved by the legacy environment.
    Read from the wheel's metadata, not with tomllib (3.11+): the tests run
    on every Python the Makefile may be given, 3.9 included."""
    requires = wheel_metadata(dist).get_all("Requires-Dist") or []
    (floor,) = [r.split(">=", 1)[1] for r in requires if r.startswith("botocore>=")]
    proc = subprocess.run(
        python_command(BOTO3_LEGACY)
        + ["-c", "import botocore; print(botocore.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == floor


#: The README's recipe for AWS's frozen CLI v2, word for word (docs/install.md
#: gives it too): put the package into a directory with any Python's pip,
#: straight from a checkout, then run `enable` from that directory. The test
#: runs these very words.
FROZEN_RECIPE = (
    "python3 -m pip install --target /tmp/regional-sts --no-deps "
    "/path/to/awscli-regional-sts",
    "PYTHONPATH=/tmp/regional-sts python3 -m awscli_regional_sts.cli enable "
    "--aws /usr/local/bin/aws",
)


def recipe_command(
    line: str, paths: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """A recipe line as (environment, argv), each word that names a path of
    the recipe replaced by the test's own (``paths``)."""
    words = [paths.get(word, word) for word in shlex.split(line)]
    env: dict[str, str] = {}
    while words and "=" in words[0] and not words[0].startswith("/"):
        name, _, value = words.pop(0).partition("=")
        env[name] = paths.get(value, value)
    return env, words


@pytest.mark.parametrize("document", ["README.md", "docs/install.md"])
def test_the_frozen_cli_v2_recipe_is_the_one_the_docs_give(document: str) -> None:
    text = (REPO_ROOT / document).read_text()
    for line in FROZEN_RECIPE:
        assert line in text, f"{document} no longer says: {line}"


def test_readme_recipe_for_a_frozen_cli_v2(source: Path, aws_env: AwsEnv) -> None:
    """The README's way for AWS's installer, as written there, on AWS's
    frozen CLI v2: `pip install --target DIR --no-deps` straight from a
    checkout (a clean copy of this one), with the system's Python (Debian's,
    under PEP 668; pip builds the wheel, fetching setuptools from the
    package registry), then `enable --aws` run from DIR; the frozen CLI
    then routes, with the copy `enable` made as the only plugin it can
    import."""
    (aws,) = aws_command(CLI_V2_FROZEN)
    install, enable_line = FROZEN_RECIPE
    target = aws_env.root / "regional-sts"
    paths = {
        "python3": "/usr/bin/python3",
        "/tmp/regional-sts": str(target),
        "/path/to/awscli-regional-sts": str(source),
        "/usr/local/bin/aws": aws,
    }
    env, argv = recipe_command(install, paths)
    # pip reaches the package registry, not the simulator's proxy.
    pip_env = {
        name: value
        for name, value in aws_env.env(
            {**env, "PATH": SYSTEM_PATH, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        ).items()
        if name not in aws_env.simulator.client_env()
    }
    installed = subprocess.run(
        argv,
        env=pip_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if installed.returncode != 0 and "No module named pip" in installed.stderr:
        pytest.skip("the system Python (/usr/bin/python3) has no pip")
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr
    assert (target / "awscli_regional_sts" / "__init__.py").is_file()
    env, argv = recipe_command(enable_line, paths)
    assert env == {"PYTHONPATH": str(target)}
    enabled = subprocess.run(
        argv,
        env=aws_env.env({**env, "PATH": SYSTEM_PATH}),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=aws_env.home,
    )
    assert enabled.returncode == 0, enabled.stderr
    assert f"Will copy {target}/awscli_regional_sts" in enabled.stdout
    shutil.rmtree(target)  # "/tmp/regional-sts can go afterwards"
    routes_to_tokyo(aws_env, CLI_V2_FROZEN, aws=aws)
