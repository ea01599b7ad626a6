"""The tiers inside commands/activation/ (docs/architecture.md, "Inside
aws sts activation-check"): the CLI glue over the run over the model, each
importing only the tiers below it. Every import counts, at module level or
inside a function. (import-linter contracts are to replace this test.)"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "awscli_regional_sts"
ACTIVATION = PACKAGE / "commands" / "activation"
PREFIX = "awscli_regional_sts.commands.activation."
#: awscli, and the shared modules that import it.
GLUE = ("awscli", "accounts.output", "accounts.arguments")
#: What each tier may not import: the tiers above it, and the CLI.
FORBIDDEN = {
    "model": ("cli", "run", "command", *GLUE, "botocore", "aws.runner"),
    "fleet": ("cli", "run", "command", *GLUE, "botocore", "aws.runner"),
    "run": ("cli", "command", *GLUE),
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def short(module: str) -> str:
    """A module's name in the terms FORBIDDEN uses."""
    for prefix in (PREFIX, "awscli_regional_sts.commands.", "awscli_regional_sts."):
        if module.startswith(prefix):
            return module[len(prefix) :]
    return module


def violations(tier: str) -> list[str]:
    found = []
    for path in sorted((ACTIVATION / tier).rglob("*.py")):
        for module in imports(path):
            name = short(module)
            for banned in FORBIDDEN[tier]:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return found


def test_the_model_and_the_fleet_import_no_run_no_cli() -> None:
    assert violations("model") == []
    assert violations("fleet") == []


def test_the_run_imports_no_cli() -> None:
    assert violations("run") == []


def test_only_the_glue_imports_awscli() -> None:
    outside = [
        path
        for path in ACTIVATION.rglob("*.py")
        if path.parent != ACTIVATION / "cli"
        and path.name != "command.py"
        and any(short(m).split(".")[0] == "awscli" for m in imports(path))
    ]
    assert outside == []


def test_a_broken_import_is_caught(tmp_path: Path) -> None:
    """The check itself: a model module that imports the run is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text(f"from {PREFIX}run.account_check import AccountCheck\n")
    name = short(next(iter(imports(bad))))
    assert any(name.startswith(b) for b in FORBIDDEN["model"])
