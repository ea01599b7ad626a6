"""``aws sts activation-check``: where STS is active for the account, how fast.

Only ``inject_commands`` lives here, and it imports nothing: the AWS CLI
imports the plugin for every command, so the command's module (and with it
the CLI's customization framework) is loaded only when the ``sts`` command
table is built.

Submodules:

* ``probe``: one region's probe (a client aimed at that region, the
  credential-issuing call, latency samples) and the classification of what
  came back into a status.
* ``check``: the whole check (regions x probes with bounded concurrency,
  account facts, opt-in status, recommendation) as plain data.
* ``command``: the thin ``BasicCommand`` that parses, validates and prints.
"""

from __future__ import annotations

from typing import Any

#: The role AWS Organizations creates in the accounts it creates: what
#: ``--organization`` assumes in each member account unless told otherwise.
DEFAULT_MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"


def inject_commands(command_table: Any, session: Any, **kwargs: Any) -> None:
    """Handle ``building-command-table.sts``: add ``activation-check``."""
    from awscli_regional_sts.activation.command import ActivationCheckCommand

    command_table[ActivationCheckCommand.NAME] = ActivationCheckCommand(session)


__all__ = ["DEFAULT_MEMBER_ROLE_NAME", "inject_commands"]
