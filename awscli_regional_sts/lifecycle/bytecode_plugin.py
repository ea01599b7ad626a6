"""Compile the plugin's copy with a frozen AWS CLI v2's own Python.

Runs inside the CLI, and only when ``aws-regional-sts enable`` asks
(``lifecycle/bytecode.py``): it loads this module as the one plugin of a
throwaway config, from the directory ``enable`` just filled, with
``REPORT_VARIABLE`` set. AWS's frozen CLI v2 writes no bytecode (PyInstaller
turns it off), and no other Python has its version (3.14 in 2.38), so
without this every ``aws`` command would compile the plugin's modules from
source again: the plugin's whole start-up cost there (docs/performance.md,
section 1). The files are the ones CPython itself writes (PEP 552,
timestamp-checked), so a changed source is simply compiled again, as
without them. Uses only modules every CLI v2 bundle has.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
from typing import Any

#: Names the file the result is written to; unset, the module does nothing.
REPORT_VARIABLE = "REGIONAL_STS_BYTECODE_REPORT"
#: PEP 552 flags: 0 = checked against the source's mtime and size.
_TIMESTAMP_PYC = (0).to_bytes(4, "little")


def pyc_bytes(source: bytes, path: str, mtime: float, size: int) -> bytes:
    """The contents CPython's import system writes for ``path``."""
    code = compile(source, path, "exec", dont_inherit=True)
    return (
        importlib.util.MAGIC_NUMBER
        + _TIMESTAMP_PYC
        + (int(mtime) & 0xFFFFFFFF).to_bytes(4, "little")
        + (size & 0xFFFFFFFF).to_bytes(4, "little")
        + marshal.dumps(code)
    )


def compile_package(root: str) -> dict[str, Any]:
    """Write the bytecode of every module under ``root`` where the running
    Python looks for it; what was done."""
    compiled = 0
    failed = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as source_file:
                    source = source_file.read()
                status = os.stat(path)
                data = pyc_bytes(source, path, status.st_mtime, status.st_size)
                target = importlib.util.cache_from_source(path)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                partial = f"{target}.{os.getpid()}.tmp"
                with open(partial, "wb") as out:
                    out.write(data)
                os.replace(partial, target)
                compiled += 1
            except (OSError, SyntaxError, ValueError, NotImplementedError) as error:
                failed.append(f"{path}: {type(error).__name__}: {error}")
    return {
        "compiled": compiled,
        "failed": failed,
        "cache_tag": importlib.util.cache_from_source("x.py").split(os.sep)[-1],
    }


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    report = os.environ.get(REPORT_VARIABLE)
    if not report:
        return
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(report, "w", encoding="utf-8") as out:
        json.dump(compile_package(package), out)
