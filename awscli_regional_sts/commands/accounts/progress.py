"""The progress line of a long command (activation-check, an organization's
token versions): one self-overwriting line on stderr, only when stderr is a
terminal (a script's log gets none), its control characters escaped."""

from __future__ import annotations

import sys
from typing import Callable

from awscli_regional_sts.aws.untrusted import printable

#: What activation-check's line starts with.
TITLE = "Checking STS activation"


class Progress:
    """Writes ``describe(a, b)`` over the previous line on each call."""

    def __init__(self, describe: Callable[[int, int], str], title: str = TITLE) -> None:
        self._describe = describe
        self._title = title

    @classmethod
    def on_terminal(
        cls, describe: Callable[[int, int], str], title: str = TITLE
    ) -> Progress | None:
        """A progress line if stderr is a terminal, else None."""
        return cls(describe, title) if sys.stderr.isatty() else None

    def __call__(self, first: int, second: int) -> None:
        line = printable(f"{self._title}: {self._describe(first, second)}")
        sys.stderr.write(f"\r{line} ")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
