"""Read and minimally edit AWS config files (``~/.aws/config``) line by line.

``enable`` and ``disable`` must add or remove exactly their lines and leave
every other byte as it was (comments, other plugins, keys, the encoding,
CRLF line ends, a missing final newline); ``configparser`` would rewrite the
whole file, so this module keeps the file's lines as bytes and edits the
list. Reading follows the syntax botocore accepts (``[section]`` headers,
``key = value``, indented lines continuing the value above, ``#``/``;``
comments); how the file is opened, locked and replaced: configwrite.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from awscli_regional_sts.lifecycle import configwrite
from awscli_regional_sts.lifecycle.configwrite import ConfigFileError

_SECTION = re.compile(r"^\s*\[([^\]]*)\]\s*$")
_KEY = re.compile(r"^([^=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$")
_COMMENT = ("#", ";")


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
    #: The file's lines as they are on disk, each with its line end.
    raw: list[bytes] = field(default_factory=list)
    #: The same lines as text, for parsing (undecodable bytes shown as
    #: U+FFFD; only ``raw`` is ever written back).
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [line.decode("utf-8", "replace") for line in self.raw]

    @classmethod
    def read(cls, path: Path) -> ConfigText:
        """The file's lines; an absent file is an empty one."""
        return cls.of(path, configwrite.read(path) or b"")

    @classmethod
    def of(cls, path: Path, data: bytes) -> ConfigText:
        """``data``, the bytes of ``path``, split into lines as Python's
        universal newlines split them (LF, CRLF or CR)."""
        return cls(path, data.splitlines(keepends=True))

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

    def without(self, remove: Iterable[Entry]) -> bytes:
        """The file with ``remove``'s lines (and their continuation lines)
        left out; every other byte exactly as it was."""
        numbers = {entry.line for entry in remove}
        kept = []
        skipping = last_kept = False
        for number, (line, raw) in enumerate(zip(self.lines, self.raw), 1):
            last_kept = False
            if number in numbers:
                skipping = True
                continue
            if skipping and line[:1].isspace() and line.strip():
                continue  # the removed key's continuation line
            skipping = False
            kept.append(raw)
            last_kept = True
        if kept and not last_kept and not _ending(self.raw[-1]):
            # The last line went, and the file had no final newline: the
            # line now last loses its end, as it had before one was added.
            kept[-1] = kept[-1][: len(kept[-1]) - len(_ending(kept[-1]))]
        return b"".join(kept)

    def with_settings(self, section: str, settings: list[tuple[str, str]]) -> bytes:
        """The file with ``key = value`` set in ``section``, as ``aws
        configure set`` sets it: a key already there gets the new value in
        its line, a new key goes after the section's last entry, a missing
        section is added at the end. New lines end as the file's lines do."""
        raw = list(self.raw)
        newline = _newline(raw)
        entries = [e for e in self.entries() if e.section == section]
        missing = []
        for key, value in settings:
            if any(c in text for text in (section, key, value) for c in "\r\n"):
                # As aws configure set: a line break would add other lines.
                raise ConfigFileError(
                    f"cannot set {key} in {self.path}: {value!r} holds a line break"
                )
            # A path from the command line may hold bytes that are not UTF-8.
            line = f"{key} = {value}".encode("utf-8", "surrogateescape")
            found = next((e for e in entries if e.key == key), None)
            if found is None:
                missing.append(line)
            else:
                old = raw[found.line - 1]
                raw[found.line - 1] = line + _ending(old)
        if missing:
            header = self._header_line(section)
            if header is None:
                if raw and not _ending(raw[-1]):
                    raw[-1] += newline
                raw.append(f"[{section}]".encode() + newline)
                raw.extend(line + newline for line in missing)
            else:
                end = self._section_end(header)
                if end == len(raw) and not _ending(raw[-1]):
                    # Added at the end of a file without a final newline:
                    # it still has none, and ``without`` undoes exactly this.
                    raw[-1] += newline
                    added = [line + newline for line in missing]
                    added[-1] = missing[-1]
                else:
                    added = [line + newline for line in missing]
                raw[end:end] = added
        return b"".join(raw)

    def _header_line(self, section: str) -> int | None:
        """The 0-based index of ``[section]``'s first header line."""
        for index, line in enumerate(self.lines):
            header = _SECTION.match(line)
            if header and header.group(1).strip() == section:
                return index
        return None

    def _section_end(self, header: int) -> int:
        """Where a new entry of the section at ``header`` goes: after its
        last entry (or continuation line), before the blank lines and
        comments that lead to the next section."""
        end = header + 1
        for index in range(header + 1, len(self.lines)):
            line = self.lines[index]
            if _SECTION.match(line):
                break
            if not _is_blank_or_comment(line):
                end = index + 1
        return end


def edit(path: Path, change: Callable[[ConfigText], bytes | None]) -> bool:
    """Apply ``change`` to the config file ``path`` under its lock (see
    configwrite.py: through a link, owner and mode kept, atomic); whether
    the file changed. ``change`` sees the file as it is once locked."""
    return configwrite.edit(path, lambda data: change(ConfigText.of(path, data)))


def _ending(line: bytes) -> bytes:
    """A line's end: CRLF, LF, CR, or nothing (a last line without one)."""
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[-1:]
    return b""


def _newline(raw: list[bytes]) -> bytes:
    """The line end of the file's first line (LF for a file with none)."""
    for line in raw:
        ending = _ending(line)
        if ending:
            return ending
    return b"\n"


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


__all__ = [
    "ConfigFileError",
    "ConfigText",
    "Entry",
    "edit",
    "profile_of_section",
]
