"""``aws-regional-sts doctor``: is the plugin set up right for one ``aws``?

Everything here looks from outside, as ``installer.py`` does: the CLI's
version from ``aws --version``, its config files as text, the plugin's import
in the Python ``aws`` runs on. No request goes to AWS: the last check asks
the CLI itself something that sends nothing (``aws sts resolve-endpoint``
where the CLI has it, else the help of ``aws sts activation-check``), which
proves the CLI loads the plugin. One line per finding, each problem with the
command that fixes it; exit status 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import enum
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awscli_regional_sts import clidetect, plugindir
from awscli_regional_sts.clidetect import AwsCli, CliError
from awscli_regional_sts.configfile import (
    ConfigFileError,
    ConfigText,
    Entry,
    profile_of_section,
)
from awscli_regional_sts.installer import (
    PLUGIN_MODULE,
    PLUGIN_PATH_KEY,
    PathBreaksCliV1,
    check_import,
    cli_v1_readers,
    describe,
)
from awscli_regional_sts.partitions import GLOBAL, default_partitions
from awscli_regional_sts.profilekeys import AUTO, NAMES, ProfileKey
from awscli_regional_sts.values import quote

#: The profile keys the plugin reads; "did you mean" picks among them.
KNOWN_KEYS = NAMES
#: botocore's own keys that look like ours.
BOTOCORE_KEYS = frozenset({"sts_regional_endpoints"})
#: Environment variables that do the keys' jobs for one command.
_ENV_KEYS = {
    "AWS_STS_REGION": ProfileKey.STS_REGION.value,
    "AWS_STS_FALLBACK": ProfileKey.STS_FALLBACK.value,
}
_SEPARATORS = re.compile(r"[\s,]+")


class Status(enum.Enum):
    """What one finding says."""

    OK = "ok"
    PROBLEM = "PROBLEM"


class BadInput(Exception):
    """The command line names something that is not there."""


@dataclass(frozen=True)
class Finding:
    status: Status
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<8} {self.check}: {self.message}"
        return f"{text}  fix: {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, str]:
        return {
            "Status": self.status.value,
            "Check": self.check,
            "Message": self.message,
            "Fix": self.fix,
        }


def ok(check: str, message: str) -> Finding:
    return Finding(Status.OK, check, message)


def problem(check: str, message: str, fix: str) -> Finding:
    return Finding(Status.PROBLEM, check, message, fix)


def doctor_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``doctor``'s arguments to ``parser``; return the function that
    runs it (``aws-regional-sts doctor``)."""
    parser.add_argument("--aws", help="the aws executable (default: aws on PATH)")
    parser.add_argument(
        "--profile", help="the profile to check (default: AWS_PROFILE or default)"
    )
    parser.add_argument("--output", choices=("text", "json"), default="text")
    return run_doctor


@dataclass
class Context:
    """What the checks share."""

    cli: AwsCli
    profile: str
    config: ConfigText
    credentials: ConfigText
    env: dict[str, str]

    @property
    def plugins(self) -> dict[str, str]:
        return self.config.section("plugins")

    @property
    def enabled(self) -> bool:
        return any(
            value == PLUGIN_MODULE
            for key, value in self.plugins.items()
            if key != PLUGIN_PATH_KEY
        )

    def profile_entries(self) -> Iterator[tuple[str, Path, Entry]]:
        """(profile, file, entry) of every profile key in both files."""
        for text, is_credentials in ((self.config, False), (self.credentials, True)):
            for entry in text.entries():
                name = profile_of_section(entry.section, credentials=is_credentials)
                if name is not None:
                    yield name, text.path, entry


def run_doctor(args: Any) -> int:
    env = dict(os.environ)
    try:
        aws = clidetect.find_aws(args.aws)
    except CliError as error:
        print(f"{args.label}: {error}", file=sys.stderr)
        return 2
    findings: list[Finding] = []
    try:
        cli = describe(aws)
    except PathBreaksCliV1 as error:
        config = clidetect.config_file(env)
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
            ConfigText.read(clidetect.config_file(env)),
            ConfigText.read(clidetect.credentials_file(env)),
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
    ready = all(
        f.status is Status.OK for f in findings if f.check in _LOAD_PREREQUISITES
    )
    if ready and context.enabled:
        findings.append(load_check(context))
    return findings


