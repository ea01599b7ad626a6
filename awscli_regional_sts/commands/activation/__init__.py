"""``aws sts activation-check``: where STS is active for the account, how fast.

Only ``inject_commands`` lives here, and it imports nothing at module level:
the AWS CLI imports the plugin for every command, so the command's module
(and with it the CLI's customization framework) is loaded only when the
``sts`` command table is built.

Three tiers, each importing only those below it (docs/architecture.md):

* the CLI glue, the only code that imports awscli: ``command.py`` (the
  ``BasicCommand`` in the sts table: name, synopsis, help) and ``cli/``
  (``main``: command line to exit status, every error line printed there;
  ``option_table``, ``argument_checks``, ``fleet_arguments``: the options
  and their checks; ``spec``: the run described once; ``one_account``,
  ``organization_output``, ``fleet_output``: what is printed and written).
* the run, which talks to botocore: ``run/`` (``account_check``: the one
  engine for any account, told how to sign by ``signing`` and how to probe
  by ``probes``; ``caller_account``, ``member_account``,
  ``organization_run``: who is checked, on which clients; ``probe``: one
  region's calls; ``save``: ``--save`` for ``sts_region = auto``).
* the model, plain data and pure functions: ``model/`` (``options``,
  ``account_facts``: the table of an account's facts; ``probe_plan``,
  ``observation``, ``classify``, ``account_report``, ``report``,
  ``organization_report``, ``denials``) and ``fleet/`` (``--baseline``,
  ``--report``, ``--shard`` and ``--merge`` over the JSON report).
"""

from __future__ import annotations

from typing import Any


def inject_commands(command_table: Any, session: Any, **kwargs: Any) -> None:
    """Handle ``building-command-table.sts``: add ``activation-check``."""
    # Deferred: this package is imported for every aws command.
    from awscli_regional_sts.commands.activation.command import ActivationCheckCommand

    command_table[ActivationCheckCommand.NAME] = ActivationCheckCommand(session)


__all__ = ["inject_commands"]
