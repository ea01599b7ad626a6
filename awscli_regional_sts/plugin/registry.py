"""Which plugin handler runs on which event: data only.

In the manner of AWS CLI v2's ``awscli/handlers_registry.py``: every entry
is a pair of strings, and this module imports nothing of the package, so
reading it costs nothing and what the plugin hooks is visible in one place.
``registration.py`` puts the entries on an event emitter; each handler is
imported the first time its event fires.
"""

from __future__ import annotations

#: The plugin's logger; ``aws --debug`` shows it (see registration.py).
LOGGER_NAME = "awscli_regional_sts"

#: On the AWS CLI's event emitter, when the CLI loads the plugin
#: (``awscli_initialize``), before arguments are parsed.
CLI_HANDLERS: tuple[tuple[str, str], ...] = (
    (
        "session-initialized",
        "awscli_regional_sts.plugin.registration:on_session_initialized",
    ),
    (
        "building-command-table.sts",
        "awscli_regional_sts.commands.activation:inject_commands",
    ),
    (
        "building-command-table.sts",
        "awscli_regional_sts.commands.resolve_endpoint.command:inject_command",
    ),
    (
        "building-command-table.sts",
        "awscli_regional_sts.commands.token_version.command:inject_token_version_command",
    ),
)

#: On a botocore session, before any client of it exists: every client
#: copies the session's handlers when it is created, so this reaches the STS
#: clients that credential providers create for ``role_arn`` and web
#: identity profiles as well as the user's own. Each handler gets the
#: session's settings (bound at registration). The third string, where not
#: empty, names the settings field without which the handler has nothing
#: to do: it is then neither imported nor called. Order matters: the
#: failover inputs are taken after routing; the ``needs-retry`` handler goes
#: on the session, so every client has it before botocore adds its own
#: retry handler, and ours is asked first.
SESSION_HANDLERS: tuple[tuple[str, str, str], ...] = (
    (
        "before-endpoint-resolution.sts",
        "awscli_regional_sts.plugin.routing:route_sts_request",
        "",
    ),
    # A SigV4a region set the user chose is never widened: an sts_region
    # outside it hands the call to the first failover entry inside it.
    (
        "before-endpoint-resolution.sts",
        "awscli_regional_sts.plugin.signing:keep_inside_region_set",
        "region_set",
    ),
    (
        "before-endpoint-resolution.sts",
        "awscli_regional_sts.plugin.failover:remember_failover_inputs",
        "fallback",
    ),
    (
        "needs-retry.sts",
        "awscli_regional_sts.plugin.failover:fail_over_sts_request",
        "fallback",
    ),
    # After signing, just before sending: skip an endpoint that failed lately
    # (also one that failed while this request's credentials were loaded).
    (
        "before-send.sts",
        "awscli_regional_sts.plugin.failover:skip_failed_endpoint",
        "fallback",
    ),
)


def handler_id(path: str) -> str:
    """The ``unique_id`` a ``"module:function"`` handler is registered under."""
    return f"{LOGGER_NAME}.{path.rpartition(':')[2]}"


def session_handler_ids() -> tuple[tuple[str, str], ...]:
    """(event, unique_id) of every session handler: what a client that must
    reach one region as it is (a probe) unregisters."""
    return tuple((event, handler_id(path)) for event, path, _ in SESSION_HANDLERS)
