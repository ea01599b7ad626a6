"""What a doctor check returns (a finding: ok or a problem with its fix),
and what every check reads (the CLI, the profile, both config files)."""

from __future__ import annotations

import enum
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from awscli_regional_sts.lifecycle.configfile import (
    ConfigText,
    Entry,
    profile_of_section,
)
from awscli_regional_sts.lifecycle.detection import AwsCli
from awscli_regional_sts.lifecycle.installer import (
    PLUGIN_MODULE,
    PLUGIN_PATH_KEY,
)


class Status(enum.Enum):
    """What one finding says."""

    OK = "ok"
    PROBLEM = "PROBLEM"


class BadInput(Exception):
    """The command line names something that is not there."""


@dataclass(frozen=True)
class Finding:
    status: Status
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<8} {self.check}: {self.message}"
        return f"{text}  fix: {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, str]:
        return {
            "Status": self.status.value,
            "Check": self.check,
            "Message": self.message,
            "Fix": self.fix,
        }


def ok(check: str, message: str) -> Finding:
    return Finding(Status.OK, check, message)


def problem(check: str, message: str, fix: str) -> Finding:
    return Finding(Status.PROBLEM, check, message, fix)


@dataclass
class Context:
    """What the checks share."""

    cli: AwsCli
    profile: str
    config: ConfigText
    credentials: ConfigText
    env: dict[str, str]

    @property
    def plugins(self) -> dict[str, str]:
        return self.config.section("plugins")

    @property
    def enabled(self) -> bool:
        return any(
            value == PLUGIN_MODULE
            for key, value in self.plugins.items()
            if key != PLUGIN_PATH_KEY
        )

    def profile_entries(self) -> Iterator[tuple[str, Path, Entry]]:
        """(profile, file, entry) of every profile key in both files."""
        for text, is_credentials in ((self.config, False), (self.credentials, True)):
            for entry in text.entries():
                name = profile_of_section(entry.section, credentials=is_credentials)
                if name is not None:
                    yield name, text.path, entry


def files_read(context: Context) -> str:
    parts = []
    for text, variable in (
        (context.config, "AWS_CONFIG_FILE"),
        (context.credentials, "AWS_SHARED_CREDENTIALS_FILE"),
    ):
        origin = f" ({variable})" if context.env.get(variable) else ""
        missing = "" if text.path.exists() else ", absent"
        parts.append(f"{text.path}{origin}{missing}")
    return "reads " + " and ".join(parts)


def enable_command(context: Context) -> str:
    return f"aws-regional-sts enable --aws {shlex.quote(context.cli.path)}"
