"""The progress line of activation-check: one self-overwriting line on
stderr, only when stderr is a terminal (a script's log gets none)."""

from __future__ import annotations

import sys
from typing import Callable


class Progress:
    """Writes ``describe(a, b)`` over the previous line on each call."""

    def __init__(self, describe: Callable[[int, int], str]) -> None:
        self._describe = describe

    @classmethod
    def on_terminal(cls, describe: Callable[[int, int], str]) -> Progress | None:
        """A progress line if stderr is a terminal, else None."""
        return cls(describe) if sys.stderr.isatty() else None

    def __call__(self, first: int, second: int) -> None:
        sys.stderr.write(f"\rChecking STS activation: {self._describe(first, second)} ")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
