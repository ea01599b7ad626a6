"""Fetch profile P's credentials with botocore, the plugin on the session.

The plugin's handlers go on the session before any client exists, so every
STS call the credential providers make (AssumeRole for ``role_arn`` with
``source_profile`` or ``credential_source``, AssumeRoleWithWebIdentity)
goes to P's ``sts_region``, with ``sts_fallback``, ``sts_timeout`` and
``auto``, exactly as in the CLI. Loaded on a cache miss only: importing
botocore is most of an uncached call's time.
"""

from __future__ import annotations

import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import Session

from awscli_regional_sts.bridge.model import IssuedCredentials, Refusal
from awscli_regional_sts.plugin.registration import register_session_handlers


def fetch(profile: str) -> IssuedCredentials:
    """P's credentials, fetched now; Refusal (one line) if they cannot be."""
    session = Session(profile=profile)
    register_session_handlers(session)
    try:
        credentials = session.get_credentials()
        if credentials is None:
            raise Refusal("no credentials could be found for it")
        # Deferred providers (AssumeRole, web identity) fetch here.
        frozen = credentials.get_frozen_credentials()
    except (BotoCoreError, ClientError, OSError) as error:
        # OSError: botocore runs a profile's credential_process itself and
        # lets a command that cannot be started (missing, not executable)
        # escape as it is.
        raise Refusal(_one_line(error)) from None
    if not frozen.access_key or not frozen.secret_key:
        raise Refusal("no credentials could be found for it")
    return IssuedCredentials(
        frozen.access_key,
        frozen.secret_key,
        frozen.token or None,
        _expires_at(credentials),
    )


def _expires_at(credentials: Any) -> float | None:
    """When refreshable credentials expire (epoch seconds); None for keys.

    botocore keeps it only in ``RefreshableCredentials._expiry_time`` (an
    aware datetime); no public accessor exists.
    """
    expiry = getattr(credentials, "_expiry_time", None)
    if not isinstance(expiry, datetime.datetime):
        return None
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=datetime.timezone.utc)
    return expiry.timestamp()


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
