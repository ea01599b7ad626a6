"""Checks of what a profile's STS calls can reach as configured: failover
entries (and ``sts_region``) outside a SigV4a region set the user chose,
which routing and failover skip, and the regional-only operations
(AssumeRoot, GetDelegatedAccessToken, GetWebIdentityToken) that a profile
without a region sends to the global endpoint, which does not serve them.

Text only, as every doctor check: the same decisions as the plugin's
(``aws/sigv4a.py``, ``aws/operations.py``), read from the files."""

from __future__ import annotations

import re
import shlex

from awscli_regional_sts.aws.operations import REGIONAL_ONLY_OPERATIONS
from awscli_regional_sts.aws.partitions import GLOBAL
from awscli_regional_sts.aws.sigv4a import (
    PREFERENCE_ENV_VAR,
    PREFERENCE_KEY,
    REGION_SET_ENV_VAR,
    REGION_SET_KEY,
    parse_region_set,
    prefers_sigv4a,
    region_in_set,
)
from awscli_regional_sts.lifecycle.doctor.findings import (
    Context,
    Finding,
    Status,
    ok,
    problem,
)
from awscli_regional_sts.plugin.profilekeys import AUTO, ProfileKey

#: Where the global endpoint's requests are signed (the aws partition).
GLOBAL_SIGNING_REGION = "us-east-1"
_SEPARATORS = re.compile(r"[\s,]+")
#: (profile key, environment variable that wins over it).
_SETTINGS = {
    ProfileKey.STS_REGION.value: "AWS_STS_REGION",
    ProfileKey.STS_FALLBACK.value: "AWS_STS_FALLBACK",
    PREFERENCE_KEY: PREFERENCE_ENV_VAR,
    REGION_SET_KEY: REGION_SET_ENV_VAR,
    "region": "AWS_REGION",
}


def signing_checks(context: Context) -> list[Finding]:
    settings = _settings(context)
    return _region_set_checks(context, settings) + _regional_only(context, settings)


def _settings(context: Context) -> dict[str, str]:
    """The profile's values of the keys these checks read; an environment
    variable wins, as it does for botocore and the plugin."""
    values = {
        entry.key: entry.value.strip()
        for profile, _, entry in context.profile_entries()
        if profile == context.profile and entry.key in _SETTINGS
    }
    for key, variable in _SETTINGS.items():
        if context.env.get(variable):
            values[key] = context.env[variable].strip()
    if "region" not in values and context.env.get("AWS_DEFAULT_REGION"):
        values["region"] = context.env["AWS_DEFAULT_REGION"].strip()
    return values


def _region_set_checks(context: Context, settings: dict[str, str]) -> list[Finding]:
    region_set = parse_region_set(settings.get(REGION_SET_KEY))
    if not region_set or not prefers_sigv4a(settings.get(PREFERENCE_KEY)):
        return []
    joined = ",".join(region_set)
    entries = [
        ("sts_region", word)
        for word in _words(settings.get(ProfileKey.STS_REGION.value))
        if word != AUTO
    ] + [
        ("sts_fallback entry", word)
        for word in _words(settings.get(ProfileKey.STS_FALLBACK.value))
    ]
    findings = []
    for what, entry in entries:
        signed_for = GLOBAL_SIGNING_REGION if entry == GLOBAL else entry
        if region_in_set(signed_for, region_set):
            continue
        fixed = shlex.quote(f"{joined},{signed_for}")
        findings.append(
            problem(
                "region set",
                f"{what} {entry} is outside {REGION_SET_KEY} = {joined} of "
                f"profile {context.profile}: SigV4a requests signed for that "
                f"set would be refused in {signed_for}, so the plugin skips it",
                f"aws configure set {REGION_SET_KEY} {fixed} "
                f"--profile {shlex.quote(context.profile)}",
            )
        )
    if entries and not findings:
        findings.append(
            ok(
                "region set",
                f"sts_region and every sts_fallback entry are inside "
                f"{REGION_SET_KEY} = {joined}",
            )
        )
    return findings


def _regional_only(context: Context, settings: dict[str, str]) -> list[Finding]:
    """A note (not a problem: the plugin changes nothing without
    ``sts_region``) when no region is configured: botocore then sends STS
    calls to the global endpoint."""
    if settings.get(ProfileKey.STS_REGION.value) or settings.get("region"):
        return []
    names = ", ".join(REGIONAL_ONLY_OPERATIONS)
    return [
        Finding(
            Status.OK,
            "regional-only",
            f"profile {context.profile} has no region and no sts_region: its "
            f"STS calls go to the global endpoint, which does not serve "
            f"{names}",
            f"aws configure set sts_region REGION "
            f"--profile {shlex.quote(context.profile)}",
        )
    ]


def _words(value: str | None) -> list[str]:
    return [word for word in _SEPARATORS.split(value or "") if word]