#: Checks whose problems make the load check pointless.
_LOAD_PREREQUISITES = frozenset({"plugin", "plugin path", "import"})


def files_read(context: Context) -> str:
    parts = []
    for text, variable in (
        (context.config, "AWS_CONFIG_FILE"),
        (context.credentials, "AWS_SHARED_CREDENTIALS_FILE"),
    ):
        origin = f" ({variable})" if context.env.get(variable) else ""
        missing = "" if text.path.exists() else ", absent"
        parts.append(f"{text.path}{origin}{missing}")
    return "reads " + " and ".join(parts)


def enable_command(context: Context) -> str:
    return f"aws-regional-sts enable --aws {shlex.quote(context.cli.path)}"


def plugin_checks(context: Context) -> list[Finding]:
    cli, plugins, path = context.cli, context.plugins, context.config.path
    findings = []
    if context.enabled:
        findings.append(ok("plugin", f"enabled in [plugins] of {path}"))
    else:
        findings.append(
            problem(
                "plugin",
                f"not enabled in [plugins] of {path}: this aws sends STS where "
                "botocore decides",
                enable_command(context),
            )
        )
    plugin_path = plugins.get(PLUGIN_PATH_KEY)
    if cli.major < 2:
        if plugin_path is not None:
            findings.append(
                problem(
                    "plugin path",
                    f"{path} holds plugins.{PLUGIN_PATH_KEY} (for CLI v2): CLI v1 "
                    "takes it for a module and every command fails",
                    f"delete that line from {path}; give CLI v2 its own config: "
                    "AWS_CONFIG_FILE=~/.aws/config-v2 aws-regional-sts enable "
                    "--aws <CLI v2> --own-config-file",
                )
            )
        elif context.enabled and cli.python:
            findings.append(import_check(context, None))
        return findings
    if plugin_path is None:
        if context.enabled:
            findings.append(
                problem(
                    "plugin path",
                    "CLI v2 loads no [plugins] entry without "
                    f"plugins.{PLUGIN_PATH_KEY}",
                    enable_command(context),
                )
            )
        return findings
    directory = Path(os.path.expanduser(plugin_path))
    findings += plugin_directory_checks(context, directory)
    findings += shared_config_checks(context)
    if context.enabled and cli.python:
        findings.append(import_check(context, str(directory)))
    return findings


def plugin_directory_checks(context: Context, directory: Path) -> list[Finding]:
    if not plugindir.holds_plugin(directory):
        return [
            problem(
                "plugin path",
                f"{PLUGIN_PATH_KEY} {directory} holds no {PLUGIN_MODULE} package",
                enable_command(context),
            )
        ]
    shadowing = plugindir.shadowing_entries(directory)
    if shadowing:
        return [
            problem(
                "plugin path",
                f"{directory} also holds {', '.join(shadowing)}: CLI v2 may "
                "import those instead of its own",
                enable_command(context)
                + " (moves the plugin into a directory of its own)",
            )
        ]
    return [ok("plugin path", f"{directory} holds the plugin")]


def shared_config_checks(context: Context) -> list[Finding]:
    """CLI v2's plugin path in a config file that a CLI v1 also reads."""
    if not clidetect.is_default_config_file(context.env):
        return [
            ok(
                "shared config",
                f"{context.config.path} is set by AWS_CONFIG_FILE: "
                "run no CLI v1 with it",
            )
        ]
    v1 = cli_v1_readers(context.cli, [])
    if not v1:
        return [ok("shared config", "no CLI v1 on PATH reads this config file")]
    return [
        problem(
            "shared config",
            f"{', '.join(v1)} also reads {context.config.path}, whose "
            f"plugins.{PLUGIN_PATH_KEY} makes every CLI v1 command fail",
            "move CLI v2's set-up to its own file: aws-regional-sts disable "
            f"--aws {shlex.quote(context.cli.path)}; then AWS_CONFIG_FILE="
            "~/.aws/config-v2 aws-regional-sts enable --aws "
            f"{shlex.quote(context.cli.path)} --own-config-file",
        )
    ]


def import_check(context: Context, directory: str | None) -> Finding:
    python = context.cli.python
    assert python is not None
    try:
        check_import(python, context.cli.major, directory)
    except CliError as error:
        return problem("import", str(error), enable_command(context))
    return ok("import", f"{python} imports {PLUGIN_MODULE}")


