"""Run the real AWS clients as subprocesses against the local STS simulator.

Every test that claims "the CLI does X" goes through here, and so do the
benchmarks and `make demo`: it runs the real `aws` executable (CLI v1
current, CLI v1 before 1.42.0, CLI v2 from Debian, AWS's own frozen CLI v2)
or a real boto3 in a child process, with a throwaway home, config and
credentials file, and an environment built from scratch so that nothing of
the developer's own AWS set-up leaks in.

No pytest here: a missing client raises `ClientMissing` and a failed
`Result.check()` raises `ClientFailed`; the tests' conftest turns those into
pytest outcomes (tests/e2e/outcomes.py), scripts let them stop the script.

Run as a script, this module prints the path of Debian's CLI v2; the Makefile
asks it, so that the path is written only here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Client kinds, in the order tests list them.
CLI_V1 = "cli-v1"  # current AWS CLI v1 from PyPI (defaults to regional STS)
CLI_V1_LEGACY = "cli-v1-legacy"  # AWS CLI v1 < 1.42.0 (defaults to legacy STS)
CLI_V2 = "cli-v2"  # Debian's awscli package
CLI_V2_FROZEN = "cli-v2-frozen"  # AWS's own frozen build (PyInstaller, Python 3.14)
CLI_KINDS = (CLI_V1, CLI_V1_LEGACY, CLI_V2, CLI_V2_FROZEN)
#: The kinds that are AWS CLI v2: `cli_legacy_plugin_path`, exit status 252
#: for a bad parameter (CLI v1: 255).
CLI_V2_KINDS = (CLI_V2, CLI_V2_FROZEN)
BOTO3 = "boto3"
BOTO3_LEGACY = "boto3-legacy"
BOTO3_PY39 = "boto3-py39"  # the oldest Python the package declares

_VENVS = {
    CLI_V1: REPO_ROOT / ".venv",
    CLI_V1_LEGACY: REPO_ROOT / ".venv-legacy",
    BOTO3: REPO_ROOT / ".venv",
    BOTO3_LEGACY: REPO_ROOT / ".venv-legacy",
    BOTO3_PY39: REPO_ROOT / ".venv-py39",
}


def awscrt_site(venv: Path) -> Path:
    """Where `make setup` installs awscrt for a virtualenv: a folder of its
    own, outside its site-packages (requirements/awscrt.txt says why)."""
    return venv / "awscrt"


#: Debian's awscli package is AWS CLI v2 (it runs on the system Python).
#: The one place this path is written: `make` reads it from here
#: (`python3 -m testing.clients debian-aws`).
DEBIAN_AWS = Path("/usr/bin/aws")
#: AWS's frozen CLI v2, as `make setup` unpacks it from PyPI
#: (scripts/frozen_cli.py): a link to ``tree/awscli/v2/<version>/bin/aws``.
FROZEN_CLI_DIR = REPO_ROOT / ".cache" / "frozen-cli"
FROZEN_AWS_LINK = FROZEN_CLI_DIR / "aws"
#: Names a frozen `aws` the machine already has (AWS's installer puts one at
#: /usr/local/bin/aws); it replaces the one from PyPI, also where the
#: registry cannot be reached.
FROZEN_AWS_VARIABLE = "REGIONAL_STS_FROZEN_AWS"

#: Variables passed through from the test process; everything else, and
#: in particular every AWS_* variable, is left out.
_PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


class ClientMissing(Exception):
    """A client kind this run needs is not installed on this machine."""

    def __init__(self, what: str, how: str) -> None:
        super().__init__(f"{what} is not installed ({how})")
        self.what = what
        self.how = how


class ClientFailed(Exception):
    """A client process exited non-zero where it had to succeed."""

    def __init__(self, result: Result) -> None:
        super().__init__(
            f"{' '.join(result.argv)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        self.result = result


def is_cli_v2(kind: str) -> bool:
    return kind in CLI_V2_KINDS


#: What newer CLI v2 releases (2.38 here; not Debian's 2.9) put before each
#: error line they print, the plugin's own errors included.
CLI_V2_ERROR_PREFIX = "aws: [ERROR]: "


def error_line(line: str) -> str:
    """An error line as the CLI's own code wrote it, without the prefix
    newer CLI v2 releases add when they print it."""
    return line.removeprefix(CLI_V2_ERROR_PREFIX)


def frozen_aws() -> Path:
    """The frozen CLI v2 the tests run: the one ``FROZEN_AWS_VARIABLE``
    names, else the one `make setup` unpacked."""
    named = os.environ.get(FROZEN_AWS_VARIABLE)
    return Path(named) if named else FROZEN_AWS_LINK


def installed(kind: str) -> bool:
    """Whether one client kind is on this machine (for scripts, not tests)."""
    if kind == CLI_V2:
        return DEBIAN_AWS.exists()
    if kind == CLI_V2_FROZEN:
        return os.access(frozen_aws(), os.X_OK)
    return (
        _VENVS[kind] / "bin" / ("python" if kind.startswith("boto3") else "aws")
    ).exists()


def aws_command(kind: str) -> list[str]:
    """The argv prefix that runs the `aws` executable of one client kind."""
    if kind == CLI_V2:
        if not DEBIAN_AWS.exists():
            raise ClientMissing(
                f"Debian's awscli (CLI v2, {DEBIAN_AWS})",
                "`make test` installs it as root",
            )
        return [str(DEBIAN_AWS)]
    if kind == CLI_V2_FROZEN:
        frozen = frozen_aws()
        if os.environ.get(FROZEN_AWS_VARIABLE) and not os.access(frozen, os.X_OK):
            raise ClientMissing(
                f"the frozen CLI v2 that {FROZEN_AWS_VARIABLE} names ({frozen})",
                "it is not an executable file: name the `aws` of AWS's installer",
            )
        if not os.access(frozen, os.X_OK):
            raise ClientMissing(
                f"AWS's frozen CLI v2 ({frozen})",
                "`make setup` downloads it from PyPI; without the registry, set "
                f"{FROZEN_AWS_VARIABLE}=/usr/local/bin/aws to test one you have",
            )
        return [str(frozen)]
    exe = _VENVS[kind] / "bin" / "aws"
    if not exe.exists():
        raise ClientMissing(f"{kind} ({exe})", "run `make setup`")
    return [str(exe)]


def python_command(kind: str = BOTO3) -> list[str]:
    """The Python of a boto3 kind's virtualenv."""
    exe = _VENVS[kind] / "bin" / "python"
    if not exe.exists():
        raise ClientMissing(f"{kind} ({exe})", "run `make setup`")
    return [str(exe)]


