"""Issue 31, finding 4, reproduced with two users: another local user
(``nobody``, a real process of uid 65534) keeps swapping forged credentials
in and out of a folder of the bridge's cache path that it can change, while
the bridge reads its cache thousands of times.

The bridge used to check the file with ``lstat`` and then open the path
again: with the cache folder writable by all, 301 of 20,000 reads returned
the forged credentials (issue 31). Now the file is opened once and checked
on that descriptor, and a folder someone else can change is not used at
all: no read returns the forged credentials. Against the code before the
fix each case failed: the first read 472 times from the folder writable by
all, the second and third returned the forged credentials 3 and 9 times in
3,000 reads (a race: the count varies from run to run).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from awscli_regional_sts.bridge import store
from awscli_regional_sts.bridge.model import IssuedCredentials

#: "nobody" on Debian: a real user that is not this one.
OTHER_UID = 65534
#: The system's Python, which nobody may run (this test's may be under
#: /root); the attacker needs only ``os``.
OTHER_PYTHON = "/usr/bin/python3"
READS = 3000
KEY = "b" * 64

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="running an attacker as another user needs root (the suite runs as root)",
)

#: The other user's loop: move the real ``place`` aside, put the forged one
#: there, then put both back; until killed.
ATTACKER = """
import os, sys
place, forged, aside = sys.argv[1:4]
print("ready", flush=True)
while True:
    try:
        os.rename(place, aside)
        os.rename(forged, place)
        os.rename(place, forged)
        os.rename(aside, place)
    except OSError:
        pass
"""

NOW = time.time()
GENUINE = IssuedCredentials("ASIAGENUINE", "s3cret", "t0ken", NOW + 3600)
FORGED = IssuedCredentials("ASIAFORGED", "forged", "forged", NOW + 3600)


@pytest.fixture
def shared_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A HOME the other user can reach (pytest's tmp folders are root's
    0700), every folder on the way 0755 as a home usually is."""
    top = Path(tempfile.mkdtemp(prefix="regional-sts-race-"))
    top.chmod(0o755)
    home = top / "home"
    monkeypatch.setenv("HOME", str(home))
    try:
        yield home
    finally:
        subprocess.run(["rm", "-rf", str(top)], check=True)


def open_up(path: Path, home: Path) -> None:
    """Every folder from ``home`` down to ``path``'s 0755, so that the other
    user can reach what it attacks."""
    for folder in path.parents:
        folder.chmod(0o755)
        if folder == home:
            return


def make_folder(path: Path, owner: int = 0) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    os.chown(path, owner, owner)
    return path


def give(path: Path, owner: int) -> None:
    """``path`` and everything in it to ``owner``."""
    for entry in [path, *path.rglob("*")]:
        os.chown(entry, owner, owner)


def forged_copy(genuine: Path, place: Path) -> None:
    """What the attacker plants: a cache file for the same key with its own
    credentials, owned by the attacker."""
    text = genuine.read_text().replace("ASIAGENUINE", "ASIAFORGED")
    text = text.replace("s3cret", "forged").replace("t0ken", "forged")
    place.write_text(text)
    place.chmod(0o600)


def race(place: Path, forged: Path) -> tuple[int, int, set[str]]:
    """Read the cache READS times while the other user swaps ``place`` and
    ``forged``; how many reads were genuine and forged, and why reads missed."""
    attacker = subprocess.Popen(
        [OTHER_PYTHON, "-I", "-c", ATTACKER, str(place), str(forged), f"{place}~"],
        user=OTHER_UID,
        group=OTHER_UID,
        cwd="/",
        stdout=subprocess.PIPE,
        text=True,
    )
    genuine = forged_reads = 0
    misses: set[str] = set()
    try:
        assert attacker.stdout is not None
        assert attacker.stdout.readline() == "ready\n"
        for _ in range(READS):
            notes: list[str] = []
            found = store.load(KEY, now=NOW, note=notes.append)
            if found == FORGED:
                forged_reads += 1
            elif found == GENUINE:
                genuine += 1
            else:
                misses.add(notes[0].replace(str(place), "PLACE").split(":")[0])
    finally:
        attacker.kill()
        attacker.wait()
    return genuine, forged_reads, misses


def test_a_cache_folder_anyone_can_write_is_never_read(shared_home: Path) -> None:
    # The case: the bridge's folder is writable by all.
    store.save(KEY, GENUINE, now=NOW)
    path = store.cache_path(KEY)
    open_up(path, shared_home)
    path.parent.chmod(0o777)
    forged = path.with_name("forged.json")
    forged_copy(path, forged)
    give(forged, OTHER_UID)
    genuine, forged_reads, misses = race(path, forged)
    assert forged_reads == 0
    assert genuine == 0  # the folder is not used at all
    assert misses == {"bridge cache miss"}


def test_a_cache_folder_in_another_users_folder_is_never_read(
    shared_home: Path,
) -> None:
    # The folder above the bridge's belongs to the other user, who swaps
    # the whole bridge folder for one of its own.
    store.save(KEY, GENUINE, now=NOW)
    path = store.cache_path(KEY)
    open_up(path, shared_home)
    path.parent.chmod(0o700)
    owned = path.parent.parent
    forged = owned / "forged"
    make_folder(forged)
    forged.chmod(0o700)
    forged_copy(path, forged / path.name)
    give(forged, OTHER_UID)
    os.chown(owned, OTHER_UID, OTHER_UID)
    genuine, forged_reads, misses = race(path.parent, forged)
    assert forged_reads == 0
    assert genuine == 0
    assert misses == {"bridge cache miss"}


def test_a_file_swapped_under_the_reader_is_checked_where_it_is_read(
    shared_home: Path,
) -> None:
    # Every folder is sound, yet the file changes between reads (here by
    # root, as the other user could not): each read is checked on the
    # descriptor it reads from, so genuine reads happen and forged never.
    store.save(KEY, GENUINE, now=NOW)
    path = store.cache_path(KEY)
    open_up(path, shared_home)
    path.parent.chmod(0o700)
    forged = path.with_name("forged.json")
    forged_copy(path, forged)
    give(forged, OTHER_UID)
    swapper = subprocess.Popen(
        [OTHER_PYTHON, "-I", "-c", ATTACKER, str(path), str(forged), f"{path}~"],
        cwd="/",
        stdout=subprocess.PIPE,
        text=True,
    )
    genuine = forged_reads = 0
    try:
        assert swapper.stdout is not None
        assert swapper.stdout.readline() == "ready\n"
        for _ in range(READS):
            found = store.load(KEY, now=NOW)
            genuine += found == GENUINE
            forged_reads += found == FORGED
    finally:
        swapper.kill()
        swapper.wait()
    assert forged_reads == 0
    assert genuine > 0
