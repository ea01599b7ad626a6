"""Report documents for the fleet renderers' tests: an organization shard
with an account of each kind a reader must tell apart (all active, a
hostile name with a region inactive and one not enabled, one not checked,
one with unknown, unreachable and a region missing, one with an empty
name and a status no legend has), and changes against a baseline."""

from __future__ import annotations

from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "ap-east-1")
#: An account name is anyone's to choose: markup, quotes of both kinds, "&".
HOSTILE = "<b>\"Ops\" & 'Dev'</b>"


def row(
    region: str, status: str, detail: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "Region": region,
        "Status": status,
        "Verified": True,
        "LatencyMs": 12.5,
        "Detail": detail,
        **extra,
    }


def member(
    account_id: str,
    name: str | None,
    version: int | None,
    regions: list[dict[str, Any]],
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "AccountId": account_id,
        "Name": name,
        "GlobalEndpointTokenVersion": version,
        "Regions": regions,
        "Error": error,
    }


def accounts() -> list[dict[str, Any]]:
    return [
        member(
            "200000000001",
            "calm",
            2,
            [
                row("us-east-1", "active", "probe answered"),
                row("eu-west-1", "active"),
                row("ap-east-1", "active"),
            ],
        ),
        member(
            "200000000002",
            HOSTILE,
            1,
            [
                row("us-east-1", "active", "probe answered"),
                row("eu-west-1", "inactive", "RegionDisabledException"),
                row("ap-east-1", "not-enabled", "opt-in"),
            ],
        ),
        member("200000000003", None, None, [], error="AccessDenied <sts:AssumeRole>"),
        member(
            "200000000004",
            "mixed",
            None,
            [row("us-east-1", "unknown"), row("eu-west-1", "unreachable", "timed out")],
        ),
        member(
            "200000000005",
            "",
            1,
            [
                row("us-east-1", "active"),
                row("eu-west-1", "inactive"),
                row("ap-east-1", "reachable", "x"),
            ],
        ),
    ]


CHANGES = [
    {
        "AccountId": "200000000002",
        "Region": "eu-west-1",
        "Change": "Status",
        "Before": "active",
        "After": "inactive",
    },
    {
        "AccountId": "200000000003",
        "Region": None,
        "Change": "Account",
        "Before": "checked",
        "After": "error",
    },
    {
        "AccountId": "200000000009",
        "Region": None,
        "Change": "Account",
        "Before": None,
        "After": "checked",
    },
]


def shard_report(**extra: Any) -> dict[str, Any]:
    """Shard 2 of 4 of an organization, with changes (``extra`` replaces
    fields)."""
    return {
        "Partition": "aws",
        "OrganizationId": "o-a1b2c3d4e5",
        "ManagementAccountId": "111122223333",
        "Accounts": accounts(),
        "Summary": {
            "AccountsChecked": 4,
            "AccountsWithError": 1,
            "AccountsSkipped": 2,
            "Regions": [{"Region": region} for region in REGIONS],
        },
        "Shard": {"Number": 2, "Count": 4, "AccountsSelected": 9, "AccountsInShard": 5},
        "Changes": CHANGES,
        **extra,
    }


def account_report(**extra: Any) -> dict[str, Any]:
    """``aws sts activation-check`` of one account."""
    return {
        "Account": "111122223333",
        "Partition": "aws-cn",
        "GlobalEndpointTokenVersion": 2,
        "Regions": [
            row("cn-north-1", "active"),
            row("cn-northwest-1", "inactive", "RegionDisabledException"),
        ],
        **extra,
    }
