"""`make demo`: the real `aws` CLI with the plugin, against the local simulator.

No AWS account is needed: the CLI talks to the project's STS simulator
through an HTTPS proxy on 127.0.0.1. The simulator's answer delays replay a
published measurement (see docs/sts-facts.md, section 1): nobody here
measured them against AWS. Output fits an 80-column terminal.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from testing.clients import (
    CLI_V1,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
    aws_command,
    installed,
    is_cli_v2,
)
from testing.simulator import Simulator

#: The published measurement (`aws sts assume-role` from Tokyo), replayed
#: as the simulator's answer delay per request: global endpoint (served
#: from us-east-1) and ap-northeast-1. Unconfirmed here.
GLOBAL_LATENCY = 3.319
TOKYO_LATENCY = 0.384
WIDTH = 80

#: The report's essentials, through the CLI's own --query (the full report
#: is JSON by default: `aws sts activation-check --profile demo`).
REPORT_QUERY = "Regions[].{Region: Region, Status: Status, LatencyMs: LatencyMs}"

#: The enabling helper, from the same installation as this Python.
HELPER = str(Path(sys.executable).parent / "aws-regional-sts")


def say(text: str = "", indent: str = "") -> None:
    """Print, wrapped to the terminal width (continuations indented)."""
    if len(indent + text) <= WIDTH:
        print(indent + text, flush=True)
        return
    lines = textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=True,
    )
    print("\n".join(lines), flush=True)


@dataclass
class Run:
    """What one demo step sent, for the summary tables."""

    step: str
    seconds: float
    requests: Counter[tuple[str, str, str]] = field(default_factory=Counter)


class Demo:
    def __init__(self, env: AwsEnv, kind: str) -> None:
        self.env = env
        self.kind = kind
        self.runs: list[Run] = []

    def shorten(self, text: str) -> str:
        """Throwaway paths as a user would see them in their own home."""
        return text.replace(str(self.env.home), "~").replace(
            str(self.env.config_file), "$AWS_CONFIG_FILE"
        )

    def show_output(self, output: str) -> None:
        for line in output.strip().splitlines():
            say(self.shorten(line), indent="    ")

    def aws(self, step: str, *args: str) -> Result:
        """Run one aws command the way a user would; print and record it."""
        self.env.simulator.clear_log()
        say(f"$ aws {shlex.join(args)}")
        # plugin=False: the config already holds what the helper wrote.
        proc = self.env.run(self.kind, *args, plugin=False, timeout=180)
        self.show_output(proc.stdout + proc.stderr)
        seen = Counter(
            (r.host, r.action, r.signing_region) for r in self.env.simulator.requests
        )
        self.runs.append(Run(step, proc.seconds, seen))
        say(f"  ({proc.seconds:.2f} s)")
        say()
        return proc

    def command(self, argv: list[str], shown: str) -> None:
        """Run a set-up command (the helper, aws configure) and print it."""
        say(f"$ {shown}")
        done = subprocess.run(
            argv,
            env=self.env.env(),
            capture_output=True,
            text=True,
            cwd=str(self.env.home),
            timeout=300,
        )
        self.show_output(done.stdout + done.stderr)
        if done.returncode != 0:
            raise SystemExit(f"demo: `{shown}` failed (exit {done.returncode})")


def demo(kind: str) -> list[Run]:
    with (
        tempfile.TemporaryDirectory(prefix="regional-sts-demo-") as tmp,
        Simulator() as sim,
    ):
        sim.set_global(latency=GLOBAL_LATENCY)
        sim.set_region("ap-northeast-1", latency=TOKYO_LATENCY)
        sim.set_region("ap-southeast-1", state="deactivated", latency=0.09)
        sim.set_region("eu-west-1", latency=0.25)
        env = AwsEnv(root=Path(tmp), simulator=sim)
        env.add_keys("demo", sim.add_user("demo-user"))
        env.config = "[profile demo]\noutput = json\n"
        env.write_files(kind, plugin=False)
        run = Demo(env, kind)
        (aws,) = aws_command(kind)
        name = "AWS CLI v2" if is_cli_v2(kind) else "AWS CLI v1"

        say(f"== {name}: {aws} ".ljust(WIDTH, "="))
        say("1. Before: a profile with no region; STS goes to the global endpoint.")
        run.aws("before", "sts", "get-caller-identity", "--profile", "demo")

        say("2. Enable the plugin (as the README says) and opt the profile in.")
        enable = [HELPER, "enable", "--aws", aws]
        if is_cli_v2(kind):
            # The demo's AWS_CONFIG_FILE is CLI v2's alone: no CLI v1 reads
            # it, so cli_legacy_plugin_path there cannot break one.
            enable.append("--own-config-file")
        run.command(enable, shlex.join(["aws-regional-sts", *enable[1:]]))
        opt_in = [
            "configure",
            "set",
            "sts_region",
            "ap-northeast-1",
            "--profile",
            "demo",
        ]
        run.command([aws, *opt_in], "aws " + shlex.join(opt_in))
        env.config = env.config_file.read_text()
        say()

        say("3. After: the same command goes to sts.ap-northeast-1.amazonaws.com.")
        run.aws("after", "sts", "get-caller-identity", "--profile", "demo")

        say("4. Where is STS active for this account, and how fast?")
        run.aws(
            "check",
            "sts",
            "activation-check",
            "--profile",
            "demo",
            "--regions",
            "global",
            "ap-northeast-1",
            "ap-southeast-1",
            "eu-west-1",
            "--samples",
            "1",
            "--query",
            REPORT_QUERY,
            "--output",
            "table",
        )
        summarize(name, run.runs)
        return run.runs


def summarize(name: str, runs: list[Run]) -> None:
    say(f"Requests the simulator answered ({name}):")
    say(f"  {'step':<7}{'host':<33}{'n':>2}  {'action':<17} signed for")
    for run in runs:
        rows: Counter[tuple[str, str, str]] = Counter()
        for (host, action, region), count in run.requests.items():
            rows[(host, action, region)] += count
        for (host, action, region), count in sorted(rows.items()):
            say(f"  {run.step:<7}{host:<33}{count:>2}  {action:<17} {region}")
    say(
        "  (check: GetCallerIdentity times each region, GetSessionToken "
        "proves STS active there, IAM and Account Management tell token "
        "version and opt-in status)"
    )
    say()


def headline(results: dict[str, list[Run]]) -> None:
    say("== `aws sts get-caller-identity`, CLI start-up included ".ljust(WIDTH, "="))
    say(f"  {'client':<12}{'before: global':>16}{'after: Tokyo':>16}{'':>4}faster")
    for name, runs in results.items():
        times = {run.step: run.seconds for run in runs}
        before, after = times["before"], times["after"]
        say(
            f"  {name:<12}{before:>14.2f} s{after:>14.2f} s{'':>4}{before / after:.1f}x"
        )
    say()
    say(
        f"The gap is the replayed answer time: {GLOBAL_LATENCY} s for the global "
        f"endpoint, {TOKYO_LATENCY} s for ap-northeast-1 (a published "
        "measurement from Tokyo, not measured here); the rest is the CLI's own "
        "start-up on this machine, which the plugin does not change."
    )


def main() -> int:
    say(
        "awscli-regional-sts demo: the real aws CLI and the plugin against a "
        "local STS simulator. No AWS account; nothing leaves this machine."
    )
    say(
        f"The simulator replays a published measurement (aws sts assume-role "
        f"from Tokyo): every answer of the global endpoint takes "
        f"{GLOBAL_LATENCY} s, of ap-northeast-1 {TOKYO_LATENCY} s. A replay, "
        "unconfirmed here: nobody measured these against AWS."
    )
    say()
    kinds = [CLI_V1]
    # CLI v2 as most users run it, AWS's frozen build, where `make setup`
    # could unpack it; else Debian's.
    for kind in (CLI_V2_FROZEN, CLI_V2):
        if installed(kind):
            kinds.append(kind)
            break
    results = {}
    for kind in kinds:
        name = "CLI v2" if is_cli_v2(kind) else "CLI v1"
        results[name] = demo(kind)
    headline(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
