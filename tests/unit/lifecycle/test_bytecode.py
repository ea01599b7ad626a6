"""The bytecode `enable` has a frozen CLI v2 write for the plugin's copy
(lifecycle/bytecode_plugin.py), checked with this Python: the files are
where its import system looks, and it loads them instead of the source."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle import bytecode
from awscli_regional_sts.lifecycle.bytecode_plugin import (
    REPORT_VARIABLE,
    awscli_initialize,
    compile_package,
    pyc_bytes,
)

SOURCE = b"ANSWER = 42\n"


def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg_bytecode_test"
    (root / "inner").mkdir(parents=True)
    (root / "__init__.py").write_bytes(b"")
    (root / "inner" / "__init__.py").write_bytes(b"")
    (root / "inner" / "answer.py").write_bytes(SOURCE)
    (root / "notes.txt").write_text("not a module")
    return root


def test_every_module_gets_the_bytecode_this_python_reads(tmp_path: Path) -> None:
    root = package(tmp_path)
    done = compile_package(str(root))
    assert done["compiled"] == 3 and done["failed"] == []
    tag = sys.implementation.cache_tag
    assert done["cache_tag"] == f"x.{tag}.pyc"
    module = root / "inner" / "answer.py"
    cached = Path(importlib.util.cache_from_source(str(module)))
    assert cached.parent.name == "__pycache__" and cached.name == f"answer.{tag}.pyc"
    data = cached.read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert data[4:8] == b"\0\0\0\0"  # timestamp-checked (PEP 552)
    status = module.stat()
    assert int.from_bytes(data[8:12], "little") == int(status.st_mtime)
    assert int.from_bytes(data[12:16], "little") == status.st_size
    assert not list(root.rglob("*.tmp"))

    # The source changed in place, same size and mtime: Python loads the
    # bytecode, so it was the bytecode that answered.
    module.write_bytes(b"ANSWER = 43\n")
    os.utime(module, (status.st_atime, status.st_mtime))
    sys.path.insert(0, str(tmp_path))
    try:
        assert importlib.import_module("pkg_bytecode_test.inner.answer").ANSWER == 42
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("pkg_bytecode_test")]:
            del sys.modules[name]


def test_pyc_bytes_wraps_the_code_of_the_source() -> None:
    data = pyc_bytes(SOURCE, "answer.py", 1_700_000_000.7, len(SOURCE))
    assert int.from_bytes(data[8:12], "little") == 1_700_000_000
    assert int.from_bytes(data[12:16], "little") == len(SOURCE)
    with pytest.raises(SyntaxError):
        pyc_bytes(b"def (:\n", "broken.py", 0, 7)


def test_a_module_that_does_not_compile_is_reported(tmp_path: Path) -> None:
    root = package(tmp_path)
    (root / "broken.py").write_bytes(b"def (:\n")
    done = compile_package(str(root))
    assert done["compiled"] == 3
    (line,) = done["failed"]
    assert line.startswith(f"{root / 'broken.py'}: SyntaxError: ")


def test_the_plugin_does_nothing_unless_enable_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(REPORT_VARIABLE, raising=False)
    awscli_initialize(object())  # no report asked: nothing written anywhere
    report = tmp_path / "report.json"
    monkeypatch.setenv(REPORT_VARIABLE, str(report))
    awscli_initialize(object())
    assert json.loads(report.read_text())["compiled"] > 80  # this package


def fake_aws(tmp_path: Path, body: str) -> str:
    aws = tmp_path / "aws"
    aws.write_text(f"#!/bin/sh\n{body}\n")
    aws.chmod(0o755)
    return str(aws)


def test_enable_says_what_the_cli_compiled(tmp_path: Path) -> None:
    aws = fake_aws(
        tmp_path,
        f'printf \'{{"compiled": 90, "failed": [], "cache_tag": "x.cpython-314.pyc"}}\''
        f' > "${REPORT_VARIABLE}"',
    )
    line = bytecode.compile_with(aws, tmp_path)
    assert line == (
        f"compiled 90 modules with {aws}'s own Python (x.cpython-314): a frozen "
        "CLI writes no bytecode itself"
    )


def test_a_cli_that_cannot_compile_leaves_the_plugin_working(tmp_path: Path) -> None:
    aws = fake_aws(tmp_path, "echo 'aws: [ERROR]: no module named x' >&2; exit 255")
    line = bytecode.compile_with(aws, tmp_path)
    assert line == (
        f"could not compile the plugin with {aws}'s own Python (aws: [ERROR]: no "
        "module named x); it works without, compiling its modules at each command"
    )
    missing = bytecode.compile_with(str(tmp_path / "nothing"), tmp_path)
    assert missing.startswith("could not compile the plugin with ")
    assert "FileNotFoundError" in missing


def test_the_throwaway_config_loads_only_the_compiling_module(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    aws = fake_aws(tmp_path, f'cat "$AWS_CONFIG_FILE" > {seen}')
    bytecode.compile_with(aws, tmp_path / "plugins")
    assert seen.read_text() == (
        "[plugins]\nregional_sts_bytecode = awscli_regional_sts.lifecycle."
        f"bytecode_plugin\ncli_legacy_plugin_path = {tmp_path / 'plugins'}\n"
    )
