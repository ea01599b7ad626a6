"""Which call the probes make in each region, given the caller's
credentials and the profile: the plan of a single-account check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awscli_regional_sts.aws.status import Word
from awscli_regional_sts.commands.activation.model.observation import (
    ProbeMethod,
    ProbeOperation,
)


class CredentialSource(Word):
    """Whose credentials a probe client signs with."""

    #: The profile's own credentials.
    CALLER = "caller"
    #: The role_arn profile's source credentials.
    SOURCE = "source"


@dataclass(frozen=True)
class ProbePlan:
    method: ProbeMethod
    credentials: CredentialSource
    description: str


def choose_probe(
    access_key_id: str | None,
    has_session_token: bool,
    role_arn_option: str | None,
    profile_config: Mapping[str, Any],
) -> ProbePlan:
    """Decide how to ask each region for credentials.

    * ``--role-arn``: AssumeRole of that role with the caller's credentials.
    * a ``role_arn`` profile: AssumeRole of the profile's own role with the
      profile's source credentials (``source_profile`` or
      ``credential_source``), the very call the CLI makes to load the
      profile, so the role's trust policy allows it.
    * long-term IAM user keys (AKIA..., no session token): GetSessionToken.
    * any other session credentials (SSO, a session token in the
      environment): no credential-issuing call is possible without a role,
      so only GetCallerIdentity, which cannot tell active from deactivated.
    """
    if role_arn_option:
        return ProbePlan(
            ProbeMethod(operation=ProbeOperation.ASSUME_ROLE, role_arn=role_arn_option),
            CredentialSource.CALLER,
            f"AssumeRole of {role_arn_option} (--role-arn)",
        )
    role_arn = profile_config.get("role_arn")
    if role_arn and not profile_config.get("web_identity_token_file"):
        if profile_config.get("mfa_serial"):
            return identity_only("the profile's role needs an MFA code per call")
        if profile_config.get("source_profile") or profile_config.get(
            "credential_source"
        ):
            return ProbePlan(
                ProbeMethod(
                    operation=ProbeOperation.ASSUME_ROLE,
                    role_arn=str(role_arn),
                    role_session_name=str(
                        profile_config.get("role_session_name")
                        or ProbeMethod.role_session_name
                    ),
                    external_id=profile_config.get("external_id"),
                ),
                CredentialSource.SOURCE,
                f"AssumeRole of the profile's role_arn {role_arn}",
            )
    if access_key_id and access_key_id.startswith("AKIA") and not has_session_token:
        return ProbePlan(
            ProbeMethod(operation=ProbeOperation.GET_SESSION_TOKEN),
            CredentialSource.CALLER,
            "GetSessionToken (IAM user keys)",
        )
    return identity_only("session credentials cannot call GetSessionToken")


def identity_only(reason: str) -> ProbePlan:
    return ProbePlan(
        ProbeMethod(operation=ProbeOperation.GET_CALLER_IDENTITY, reason=reason),
        CredentialSource.CALLER,
        f"GetCallerIdentity only ({reason}); pass --role-arn to verify",
    )
