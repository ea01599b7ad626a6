"""scripts/safe_tar.py: the sdist of `make upstream` is extracted without
``extractall(filter=...)`` (missing on Debian 12's Python 3.11.2), refusing
what a hostile archive could use to write outside its folder."""

from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

import pytest

from scripts.safe_tar import UnsafeMember, check_member, extract_members


def _file(
    name: str, data: bytes = b"x", mode: int = 0o644
) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    return info, data


def _special(
    name: str, kind: bytes, linkname: str = ""
) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, b""


def _archive(tmp_path: Path, *entries: tuple[tarfile.TarInfo, bytes]) -> Path:
    path = tmp_path / "archive.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return path


def _extract(archive: Path, destination: Path) -> list[Path]:
    destination.mkdir()
    with tarfile.open(archive) as tar:
        return extract_members(tar, tar.getmembers(), destination)


def test_plain_files_and_folders_are_written_with_safe_modes(tmp_path: Path) -> None:
    folder = tarfile.TarInfo("pkg/tests")
    folder.type = tarfile.DIRTYPE
    folder.mode = 0o777
    archive = _archive(
        tmp_path,
        (folder, b""),
        _file("pkg/tests/test_a.py", b"print(1)\n", mode=0o4777),
        _file("./pkg/pyproject.toml", b"[project]\n", mode=0o666),
    )
    out = tmp_path / "out"
    written = _extract(archive, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "pkg/pyproject.toml",
        "pkg/tests/test_a.py",
    ]
    assert (out / "pkg/tests/test_a.py").read_bytes() == b"print(1)\n"
    # Set-uid and write-for-others never come from the archive.
    assert stat.S_IMODE((out / "pkg/tests/test_a.py").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "pkg/pyproject.toml").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (_file("/etc/evil"), "absolute path"),
        (_file("C:/evil"), "absolute path"),
        (_file("pkg/../../evil"), "'..'"),
        (_file(".."), "'..'"),
        (_special("pkg/link", tarfile.SYMTYPE, "/etc/passwd"), "a link"),
        (_special("pkg/rel-link", tarfile.SYMTYPE, "../../x"), "a link"),
        (_special("pkg/hard", tarfile.LNKTYPE, "pkg/a"), "a link"),
        (_special("pkg/tty", tarfile.CHRTYPE), "not a regular file"),
        (_special("pkg/disk", tarfile.BLKTYPE), "not a regular file"),
        (_special("pkg/fifo", tarfile.FIFOTYPE), "not a regular file"),
        (_file("."), "no name"),
    ],
)
def test_unsafe_members_are_refused_and_nothing_is_written(
    tmp_path: Path, entry: tuple[tarfile.TarInfo, bytes], reason: str
) -> None:
    # A good member before the bad one: the check comes before any write.
    archive = _archive(tmp_path, _file("pkg/a"), entry)
    out = tmp_path / "out"
    with pytest.raises(UnsafeMember, match=reason):
        _extract(archive, out)
    assert list(out.iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_a_name_is_checked_as_written_in_the_archive() -> None:
    info, _ = _file("pkg/./tests/x.py")
    assert check_member(info).as_posix() == "pkg/tests/x.py"
