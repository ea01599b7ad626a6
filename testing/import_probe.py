"""A test-only AWS CLI plugin: imports every module of the plugin's package
inside the CLI's own interpreter, and writes down what happened.

AWS's frozen CLI v2 (PyInstaller) has no Python to run anything else with:
its bundle holds only the standard-library modules the CLI's own code
imports, and a plugin is the only code of ours it runs. Loaded through
``[plugins]`` from the same ``cli_legacy_plugin_path`` directory as the
plugin under test, listed *before* it, so that its ``awscli_initialize``
runs first: it walks the package's folder as the CLI found it, imports each
module with every warning recorded, and writes one JSON document to the
file named by IMPORT_PROBE_TO. Uses only modules any CLI v2 bundle has.
Never imported by the package.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings
from typing import Any

#: Environment variable naming the file the JSON document is written to.
PROBE_ENV = "IMPORT_PROBE_TO"
PACKAGE = "awscli_regional_sts"


def module_names(package_dir: str) -> list[str]:
    """Every module of the package under ``package_dir``, by dotted name."""
    names = []
    parent = os.path.dirname(package_dir)
    for folder, subfolders, files in os.walk(package_dir):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        dotted = os.path.relpath(folder, parent).replace(os.sep, ".")
        for name in sorted(files):
            if name.endswith(".py"):
                stem = name[: -len(".py")]
                names.append(dotted if stem == "__init__" else f"{dotted}.{stem}")
    return names


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI."""
    package = importlib.import_module(PACKAGE)
    modules = []
    for name in module_names(os.path.dirname(package.__file__)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            error = None
            try:
                module = importlib.import_module(name)
                path = getattr(module, "__file__", None)
            except BaseException as raised:  # noqa: B036 - every failure counts
                error = f"{type(raised).__name__}: {raised}"
                path = None
        modules.append(
            {
                "module": name,
                "file": path,
                "error": error,
                "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
            }
        )
    document = {
        "python": list(sys.version_info[:3]),
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "modules": modules,
    }
    with open(os.environ[PROBE_ENV], "w", encoding="utf-8") as out:
        json.dump(document, out)
