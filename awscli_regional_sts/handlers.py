"""Which plugin handler runs on which botocore / AWS CLI event.

Two tables, in the manner of ``botocore/handlers.py``:

* ``CLI_HANDLERS`` go on the AWS CLI's event emitter when the CLI loads the
  plugin (``awscli_initialize``), before arguments are parsed.
* ``SESSION_HANDLERS`` go on a botocore session, before any client of it
  exists: every client copies the session's handlers when it is created, so
  this reaches the STS clients that credential providers create for
  ``role_arn`` and web identity profiles as well as the user's own.

Each handler is named as ``"module:function"`` and imported the first time
its event fires. The AWS CLI imports this module for every command; naming
the handlers instead of importing them keeps the plugin's cost for a
command that sends no STS request to this one small module.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Callable

from awscli_regional_sts import LOGGER_NAME

if TYPE_CHECKING:
    from botocore.hooks import BaseEventHooks
    from botocore.session import Session

    from awscli_regional_sts.settings import StsSettings

#: The AWS CLI's own ``--debug`` log format, so that our lines read alike.
_CLI_LOG_FORMAT = (
    "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"
)

CLI_HANDLERS: tuple[tuple[str, str], ...] = (
    ("session-initialized", "awscli_regional_sts.handlers:on_session_initialized"),
    ("building-command-table.sts", "awscli_regional_sts.activation:inject_commands"),
)

#: Each handler takes the session's ``settings`` (bound at registration).
#: Order matters: the failover inputs are taken after routing. The
#: ``needs-retry`` handler goes on the session, so every client has it before
#: botocore adds its own retry handler: ours is asked first.
SESSION_HANDLERS: tuple[tuple[str, str], ...] = (
    ("before-endpoint-resolution.sts", "awscli_regional_sts.routing:route_sts_request"),
    (
        "before-endpoint-resolution.sts",
        "awscli_regional_sts.failover:remember_failover_inputs",
    ),
    ("needs-retry.sts", "awscli_regional_sts.failover:fail_over_sts_request"),
)


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


def register_cli_handlers(cli: BaseEventHooks) -> None:
    """Put ``CLI_HANDLERS`` on the AWS CLI's event emitter."""
    for event, path in CLI_HANDLERS:
        cli.register(event, _deferred(path), unique_id=handler_id(path))


def register_session_handlers(
    session: Session, *, sts_region: str | None = None
) -> None:
    """Put ``SESSION_HANDLERS`` on a botocore session, replacing earlier ones.

    Registering again (e.g. with another ``sts_region``) replaces the
    previous registration instead of routing twice.
    """
    settings = _deferred_settings(session, sts_region)
    for event, path in SESSION_HANDLERS:
        unique_id = handler_id(path)
        session.unregister(event, unique_id=unique_id)
        session.register(event, _deferred(path, settings=settings), unique_id=unique_id)
    # Not an event: no botocore event can set a client's timeouts (see
    # timeouts.py), so STS clients get theirs where they are created.
    from awscli_regional_sts.timeouts import install_sts_client_timeouts

    install_sts_client_timeouts(session, settings)


def handler_id(path: str) -> str:
    """The ``unique_id`` a handler is registered under."""
    return f"{LOGGER_NAME}.{path.rpartition(':')[2]}"


def session_handler_ids() -> tuple[tuple[str, str], ...]:
    """(event, unique_id) of every session handler: what a client that must
    reach one region as it is (an activation-check probe) unregisters."""
    return tuple((event, handler_id(path)) for event, path in SESSION_HANDLERS)


def _deferred(path: str, **bound: Any) -> Callable[..., Any]:
    """A handler that imports ``path`` when its event first fires."""
    handler: Callable[..., Any] | None = None

    def deferred(**kwargs: Any) -> Any:
        nonlocal handler
        if handler is None:
            module, _, name = path.partition(":")
            handler = getattr(importlib.import_module(module), name)
        return handler(**bound, **kwargs)

    deferred.__name__ = path.rpartition(":")[2]
    return deferred


def _deferred_settings(
    session: Session, sts_region: str | None
) -> Callable[[], StsSettings]:
    """The session's settings, as a callable that loads ``settings.py`` (and
    reads the configuration) at the first STS request, once per session."""
    lock = threading.Lock()
    resolved: Callable[[], StsSettings] | None = None

    def settings() -> StsSettings:
        nonlocal resolved
        with lock:
            if resolved is None:
                from awscli_regional_sts.settings import SessionStsSettings

                resolved = SessionStsSettings(session, override=sts_region)
        return resolved()

    return settings