def plugin_section(kind: str) -> str:
    """The `[plugins]` section that enables the plugin for one client kind.

    CLI v2 needs `cli_legacy_plugin_path`; CLI v1 must never get it, since it
    takes it for one more module name and then every command crashes.
    """
    lines = ["[plugins]", "regional_sts = awscli_regional_sts"]
    if is_cli_v2(kind):
        lines.append(f"cli_legacy_plugin_path = {REPO_ROOT}")
    return "\n".join(lines) + "\n"


@dataclass
class Result:
    """What a client process did."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    #: Wall time of the process (for the demo and benchmarks; tests assert
    #: no timings).
    seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self) -> Result:
        """This result, unless the process exited non-zero: then
        `ClientFailed`, whose text has both streams."""
        if self.returncode != 0:
            raise ClientFailed(self)
        return self


@dataclass
class AwsEnv:
    """A throwaway AWS set-up: home, config and credentials, and a simulator.

    `config` holds the profile sections (text of `~/.aws/config` without any
    `[plugins]` section); `run` writes the file for the client kind it runs,
    adding the plugin section when asked.
    """

    root: Path
    simulator: Any  # testing.simulator.Simulator
    config: str = ""
    credentials: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    #: More plugins for the ``[plugins]`` section: entry name -> the stem
    #: of a module in testing/ (see ``_test_plugin``).
    extra_plugins: dict[str, str] = field(default_factory=dict)
    #: The same, listed before the plugin under test.
    first_plugins: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def config_file(self) -> Path:
        return self.root / "config"

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials"

    def add_keys(self, profile: str, keys: Any) -> None:
        """Add a credentials-file section with ``keys`` (a simulator
        ``Credentials``) for ``profile``."""
        self.credentials += (
            f"[{profile}]\n"
            f"aws_access_key_id = {keys.access_key_id}\n"
            f"aws_secret_access_key = {keys.secret_access_key}\n"
        )

    def env(
        self, extra: dict[str, str] | None = None, unset: Sequence[str] = ()
    ) -> dict[str, str]:
        """A clean environment: no AWS_* from outside, no metadata service;
        without the variables named in ``unset`` (even the simulator's)."""
        env = {k: os.environ[k] for k in _PASSTHROUGH if k in os.environ}
        self.home.mkdir(parents=True, exist_ok=True)
        env.update(
            HOME=str(self.home),
            AWS_CONFIG_FILE=str(self.config_file),
            AWS_SHARED_CREDENTIALS_FILE=str(self.credentials_file),
            # Without this, botocore would ask 169.254.169.254 for credentials.
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(self.simulator.client_env())
        env.update(self.extra_env)
        if extra:
            env.update(extra)
        for name in unset:
            env.pop(name, None)
        return env

    def write_files(self, kind: str, plugin: bool) -> None:
        text = self.config
        if plugin:
            first, after = (
                "".join(
                    f"{name} = {self._test_plugin(kind, stem)}\n"
                    for name, stem in plugins.items()
                )
                for plugins in (self.first_plugins, self.extra_plugins)
            )
            section = plugin_section(kind).replace(
                "[plugins]\n", "[plugins]\n" + first, 1
            )
            text = section + after + "\n" + text
        self.config_file.write_text(text)
        self.credentials_file.write_text(self.credentials)

    def use_awscrt(self) -> None:
        """Let CLI v1 and boto3 of .venv, and the processes they start (the
        bridge as a credential_process), import awscrt, as after `pip
        install awscrt`: botocore signs SigV4a only with it. The frozen CLI
        ships its own and ignores PYTHONPATH; Debian's CLI v2 would load
        this build instead of Debian's, so ``run`` refuses it."""
        site = awscrt_site(_VENVS[CLI_V1])
        if not (site / "awscrt").is_dir():
            raise ClientMissing(f"awscrt for SigV4a ({site})", "run `make setup`")
        path = self.extra_env.get("PYTHONPATH")
        self.extra_env["PYTHONPATH"] = (
            f"{path}{os.pathsep}{site}" if path else str(site)
        )

    def _check_awscrt(self, kind: str) -> None:
        site = str(awscrt_site(_VENVS[CLI_V1]))
        if kind == CLI_V2 and site in self.extra_env.get("PYTHONPATH", ""):
            raise ValueError(
                "use_awscrt() is for .venv's clients: Debian's CLI v2 has its own"
            )

    def run(
        self,
        kind: str,
        *args: str,
        plugin: bool = True,
        env: dict[str, str] | None = None,
        timeout: float = 60,
        stdin: str | None = None,
        unset: Sequence[str] = (),
    ) -> Result:
        """Run `aws ARGS` of one client kind (without the variables named in
        ``unset``)."""
        self._check_awscrt(kind)
        argv = aws_command(kind) + list(args)
        self.write_files(kind, plugin)
        return _run(argv, self.env(env, unset), timeout, stdin)

    def _add_test_plugin(self, stem: str, *, first: bool = False) -> None:
        """Load ``testing/<stem>.py`` as one more plugin in every `aws` run
        here. CLI v1 imports it from a copy on PYTHONPATH (not the
        repository, so that the plugin under test still comes from its
        installed package); CLI v2 reads its plugins from
        ``cli_legacy_plugin_path``, the repository here, and the frozen CLI
        v2 ignores PYTHONPATH, so there it is ``testing.<stem>``."""
        folder = self.root / "test-plugins"
        folder.mkdir(exist_ok=True)
        source = REPO_ROOT / "testing" / f"{stem}.py"
        (folder / f"awscli_{stem}.py").write_text(source.read_text())
        self.extra_env["PYTHONPATH"] = str(folder)
        (self.first_plugins if first else self.extra_plugins)[stem] = stem

    def time_the_plugin(self) -> Path:
        """Make every `aws` run here time the plugin under test from inside
        the CLI (``testing/plugin_clock.py`` before it in ``[plugins]``,
        ``testing/plugin_clock_end.py`` after it). Returns the file of JSON
        lines, one per run: milliseconds of its import, its
        ``awscli_initialize`` and its ``aws sts`` command-table handler."""
        record = self.root / "plugin-clock.jsonl"
        self._add_test_plugin("plugin_clock", first=True)
        self._add_test_plugin("plugin_clock_end")
        self.extra_env["PLUGIN_CLOCK_TO"] = str(record)
        return record

    @staticmethod
    def _test_plugin(kind: str, stem: str) -> str:
        return f"testing.{stem}" if is_cli_v2(kind) else f"awscli_{stem}"

    def record_clients(self) -> Path:
        """Make every `aws` run here load ``testing/client_recorder.py`` as
        one more plugin. Returns the file of JSON lines;
        ``recorded_clients`` reads it."""
        record = self.root / "clients.jsonl"
        self._add_test_plugin("client_recorder")
        self.extra_env["RECORD_CLIENTS_TO"] = str(record)
        return record

    def pause_at(self, event: str) -> None:
        """Make every `aws` run here load ``testing/pause_plugin.py`` as one
        more plugin, which holds the CLI at ``event`` (once) until Ctrl-C,
        after writing ``pause_plugin.PAUSED_LINE`` to stderr."""
        self._add_test_plugin("pause_plugin")
        self.extra_env["PAUSE_AT"] = event

    def start(
        self,
        kind: str,
        *args: str,
        plugin: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[str]:
        """Start `aws ARGS` of one client kind without waiting for it, as a
        terminal's foreground job: see ``start_foreground``."""
        self.write_files(kind, plugin)
        return start_foreground(aws_command(kind) + list(args), self.env(env))

    def recorded_clients(self) -> list[dict[str, Any]]:
        """The clients recorded since ``record_clients``, then forgotten."""
        record = self.root / "clients.jsonl"
        if not record.exists():
            return []
        lines = record.read_text().splitlines()
        record.unlink()
        return [json.loads(line) for line in lines]

    def run_python(
        self,
        code: str,
        *,
        kind: str = BOTO3,
        env: dict[str, str] | None = None,
        timeout: float = 60,
        args: Sequence[str] = (),
        plugin: bool = False,
    ) -> Result:
        """Run a Python snippet (``sys.argv[1:]`` = ``args``) in a boto3
        kind's virtualenv; the config gets a ``[plugins]`` section only if
        asked (for a snippet that drives the CLI v1 of that virtualenv)."""
        argv = python_command(kind) + ["-c", code, *args]
        self.write_files(CLI_V1 if plugin else kind, plugin=plugin)
        return _run(argv, self.env(env), timeout, None)


#: Runs argv[1:] with SIGINT at its default action (see start_foreground).
_DEFAULT_SIGINT = (
    "import os, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def start_foreground(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """Start ``argv`` (absolute path first) with pipes for stdout and
    stderr, SIGINT at its default action, as a terminal's foreground job
    has it.

    A job a non-interactive shell starts with ``&`` (``make test > log &``,
    nohup) has SIGINT ignored, every process under it inherits that through
    fork and exec, and Python then installs no KeyboardInterrupt handler: a
    SIGINT sent to such a client is dropped, as the shell intends for
    background jobs. A test that sends Ctrl-C must not depend on how its
    own run was started, so a small exec wrapper (no preexec_fn: the test
    process has threads) puts the default action back before the client
    starts. The client leads a process group of its own."""
    return subprocess.Popen(
        [sys.executable, "-c", _DEFAULT_SIGINT, *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Not the repo: the plugin must come from the installed package.
        cwd=env["HOME"],
        # Its own process group, as a terminal gives each job: Ctrl-C is
        # sent to the group (the client and what it runs), not to pytest.
        start_new_session=True,
    )


def _run(
    argv: list[str], env: dict[str, str], timeout: float, stdin: str | None
) -> Result:
    started = time.perf_counter()
    proc = subprocess.run(
        argv,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        # Not the repo: the plugin must come from the installed package.
        cwd=env["HOME"],
    )
    seconds = time.perf_counter() - started
    return Result(argv, proc.returncode, proc.stdout, proc.stderr, seconds)


def main(argv: Sequence[str]) -> int:
    """`python3 -m testing.clients debian-aws`: print Debian's CLI v2 path."""
    if list(argv) != ["debian-aws"]:
        print("usage: python3 -m testing.clients debian-aws", file=sys.stderr)
        return 2
    print(DEBIAN_AWS)
    return 0


__all__ = [
    "DEBIAN_AWS",
    "FROZEN_AWS_LINK",
    "FROZEN_AWS_VARIABLE",
    "FROZEN_CLI_DIR",
    "AwsEnv",
    "BOTO3",
    "BOTO3_LEGACY",
    "BOTO3_PY39",
    "CLI_KINDS",
    "CLI_V1",
    "CLI_V1_LEGACY",
    "CLI_V2",
    "CLI_V2_FROZEN",
    "CLI_V2_KINDS",
    "ClientFailed",
    "ClientMissing",
    "REPO_ROOT",
    "Result",
    "aws_command",
    "error_line",
    "frozen_aws",
    "installed",
    "is_cli_v2",
    "plugin_section",
    "python_command",
    "start_foreground",
]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
