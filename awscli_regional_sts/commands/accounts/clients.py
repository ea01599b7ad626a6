"""Clients for the many requests of the commands that work on accounts
(an organization's probes and each member's facts), at the cost per request
of a plain boto3 client on a shared connection.

The CLI's session adds to every request of its clients: the CLI's event
handlers and the plugin's (a client copies them all when it is created).
And a client per member account, signed with that member's credentials,
costs a client and a TLS connection per member. So:

* these clients come from botocore sessions of their own, with botocore's
  handlers only, made from the CLI's session so that they keep what the
  user configured: the profile and what the command line set on the
  session (``--profile``, ``--region``), the config file and environment
  (CA bundle, FIPS, dual-stack, retries, proxies, ``sdk_ua_app_id``:
  botocore reads them itself), the session's default client config
  (``--cli-connect-timeout``, ``--cli-read-timeout``), and its data loader
  (service models already parsed are not parsed again);
* their user agent is the CLI's (``session.user_agent()``, e.g.
  ``aws-cli/1.46.3 Python/3.11.7 Linux/6.18 botocore/1.43.62``) followed by
  ``awscli-regional-sts/VERSION`` and the profile's ``sdk_ua_app_id``,
  made once per run: newer botocore builds it part by part, twice for
  every request, which cost about a tenth of each probe's CPU;
* ``Signers.caller_client`` signs with the caller's credentials: the very
  object of the CLI's session, so that credentials that refresh (a role,
  SSO) refresh for these clients too;
* ``Signers.member_client`` is created once per run and shared by every
  member account: each call signs with the credentials the calling thread
  was given (``signing_as``), and with none it refuses to sign, so that a
  member's call is never signed as anyone else. Thread-safe: botocore signs
  in the calling thread, and reads the credentials at each signature.

The caller passes ``verify`` (``--no-verify-ssl``, ``--ca-bundle``) and a
``Config`` with the timeouts and the connection pool.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    Credentials,
    ReadOnlyCredentials,
)
from botocore.exceptions import NoCredentialsError

from awscli_regional_sts.plugin.version import __version__


class _Given(CredentialProvider):
    """A credential provider that hands out one credentials object."""

    METHOD = "awscli-regional-sts"
    CANONICAL_NAME = "awscli-regional-sts"

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials


class ThreadCredentials(Credentials):
    """Credentials that are whatever the calling thread was given, and
    none otherwise (signing then fails with NoCredentialsError)."""

    def __init__(self) -> None:
        super().__init__("", "", None, method="assume-role")
        self._local = threading.local()

    def get_frozen_credentials(self) -> Any:
        frozen = getattr(self._local, "frozen", None)
        if frozen is None:
            raise NoCredentialsError()
        return frozen

    @contextlib.contextmanager
    def signing_as(self, credentials: Mapping[str, Any]) -> Iterator[None]:
        """Inside: this thread's calls sign with ``credentials`` (an STS
        ``Credentials`` answer); after: with none again."""
        self._local.frozen = ReadOnlyCredentials(
            credentials["AccessKeyId"],
            credentials["SecretAccessKey"],
            credentials["SessionToken"],
        )
        try:
            yield
        finally:
            self._local.frozen = None


def plain_session(session: Any, credentials: Any) -> Any:
    """A botocore session without the CLI's or the plugin's handlers, that
    reads the configuration ``session`` reads and signs with
    ``credentials`` (see the module docstring)."""
    plain = botocore.session.Session(session_vars=dict(session.session_var_map))
    for name, value in session.instance_variables().items():
        plain.set_config_variable(name, value)
    default_config = session.get_default_client_config()
    if default_config is not None:
        plain.set_default_client_config(default_config)
    plain.register_component("data_loader", session.get_component("data_loader"))
    plain.register_component(
        "credential_provider", CredentialResolver([_Given(credentials)])
    )
    return plain


def user_agent(session: Any) -> str:
    """The plain clients' User-Agent header (see the module docstring)."""
    parts = [str(session.user_agent()), f"awscli-regional-sts/{__version__}"]
    try:
        app_id = session.get_config_variable("user_agent_appid")
    except Exception:  # botocore before app ids: no such variable
        app_id = None
    if app_id:
        parts.append(f"app/{app_id}")
    return " ".join(parts)


class Signers:
    """The two sessions of a run: one signs as the caller, one as the
    member account the calling thread works for."""

    def __init__(self, session: Any) -> None:
        self._caller = plain_session(session, session.get_credentials())
        self.member_credentials = ThreadCredentials()
        self._member = plain_session(session, self.member_credentials)
        self._user_agent = Config(user_agent=user_agent(session))
        # botocore does not promise that creating clients is thread-safe.
        self._lock = threading.Lock()

    def caller_client(
        self, service: str, region: str | None, verify: Any, config: Any
    ) -> Any:
        with self._lock:
            return self._caller.create_client(
                service,
                region_name=region,
                verify=verify,
                config=self._config(config),
            )

    def member_client(
        self, service: str, region: str | None, verify: Any, config: Any
    ) -> Any:
        with self._lock:
            return self._member.create_client(
                service,
                region_name=region,
                verify=verify,
                config=self._config(config),
            )

    def _config(self, config: Any) -> Any:
        return (
            self._user_agent.merge(config) if config is not None else (self._user_agent)
        )

    def signing_as(
        self, credentials: Mapping[str, Any]
    ) -> contextlib.AbstractContextManager[None]:
        """Member clients called in this thread sign with ``credentials``."""
        return self.member_credentials.signing_as(credentials)
