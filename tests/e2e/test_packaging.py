"""The distribution: sdist and wheel build, pass `twine check`, and carry
what a user's install needs (every subpackage, `py.typed`, the console
script, the botocore floor)."""

from __future__ import annotations

import os
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
#: gives it too): put the package into a new folder that only the user can
#: write (never a fixed name under /tmp, which another user can create
#: first: issue 31), with any Python's pip, straight from a checkout; run
#: `enable` from that folder; remove it. The test runs these very lines.
FROZEN_RECIPE = (
    "dir=$(mktemp -d)",
    'python3 -m pip install --target "$dir" --no-deps /path/to/awscli-regional-sts',
    'PYTHONPATH="$dir" python3 -m awscli_regional_sts.cli enable '
    "--aws /usr/local/bin/aws",
    'rm -rf "$dir"',
)


@pytest.mark.parametrize("document", ["README.md", "docs/install.md"])
def test_the_frozen_cli_v2_recipe_is_the_one_the_docs_give(document: str) -> None:
    text = (REPO_ROOT / document).read_text()
    for line in FROZEN_RECIPE:
        assert line in text, f"{document} no longer says: {line}"
    assert "--target /tmp" not in text, "a fixed folder under /tmp (issue 31)"


def test_readme_recipe_for_a_frozen_cli_v2(source: Path, aws_env: AwsEnv) -> None:
    """The README's way for AWS's installer, as written there, run by `sh`
    on AWS's frozen CLI v2: `mktemp -d`, `pip install --target "$dir"
    --no-deps` straight from a checkout (a clean copy of this one), with
    the system's Python (Debian's, under PEP 668; pip builds the wheel,
    fetching setuptools from the package registry), `enable --aws` run from
    that folder, which is then removed; the frozen CLI then routes, with
    the copy `enable` made as the only plugin it can import. Only the
    checkout's and the CLI's paths are replaced by the test's own."""
    (aws,) = aws_command(CLI_V2_FROZEN)
    script = "\n".join(FROZEN_RECIPE)
    script = script.replace("/path/to/awscli-regional-sts", shlex.quote(str(source)))
    script = script.replace("/usr/local/bin/aws", shlex.quote(aws))
    scratch = aws_env.root / "tmp"  # where mktemp makes the folder (TMPDIR)
    scratch.mkdir()
    # pip reaches the package registry, not the simulator's proxy; python3
    # is the system's (/usr/bin/python3).
    env = {
        name: value
        for name, value in aws_env.env(
            {
                "PATH": SYSTEM_PATH,
                "TMPDIR": str(scratch),
                "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            }
        ).items()
        if name not in aws_env.simulator.client_env()
    }
    done = subprocess.run(
        ["/bin/sh", "-e", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=aws_env.home,
    )
    if done.returncode != 0 and "No module named pip" in done.stderr:
        pytest.skip("the system Python (/usr/bin/python3) has no pip")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert f"Will copy {scratch}/tmp." in done.stdout
    assert "/awscli_regional_sts into " in done.stdout
    assert os.listdir(scratch) == []  # the recipe's last line removed it
    routes_to_tokyo(aws_env, CLI_V2_FROZEN, aws=aws)
