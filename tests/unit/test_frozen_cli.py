"""scripts/frozen_cli.py trusts nothing in the layer it unpacks, and
testing/clients.py finds the frozen CLI where a user says it is."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from scripts.frozen_cli import plan_members, unpack
from scripts.safe_tar import UnsafeMember
from testing import clients


def member(
    archive: zipfile.ZipFile, name: str, data: bytes = b"x", *, mode: int = 0o100755
) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    archive.writestr(info, data)


def layer(*extra: tuple[str, bytes, int]) -> zipfile.ZipFile:
    """A layer like AWS's: the version folder, its links, Lambda's links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member(archive, "awscli/v2/2.38.5/dist/aws", b"\x7fELF")
        member(archive, "awscli/v2/2.38.5/dist/base_library.zip", mode=0o100644)
        member(archive, "awscli/v2/2.38.5/bin/aws", b"../dist/aws", mode=0o120777)
        member(
            archive, "awscli/v2/current", b"/usr/local/aws-cli/v2/2.38.5", mode=0o120777
        )
        member(archive, "awscli/aws", b"/opt/awscli/v2/2.38.5/bin/aws", mode=0o120777)
        for name, data, mode in extra:
            member(archive, name, data, mode=mode)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def test_the_version_folder_is_unpacked_with_its_relative_links(tmp_path: Path) -> None:
    archive = layer()
    folder, chosen = plan_members(archive)
    assert str(folder) == "awscli/v2/2.38.5"
    names = {str(path): link for _, path, link in chosen}
    # Lambda's and the image's absolute links are left out.
    assert names == {
        "awscli/v2/2.38.5/dist/aws": None,
        "awscli/v2/2.38.5/dist/base_library.zip": None,
        "awscli/v2/2.38.5/bin/aws": "../dist/aws",
    }
    zip_path = tmp_path / "layer.zip"
    zip_path.write_bytes(archive.fp.getvalue())  # type: ignore[union-attr]
    (tmp_path / "out").mkdir()
    unpack(zip_path, tmp_path / "out")
    aws = tmp_path / "out" / "awscli/v2/2.38.5/bin/aws"
    assert aws.is_symlink() and aws.read_bytes() == b"\x7fELF"
    assert stat.S_IMODE(aws.resolve().stat().st_mode) == 0o755
    library = tmp_path / "out" / "awscli/v2/2.38.5/dist/base_library.zip"
    assert stat.S_IMODE(library.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("name", "data", "mode", "why"),
    [
        ("/etc/passwd", b"x", 0o100644, "an absolute path"),
        ("awscli/v2/2.38.5/../../../../x", b"x", 0o100644, "'..' climbs out"),
        ("awscli/v2/2.38.5/bin/out", b"/etc/passwd", 0o120777, "a link out of"),
        ("awscli/v2/2.38.5/bin/up", b"../../../x", 0o120777, "a link out of"),
        ("awscli/v2/2.38.5/fifo", b"", 0o010644, "not a file, folder or link"),
    ],
    ids=["absolute", "dot-dot", "absolute-link", "climbing-link", "fifo"],
)
def test_an_unsafe_member_stops_everything(
    name: str, data: bytes, mode: int, why: str
) -> None:
    with pytest.raises(UnsafeMember, match=why):
        plan_members(layer((name, data, mode)))


def test_two_versions_are_refused() -> None:
    with pytest.raises(UnsafeMember, match="expected one CLI version"):
        plan_members(layer(("awscli/v2/2.39.0/dist/aws", b"x", 0o100755)))


def test_the_variable_names_the_frozen_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(clients.FROZEN_AWS_VARIABLE, raising=False)
    assert clients.frozen_aws() == clients.FROZEN_AWS_LINK
    mine = tmp_path / "aws"
    monkeypatch.setenv(clients.FROZEN_AWS_VARIABLE, str(mine))
    assert clients.frozen_aws() == mine
    with pytest.raises(clients.ClientMissing) as missing:
        clients.aws_command(clients.CLI_V2_FROZEN)
    assert str(missing.value) == (
        f"the frozen CLI v2 that {clients.FROZEN_AWS_VARIABLE} names ({mine}) is "
        "not installed (it is not an executable file: name the `aws` of AWS's "
        "installer)"
    )
    mine.write_text("#!/bin/sh\n")
    mine.chmod(0o755)
    assert clients.aws_command(clients.CLI_V2_FROZEN) == [str(mine)]
