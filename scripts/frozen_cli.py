"""`make setup`'s frozen AWS CLI v2: AWS's own PyInstaller build, from PyPI.

Most users run CLI v2 as AWS ships it: a frozen bundle with a Python of its
own (3.14 in 2.38). PyPI carries that very build: the AWS CDK's Lambda-layer
asset ``aws-cdk-asset-awscli-v2`` holds, in its jsii tarball, ``layer.zip``,
the ``/usr/local/aws-cli`` tree of the ``amazon/aws-cli`` image. This script
downloads the wheel with pip (no dependencies, pinned by version and hash in
requirements/frozen-cli.txt; installing it would pull in the CDK and jsii),
unpacks the CLI under ``.cache/frozen-cli/`` and checks that it starts. No
Docker, nothing from anywhere but the package registry.

Nothing in the archive is trusted: a member whose name is absolute or climbs
out with ``..``, a device or a FIFO stops the unpacking before anything is
written; the only links kept are relative ones that stay inside the CLI's
version folder (``bin/aws -> ../dist/aws``). The layer's absolute links
(``awscli/aws -> /opt/awscli/...``, ``v2/current -> /usr/local/aws-cli/...``)
point at Lambda's and the image's paths, useless here, and are left out.

Where the registry cannot be reached, setup goes on: the frozen CLI's tests
then skip with the reason and the variable that names a frozen ``aws`` the
machine already has (``testing.clients.FROZEN_AWS_VARIABLE``).

    python -m scripts.frozen_cli install   # download and unpack (once)
    python -m scripts.frozen_cli path      # the aws executable the tests run
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from scripts.safe_tar import UnsafeMember
from testing.clients import (
    FROZEN_AWS_LINK,
    FROZEN_AWS_VARIABLE,
    FROZEN_CLI_DIR,
    REPO_ROOT,
    frozen_aws,
)

REQUIREMENTS = REPO_ROOT / "requirements" / "frozen-cli.txt"
DOWNLOADS = FROZEN_CLI_DIR / "download"
TREE = FROZEN_CLI_DIR / "tree"
#: What was unpacked, so that a changed pin unpacks again.
STAMP = FROZEN_CLI_DIR / "installed-from"
#: Inside the wheel, then inside the jsii tarball.
JSII_PREFIX = "aws_cdk/asset_awscli_v2/_jsii/"
LAYER_MEMBER = "package/lib/layer.zip"
VERSIONS_FOLDER = PurePosixPath("awscli/v2")


def say(text: str) -> None:
    print(text, flush=True)


def requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def download() -> Path | None:
    """The wheel, downloaded with hashes required; None (having said why)
    when pip cannot get it."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--require-hashes",
        "--progress-bar",
        "off",
        "--disable-pip-version-check",
        "-r",
        str(REQUIREMENTS),
        "-d",
        str(DOWNLOADS),
    ]
    done = subprocess.run(argv, capture_output=True, text=True)
    wheels = sorted(DOWNLOADS.glob("aws_cdk_asset_awscli_v2-*.whl"))
    if done.returncode != 0 or not wheels:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        say(
            "==> frozen CLI v2: could not download aws-cdk-asset-awscli-v2 from "
            f"the package registry ({last}); its tests will be skipped. To test "
            f"a frozen CLI v2 you have: {FROZEN_AWS_VARIABLE}=/usr/local/bin/aws"
        )
        return None
    return wheels[-1]


def layer_zip(wheel: Path, into: Path) -> Path:
    """Copy the layer's zip out of the wheel's jsii tarball into ``into``."""
    with zipfile.ZipFile(wheel) as outer:
        names = [
            n
            for n in outer.namelist()
            if n.startswith(JSII_PREFIX) and n.endswith(".jsii.tgz")
        ]
        if len(names) != 1:
            raise SystemExit(f"{wheel.name}: expected one jsii tarball, found {names}")
        with outer.open(names[0]) as raw:
            tgz = io.BytesIO(raw.read())
    with tarfile.open(fileobj=tgz, mode="r:gz") as tar:
        member = tar.getmember(LAYER_MEMBER)
        if not member.isfile():
            raise SystemExit(f"{LAYER_MEMBER} in {names[0]} is not a regular file")
        source = tar.extractfile(member)
        assert source is not None
        target = into / "layer.zip"
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    return target


