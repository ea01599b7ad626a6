"""Ctrl-C ends the plugin's commands at once, at any moment of their run:
`aws sts activation-check` (one account and `--organization`), `aws sts
resolve-endpoint` and the bridge (`aws-regional-sts credentials`), with
the CLI's status for it (130 = 128 + SIGINT on CLI v1 and v2) and no
traceback.

Each test makes the command unable to finish on its own (a region whose
CONNECT is never answered, with a `--timeout` far beyond the backstop, or
the test-only pause plugin holding the CLI at an event), waits for an
event that marks the moment (a CONNECT or request in this test's own
simulator log, a line on stderr), and only then sends SIGINT to the
process group, as a terminal does. Nothing is timed by sleeping.

The client starts with SIGINT at its default action
(`testing.clients.start_foreground`): a run started in the background by a
non-interactive shell (`make test > log &`) hands SIGINT down as ignored,
and a client that inherits that never sees the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable

import pytest

from testing.clients import (
    CLI_KINDS,
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    CLI_V2_KINDS,
    AwsEnv,
    start_foreground,
)
from testing.pause_plugin import PAUSED_LINE
from testing.simulator import Simulator
from tests.e2e.test_bridge_e2e import bridge_command

#: 128 + SIGINT: CLI v1 (CLIDriver.main) and v2 (InterruptExceptionHandler)
#: return it on KeyboardInterrupt, and so does the bridge.
INTERRUPTED_RC = 130
#: A backstop only: the design stops at once (the calling thread waits in
#: 0.25 s slices, probes run on daemon threads); this is far above that so
#: that a loaded 2-core machine does not fail the test.
CEILING_SECONDS = 5.0
#: How long a client may take to reach the awaited moment (a CLI start-up
#: on a loaded machine is seconds).
REACH_SECONDS = 60.0
#: Far beyond the ceiling: a command that ends by itself fails the test.
HUNG_TIMEOUT = "60"
HUNG = "eu-west-3"
HUNG_HOST = f"sts.{HUNG}.amazonaws.com"
ORGANIZATIONS_HOST = "organizations.us-east-1.amazonaws.com"


@dataclass
class Stopped:
    returncode: int
    stdout: str
    stderr: str
    #: Hosts CONNECTed to when SIGINT went out.
    connects: list[str]


class Running:
    """A started client whose output is read as it comes (so a full pipe
    never holds it), to be interrupted at a chosen moment."""

    def __init__(self, process: subprocess.Popen[str], simulator: Simulator) -> None:
        self.process = process
        self.simulator = simulator
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=_drain, args=(process.stdout, self._out)),
            threading.Thread(target=_drain, args=(process.stderr, self._err)),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def wait_for(self, what: str, reached: Callable[[], bool]) -> None:
        deadline = time.monotonic() + REACH_SECONDS
        while not reached():
            if self.process.poll() is not None:
                self._finish()
                pytest.fail(
                    f"ended (status {self.process.returncode}) before {what}: "
                    f"{self.stderr[-2000:]}"
                )
            if time.monotonic() > deadline:
                self.process.kill()
                self._finish()
                pytest.fail(f"never reached {what}: {self.stderr[-2000:]}")
            time.sleep(0.02)

    def interrupt(self) -> Stopped:
        """SIGINT to the client's process group, as Ctrl-C at a terminal."""
        connects = self.simulator.connects
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=CEILING_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self._finish()
            pytest.fail(
                f"still running {CEILING_SECONDS} s after SIGINT "
                f"(CONNECTs then: {connects}): {self.stderr[-2000:]}"
            )
        self._finish()
        return Stopped(
            self.process.returncode, "".join(self._out), self.stderr, connects
        )

    def _finish(self) -> None:
        self.process.wait()
        for reader in self._readers:
            reader.join(timeout=CEILING_SECONDS)


