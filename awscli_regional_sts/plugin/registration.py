"""Attach the plugin to the AWS CLI's event emitter or a botocore session.

Puts the entries of ``registry.py`` on an emitter, each imported when its
event first fires, and owns the one per-session cache of the STS settings
(read, and ``sts_region = auto`` resolved, at the session's first STS
request). The AWS CLI imports this module for every command: everything
else of the package loads only when an STS client or request needs it.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Callable

from awscli_regional_sts.plugin.registry import (
    CLI_HANDLERS,
    LOGGER_NAME,
    SESSION_HANDLERS,
    handler_id,
)

if TYPE_CHECKING:
    from botocore.hooks import BaseEventHooks
    from botocore.session import Session

    from awscli_regional_sts.plugin.settings import StsSettings

#: The AWS CLI's own ``--debug`` log format, so that our lines read alike.
_CLI_LOG_FORMAT = (
    "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"
)

#: Attribute keeping a session's own ``create_client`` once it is wrapped.
_ORIGINAL = "_awscli_regional_sts_create_client"


def register_cli_handlers(cli: BaseEventHooks) -> None:
    """Put ``CLI_HANDLERS`` on the AWS CLI's event emitter."""
    for event, path in CLI_HANDLERS:
        cli.register(event, _deferred(path), unique_id=handler_id(path))


def on_session_initialized(
    session: Session, parsed_args: Any = None, **kwargs: Any
) -> None:
    """Handle the CLI's ``session-initialized``: equip the CLI's session.

    This is the first event that has both the session and the parsed global
    arguments (``--profile``, ``--debug``), and it comes before the command
    creates any client.
    """
    if getattr(parsed_args, "debug", False):
        # The CLI's --debug turns on the botocore and awscli loggers only.
        session.set_stream_logger(LOGGER_NAME, "DEBUG", format_string=_CLI_LOG_FORMAT)
    register_session_handlers(session)


def register_session_handlers(
    session: Session, *, sts_region: str | None = None
) -> None:
    """Put ``SESSION_HANDLERS`` on a botocore session, replacing earlier ones.

    Registering again (e.g. with another ``sts_region``) replaces the
    previous registration instead of routing twice.
    """
    settings = SessionSettings(session, override=sts_region)
    for event, path, needs in SESSION_HANDLERS:
        unique_id = handler_id(path)
        handler = _deferred(path, settings=settings)
        if needs:
            handler = _only_with(needs, settings, handler)
        session.unregister(event, unique_id=unique_id)
        session.register(event, handler, unique_id=unique_id)
    _wrap_create_client(session, settings)


def original_create_client(session: Session) -> Callable[..., Any]:
    """The session's own ``create_client``, without the plugin's timeouts:
    for clients that must not read the plugin's settings (``auto``'s own
    measurements, made while those settings are being resolved)."""
    original: Callable[..., Any] = (
        getattr(session, _ORIGINAL, None) or session.create_client
    )
    return original


class SessionSettings:
    """The STS settings of one session, read at its first STS request (or
    STS client) and then kept; ``sts_region = auto`` is resolved then too.

    Errors are not kept: each STS request of a misconfigured session raises
    the same error again, so none is ever sent. Thread-safe: boto3 sessions
    are shared by threads, and only one of them reads or measures.
    """

    def __init__(self, session: Session, *, override: str | None = None) -> None:
        self._session = session
        self._override = override
        self._settings: StsSettings | None = None
        self._lock = threading.Lock()

    def __call__(self) -> StsSettings:
        with self._lock:
            if self._settings is None:
                self._settings = self._read()
            return self._settings

    def _read(self) -> StsSettings:
        # Loaded at the first STS request, not by every aws command.
        from awscli_regional_sts.plugin import settings as settings_module

        settings = settings_module.read_sts_settings(
            self._session, override=self._override
        )
        if settings.region != settings_module.AUTO:
            return settings
        # Loaded only for profiles that ask for auto.
        from awscli_regional_sts.plugin.nearest import choose_nearest_region

        # The measuring clients come from the session's own create_client:
        # through ours they would ask for these very settings.
        choice = choose_nearest_region(
            self._session, settings, original_create_client(self._session)
        )
        return settings.with_region(choice.region, choice.source)


def _deferred(path: str, **bound: Any) -> Callable[..., Any]:
    """A handler that imports ``path`` when its event first fires."""
    handler: Callable[..., Any] | None = None

    def deferred(**kwargs: Any) -> Any:
        nonlocal handler
        if handler is None:
            module, _, name = path.partition(":")
            handler = getattr(importlib.import_module(module), name)
        return handler(**bound, **kwargs)

    # botocore's --debug line "calling handler <function NAME ...>" shows
    # the qualified name: the handler's, not "_deferred.<locals>.deferred".
    deferred.__name__ = deferred.__qualname__ = path.rpartition(":")[2]
    return deferred


def _only_with(
    field: str, settings: SessionSettings, handler: Callable[..., Any]
) -> Callable[..., Any]:
    """``handler``, called only when the session's settings have ``field``
    (a profile without ``sts_fallback`` never loads failover)."""

    def guarded(**kwargs: Any) -> Any:
        return handler(**kwargs) if getattr(settings(), field) else None

    guarded.__name__ = guarded.__qualname__ = getattr(handler, "__name__", "guarded")
    return guarded


def _wrap_create_client(session: Session, settings: SessionSettings) -> None:
    """Make ``session.create_client('sts', ...)`` apply the STS timeout.

    Not an event handler: no botocore event can change a client's timeouts
    (see ``endpoints.sts_client_config``). Settings are read when the first
    STS client is created, as late as botocore allows; other services'
    clients are untouched and read nothing.
    """
    original = original_create_client(session)

    def create_client(service_name: str, *args: Any, **kwargs: Any) -> Any:
        # `config` is the tenth positional parameter; nobody passes it so,
        # and a positional one is left alone rather than guessed at.
        if service_name == "sts" and len(args) < 9:
            # Loaded with the first STS client, not by every aws command.
            from awscli_regional_sts.plugin.endpoints import sts_client_config

            kwargs["config"] = sts_client_config(settings(), kwargs.get("config"))
        return original(service_name, *args, **kwargs)

    setattr(session, _ORIGINAL, original)
    session.create_client = create_client  # type: ignore[method-assign]
