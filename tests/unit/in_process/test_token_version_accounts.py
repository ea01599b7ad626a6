"""``aws sts set-global-endpoint-token-version --accounts`` without
``--organization``, in process (tests/unit/in_process/harness.py says
why): the named accounts, in the order given, each through its member
role, and nothing asked of Organizations (remediation.py's ``run``)."""

from __future__ import annotations

from testing.simulator import ACCOUNT_ID
from tests.unit.in_process.harness import InProcessAws
from tests.unit.in_process.test_token_version import (
    ACCOUNTS_FAILED_RC,
    COMMAND,
    DEV,
    NOROLE,
    PROD,
    SET,
    line,
    organization,
    writes,
)


def test_named_accounts_without_the_organization(aws: InProcessAws) -> None:
    sim = organization(aws)
    result = aws.run(
        *COMMAND, "--token-version", "v2Token", "--accounts", DEV, NOROLE, PROD
    )
    assert result.returncode == ACCOUNTS_FAILED_RC, result.output
    got = result.json()
    refused = got["Accounts"][1].pop("Error")
    assert refused.startswith(
        f"AssumeRole of arn:aws:iam::{NOROLE}:role/OrganizationAccountAccessRole: "
        "AccessDenied: "
    )
    assert got == {
        "TokenVersion": "v2Token",
        "DryRun": False,
        "MemberRoleName": "OrganizationAccountAccessRole",
        # In the order given.
        "Accounts": [
            line(DEV, "v1Token", "v2Token", True),
            {k: v for k, v in line(NOROLE, None, None).items() if k != "Error"},
            line(PROD, "v1Token", "v2Token", True),
        ],
        "Summary": {
            "Accounts": 3,
            "AlreadySet": 0,
            "Changed": 2,
            "WouldChange": 0,
            "WithError": 1,
            "Skipped": 0,
        },
    }
    assert sim.token_version(DEV) == sim.token_version(PROD) == 2
    assert sim.token_version(ACCOUNT_ID) == 1
    # Only the caller's identity and the named accounts: no listing.
    assert sorted({r.action for r in sim.requests}) == [
        "AssumeRole",
        "GetAccountSummary",
        "GetCallerIdentity",
        SET,
    ]
    assumed = sorted(
        str(r.account_id) for r in sim.requests if r.action == "AssumeRole"
    )
    assert assumed == sorted([DEV, NOROLE, PROD])
    assert sorted(str(r.account_id) for r in writes(sim)) == sorted([DEV, PROD])
