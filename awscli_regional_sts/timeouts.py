"""Connect and read timeouts of STS clients, for profiles that fail over.

botocore's default is 60 s to connect and 60 s per read, so a hung STS
region would hold every command a minute before failing over. A profile
with ``sts_fallback`` (or ``sts_region = auto``) therefore gets
``sts_timeout`` seconds (default 10) for both, on STS clients only.

botocore has no event that can change a client's configuration: the
timeouts are fixed into the client's HTTP session before any event of the
client runs, and the session-wide default client config would change every
service's clients. So the session's ``create_client`` is wrapped (on that
session instance only) to merge a ``Config`` for ``sts`` clients. This
reaches the CLI's ``aws sts`` commands and the STS clients of the credential
providers, which create their clients through the session. Precedence: a
``config`` passed by the caller (e.g. activation-check's probes) wins; ours
wins over the session's defaults (``--cli-connect-timeout``,
``--cli-read-timeout``), which otherwise apply to all clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from botocore.session import Session

    from awscli_regional_sts.settings import StsSettings

#: Attribute marking our wrapper, so that registering again does not wrap twice.
_ORIGINAL = "_awscli_regional_sts_create_client"


def sts_client_config(settings: StsSettings, config: Any) -> Any:
    """The ``config`` to create an STS client with: ``config`` with
    ``settings.timeout`` as connect and read timeout where ``config`` does not
    set them itself; ``config`` unchanged when no timeout applies."""
    if settings.timeout is None:
        return config
    from botocore.config import Config

    ours = Config(connect_timeout=settings.timeout, read_timeout=settings.timeout)
    return ours.merge(config) if config is not None else ours


def install_sts_client_timeouts(
    session: Session, settings: Callable[[], StsSettings]
) -> None:
    """Make ``session.create_client('sts', ...)`` apply ``sts_client_config``.

    Settings are read when the first STS client is created, as late as
    botocore allows; other services' clients are untouched and read nothing.
    """
    original = getattr(session, _ORIGINAL, None) or session.create_client

    def create_client(service_name: str, *args: Any, **kwargs: Any) -> Any:
        # `config` is the tenth positional parameter; nobody passes it so,
        # and a positional one is left alone rather than guessed at.
        if service_name == "sts" and len(args) < 9:
            kwargs["config"] = sts_client_config(settings(), kwargs.get("config"))
        return original(service_name, *args, **kwargs)

    setattr(session, _ORIGINAL, original)
    session.create_client = create_client  # type: ignore[method-assign]
