"""Send AWS STS calls to a regional STS endpoint, opted in per profile.

Two entry points:

* ``awscli_initialize(cli)``: called by the AWS CLI (v1 ``[plugins]``, v2
  ``cli_legacy_plugin_path``) with the CLI's event emitter.
* ``register(session)``: for boto3 and botocore, one call per session.

Importing this package costs nothing but this file: the AWS CLI imports it
for every command, so the work happens in the submodules, loaded on use
(the imports inside the two functions are deferred for that reason).
"""

from __future__ import annotations

import importlib

# Not `from typing import ...`: even that import is measurable at start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["__version__", "awscli_initialize", "register"]


def __getattr__(name: str) -> Any:
    # ``awscli_regional_sts.__version__`` without loading the version module
    # on every aws command (PEP 562): only a caller who asks pays.
    if name == "__version__":
        from awscli_regional_sts.plugin.version import __version__

        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def awscli_initialize(cli: Any) -> None:
    """Plugin entry point of the AWS CLI: hook into its event emitter."""
    from awscli_regional_sts.plugin.registration import register_cli_handlers

    register_cli_handlers(cli)


def register(session: Any = None, *, sts_region: str | None = None) -> None:
    """Route the STS requests of a boto3 or botocore session.

    ``session`` is a ``boto3.Session`` or a ``botocore.session.Session``;
    None means boto3's default session (the one behind ``boto3.client``).
    Call it before creating clients: a client copies the session's handlers
    when it is created. ``sts_region`` overrides ``AWS_STS_REGION`` and the
    profile's ``sts_region``. Nothing is checked here: an invalid value (an
    unknown region name, say) raises when the session creates its first STS
    client, or at the first STS request of a client created otherwise, and
    nothing is sent.
    """
    from awscli_regional_sts.plugin.registration import register_session_handlers

    if session is None:
        # Typed as Any: boto3 ships no type information.
        boto3: Any = importlib.import_module("boto3")
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
    # A boto3.Session wraps the botocore session that creates its clients.
    botocore_session = getattr(session, "_session", session)
    register_session_handlers(botocore_session, sts_region=sts_region)
