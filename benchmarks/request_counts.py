"""Figure 2: STS requests per command, with and without the plugin.

For each CLI kind and three commands (`aws sts get-caller-identity`, a
`role_arn` profile's first command, `aws eks get-token`, which presigns and
sends nothing), counts the requests the simulator received and the hosts
they went to. The plugin must change where requests go, never how many.

    .venv/bin/python -m benchmarks.request_counts
"""

from __future__ import annotations

import subprocess

from benchmarks.common import aws_home, machine
from tests.harness import CLI_KINDS, aws_command, installed

COMMANDS = {
    "get-caller-identity": ("sts", "get-caller-identity", "--profile", "bench"),
    "role_arn profile": ("sts", "get-caller-identity", "--profile", "bench-role"),
    "eks get-token": (
        "eks",
        "get-token",
        "--cluster-name",
        "demo",
        "--profile",
        "bench",
    ),
}


def main() -> None:
    print(f"machine: {machine()}")
    print(
        "| client | command | requests without plugin | requests with plugin | hosts with plugin |"
    )
    print("| --- | --- | --- | --- | --- |")
    with aws_home() as env:
        role = env.simulator.add_role("bench-role")
        env.config = (
            "[profile bench]\nsts_region = ap-northeast-1\n"
            f"[profile bench-role]\nrole_arn = {role}\nsource_profile = default\n"
            "sts_region = ap-northeast-1\n"
        )
        for kind in CLI_KINDS:
            if not installed(kind):
                print(f"| {kind} | (not installed) | | | |")
                continue
            argv0 = aws_command(kind)
            for name, args in COMMANDS.items():
                counts, hosts = [], set()
                for plugin in (False, True):
                    env.write_files(kind, plugin)
                    env.simulator.clear_log()
                    subprocess.run(
                        argv0 + list(args),
                        env=env.env(),
                        capture_output=True,
                        cwd=str(env.home),
                        timeout=120,
                        check=True,
                    )
                    counts.append(len(env.simulator.requests))
                    if plugin:
                        hosts = {r.host for r in env.simulator.requests}
                print(
                    f"| {kind} | {name} | {counts[0]} | {counts[1]} | {', '.join(sorted(hosts)) or '-'} |"
                )


if __name__ == "__main__":
    main()
