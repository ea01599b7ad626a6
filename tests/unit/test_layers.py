"""The package's layers: imports point down, never up or sideways.

Entry points (``__init__``, ``cli``) -> commands / lifecycle / bridge ->
plugin -> aws. Every import counts, also one inside a function or under
``if TYPE_CHECKING``: a deferred import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from testing.clients import REPO_ROOT

PACKAGE = "awscli_regional_sts"

#: Each room's height; a module may import only rooms below its own, and
#: modules of its own room.
RANK = {
    "aws": 0,
    "plugin": 1,
    "commands": 2,
    "lifecycle": 2,
    "bridge": 2,
    "": 3,  # the entry points: __init__.py and cli.py
}


def room(module: str) -> str:
    """``aws``, ``plugin``, ... or "" for a module directly in the package."""
    parts = module.split(".")
    if len(parts) == 1:
        return ""
    if len(parts) == 2 and parts[1] not in RANK:
        return ""
    return parts[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((REPO_ROOT / PACKAGE).rglob("*.py")):
        relative = path.relative_to(REPO_ROOT).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path) -> set[str]:
    """Every module of the package that ``module`` imports, anywhere in it."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    known = modules()
    return {name for name in names if name in known and name != module}


def test_every_module_is_in_a_room() -> None:
    rooms = {room(m) for m in modules()}
    assert rooms <= set(RANK), rooms - set(RANK)
    # At most 8 modules beside __init__.py directly in the package (#17).
    assert len([m for m in modules() if room(m) == "" and m != PACKAGE]) <= 8


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_point_down(module: str) -> None:
    own = room(module)
    for imported in imports_of(module, modules()[module]):
        if imported == PACKAGE and own == "":
            continue
        other = room(imported)
        assert other == own or RANK[other] < RANK[own], (
            f"{module} ({own or 'entry point'}) imports {imported} "
            f"({other or 'entry point'})"
        )


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """A module of aws/ that imports plugin/ is reported."""
    path = tmp_path / "values.py"
    path.write_text("def f():\n    from awscli_regional_sts.plugin import settings\n")
    seen = imports_of(f"{PACKAGE}.aws.untrusted", path)
    assert seen == {f"{PACKAGE}.plugin", f"{PACKAGE}.plugin.settings"}
    assert RANK[room(f"{PACKAGE}.plugin.settings")] > RANK["aws"]


@pytest.mark.parametrize("module", sorted(m for m in modules() if m.count(".") <= 2))
def test_no_module_is_longer_than_450_lines(module: str) -> None:
    assert len(modules()[module].read_text().splitlines()) <= 450
