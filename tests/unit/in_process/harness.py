"""``aws`` (CLI v1's driver) run inside the test process, against the
simulator over TLS, with the plugin loaded from ``[plugins]``.

Why in process: ``make mutation`` (mutmut) sees only the calls made in the
pytest process, and the CLI glue and the run tier of ``commands/`` are
otherwise reached only by the end-to-end tests, whose clients are other
processes. The parts are the end-to-end tests' own (awscli 1.x's
``clidriver``, its botocore, the plugin, the config and credentials files
``AwsEnv`` writes, the simulator's proxy and CA): only the process is
shared. What a user sees is still claimed by the end-to-end tests, on
every client; these pin the code paths, fast.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import awscli  # noqa: F401  (first: `import botocore` is then CLI v1's bundle)
import pytest
from awscli.clidriver import create_clidriver
from awscli.customizations import assumerole
from botocore.loaders import Loader, create_loader

from awscli_regional_sts.plugin.registration import LOGGER_NAME
from testing.clients import CLI_V1, AwsEnv, Result
from testing.simulator import Simulator

#: The loggers ``aws --debug`` sends to stderr: awscli's clidriver's, and
#: the plugin's own (plugin/registration.py).
_CLI_LOGGERS = ("", "awscli", "botocore", "s3transfer", "urllib3", LOGGER_NAME)


@dataclass
class InProcessAws:
    """One test's AWS set-up (``aws_env``) and a way to run ``aws`` in process."""

    aws_env: AwsEnv
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    @property
    def simulator(self) -> Simulator:
        return self.aws_env.simulator  # type: ignore[no-any-return]

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        """``aws ARGS`` in this process: exit status, stdout, stderr."""
        self.aws_env.write_files(CLI_V1, plugin=True)
        for name in list(os.environ):
            # AWS_DATA_PATH is awscli's own: its import sets it to its data.
            # A proxy of the machine's (or NO_PROXY) would bypass the
            # simulator's.
            own = name.startswith("AWS_") and name != "AWS_DATA_PATH"
            if own or name.lower().endswith("_proxy"):
                self.monkeypatch.delenv(name)
        for name, value in self.aws_env.env(env).items():
            self.monkeypatch.setenv(name, value)
        # CLI v1 fixes its assume-role cache folder when awscli is imported
        # (from the HOME of that moment, the developer's own): each run
        # caches in its own HOME, as a process started there would.
        self.monkeypatch.setattr(
            assumerole,
            "CACHE_DIR",
            os.path.join(self.aws_env.home, ".aws", "cli", "cache"),
        )
        self.capsys.readouterr()
        driver = create_clidriver()
        data_path = driver.session.get_config_variable("data_path")
        driver.session.register_component("data_loader", _data_loader(data_path))
        loggers = [logging.getLogger(name) for name in _CLI_LOGGERS]
        before = [(logger.level, list(logger.handlers)) for logger in loggers]
        try:
            returncode = driver.main(list(args))
        finally:
            # --debug gives these loggers a handler on this run's stderr;
            # a process would end with it, this one goes on to other tests.
            for logger, (level, handlers) in zip(loggers, before):
                logger.setLevel(level)
                logger.handlers[:] = handlers
        out, err = self.capsys.readouterr()
        return Result(["aws", *args], returncode, out, err)


@functools.cache
def _data_loader(data_path: str | None) -> Loader:
    """One data loader per data path for every run, as awscli's own
    functional tests share one (``awscli/testutils.py``): botocore's JSON
    (endpoints, service models) is then parsed once per test process, not
    once per run (about 0.3 s of CPU each). The files are the same; only
    the parsing is shared."""
    return create_loader(data_path)


@pytest.fixture(scope="session")
def in_process_simulator() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture
def aws(
    in_process_simulator: Simulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> InProcessAws:
    in_process_simulator.reset()
    return InProcessAws(
        aws_env=AwsEnv(root=tmp_path, simulator=in_process_simulator),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
