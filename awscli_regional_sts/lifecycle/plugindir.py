"""The directory that CLI v2 loads the plugin from: it holds the plugin only.

CLI v2 appends ``cli_legacy_plugin_path`` to its ``sys.path``. A whole
site-packages there (a virtualenv's, say) also offers CLI v1's ``awscli``
and another botocore, which CLI v2 would import for any module it does not
carry itself. So ``enable`` copies just the ``awscli_regional_sts`` package
into a directory of its own, marked so that ``disable`` removes only what
``enable`` made.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

#: The package CLI v2 imports from the directory.
PACKAGE = "awscli_regional_sts"
#: Where ``enable`` puts the copy (per user, beside the CLI's own cache).
DEFAULT_DIRECTORY = "~/.aws/cli/plugins/regional-sts"
#: A file naming the directory as ``enable``'s own; ``disable`` removes
#: only a directory that has it.
MARKER = ".awscli-regional-sts"
#: Names that may sit beside the package: the marker, and what
#: ``pip install --target DIR --no-deps awscli-regional-sts`` adds (its
#: metadata and console scripts).
_ALLOWED_EXTRA = (MARKER, "bin", "__pycache__")
#: Packages that must not be on CLI v2's path: they shadow its own.
SHADOWING = ("awscli", "botocore", "s3transfer", "urllib3", "dateutil", "jmespath")


class PluginDirError(Exception):
    """The plugin directory cannot be made or removed; the message says why."""


def default_directory() -> Path:
    return Path(os.path.expanduser(DEFAULT_DIRECTORY))


def running_package() -> Path:
    """The package directory of the running installation (what is copied)."""
    # This file is awscli_regional_sts/lifecycle/plugindir.py.
    return Path(__file__).resolve().parents[1]


def holds_plugin(directory: Path) -> bool:
    return (directory / PACKAGE / "__init__.py").is_file()


def is_ours(directory: Path) -> bool:
    """Whether ``enable`` made this directory."""
    return (directory / MARKER).is_file()


def extra_entries(directory: Path) -> list[str]:
    """Names in ``directory`` besides the plugin and its install metadata."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [
        name
        for name in names
        if name != PACKAGE
        and name not in _ALLOWED_EXTRA
        and not (
            name.startswith("awscli_regional_sts-") and name.endswith(".dist-info")
        )
    ]


def shadowing_entries(directory: Path) -> list[str]:
    """Packages in ``directory`` that would shadow CLI v2's own."""
    found = []
    for name in extra_entries(directory):
        stem = name.split("-")[0].removesuffix(".py")
        if stem in SHADOWING:
            found.append(name)
    return found


def install(directory: Path, source: Path | None = None) -> None:
    """Put a copy of the plugin package (``source``, default the running
    one) into ``directory``, replacing an earlier copy made by ``enable``.

    The copy is built beside the target and renamed into place, so CLI v2
    never sees half a package.
    """
    source = source or running_package()
    if directory.exists() and not is_ours(directory) and extra_entries(directory):
        raise PluginDirError(
            f"{directory} exists and was not made by aws-regional-sts; "
            "pick another directory or empty it"
        )
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".regional-sts-", dir=directory.parent))
        try:
            shutil.copytree(
                source,
                staging / PACKAGE,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            (staging / MARKER).write_text(
                "Made by `aws-regional-sts enable`; "
                "removed by `aws-regional-sts disable`.\n"
            )
            os.chmod(staging, 0o755)  # nosec B103  # a folder: 0755 is the plugin copy's fixed mode
            if directory.exists():
                old = Path(
                    tempfile.mkdtemp(prefix=".regional-sts-old-", dir=directory.parent)
                )
                os.replace(directory, old / "copy")
                os.replace(staging, directory)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(staging, directory)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise PluginDirError(
            f"cannot install the plugin into {directory}: {error}"
        ) from error


def remove(directory: Path) -> bool:
    """Remove ``directory`` if ``enable`` made it; whether it did."""
    if not is_ours(directory):
        return False
    try:
        shutil.rmtree(directory)
    except OSError as error:
        raise PluginDirError(f"cannot remove {directory}: {error}") from error
    return True
