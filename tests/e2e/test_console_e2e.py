"""The ``aws-regional-sts`` console script as a user meets it (#16 item 4 and
3): ``--version``, and the bridge writing into a pipe whose reader is gone.

Real processes and real pipes: the installed console script, a pipe whose
read end is closed before the bridge writes (a reader that is always gone
first), and a shell pipeline into ``head -c1`` as a user types it.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from awscli_regional_sts import __version__
from testing.clients import CLI_V2, AwsEnv
from tests.e2e.test_bridge_e2e import (
    bridge_command,
    bridged,  # noqa: F401  (the fixture)
    cache_files,
)


def test_version_prints_the_version() -> None:
    done = subprocess.run(
        [bridge_command(), "--version"], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"aws-regional-sts {__version__}\n",
        "",
    )


def test_no_command_still_says_what_is_missing() -> None:
    done = subprocess.run(
        [bridge_command()], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "the following arguments are required: COMMAND" in done.stderr


def _into_closed_pipe(env: AwsEnv, *args: str) -> subprocess.CompletedProcess[str]:
    """The bridge with stdout a pipe whose reader has already gone."""
    env.write_files(CLI_V2, plugin=False)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [bridge_command(), *args],
            env=env.env(),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("cached", [False, True], ids=["fetched", "cached"])
@pytest.mark.parametrize("output_format", ["process", "env"])
def test_a_closed_pipe_ends_the_bridge_quietly(
    bridged: AwsEnv,  # noqa: F811
    cached: bool,
    output_format: str,
) -> None:
    args = ("credentials", "--profile", "tokyo-role", "--format", output_format)
    if cached:
        _into_closed_pipe(bridged, *args)
        assert cache_files(bridged)
    done = _into_closed_pipe(bridged, *args)
    assert (done.returncode, done.stderr) == (141, "")


def test_a_pipe_into_head_shows_no_traceback(bridged: AwsEnv) -> None:  # noqa: F811
    shell = shutil.which("sh")
    assert shell, "no sh on PATH"
    bridged.write_files(CLI_V2, plugin=False)
    pipeline = (
        f"'{bridge_command()}' credentials --profile tokyo-role | head -c1; "
        "echo; echo done"
    )
    done = subprocess.run(
        [shell, "-c", pipeline],
        env=bridged.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Whether the bridge met the closed pipe depends on when head exits;
    # either way nothing may reach stderr.
    assert (done.returncode, done.stdout, done.stderr) == (0, "{\ndone\n", "")