def _drain(stream: object, into: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.append(line)


def start(aws_env: AwsEnv, kind: str, *args: str, plugin: bool = True) -> Running:
    aws_env.simulator.clear_log()
    process = aws_env.start(kind, *args, plugin=plugin)
    return Running(process, aws_env.simulator)


def assert_stopped_by_ctrl_c(stopped: Stopped) -> None:
    assert stopped.returncode == INTERRUPTED_RC, stopped.stderr
    assert "Traceback" not in stopped.stderr, stopped.stderr


def connected(simulator: Simulator, host: str | None = None) -> Callable[[], bool]:
    """A CONNECT to ``host`` (any host when None) is in the log."""
    return lambda: (host in simulator.connects) if host else bool(simulator.connects)


def said(running: Running, text: str) -> Callable[[], bool]:
    return lambda: text in running.stderr


def keys_in_us_east_1(aws_env: AwsEnv) -> None:
    aws_env.config = "[default]\nregion = us-east-1\n"
    aws_env.add_keys("default", aws_env.simulator.add_user("alice"))


# -- activation-check, one account ------------------------------------------

CHECK = ("sts", "activation-check", "--regions", "us-east-1", HUNG)
CHECK_MOMENTS = (
    # Held while creating its first client: nothing sent yet.
    "before-the-first-connect",
    # Whatever the check does next (identity call, clients, probes).
    "right-after-the-first-connect",
    # The caller's GetCallerIdentity never answered: the calling thread
    # waits for it.
    "while-the-identity-call-hangs",
    # The probe of one region never answered.
    "while-a-probe-hangs",
)


@pytest.mark.parametrize("moment", CHECK_MOMENTS)
@pytest.mark.parametrize("kind", CLI_KINDS)
def test_activation_check_stops_at_once(
    aws_env: AwsEnv, kind: str, moment: str
) -> None:
    simulator = aws_env.simulator
    keys_in_us_east_1(aws_env)
    simulator.set_region(HUNG, state="hang")
    if moment == "before-the-first-connect":
        aws_env.pause_at("creating-client-class.sts")
    if moment == "while-the-identity-call-hangs":
        # CLI v1 before 1.42 sends it to the global endpoint by default.
        simulator.set_region("us-east-1", state="hang")
        simulator.set_global(state="hang")
    running = start(aws_env, kind, *CHECK, "--timeout", HUNG_TIMEOUT)
    if moment == "before-the-first-connect":
        running.wait_for("the pause", said(running, PAUSED_LINE))
    elif moment == "right-after-the-first-connect":
        running.wait_for("a CONNECT", connected(simulator))
    elif moment == "while-the-identity-call-hangs":
        running.wait_for(
            "the identity call",
            lambda: bool(
                {"sts.us-east-1.amazonaws.com", "sts.amazonaws.com"}
                & set(simulator.connects)
            ),
        )
    else:
        running.wait_for("the hung probe", connected(simulator, HUNG_HOST))
    stopped = running.interrupt()
    assert_stopped_by_ctrl_c(stopped)
    if moment == "before-the-first-connect":
        assert stopped.connects == []
    assert stopped.stdout.strip() == ""


# -- activation-check --organization ----------------------------------------


def build_organization(aws_env: AwsEnv, members: int) -> None:
    simulator = aws_env.simulator
    keys_in_us_east_1(aws_env)
    simulator.create_organization()
    simulator.add_member_accounts(members)
    simulator.set_region(HUNG, state="hang")


@pytest.mark.parametrize("moment", ["while-listing-accounts", "during-the-fan-out"])
@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_organization_check_stops_at_once(
    aws_env: AwsEnv, kind: str, moment: str
) -> None:
    simulator = aws_env.simulator
    build_organization(aws_env, members=6)
    if moment == "while-listing-accounts":
        # The first page is asked in the calling thread, on a client without
        # the CLI's handlers: the listing waits on a host that never answers.
        simulator.set_host_state(ORGANIZATIONS_HOST, "hang")
    running = start(
        aws_env,
        kind,
        *CHECK,
        "--organization",
        "--output-format",
        "jsonl",
        "--timeout",
        HUNG_TIMEOUT,
    )
    if moment == "while-listing-accounts":
        running.wait_for(
            "the listing", lambda: ORGANIZATIONS_HOST in simulator.connects
        )
    else:

        def fanned_out() -> bool:
            # Member roles assumed and probes stuck in the hung region:
            # several accounts are under way at once.
            assumed = [r for r in simulator.requests if r.action == "AssumeRole"]
            return len(assumed) >= 2 and HUNG_HOST in simulator.connects

        running.wait_for("the fan-out", fanned_out)
    stopped = running.interrupt()
    assert_stopped_by_ctrl_c(stopped)
    if moment == "while-listing-accounts":
        assert not any(r.action == "AssumeRole" for r in simulator.requests)


# -- resolve-endpoint ---------------------------------------------------------


@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_resolve_endpoint_stops_at_once(aws_env: AwsEnv, kind: str) -> None:
    aws_env.config = "[default]\nregion = us-east-1\nsts_region = ap-northeast-1\n"
    # Held in the command's run, while it creates the client it reads.
    aws_env.pause_at("creating-client-class.sts")
    running = start(aws_env, kind, "sts", "resolve-endpoint")
    running.wait_for("the pause", said(running, PAUSED_LINE))
    stopped = running.interrupt()
    assert_stopped_by_ctrl_c(stopped)
    assert stopped.connects == []


# -- the bridge ---------------------------------------------------------------

TOKYO = "ap-northeast-1"
TOKYO_HOST = f"sts.{TOKYO}.amazonaws.com"


def hung_role_profile(aws_env: AwsEnv) -> None:
    """Profile `deploy` assumes a role at sts_region Tokyo, which never
    answers (no failover, a timeout beyond the backstop); `tf` gets its
    credentials from the bridge for `deploy`."""
    simulator = aws_env.simulator
    aws_env.add_keys("base", simulator.add_user("alice"))
    role = simulator.add_role("deployer")
    simulator.set_region(TOKYO, state="hang")
    aws_env.config = (
        "[profile base]\n"
        f"[profile deploy]\nrole_arn = {role}\nsource_profile = base\n"
        f"sts_region = {TOKYO}\nsts_timeout = {HUNG_TIMEOUT}\n"
        "[profile tf]\nregion = us-west-2\n"
        f"credential_process = {bridge_command()} credentials --profile deploy\n"
    )


@pytest.mark.parametrize("moment", ["at-the-cache-miss", "while-assume-role-hangs"])
def test_bridge_stops_at_once(aws_env: AwsEnv, moment: str) -> None:
    hung_role_profile(aws_env)
    aws_env.write_files(CLI_V2, plugin=False)
    aws_env.simulator.clear_log()
    process = start_foreground(
        [bridge_command(), "credentials", "--profile", "deploy", "--debug"],
        aws_env.env(),
    )
    running = Running(process, aws_env.simulator)
    if moment == "at-the-cache-miss":
        # Written before botocore is even imported.
        running.wait_for("the cache miss", said(running, "bridge cache miss"))
    else:
        running.wait_for("the AssumeRole", connected(aws_env.simulator, TOKYO_HOST))
    stopped = running.interrupt()
    assert_stopped_by_ctrl_c(stopped)
    assert stopped.stdout == ""


@pytest.mark.parametrize("kind", CLI_V2_KINDS)
def test_ctrl_c_at_a_terminal_ends_the_cli_and_the_bridge_it_runs(
    aws_env: AwsEnv, kind: str
) -> None:
    """CLI v2 without the plugin runs the bridge as `tf`'s credential_process;
    Ctrl-C reaches both (one process group): both end at once."""
    hung_role_profile(aws_env)
    running = start(
        aws_env, kind, "sts", "get-caller-identity", "--profile", "tf", plugin=False
    )
    running.wait_for(
        "the bridge's AssumeRole", connected(aws_env.simulator, TOKYO_HOST)
    )
    stopped = running.interrupt()
    assert_stopped_by_ctrl_c(stopped)
    # Nothing of the group (the bridge) is left.
    deadline = time.monotonic() + CEILING_SECONDS
    while _group_alive(running.process.pid):
        assert time.monotonic() < deadline, "the bridge outlived the CLI"
        time.sleep(0.02)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
