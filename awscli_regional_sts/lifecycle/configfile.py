"""Read and minimally edit AWS config files (``~/.aws/config``) as text.

``disable`` must remove exactly the lines ``enable`` wrote and leave every
comment, other plugin and key as it was; ``configparser`` would rewrite the
whole file, so this module works line by line. Reading follows the syntax
botocore accepts (``[section]`` headers, ``key = value``, indented lines
continuing the value above, ``#``/``;`` comments).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_SECTION = re.compile(r"^\s*\[([^\]]*)\]\s*$")
_KEY = re.compile(r"^([^=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$")
_COMMENT = ("#", ";")
#: Far above any real config file; a larger one is not read.
MAX_BYTES = 4 * 1024 * 1024


class ConfigFileError(Exception):
    """The file cannot be read or written; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One ``key = value`` line (continuation lines are not entries)."""

    section: str
    key: str
    value: str
    #: 1-based line number, for messages.
    line: int


@dataclass
class ConfigText:
    """A config file's lines, with its entries indexed."""

    path: Path
    lines: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> ConfigText:
        """The file's text; an absent file is an empty one."""
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            return cls(path)
        except OSError as error:
            raise ConfigFileError(f"cannot read {path}: {error.strerror}") from error
        if len(data) > MAX_BYTES:
            raise ConfigFileError(f"{path} is larger than {MAX_BYTES} bytes")
        text = data.decode("utf-8", "replace")
        return cls(path, text.splitlines(keepends=True))

    def entries(self) -> list[Entry]:
        """Every top-level ``key = value`` line, in file order."""
        found = []
        section: str | None = None
        for number, line in enumerate(self.lines, 1):
            header = _SECTION.match(line)
            if header:
                section = header.group(1).strip()
                continue
            if section is None or _is_blank_or_comment(line) or line[:1].isspace():
                continue
            match = _KEY.match(line.rstrip("\r\n"))
            if match:
                found.append(
                    Entry(section, match.group(1).strip(), match.group(2), number)
                )
        return found

    def section(self, name: str) -> dict[str, str]:
        """``{key: value}`` of one section (the last value of a key wins)."""
        return {e.key: e.value for e in self.entries() if e.section == name}

    def sections(self) -> list[str]:
        """Section names in file order, each once."""
        return list(dict.fromkeys(e.section for e in self.entries()))

    def without(self, remove: Iterable[Entry]) -> list[str]:
        """The lines with ``remove``'s lines (and their continuation lines)
        left out; everything else exactly as it was."""
        numbers = {entry.line for entry in remove}
        kept = []
        skipping = False
        for number, line in enumerate(self.lines, 1):
            if number in numbers:
                skipping = True
                continue
            if skipping and line[:1].isspace() and line.strip():
                continue  # the removed key's continuation line
            skipping = False
            kept.append(line)
        return kept

    def write_lines(self, lines: list[str]) -> None:
        """Replace the file atomically, keeping its permissions."""
        try:
            mode = self.path.stat().st_mode & 0o777
        except OSError:
            mode = 0o600
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", dir=str(self.path.parent)
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
            os.chmod(temporary, mode)
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise ConfigFileError(
                f"cannot write {self.path}: {error.strerror}"
            ) from error
        self.lines = lines


def profile_of_section(section: str, *, credentials: bool) -> str | None:
    """The profile a section configures: ``[profile x]`` and ``[default]`` in
    the config file, ``[x]`` in the credentials file; None otherwise."""
    if credentials:
        return section
    if section == "default":
        return "default"
    if section.startswith("profile "):
        return section[len("profile ") :].strip()
    return None


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(_COMMENT)
