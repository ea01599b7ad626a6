"""The two documented ways the bridge prints credentials on stdout."""

from __future__ import annotations

import json
import shlex

from awscli_regional_sts.bridge.model import IssuedCredentials, OutputFormat


def render(credentials: IssuedCredentials, output: OutputFormat) -> str:
    """The text for stdout: the ``credential_process`` document (Version 1)
    or ``export`` lines (the variables ``aws configure export-credentials
    --format env`` prints)."""
    if output is OutputFormat.PROCESS:
        document: dict[str, object] = {
            "Version": 1,
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
        }
        if credentials.session_token is not None:
            document["SessionToken"] = credentials.session_token
        if credentials.expiration is not None:
            document["Expiration"] = credentials.expiration
        return json.dumps(document, indent=2) + "\n"
    pairs = [
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key),
    ]
    if credentials.session_token is not None:
        pairs.append(("AWS_SESSION_TOKEN", credentials.session_token))
    if credentials.expiration is not None:
        pairs.append(("AWS_CREDENTIAL_EXPIRATION", credentials.expiration))
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in pairs)
