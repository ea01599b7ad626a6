"""User-typed values in error lines and as numbers: one way for every check.

Every message that repeats something the user typed (a profile value, an
environment variable, a command-line argument) quotes it through
``quote``: a short prefix, its length when cut, control and non-ASCII
characters escaped, so that a 100 KB value or a terminal escape sequence
cannot flood or rewrite the user's terminal. Text that came from AWS (an
account's name is its admin's to choose) goes to a terminal through
``printable``: every control character escaped, nothing cut. Numbers are
ASCII digits only:
Python's ``int()`` and ``float()`` also take ``²``, ``١``, ``1_0``, ``inf``
and ``1e-300``, none of which anybody means as a timeout or a count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Characters of a bad value repeated in an error line.
QUOTE_LIMIT = 40
#: The longest number accepted, in characters ("300.000000" fits).
NUMBER_LIMIT = 12
#: Names longer than this get no "did you mean": difflib is quadratic, and
#: no region name is near that long.
SUGGEST_LIMIT = 64

_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WHOLE = re.compile(r"[0-9]+")


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` quoted for one error line: at most ``limit`` characters of
    it, printable ASCII as is and anything else escaped (``\\x1b``,
    ``\\xb2``), followed by its length when it was cut."""
    text = value if isinstance(value, str) else _text_of(value)
    shown = "".join(_escape(c) for c in text[:limit])
    if len(text) <= limit:
        return f"'{shown}'"
    return f"'{shown}...' ({len(text)} characters)"


#: What a terminal may act on rather than show: C0 controls (ESC, and tab,
#: CR and LF too, which would forge a line of a table), DEL, C1 controls
#: (U+009B is a one-character CSI), and the bidirectional overrides and
#: isolates that reorder what is shown ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown escaped (``\\x1b``,
    ``\\u009b``); anything else, non-ASCII letters included, as is."""
    return _CONTROLS.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def printable_data(value: Any) -> Any:
    """A copy of a JSON-like document (dicts, lists, strings, numbers) with
    every string, key or value, passed through ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(item) for item in value]
    return value


def _text_of(value: object) -> str:
    try:
        return repr(value)
    except ValueError:  # an int of more digits than Python will print
        return f"<{type(value).__name__} too long to show>"


def _escape(char: str) -> str:
    if char in "'\\":
        return "\\" + char
    if " " <= char <= "~":
        return char
    return char.encode("unicode_escape").decode("ascii")


def parse_decimal(value: object) -> float | None:
    """A number written in ASCII digits with an optional fraction ("5",
    "0.5"), at most NUMBER_LIMIT characters around ASCII spaces; None for
    anything else (exponents, signs, other scripts' digits, inf, nan)."""
    text = value.strip(" ") if isinstance(value, str) else None
    if not text or len(text) > NUMBER_LIMIT or not _DECIMAL.fullmatch(text):
        return None
    return float(text)


def parse_whole(value: object) -> int | None:
    """A whole number in ASCII digits, at most NUMBER_LIMIT characters
    around ASCII spaces; None for anything else (``²``, ``¹⁰``, ``1_0``)."""
    text = value.strip(" ") if isinstance(value, str) else None
    if not text or len(text) > NUMBER_LIMIT or not _WHOLE.fullmatch(text):
        return None
    return int(text)


def did_you_mean(name: object, choices: Iterable[str]) -> str:
    """ "; did you mean X?" with the closest of ``choices``, or "" when
    nothing is close."""
    if not isinstance(name, str) or not name or len(name) > SUGGEST_LIMIT:
        return ""
    # Imported here, on the error path only: every STS command loads this
    # module (through settings.py), and only a bad value needs difflib.
    import difflib

    close = difflib.get_close_matches(name, sorted(set(choices)), n=1, cutoff=0.8)
    return f"; did you mean {close[0]}?" if close else ""
