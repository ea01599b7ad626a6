"""Checks of the profile's keys: misspelled or misplaced keys (with
"did you mean"), and region names in ``sts_region`` and ``sts_fallback``
and their environment variables."""

from __future__ import annotations

import difflib
import re
import shlex

from awscli_regional_sts.aws.partitions import GLOBAL, default_partitions
from awscli_regional_sts.aws.untrusted import quote
from awscli_regional_sts.lifecycle.doctor.findings import (
    Context,
    Finding,
    enable_command,
    ok,
    problem,
)
from awscli_regional_sts.plugin.profilekeys import AUTO, NAMES, ProfileKey

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