def key_checks(context: Context) -> list[Finding]:
    findings = []
    plugin_keys = []
    for profile, path, entry in context.profile_entries():
        key = entry.key
        if key in KNOWN_KEYS:
            plugin_keys.append(f"{profile}: {key}")
            continue
        if key in BOTOCORE_KEYS:
            continue
        normal = key.lower().replace("-", "_")
        # Only sts-ish names: botocore's `region` is close to `sts_region`.
        guess = (
            [normal]
            if normal in KNOWN_KEYS
            else difflib.get_close_matches(normal, KNOWN_KEYS, n=1, cutoff=0.75)
            if normal.startswith("sts")
            else []
        )
        if guess:
            # Nothing from the credentials file is echoed: it holds secrets.
            value = (
                "VALUE"
                if path == context.credentials.path
                else shlex.quote(entry.value[:200])
            )
            findings.append(
                problem(
                    "keys",
                    f"[{entry.section}] {quote(key)} (line {entry.line} of {path}) "
                    f"is no key the plugin reads; did you mean {guess[0]}?",
                    f"aws configure set {guess[0]} {value} "
                    f"--profile {shlex.quote(profile)}; then delete line "
                    f"{entry.line} of {path}",
                )
            )
    if plugin_keys and not context.enabled:
        findings.append(
            problem(
                "keys",
                f"{', '.join(sorted(set(plugin_keys)))} set, but no plugin reads "
                "them here",
                enable_command(context),
            )
        )
    return findings


def region_checks(context: Context) -> list[Finding]:
    """Region names that botocore's data (of this Python) does not list."""
    try:
        partitions = default_partitions()
    except ImportError:
        # A Python without botocore (the README's --target recipe) can
        # check everything else.
        return [ok("regions", "not checked: botocore is not importable here")]
    known = sorted(
        {r for p in partitions.partitions for r in (*p.sts_regions, *p.regions)}
    )
    values: list[tuple[str, str, str]] = []  # (where, key, value)
    for profile, path, entry in context.profile_entries():
        if (
            entry.key in (ProfileKey.STS_REGION.value, ProfileKey.STS_FALLBACK.value)
            and profile == context.profile
        ):
            values.append((f"profile {profile} ({path})", entry.key, entry.value))
    for variable, key in _ENV_KEYS.items():
        if context.env.get(variable):
            values.append(
                (f"environment variable {variable}", key, context.env[variable])
            )
    findings = []
    for where, key, value in values:
        words = [w for w in _SEPARATORS.split(value.strip()) if w]
        for word in words:
            if word in known or (key == ProfileKey.STS_REGION.value and word == AUTO):
                continue
            if key == ProfileKey.STS_FALLBACK.value and word == GLOBAL:
                continue
            guess = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
            hint = f"; did you mean {guess[0]}?" if guess else ""
            fixed = (
                shlex.quote(" ".join(guess[0] if w == word else w for w in words))
                if guess
                else "REGION"
            )
            findings.append(
                problem(
                    "regions",
                    f"{key} in {where}: {quote(word)} is not a region this "
                    f"botocore knows{hint}",
                    f"aws configure set {key} {fixed} "
                    f"--profile {shlex.quote(context.profile)}"
                    if where.startswith("profile")
                    else f"export {_env_name(key)}={fixed}",
                )
            )
    if values and not findings:
        findings.append(ok("regions", "every region name is one botocore knows"))
    return findings


def _env_name(key: str) -> str:
    return next(variable for variable, k in _ENV_KEYS.items() if k == key)


# -- does the CLI load the plugin? ---------------------------------------------
#
# The seam for ``aws sts resolve-endpoint``: each probe runs the CLI with
# something that sends no request and answers None when this CLI does not
# have that command, so the next probe is tried.

#: What a CLI prints when it does not know a command.
_UNKNOWN_COMMAND = re.compile(r"Invalid choice|invalid choice")


def _run_aws(context: Context, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(context.env)
    # Help goes to stdout, not a pager; and never the metadata service.
    env.update(
        PAGER="cat", MANPAGER="cat", AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true"
    )
    return subprocess.run(
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
