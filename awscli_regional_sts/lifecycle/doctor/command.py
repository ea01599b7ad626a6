"""``aws-regional-sts doctor``: its arguments, the order of its checks, and
its report (one line per finding; exit status 0 when healthy, 1 otherwise)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable
from typing import Any

from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.lifecycle import detection
from awscli_regional_sts.lifecycle.configfile import (
    ConfigFileError,
    ConfigText,
)
from awscli_regional_sts.lifecycle.detection import CliError
from awscli_regional_sts.lifecycle.doctor.cli_checks import load_check
from awscli_regional_sts.lifecycle.doctor.findings import (
    BadInput,
    Context,
    Finding,
    Status,
    files_read,
    ok,
    problem,
)
from awscli_regional_sts.lifecycle.doctor.plugin_checks import plugin_checks
from awscli_regional_sts.lifecycle.doctor.profile_checks import (
    key_checks,
    region_checks,
)
from awscli_regional_sts.lifecycle.doctor.signing_checks import signing_checks
from awscli_regional_sts.lifecycle.installer import (
    PathBreaksCliV1,
    describe,
)


def doctor_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``doctor``'s arguments to ``parser``; return the function that
    runs it (``aws-regional-sts doctor``)."""
    parser.add_argument("--aws", help="the aws executable (default: aws on PATH)")
    parser.add_argument(
        "--profile", help="the profile to check (default: AWS_PROFILE or default)"
    )
    parser.add_argument("--output", choices=("text", "json"), default="text")
    return run_doctor


def run_doctor(args: Any) -> int:
    env = dict(os.environ)
    try:
        aws = detection.find_aws(args.aws)
    except CliError as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    try:
        cli = describe(aws)
    except PathBreaksCliV1 as error:
        config = detection.config_file(env)
        findings.append(
            problem(
                "plugin path",
                str(error),
                f"delete line {error.line} of {config}; give CLI v2 its own "
                "config: AWS_CONFIG_FILE=~/.aws/config-v2 aws-regional-sts "
                "enable --aws <CLI v2> --own-config-file",
            )
        )
        return report(findings, args.output)
    except CliError as error:
        findings.append(
            problem(
                "aws",
                str(error),
                f"aws-regional-sts enable --aws {shlex.quote(aws)} (or "
                "aws-regional-sts disable: either leaves a CLI that starts)",
            )
        )
        return report(findings, args.output)
    try:
        context = Context(
            cli,
            args.profile or env.get("AWS_PROFILE") or "default",
            ConfigText.read(detection.config_file(env)),
            ConfigText.read(detection.credentials_file(env)),
            env,
        )
        findings += diagnose(context, explicit_profile=bool(args.profile))
    except BadInput as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 2
    except ConfigFileError as error:
        findings.append(problem("config", str(error), "fix the file's permissions"))
    return report(findings, args.output)


def report(findings: list[Finding], output: str) -> int:
    healthy = all(f.status is Status.OK for f in findings)
    if output == "json":
        print(
            json.dumps(
                {"Healthy": healthy, "Findings": [f.as_dict() for f in findings]},
                indent=2,
            )
        )
    else:
        for finding in findings:
            print(finding.line())
        print("healthy" if healthy else "problems found")
    return 0 if healthy else 1


def diagnose(context: Context, *, explicit_profile: bool) -> list[Finding]:
    """Every finding, in the order a user would fix them."""
    profiles = {name for name, _, _ in context.profile_entries()}
    if explicit_profile and context.profile not in profiles | {"default"}:
        raise BadInput(
            f"profile {quote(context.profile)} is in neither "
            f"{context.config.path} nor {context.credentials.path}"
        )
    cli = context.cli
    python = f" on {cli.python}" if cli.python else " (bundled, no Python of its own)"
    findings = [ok("aws", f"{cli.path} is AWS CLI {cli.version}{python}")]
    findings.append(ok("files", files_read(context)))
    findings += plugin_checks(context)
    findings += key_checks(context)
    findings += region_checks(context)
    findings += signing_checks(context)
    ready = all(
        f.status is Status.OK for f in findings if f.check in _LOAD_PREREQUISITES
    )
    if ready and context.enabled:
        findings.append(load_check(context))
    return findings


#: Checks whose problems make the load check pointless.
_LOAD_PREREQUISITES = frozenset({"plugin", "plugin path", "import"})
