"""`make demo`: the real `aws` CLI with the plugin, against the local simulator.

No AWS account is needed: the CLI talks to the project's STS simulator
through an HTTPS proxy on 127.0.0.1. The simulated round-trip times model a
client in Tokyo (see the README's benchmark section); they are not
measurements of AWS.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from testing.clients import CLI_V1, CLI_V2, AwsEnv, Result, aws_command, installed
from testing.simulator import Simulator

#: Modelled round trips from Tokyo (seconds): global endpoint in us-east-1
#: versus the Tokyo region. Chosen to match the published 3.3 s / 0.38 s
#: `assume-role` figures in shape, scaled down so the demo is quick.
GLOBAL_LATENCY = 0.33
TOKYO_LATENCY = 0.038


#: The report's essentials, through the CLI's own --query (the full report
#: is JSON by default: `aws sts activation-check --profile demo`).
REPORT_QUERY = (
    "{Fastest: Fastest, TimesFasterThanGlobal: Recommendation.TimesFasterThanGlobal,"
    " Use: Recommendation.Command, Regions: Regions[].{Region: Region,"
    " Status: Status, Verified: Verified, LatencyMs: LatencyMs}}"
)


def say(text: str = "") -> None:
    print(text, flush=True)


def show_command(env: AwsEnv, kind: str, *args: str) -> Result:
    """Run one aws command the way a user would and print what happened."""
    env.simulator.clear_log()
    say(f"$ aws {shlex.join(args)}")
    # plugin=False: the config already holds what `aws configure set` wrote.
    proc = env.run(kind, *args, plugin=False, timeout=120)
    for line in (proc.stdout + proc.stderr).strip().splitlines():
        say(f"    {line}")
    seen = Counter(
        f"{r.host} ({r.action}, signed for {r.signing_region})"
        for r in env.simulator.requests
    )
    hosts = [f"{n} x {what}" if n > 1 else what for what, n in seen.items()]
    if hosts:
        say(
            f"  -> STS requests seen by the simulator: {', '.join(hosts)};"
            f" {proc.seconds:.2f} s"
        )
    say()
    return proc


def demo(kind: str) -> None:
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

        say(f"== {kind}: {' '.join(aws_command(kind))} ==")
        say("1. A profile with no region: the CLI sends STS to the global endpoint.")
        show_command(env, kind, "sts", "get-caller-identity", "--profile", "demo")

        say("2. Enable the plugin and opt the profile in to Tokyo's STS.")
        enable = [("configure", "set", "plugins.regional_sts", "awscli_regional_sts")]
        if kind == CLI_V2:
            repo = str(Path(__file__).resolve().parent.parent)
            enable.append(("configure", "set", "plugins.cli_legacy_plugin_path", repo))
        enable.append(
            ("configure", "set", "sts_region", "ap-northeast-1", "--profile", "demo")
        )
        for args in enable:
            say(f"$ aws {shlex.join(args)}")
            subprocess.run(
                aws_command(kind) + list(args),
                env=env.env(),
                check=True,
                cwd=str(env.home),
            )
        env.config = env.config_file.read_text()
        say()

        say("3. The same command now goes to sts.ap-northeast-1.amazonaws.com.")
        show_command(env, kind, "sts", "get-caller-identity", "--profile", "demo")

        say("4. Where is STS active for this account, and how fast?")
        help_proc = subprocess.run(
            aws_command(kind) + ["sts", "activation-check", "help"],
            env=env.env({"PAGER": "cat", "MANPAGER": "cat"}),
            capture_output=True,
            text=True,
            cwd=str(env.home),
        )
        if help_proc.returncode == 0:
            show_command(
                env,
                kind,
                "sts",
                "activation-check",
                "--profile",
                "demo",
                "--regions",
                "global",
                "ap-northeast-1",
                "ap-southeast-1",
                "eu-west-1",
                "--query",
                REPORT_QUERY,
                "--output",
                "table",
            )
        else:
            say("   (aws sts activation-check is not available in this build yet)")
            say()


def main() -> int:
    say("awscli-regional-sts demo: real aws CLI, local STS simulator, no AWS account.")
    say("Simulated round trips model a client in Tokyo; they are not AWS measurements.")
    say()
    kinds = [CLI_V1]
    if installed(CLI_V2):
        kinds.append(CLI_V2)
    for kind in kinds:
        demo(kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
