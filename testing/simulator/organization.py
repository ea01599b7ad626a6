"""What the simulated AWS Organizations knows: one organization and its
accounts, as ListAccounts returns them."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Organizations account statuses (``Status``; newer models also have
#: ``State``, where a suspended account is SUSPENDED too).
ORG_ACCOUNT_STATUSES = frozenset({"ACTIVE", "SUSPENDED", "PENDING_CLOSURE"})
ORGANIZATION_ID = "o-a1b2c3d4e5"


@dataclass
class OrgAccount:
    """A member (or the management) account as Organizations lists it."""

    account_id: str
    name: str
    email: str
    status: str  # ORG_ACCOUNT_STATUSES
    joined_method: str  # "CREATED" | "INVITED"
    joined_timestamp: float  # epoch seconds


@dataclass
class Organization:
    """One organization: its management account, delegated administrators,
    and its accounts in the order ListAccounts returns them."""

    management_account: str
    accounts: dict[str, OrgAccount] = field(default_factory=dict)
    delegated_admins: set[str] = field(default_factory=set)
    #: Centralized root access's privileged root sessions (AssumeRoot):
    #: on unless a test turns them off.
    root_sessions: bool = True