def _relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if "\x00" in name or path.is_absolute() or name.startswith("\\"):
        raise UnsafeMember(f"{name!r}: an absolute path")
    if ".." in path.parts:
        raise UnsafeMember(f"{name!r}: '..' climbs out of the folder")
    return path


def plan_members(
    archive: zipfile.ZipFile,
) -> tuple[PurePosixPath, list[tuple[zipfile.ZipInfo, PurePosixPath, str | None]]]:
    """The CLI's version folder (``awscli/v2/2.38.5``) and what to write:
    (member, path, link target or None). Raises UnsafeMember before
    anything is written."""
    versions = {
        _relative(info.filename.rstrip("/")).parts[2]
        for info in archive.infolist()
        if _relative(info.filename.rstrip("/")).parts[:2] == VERSIONS_FOLDER.parts
        and len(_relative(info.filename.rstrip("/")).parts) > 3
    }
    if len(versions) != 1:
        raise UnsafeMember(
            f"expected one CLI version under awscli/v2/, found {versions}"
        )
    folder = VERSIONS_FOLDER / versions.pop()
    chosen: list[tuple[zipfile.ZipInfo, PurePosixPath, str | None]] = []
    for info in archive.infolist():
        path = _relative(info.filename.rstrip("/"))
        mode = info.external_attr >> 16
        if folder not in path.parents:
            continue  # awscli/aws and awscli/v2/current: absolute links
        if stat.S_ISLNK(mode):
            target = archive.read(info).decode()
            resolved = PurePosixPath(os.path.normpath(path.parent / target))
            if target.startswith("/") or folder not in resolved.parents:
                raise UnsafeMember(f"{info.filename!r}: a link out of {folder}")
            chosen.append((info, path, target))
        elif info.is_dir() or stat.S_ISREG(mode) or mode == 0:
            chosen.append((info, path, None))
        else:
            raise UnsafeMember(f"{info.filename!r}: not a file, folder or link")
    return folder, chosen


def unpack(layer: Path, destination: Path) -> PurePosixPath:
    """Unpack the CLI's version folder of ``layer`` under ``destination``;
    returns that folder's path inside it."""
    with zipfile.ZipFile(layer) as archive:
        folder, chosen = plan_members(archive)
        for info, path, link in chosen:
            target = destination.joinpath(*path.parts)
            if info.is_dir():
                target.mkdir(mode=0o755, parents=True, exist_ok=True)
                continue
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            if link is not None:
                target.symlink_to(link)
                continue
            with archive.open(info) as source, open(target, "xb") as out:
                shutil.copyfileobj(source, out)
            executable = (info.external_attr >> 16) & 0o100
            target.chmod(0o755 if executable else 0o644)
    return folder


def version_line(aws: Path) -> str:
    done = subprocess.run(
        [str(aws), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()},
    )
    return (done.stdout or done.stderr).strip()


def install() -> int:
    if os.environ.get(FROZEN_AWS_VARIABLE):
        say(
            f"==> frozen CLI v2: {FROZEN_AWS_VARIABLE} names "
            f"{os.environ[FROZEN_AWS_VARIABLE]}; nothing downloaded"
        )
        return 0
    digest = requirements_digest()
    if (
        FROZEN_AWS_LINK.exists()
        and STAMP.exists()
        and STAMP.read_text().strip() == digest
    ):
        return 0
    say("==> frozen CLI v2: downloading aws-cdk-asset-awscli-v2 (70 MB) from PyPI")
    wheel = download()
    if wheel is None:
        return 0
    say(f"==> frozen CLI v2: unpacking the CLI out of {wheel.name}")
    shutil.rmtree(TREE, ignore_errors=True)
    FROZEN_AWS_LINK.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=FROZEN_CLI_DIR) as scratch:
        staging = Path(scratch) / "tree"
        staging.mkdir()
        folder = unpack(layer_zip(wheel, Path(scratch)), staging)
        staging.rename(TREE)
    FROZEN_AWS_LINK.symlink_to(Path("tree", *folder.parts, "bin", "aws"))
    line = version_line(FROZEN_AWS_LINK)
    if not line.startswith("aws-cli/2."):
        say(f"==> frozen CLI v2: {FROZEN_AWS_LINK} does not start: {line}")
        return 1
    STAMP.write_text(digest + "\n")
    say(f"==> frozen CLI v2: {FROZEN_AWS_LINK} is {line}")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        return install()
    if argv == ["path"]:
        print(frozen_aws())
        return 0
    print("usage: python -m scripts.frozen_cli install|path", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
