"""Which call a single-account check probes each region with
(model/probe_plan.py): the whole plan, exactly, for each kind of
credentials and profile."""

from __future__ import annotations

from typing import Any

import pytest

from awscli_regional_sts.commands.activation.model.observation import (
    ROLE_SESSION_NAME,
    ProbeMethod,
    ProbeOperation,
)
from awscli_regional_sts.commands.activation.model.probe_plan import (
    CredentialSource,
    ProbePlan,
    choose_probe,
    identity_only,
)

ROLE = "arn:aws:iam::111122223333:role/probe"
PROFILE_ROLE = "arn:aws:iam::111122223333:role/profile"
SESSION_ONLY = ProbePlan(
    ProbeMethod(
        ProbeOperation.GET_CALLER_IDENTITY,
        reason="session credentials cannot call GetSessionToken",
    ),
    CredentialSource.CALLER,
    "GetCallerIdentity only (session credentials cannot call GetSessionToken); "
    "pass --role-arn to verify",
)


def test_role_arn_option_assumes_that_role_with_the_callers_credentials() -> None:
    """--role-arn wins over the profile's own role and over IAM user keys."""
    profile = {"role_arn": PROFILE_ROLE, "source_profile": "base"}
    assert choose_probe("AKIAEXAMPLE", False, ROLE, profile) == ProbePlan(
        ProbeMethod(ProbeOperation.ASSUME_ROLE, role_arn=ROLE),
        CredentialSource.CALLER,
        f"AssumeRole of {ROLE} (--role-arn)",
    )


def test_an_empty_role_arn_option_is_no_role() -> None:
    assert choose_probe("AKIAEXAMPLE", False, "", {}).method == ProbeMethod(
        ProbeOperation.GET_SESSION_TOKEN
    )


@pytest.mark.parametrize(
    "source",
    [{"source_profile": "base"}, {"credential_source": "Environment"}],
)
def test_a_role_profile_assumes_its_role_with_its_source_credentials(
    source: dict[str, str],
) -> None:
    profile = {"role_arn": PROFILE_ROLE, **source}
    assert choose_probe("ASIAEXAMPLE", True, None, profile) == ProbePlan(
        ProbeMethod(
            ProbeOperation.ASSUME_ROLE,
            role_arn=PROFILE_ROLE,
            role_session_name=ROLE_SESSION_NAME,
            external_id=None,
        ),
        CredentialSource.SOURCE,
        f"AssumeRole of the profile's role_arn {PROFILE_ROLE}",
    )


def test_a_role_profile_keeps_its_session_name_and_external_id() -> None:
    profile = {
        "role_arn": PROFILE_ROLE,
        "source_profile": "base",
        "role_session_name": "audit-session",
        "external_id": "ext-123",
    }
    assert choose_probe(None, False, None, profile).method == ProbeMethod(
        ProbeOperation.ASSUME_ROLE,
        role_arn=PROFILE_ROLE,
        role_session_name="audit-session",
        external_id="ext-123",
    )


def test_a_role_profiles_empty_session_name_falls_back_to_the_checks() -> None:
    profile = {
        "role_arn": PROFILE_ROLE,
        "source_profile": "base",
        "role_session_name": "",
    }
    plan = choose_probe(None, False, None, profile)
    assert plan.method.role_session_name == "sts-activation-check"


def test_a_role_profile_that_needs_an_mfa_code_is_identity_only() -> None:
    profile = {"role_arn": PROFILE_ROLE, "source_profile": "b", "mfa_serial": "m"}
    reason = "the profile's role needs an MFA code per call"
    assert choose_probe("AKIAEXAMPLE", False, None, profile) == ProbePlan(
        ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason=reason),
        CredentialSource.CALLER,
        f"GetCallerIdentity only ({reason}); pass --role-arn to verify",
    )


@pytest.mark.parametrize(
    "profile",
    [
        # A web identity profile: the CLI calls AssumeRoleWithWebIdentity.
        {
            "role_arn": PROFILE_ROLE,
            "source_profile": "base",
            "web_identity_token_file": "/t",
        },
        # A role without a source: not a role profile the check can use.
        {"role_arn": PROFILE_ROLE},
        {"role_arn": PROFILE_ROLE, "source_profile": "", "credential_source": ""},
        # A source without a role.
        {"source_profile": "base"},
        {"role_arn": "", "source_profile": "base"},
    ],
)
def test_no_usable_role_profile_falls_through_to_the_keys(
    profile: dict[str, Any],
) -> None:
    assert choose_probe("AKIAEXAMPLE", False, None, profile) == ProbePlan(
        ProbeMethod(ProbeOperation.GET_SESSION_TOKEN),
        CredentialSource.CALLER,
        "GetSessionToken (IAM user keys)",
    )
    assert choose_probe("ASIAEXAMPLE", True, None, profile) == SESSION_ONLY


def test_a_web_identity_profile_with_mfa_is_not_asked_for_a_code() -> None:
    """web_identity_token_file rules out the role profile before mfa_serial."""
    profile = {
        "role_arn": PROFILE_ROLE,
        "source_profile": "base",
        "web_identity_token_file": "/t",
        "mfa_serial": "m",
    }
    assert choose_probe("ASIAEXAMPLE", True, None, profile) == SESSION_ONLY


@pytest.mark.parametrize(
    ("key", "token"),
    [
        ("ASIAEXAMPLE", True),  # STS session credentials
        ("AKIAEXAMPLE", True),  # user keys with a session token: a session
        ("ASIAEXAMPLE", False),
        ("akiaEXAMPLE", False),  # not an IAM user key id
        ("XAKIA", False),
        (None, False),
        ("", False),
    ],
)
def test_anything_but_bare_iam_user_keys_is_identity_only(
    key: str | None, token: bool
) -> None:
    assert choose_probe(key, token, None, {}) == SESSION_ONLY


def test_identity_only_names_its_reason() -> None:
    assert identity_only("why") == ProbePlan(
        ProbeMethod(ProbeOperation.GET_CALLER_IDENTITY, reason="why"),
        CredentialSource.CALLER,
        "GetCallerIdentity only (why); pass --role-arn to verify",
    )
