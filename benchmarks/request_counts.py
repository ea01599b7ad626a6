"""Figure 2: STS requests per command, with and without the plugin.

For each CLI kind and three commands (`aws sts get-caller-identity`, a
`role_arn` profile's first command, `aws eks get-token`, which presigns and
sends nothing), counts the requests the simulator received and the hosts
they went to. The plugin must change where requests go, never how many.

    .venv/bin/python -m benchmarks.request_counts
"""

from __future__ import annotations

import base64
import json
import subprocess
from urllib.parse import urlsplit

from benchmarks.common import aws_home, forget_cached_credentials, machine
from testing.clients import CLI_KINDS, aws_command, installed

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


def presigned_hosts(stdout: str) -> set[str]:
    """The STS host inside an `aws eks get-token` token, if any."""
    if '"token"' not in stdout:
        return set()
    token = json.loads(stdout)["status"]["token"].removeprefix("k8s-aws-v1.")
    url = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    return {f"{urlsplit(url).hostname} (presigned)"}


def main() -> None:
    print(f"machine: {machine()}")
    print(
        "| client | command | requests without plugin | requests with plugin | hosts with plugin |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with aws_home() as env:
        role = env.simulator.add_role("bench-role")
        env.config = (
            "[profile bench]\nsts_region = ap-northeast-1\n"
            f"[profile bench-role]\nrole_arn = {role}\nsource_profile = bench\n"
            "sts_region = ap-northeast-1\n"
        )
        for kind in CLI_KINDS:
            if not installed(kind):
                print(f"| {kind} | (not installed) | | | | |")
                continue
            argv0 = aws_command(kind)
            for name, args in COMMANDS.items():
                counts, hosts = [], []
                for plugin in (False, True):
                    env.write_files(kind, plugin)
                    env.simulator.clear_log()
                    forget_cached_credentials(env)
                    proc = subprocess.run(
                        argv0 + list(args),
                        env=env.env(),
                        capture_output=True,
                        cwd=str(env.home),
                        timeout=120,
                        check=True,
                        text=True,
                    )
                    counts.append(len(env.simulator.requests))
                    seen = {r.host for r in env.simulator.requests}
                    hosts.append(", ".join(sorted(seen | presigned_hosts(proc.stdout))))
                print(
                    f"| {kind} | {name} | {counts[0]} | {counts[1]} | {hosts[0] or '-'} | {hosts[1] or '-'} |"
                )


if __name__ == "__main__":
    main()
