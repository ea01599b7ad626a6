"""``aws sts activation-check``: where STS is active for the account, how fast.

Only ``inject_commands`` lives here, and it imports nothing at module level:
the AWS CLI imports the plugin for every command, so the command's module
(and with it the CLI's customization framework) is loaded only when the
``sts`` command table is built.

Modules, from the CLI glue down:

* ``command``: the ``BasicCommand``; parses, runs, prints, sets the exit
  status. ``arg_table``: its options and their help, loaded on use.
* ``organization_command``: the ``--organization`` run and its two outputs.
* ``arguments``: every argument checked, one ``ArgumentProblem`` line each.
* ``account``: one account's check (probes in parallel, account facts).
* ``organization_check``: every account of an organization, bounded.
* ``organization``: the per-account line and the summary (listing and
  selecting the accounts, member roles and credentials: ``commands/accounts``).
* ``plan``: which call the probes make; ``probe``: one region's probe;
  ``classify``: what the probe means; ``report``: the output's shape and
  the recommendation; ``save``: ``--save`` for ``sts_region = auto``;
  ``options``: options and defaults, once.
* ``fleet/``: ``--baseline``, ``--report``, ``--shard`` and ``--merge``
  (plain logic over the JSON report, and their CLI glue).
"""

from __future__ import annotations

from typing import Any


def inject_commands(command_table: Any, session: Any, **kwargs: Any) -> None:
    """Handle ``building-command-table.sts``: add ``activation-check``."""
    # Deferred: this package is imported for every aws command.
    from awscli_regional_sts.commands.activation.command import ActivationCheckCommand

    command_table[ActivationCheckCommand.NAME] = ActivationCheckCommand(session)


__all__ = ["inject_commands"]
