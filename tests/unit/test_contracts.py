"""The package's architecture, held by tests rather than prose.

Import direction is import-linter's (pyproject.toml's ``[tool.importlinter]``
contracts: entry points -> commands / lifecycle / bridge -> plugin -> aws,
the commands independent of each other over ``commands.accounts``, the tiers
of ``commands/activation/``, ``plugin/registry.py`` importing nothing of the
package, no cycle): run here on the package, and on a copy with a broken
import, which must fail. Sizes are checked here, over every module whatever
its depth: at most 400 lines a module and 60 lines a function.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testing.clients import REPO_ROOT

PACKAGE = "awscli_regional_sts"
#: lint-imports' own entry point, run as ``python -S`` with the
#: site-packages on PYTHONPATH: without ``site``, no ``.pth`` file runs, so
#: the editable install's finder (which maps the package to this worktree
#: whatever sys.path says) is not installed and a copy's package is found.
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.argv[0] = 'lint-imports'; sys.exit(lint_imports_command())"
)
SITE_PACKAGES = [p for p in sys.path if p.endswith("site-packages")]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Modules allowed over MAX_MODULE_LINES, each with its length today: none
#: may grow, and each is named with the reason it is not cut yet.
LONG_MODULES: dict[str, int] = {}

#: Functions allowed over MAX_FUNCTION_LINES ("module:function" -> lines
#: today, def to last line): none may grow.
LONG_FUNCTIONS = {
    # The bounded pool: submission, the deadline and the drain are one
    # loop over one queue and its counters; cut apart they would pass that
    # state back and forth through arguments, and the loop is read whole.
    "aws/runner.py:stream_parallel": 78,
}


def sources() -> dict[str, Path]:
    """Every module of the package, by its path under the package."""
    root = REPO_ROOT / PACKAGE
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.py"))}


def function_lengths(path: Path) -> dict[str, int]:
    """Lines of every function and method (nested ones too), def to end."""
    lengths: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            lengths[node.name] = max(length, lengths.get(node.name, 0))
    return lengths


def lint_imports(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """lint-imports with pyproject.toml's contracts, on the package that
    ``cwd`` holds (it comes first on sys.path)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), *SITE_PACKAGES])}
    return subprocess.run(
        [sys.executable, "-S", "-c", LINT_IMPORTS, str(cwd / "pyproject.toml"), *extra],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_its_import_contracts() -> None:
    result = lint_imports(REPO_ROOT, "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        # aws/ reaches up into the plugin.
        (
            "aws/untrusted.py",
            "from awscli_regional_sts.plugin import settings",
            "plugin -> aws",
        ),
        # A deferred import counts as much as a top-level one.
        (
            "plugin/routing.py",
            "def _f():\n    from awscli_regional_sts.commands.accounts import members",
            "plugin -> aws",
        ),
        # One command imports another.
        (
            "commands/token_version/plan.py",
            "import awscli_regional_sts.commands.resolve_endpoint.report",
            "each command on its own",
        ),
        # What everyone shares reaches up into a command.
        (
            "commands/accounts/members.py",
            "from awscli_regional_sts.commands.activation import classify",
            "each command on its own",
        ),
        # bridge/ takes something of lifecycle/.
        (
            "bridge/profiles.py",
            "from awscli_regional_sts.lifecycle import configfile",
            "independent of each other",
        ),
        # The registry, loaded for every aws command, imports the package.
        (
            "plugin/registry.py",
            "from awscli_regional_sts.plugin import version",
            "registry.py",
        ),
        # A lower tier of activation-check reaches up to its table entry.
        (
            "commands/activation/fleet/merge.py",
            "from awscli_regional_sts.commands.activation import command",
            "activation-check's tiers",
        ),
        # Something below the entry points imports the package's __init__.
        (
            "lifecycle/enable.py",
            "import awscli_regional_sts",
            "imports the package's __init__",
        ),
        # A cycle inside one folder (identifiers.py imports untrusted.py).
        (
            "aws/untrusted.py",
            "from awscli_regional_sts.aws import identifiers",
            "no import cycle",
        ),
    ],
)
def test_a_broken_import_fails_the_contracts(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    copy = tmp_path / PACKAGE
    shutil.copytree(
        REPO_ROOT / PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = copy / module
    path.write_text(path.read_text() + "\n" + bad_import + "\n")
    result = lint_imports(tmp_path, "--no-cache")
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout


def test_the_copy_checked_is_the_copy(tmp_path: Path) -> None:
    """lint-imports reads the copy, not the installed package (whose
    editable finder points at this worktree): a copy missing a layer's
    folder is reported as such, and an unchanged copy keeps every contract,
    so that a failure above is the bad import's."""
    shutil.copytree(
        REPO_ROOT / PACKAGE,
        tmp_path / PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    kept = lint_imports(tmp_path, "--no-cache")
    assert kept.returncode == 0, kept.stdout + kept.stderr
    shutil.rmtree(tmp_path / PACKAGE / "bridge")
    missing = lint_imports(tmp_path, "--no-cache")
    assert missing.returncode != 0
    assert "bridge" in missing.stdout + missing.stderr


def test_at_most_eight_modules_sit_directly_in_the_package() -> None:
    """Beside __init__.py (#17): a new module goes into a folder."""
    top = [name for name in sources() if "/" not in name and name != "__init__.py"]
    assert len(top) <= 8, top


@pytest.mark.parametrize("module", sorted(sources()))
def test_no_module_is_longer_than_400_lines(module: str) -> None:
    lines = len(sources()[module].read_text().splitlines())
    allowed = LONG_MODULES.get(module, MAX_MODULE_LINES)
    assert lines <= allowed, f"{module}: {lines} lines (at most {allowed})"


def test_modules_at_any_depth_are_checked() -> None:
    """The old check skipped modules with more than two dots in their name
    (commands/activation/account.py passed at 477 lines)."""
    deep = [name for name in sources() if name.count("/") >= 2]
    assert "commands/activation/fleet/merge.py" in deep
    assert all(name in sources() for name in LONG_MODULES)


@pytest.mark.parametrize("module", sorted(sources()))
def test_no_function_is_longer_than_60_lines(module: str) -> None:
    for name, length in function_lengths(sources()[module]).items():
        allowed = LONG_FUNCTIONS.get(f"{module}:{name}", MAX_FUNCTION_LINES)
        assert length <= allowed, (
            f"{module}:{name} is {length} lines (at most {allowed})"
        )


def test_every_listed_exception_is_still_needed() -> None:
    """An exception whose module or function got short again is dropped
    from the list, so the list only shrinks."""
    for module in LONG_MODULES:
        assert len(sources()[module].read_text().splitlines()) > MAX_MODULE_LINES, (
            module
        )
    for key in LONG_FUNCTIONS:
        module, _, name = key.partition(":")
        assert module in sources(), key
        assert function_lengths(sources()[module]).get(name, 0) > MAX_FUNCTION_LINES, (
            key
        )
