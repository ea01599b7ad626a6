"""Unit tests: doctor's checks of SigV4a region sets and of the
regional-only operations (lifecycle/doctor/signing_checks.py)."""

from __future__ import annotations

from pathlib import Path

from awscli_regional_sts.lifecycle.doctor.findings import Status
from awscli_regional_sts.lifecycle.doctor.signing_checks import signing_checks
from tests.unit.lifecycle.test_lifecycle import context

SIGV4A = "auth_scheme_preference = sigv4a\n"


def test_entries_outside_the_users_set_are_problems_with_their_fix(
    tmp_path: Path,
) -> None:
    findings = signing_checks(
        context(
            tmp_path,
            f"[profile a]\nregion = us-east-1\n{SIGV4A}"
            "sts_region = ap-northeast-1\nsts_fallback = eu-west-1 global\n"
            "sigv4a_signing_region_set = ap-northeast-1\n",
        )
    )
    assert [(f.status, f.check) for f in findings] == [
        (Status.PROBLEM, "region set"),
        (Status.PROBLEM, "region set"),
    ]
    assert findings[0].message == (
        "sts_fallback entry eu-west-1 is outside sigv4a_signing_region_set = "
        "ap-northeast-1 of profile a: SigV4a requests signed for that set "
        "would be refused in eu-west-1, so the plugin skips it"
    )
    assert findings[0].fix == (
        "aws configure set sigv4a_signing_region_set ap-northeast-1,eu-west-1 "
        "--profile a"
    )
    # The global endpoint's requests are signed for us-east-1.
    assert "would be refused in us-east-1" in findings[1].message


def test_sts_region_outside_the_set(tmp_path: Path) -> None:
    (finding,) = signing_checks(
        context(
            tmp_path,
            f"[profile a]\n{SIGV4A}sts_region = ap-northeast-1\n"
            "sigv4a_signing_region_set = us-*\n",
        )
    )
    assert finding.message.startswith("sts_region ap-northeast-1 is outside")


def test_every_entry_inside_is_ok(tmp_path: Path) -> None:
    (finding,) = signing_checks(
        context(
            tmp_path,
            f"[profile a]\n{SIGV4A}sts_region = ap-northeast-1\n"
            "sts_fallback = eu-west-1\n"
            "sigv4a_signing_region_set = ap-northeast-1, eu-west-1\n",
        )
    )
    assert finding.status is Status.OK


def test_a_set_without_sigv4a_is_not_checked(tmp_path: Path) -> None:
    text = (
        "[profile a]\nsts_region = ap-northeast-1\n"
        "sigv4a_signing_region_set = us-west-2\n"
    )
    assert signing_checks(context(tmp_path, text)) == []
    # The environment variables win, as they do for botocore.
    env = {"AWS_AUTH_SCHEME_PREFERENCE": "sigv4a"}
    findings = signing_checks(context(tmp_path, text, env))
    assert [f.status for f in findings] == [Status.PROBLEM]


def test_no_region_notes_the_regional_only_operations(tmp_path: Path) -> None:
    (finding,) = signing_checks(context(tmp_path, "[profile a]\noutput = json\n"))
    # A note: without sts_region the plugin changes nothing.
    assert finding.status is Status.OK
    assert finding.check == "regional-only"
    assert finding.message == (
        "profile a has no region and no sts_region: its STS calls go to the "
        "global endpoint, which does not serve AssumeRoot, "
        "GetDelegatedAccessToken, GetWebIdentityToken"
    )
    assert finding.fix == "aws configure set sts_region REGION --profile a"


def test_a_region_or_sts_region_needs_no_note(tmp_path: Path) -> None:
    for text, env in (
        ("[profile a]\nregion = eu-west-1\n", {}),
        ("[profile a]\nsts_region = eu-west-1\n", {}),
        ("[profile a]\n", {"AWS_DEFAULT_REGION": "eu-west-1"}),
        ("[profile a]\n", {"AWS_STS_REGION": "eu-west-1"}),
    ):
        assert signing_checks(context(tmp_path, text, env)) == [], text
