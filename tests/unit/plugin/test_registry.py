"""The handler tables: every entry names a function that exists, and the
registry stays data only (it imports nothing of the package)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from awscli_regional_sts.plugin import registry
from awscli_regional_sts.plugin.settings import StsSettings

ENTRIES = [
    *((event, path, "") for event, path in registry.CLI_HANDLERS),
    *registry.SESSION_HANDLERS,
]


@pytest.mark.parametrize(("event", "path", "needs"), ENTRIES)
def test_every_table_entry_imports_and_is_callable(
    event: str, path: str, needs: str
) -> None:
    module, _, name = path.partition(":")
    handler = getattr(importlib.import_module(module), name)
    assert callable(handler)
    # botocore passes event arguments by keyword; the handler must take them.
    parameters = inspect.signature(handler).parameters.values()
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    if needs:
        assert needs in StsSettings.__dataclass_fields__


def test_unique_ids_are_distinct() -> None:
    ids = [registry.handler_id(path) for _, path in registry.CLI_HANDLERS]
    ids += [unique_id for _, unique_id in registry.session_handler_ids()]
    assert len(ids) == len(set(ids))


def test_the_registry_imports_nothing() -> None:
    tree = ast.parse(Path(registry.__file__).read_text())
    imported = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
    ]
    assert imported == []
