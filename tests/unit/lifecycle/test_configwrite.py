"""Config edits that keep the file the user had (configfile.py's byte-exact
line edits, configwrite.py's link, owner, mode, lock and atomic rename);
end to end through `enable` and `disable`: tests/e2e/test_config_edits.py.
Tests giving a file to another user need root (the suite runs as root);
uid/gid 65534 (nobody/nogroup) stand for that user."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from awscli_regional_sts.lifecycle import configfile, configwrite
from awscli_regional_sts.lifecycle.configfile import ConfigFileError, ConfigText
from testing.clients import REPO_ROOT

NOBODY = 65534
PLUGIN = [("regional_sts", "awscli_regional_sts")]
V2 = [("cli_legacy_plugin_path", "/p"), *PLUGIN]
as_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root to give files to another user"
)

#: Files whose bytes must survive an edit: encodings, line ends, no final
#: newline, with and without a [plugins] section.
ORIGINALS = [
    b"# caf\xe9 (Latin-1) \xff\xfe\n[plugins]\nother = x\n[default]\nregion = a\n",
    b"# caf\xc3\xa9 \xe2\x80\xa8 utf-8\r\n[plugins]\r\nother = x\r\n\r\n# next\r\n"
    b"[default]\r\nregion = a\r\n",
    b"[default]\r\nregion = a\r\n[plugins]\r\nother = x",
    b"[plugins]",
    b"[default]\nregion = a\n[plugins]\n",
    b"[plugins]\r\n",
]


def entries_of(text: ConfigText) -> list[configfile.Entry]:
    return [e for e in text.entries() if e.key in dict(V2)]


@pytest.mark.parametrize("original", ORIGINALS)
def test_set_then_remove_gives_back_every_byte(tmp_path: Path, original: bytes) -> None:
    path = tmp_path / "config"
    enabled = ConfigText.of(path, original).with_settings("plugins", V2)
    # Only the two lines are new; everything before them is as it was.
    added = enabled.replace(b"\r", b"").count(b"\n") - original.replace(
        b"\r", b""
    ).count(b"\n")
    assert added == 2
    text = ConfigText.of(path, enabled)
    assert text.section("plugins")["regional_sts"] == "awscli_regional_sts"
    assert text.without(entries_of(text)) == original


def test_new_lines_end_as_the_file_lines_do(tmp_path: Path) -> None:
    crlf = ConfigText.of(tmp_path, b"[default]\r\nregion = a\r\n")
    assert crlf.with_settings("plugins", PLUGIN) == (
        b"[default]\r\nregion = a\r\n"
        b"[plugins]\r\nregional_sts = awscli_regional_sts\r\n"
    )
    bare = ConfigText.of(tmp_path, b"[default]\nregion = a")
    assert bare.with_settings("plugins", PLUGIN) == (
        b"[default]\nregion = a\n[plugins]\nregional_sts = awscli_regional_sts\n"
    )


def test_a_key_already_set_gets_its_new_value_in_its_line(tmp_path: Path) -> None:
    text = ConfigText.of(
        tmp_path, b"[plugins]\r\nregional_sts = old\r\nother = x\r\n# end\r\n"
    )
    assert text.with_settings("plugins", V2) == (
        b"[plugins]\r\nregional_sts = awscli_regional_sts\r\nother = x\r\n"
        b"cli_legacy_plugin_path = /p\r\n# end\r\n"
    )


def test_a_value_with_a_line_break_is_refused(tmp_path: Path) -> None:
    text = ConfigText.of(tmp_path / "config", b"[plugins]\n")
    with pytest.raises(ConfigFileError, match="holds a line break"):
        text.with_settings("plugins", [("cli_legacy_plugin_path", "/p\n[x]")])


def test_edit_writes_through_a_link_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "aws-config"
    target.parent.mkdir()
    target.write_bytes(b"[default]\nregion = a\n")
    link = tmp_path / "config"
    link.symlink_to(target)
    assert configfile.edit(link, lambda now: now.with_settings("plugins", PLUGIN))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert b"regional_sts = awscli_regional_sts" in target.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["aws-config"]


def test_edit_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\n")
    path.chmod(0o640)
    configfile.edit(path, lambda now: now.with_settings("plugins", PLUGIN))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@as_root
def test_edit_keeps_the_group(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\n")
    os.chown(path, 0, NOBODY)
    configfile.edit(path, lambda now: now.with_settings("plugins", PLUGIN))
    assert (path.stat().st_uid, path.stat().st_gid) == (0, NOBODY)


def test_a_new_file_is_the_users_alone(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config"
    configfile.edit(path, lambda now: now.with_settings("plugins", PLUGIN))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@as_root
def test_another_users_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[plugins]\nregional_sts = awscli_regional_sts\n")
    os.chown(path, NOBODY, NOBODY)
    for attempt in (
        lambda: configwrite.check_writable(path),
        lambda: configfile.edit(path, lambda now: now.without(now.entries())),
    ):
        with pytest.raises(ConfigFileError) as refused:
            attempt()
        message = str(refused.value)
        assert "\n" not in message
        assert message.startswith(f"{path} belongs to nobody (uid 65534)")
        assert "root (uid 0)" in message and "sudo -u nobody" in message
    assert path.read_bytes() == b"[plugins]\nregional_sts = awscli_regional_sts\n"
    assert path.stat().st_uid == NOBODY


@as_root
def test_nothing_is_made_in_another_users_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    path = home / ".aws" / "config"
    with pytest.raises(ConfigFileError, match=f"^{home} belongs to nobody"):
        configfile.edit(path, lambda now: now.with_settings("plugins", PLUGIN))
    assert list(home.iterdir()) == []


@as_root
def test_a_link_into_another_users_file_is_not_read(tmp_path: Path) -> None:
    target = tmp_path / "theirs"
    target.write_bytes(b"[plugins]\nevil = module\n")
    link = tmp_path / "config"
    link.symlink_to(target)
    os.chown(target, NOBODY, NOBODY)
    with pytest.raises(ConfigFileError, match="belongs to nobody"):
        ConfigText.read(link)
    os.chown(target, 0, 0)  # root's own (or the user's) file is fine
    assert ConfigText.read(link).section("plugins") == {"evil": "module"}


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "config"
    os.mkfifo(fifo)
    for attempt in (
        lambda: ConfigText.read(fifo),
        lambda: configwrite.edit(fifo, lambda data: data + b"x = 1\n"),
    ):
        with pytest.raises(ConfigFileError, match="is not a regular file"):
            attempt()


def test_a_held_lock_makes_the_edit_fail_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\n")
    with configwrite.locked(path), pytest.raises(ConfigFileError) as refused:
        configwrite.edit(path, lambda data: data + b"x = 1\n", wait_seconds=0.2)
    assert str(refused.value) == (
        f"{path} is being edited by another process (still locked after "
        "0.2 s); try again when it is done"
    )
    assert path.read_bytes() == b"[default]\n"


WRITER = """
import sys
from pathlib import Path
from awscli_regional_sts.lifecycle import configfile
path, name = Path(sys.argv[1]), sys.argv[2]
for n in range(int(sys.argv[3])):
    configfile.edit(path, lambda now: now.with_settings(name, [(f"k{n}", "v")]))
