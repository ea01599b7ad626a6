"""Which plugin handler runs on which botocore / AWS CLI event.

Two tables, in the manner of ``botocore/handlers.py``:

* ``CLI_HANDLERS`` go on the AWS CLI's event emitter when the CLI loads the
  plugin (``awscli_initialize``), before arguments are parsed.
* ``SESSION_HANDLERS`` go on a botocore session, before any client of it
  exists: every client copies the session's handlers when it is created, so
  this reaches the STS clients that credential providers create for
  ``role_arn`` and web identity profiles as well as the user's own.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable

from awscli_regional_sts.activation import inject_commands
from awscli_regional_sts.failover import (
    fail_over_sts_request,
    remember_failover_inputs,
)
from awscli_regional_sts.routing import LOGGER_NAME, route_sts_request
from awscli_regional_sts.settings import SessionStsSettings
from awscli_regional_sts.timeouts import install_sts_client_timeouts

if TYPE_CHECKING:
    from botocore.hooks import BaseEventHooks
    from botocore.session import Session

#: The AWS CLI's own ``--debug`` log format, so that our lines read alike.
_CLI_LOG_FORMAT = (
    "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"
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


CLI_HANDLERS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("session-initialized", on_session_initialized),
    ("building-command-table.sts", inject_commands),
)

#: Each handler takes the session's ``settings`` (bound at registration).
#: Order matters: the failover inputs are taken after routing. The
#: ``needs-retry`` handler goes on the session, so every client has it before
#: botocore adds its own retry handler: ours is asked first.
SESSION_HANDLERS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("before-endpoint-resolution.sts", route_sts_request),
    ("before-endpoint-resolution.sts", remember_failover_inputs),
    ("needs-retry.sts", fail_over_sts_request),
)


def register_cli_handlers(cli: BaseEventHooks) -> None:
    """Put ``CLI_HANDLERS`` on the AWS CLI's event emitter."""
    for event, handler in CLI_HANDLERS:
        cli.register(event, handler, unique_id=_unique_id(handler))


def register_session_handlers(
    session: Session, *, sts_region: str | None = None
) -> None:
    """Put ``SESSION_HANDLERS`` on a botocore session, replacing earlier ones.

    Registering again (e.g. with another ``sts_region``) replaces the
    previous registration instead of routing twice.
    """
    settings = SessionStsSettings(session, override=sts_region)
    for event, handler in SESSION_HANDLERS:
        unique_id = _unique_id(handler)
        session.unregister(event, unique_id=unique_id)
        session.register(
            event, functools.partial(handler, settings=settings), unique_id=unique_id
        )
    # Not an event: no botocore event can set a client's timeouts (see
    # timeouts.py), so STS clients get theirs where they are created.
    install_sts_client_timeouts(session, settings)


def _unique_id(handler: Callable[..., Any]) -> str:
    return f"{LOGGER_NAME}.{handler.__name__}"
