"""Render a local HTML file in Debian's headless chromium: a screenshot
(PNG) and the DOM as the browser built it.

For the HTML report's test and for looking at a report by eye. No pytest
here: a missing browser raises ``testing.clients.ClientMissing``, which the
tests' conftest turns into a skip (a failure on CI), like a missing client.
The PNG is read with zlib alone (``png_pixel``): no imaging library needed.

Run as a script, ``python3 -m testing.browser path`` prints the browser's
path (the Makefile asks it, so the path is written only here), and
``python3 -m testing.browser shot FILE.html OUT.png [WIDTH HEIGHT]``
renders a file.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from testing.clients import ClientMissing

#: Debian's chromium package.
CHROMIUM = Path("/usr/bin/chromium")

#: Flags that keep a headless run local and quiet: no sandbox (root in a
#: container), no GPU, no QUIC, no first-run or background traffic, and a
#: fresh profile per run (``--user-data-dir``, added by ``_run``).
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    if not CHROMIUM.exists():
        raise ClientMissing(
            f"Debian's chromium ({CHROMIUM})", "`make setup` installs it as root"
        )
    return str(CHROMIUM)


def _run(page: Path, *flags: str, timeout: float = 120) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.run(
            [
                chromium(),
                *_FLAGS,
                f"--user-data-dir={profile}",
                *flags,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 900) -> Path:
    """Render ``page`` at ``width`` x ``height`` CSS pixels into ``png``."""
    _run(page, f"--screenshot={png}", f"--window-size={width},{height}")
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot {png}")
    return png


def dump_dom(page: Path) -> str:
    """The page's DOM after the browser parsed it (``--dump-dom``)."""
    return _run(page, "--dump-dom")


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        start = x * self.channels
        return tuple(self.rows[y][start : start + self.channels])


def read_png(path: Path) -> Png:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG (what chromium
    writes) with zlib alone."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    offset = 8
    idat = b""
    width = height = channels = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG: depth {depth}, colour {colour}")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    position = 0
    for _ in range(height):
        kind = raw[position]
        line = bytearray(raw[position + 1 : position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Png(width, height, channels, rows)


def main(argv: list[str]) -> int:
    if argv == ["path"]:
        print(CHROMIUM)
        return 0
    if len(argv) in (3, 5) and argv[0] == "shot":
        size = (int(argv[3]), int(argv[4])) if len(argv) == 5 else (1280, 900)
        print(screenshot(Path(argv[1]), Path(argv[2]), *size))
        return 0
    print(
        "usage: python3 -m testing.browser path | shot FILE.html OUT.png [W H]",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
