"""The last check: ask the ``aws`` executable itself something that sends
nothing (``aws sts resolve-endpoint``, else the help of ``aws sts
activation-check``), which proves the CLI loads the plugin."""

from __future__ import annotations

import json
import re
import shlex
import subprocess  # nosec B404  # runs only argv lists (no shell) of an aws/python the user named
from collections.abc import Callable
from typing import Any

from awscli_regional_sts.lifecycle.doctor.findings import (
    Context,
    Finding,
    enable_command,
    ok,
    problem,
)

_UNKNOWN_COMMAND = re.compile(r"Invalid choice|invalid choice")


def _run_aws(context: Context, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(context.env)
    # Help goes to stdout, not a pager; and never the metadata service.
    env.update(
        PAGER="cat", MANPAGER="cat", AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true"
    )
    return subprocess.run(  # nosec B603  # argv list, no shell; an executable the user named
        [context.cli.path, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def resolve_endpoint_probe(context: Context) -> Finding | None:
    """``aws sts resolve-endpoint`` (sends nothing): where STS goes."""
    done = _run_aws(
        context,
        "sts",
        "resolve-endpoint",
        "--profile",
        context.profile,
        "--output",
        "json",
    )
    if done.returncode != 0 and _UNKNOWN_COMMAND.search(done.stderr):
        return None
    if done.returncode != 0:
        return problem(
            "load",
            f"aws sts resolve-endpoint --profile {context.profile} failed: "
            + _last_line(done),
            f"aws sts resolve-endpoint --profile {shlex.quote(context.profile)}",
        )
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    summary = _last_line(done) if not isinstance(answer, dict) else _summary(answer)
    return ok("load", f"the CLI loads the plugin; resolve-endpoint: {summary}")


def activation_help_probe(context: Context) -> Finding | None:
    """``aws sts activation-check help`` exists only with the plugin loaded."""
    done = _run_aws(context, "sts", "activation-check", "help")
    if done.returncode == 0 and "activation-check" in done.stdout:
        return ok(
            "load", "the CLI loads the plugin (aws sts activation-check help works)"
        )
    return problem(
        "load",
        "the CLI does not load the plugin: aws sts activation-check help "
        f"failed: {_last_line(done)}",
        enable_command(context),
    )


#: Tried in order; the first that answers decides.
LOAD_PROBES: tuple[Callable[[Context], Finding | None], ...] = (
    resolve_endpoint_probe,
    activation_help_probe,
)


def load_check(context: Context) -> Finding:
    for probe in LOAD_PROBES:
        finding = probe(context)
        if finding is not None:
            return finding
    return problem(
        "load", "no way to ask this CLI about the plugin", enable_command(context)
    )


def _summary(answer: dict[str, Any]) -> str:
    """One line of what ``aws sts resolve-endpoint`` answered (its Url,
    SigningRegion and Reason fields), else its first plain fields."""
    if isinstance(answer.get("Url"), str):
        line = f"STS calls go to {answer['Url']}"
        if isinstance(answer.get("SigningRegion"), str):
            line += f", signed for {answer['SigningRegion']}"
        if isinstance(answer.get("Reason"), str):
            line += f" ({answer['Reason']})"
        return line
    parts = [
        f"{key} {value}"
        for key, value in answer.items()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
    ]
    return "; ".join(parts[:4]) or "answered"


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1][:200] if lines else f"exit status {done.returncode}"