"""


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"# shared\n")
    count = 40
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(count)],
            cwd=REPO_ROOT,
        )
        for name in ("one", "two")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    text = ConfigText.read(path)
    for name in ("one", "two"):
        assert sorted(text.section(name)) == sorted(f"k{n}" for n in range(count))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]


def test_the_file_and_its_folder_are_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\n")
    synced: list[tuple[bool, int]] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        status = os.fstat(descriptor)
        synced.append((stat.S_ISDIR(status.st_mode), status.st_size))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    configwrite.edit(path, lambda data: data + b"x = 1\n")
    # The new file's bytes before the rename, then the folder after it.
    assert synced[0] == (False, len(b"[default]\nx = 1\n"))
    assert synced[-1][0] is True


@as_root
def test_a_users_command_is_refused_roots_file_with_the_way_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file root owns in a user's place (`sudo aws configure` made it):
    the user (here nobody, as the command sees it) is told to take it back."""
    path = tmp_path / "config"
    path.write_bytes(b"[default]\n")
    assert path.stat().st_uid == os.geteuid() == 0
    monkeypatch.setattr(configwrite.ownership, "current_user", lambda: NOBODY)
    with pytest.raises(ConfigFileError) as refused:
        configfile.edit(path, lambda now: now.with_settings("plugins", PLUGIN))
    assert str(refused.value) == (
        f"{path} belongs to root (uid 0), not to nobody (uid 65534) who runs "
        f"this; left as it is: if it is yours, take it back (sudo chown nobody "
        f"{path})"
    )
    assert path.read_bytes() == b"[default]\n"
