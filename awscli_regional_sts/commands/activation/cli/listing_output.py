"""``aws sts activation-check --organization --list-accounts``: the
organization's account listing written to stdout as JSON (the form
``--accounts-from`` reads, whatever ``--output`` says), and nothing
checked."""

from __future__ import annotations

import json
import sys
from typing import Any

from awscli_regional_sts.commands.accounts.exit_status import Exit
from awscli_regional_sts.commands.accounts.redaction import (
    credentials_redacted_in_logs,
)
from awscli_regional_sts.commands.activation.cli.spec import RunSpec
from awscli_regional_sts.commands.activation.fleet.listing import listing_document
from awscli_regional_sts.commands.activation.run.account_listing import (
    list_organization,
)


def run_list_accounts(session: Any, spec: RunSpec) -> tuple[Exit, ...]:
    with credentials_redacted_in_logs() as redactor:
        listing = list_organization(session, spec.check, redactor)
    # Names are JSON strings, escaped to ASCII: no control character of a
    # hostile account name reaches the terminal as it is.
    sys.stdout.write(json.dumps(listing_document(listing), indent=1) + "\n")
    sys.stdout.flush()
    return (Exit.OK,)
