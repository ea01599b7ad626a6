"""The simulated AWS world: accounts, identities, keys, per-region state and
the request log. All mutation goes through one lock, because the proxy serves
each connection on its own thread while the test thread changes the world."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .endpoints import (
    DEFAULT_ENABLED_REGIONS,
    OPT_IN_REGIONS,
    UNDEACTIVATABLE_REGIONS,
    host_catalog,
    partition_regions,
)
from .keys import new_access_key_id, new_secret, new_session_token, new_unique_id
from .organization import ORG_ACCOUNT_STATUSES, OrgAccount, Organization
from .throttle import Throttles

ACCOUNT_ID = "111122223333"

#: Activation states of STS in a region, per account.
ACCOUNT_STATES = frozenset({"active", "deactivated", "not-enabled"})
#: Network states of a region's STS endpoints (all accounts alike).
NETWORK_STATES = frozenset({"refused", "hang"})
REGION_STATES = ACCOUNT_STATES | NETWORK_STATES
GLOBAL_STATES = frozenset({"active", "refused", "hang"})
#: IAM GetAccountSummary's GlobalEndpointTokenVersion values.
TOKEN_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Credentials:
    """A key pair the simulator created or issued; ``session_token`` is set
    for temporary credentials."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request that reached a served host through a tunnel."""

    host: str
    service: str  # "sts" | "iam" | "account" | "organizations"
    action: str
    #: Region of the SigV4 credential scope; SigV4a's region set; None unsigned.
    signing_region: str | None
    access_key_id: str | None
    status: int
    error_code: str | None  # None on success
    presigned: bool
    #: The account the request is about: the role's for AssumeRole*, else
    #: the signer's (None when the signer is unknown).
    account_id: str | None = None
    #: "AWS4-HMAC-SHA256" (SigV4) or "AWS4-ECDSA-P256-SHA256" (SigV4a);
    #: None unsigned. For SigV4a ``signing_region`` holds the region set.
    algorithm: str | None = None
    #: SigV4a's X-Amz-Region-Set as sent ("*", "eu-west-1,eu-central-1");
    #: None for SigV4 and unsigned requests.
    region_set: str | None = None
    #: True when the simulator answered with the service's throttling error
    #: (``throttle.py``): nothing else was checked or done for it.
    throttled: bool = False
    #: The signer's account as its access key names it (not verified for a
    #: throttled request); for unsigned AssumeRoleWithWebIdentity the role's.
    caller_account_id: str | None = None
    #: The region the request's rate limit counts in: the STS endpoint's
    #: region, "global" for sts.amazonaws.com and for IAM, Organizations
    #: and Account Management.
    region: str | None = None
    #: Seconds the simulator waited before answering (the host's injected
    #: latency): what a test checks instead of timing a client, whose own
    #: start-up varies with the machine's load.
    latency: float = 0.0


@dataclass(frozen=True)
class Principal:
    """Who a key belongs to, as GetCallerIdentity reports it.

    ``base_arn`` is the ARN a role trust policy names: the user ARN for users
    and their session keys, the role ARN for assumed-role sessions."""

    kind: str  # "user" | "assumed-role" | "federated-user" | "root" (AssumeRoot)
    account_id: str
    arn: str
    user_id: str
    base_arn: str


@dataclass
class User:
    """A long-term IAM user."""

    name: str
    account_id: str
    user_id: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:user/{self.name}"


@dataclass
class Role:
    """An IAM role that STS can issue sessions for."""

    name: str
    account_id: str
    role_id: str
    trusted: tuple[str, ...]
    web_identity: bool

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.name}"


@dataclass
class KeyRecord:
    """Everything the simulator knows about an access key it issued."""

    credentials: Credentials
    principal: Principal
    expires_at: float | None = None  # epoch seconds; None for long-term keys
    # 1 = token valid only in regions enabled by default (global endpoint with
    # GlobalEndpointTokenVersion 1), 2 = valid everywhere.
    token_version: int = 2
    role_chained: bool = False  # issued by AssumeRole called with a role session


@dataclass(frozen=True)
class TradeInToken:
    """A trade-in token GetDelegatedAccessToken exchanges for a session of
    ``role_arn`` (how a customer approves a partner's delegation request is
    not simulated: the test issues the token)."""

    role_arn: str
    expires_at: float  # epoch seconds


@dataclass
class WorldState:
    """The part of the world that ``reset`` restores."""

    account_states: dict[tuple[str, str], str] = field(default_factory=dict)
    network_states: dict[str, str] = field(default_factory=dict)
    #: Network states of other services' hosts (e.g. Organizations), by host.
    host_states: dict[str, str] = field(default_factory=dict)
    latencies: dict[str, float] = field(default_factory=dict)
    global_state: str = "active"
    global_latency: float = 0.0
    denied: set[str] = field(default_factory=set)
    #: ("account id", "service:action") denied to that account's callers
    #: only, as a service control policy would.
    account_denied: set[tuple[str, str]] = field(default_factory=set)
    #: GlobalEndpointTokenVersion of accounts that set their own.
    token_versions: dict[str, int] = field(default_factory=dict)
    organization: Organization | None = None
    #: ARNs of roles whose trust policy currently trusts nobody.
    unassumable_roles: set[str] = field(default_factory=set)
    #: Requests to these regions' STS hosts wait for each other, then are
    #: answered at once (``answer_together``): (regions, barrier, timeout).
    together: tuple[frozenset[str], threading.Barrier, float] | None = None
    #: Accounts that enabled outbound identity federation
    #: (iam:EnableOutboundWebIdentityFederation): GetWebIdentityToken works.
    outbound_federation: set[str] = field(default_factory=set)
    #: GetDelegatedAccessToken's trade-in tokens, by token.
    trade_in_tokens: dict[str, TradeInToken] = field(default_factory=dict)


class World:
    """Identities, keys, region state and the log, behind one lock."""

    def __init__(self, account_id: str = ACCOUNT_ID) -> None:
        self.lock = threading.RLock()
        self.default_account = account_id
        self.accounts: set[str] = {account_id}
        self.users: dict[tuple[str, str], User] = {}
        self.roles: dict[str, Role] = {}  # by ARN
        #: Roles per account, kept with ``roles``: GetAccountSummary reads
        #: it once per member, where counting ``roles`` each time made an
        #: organization audit quadratic (10,000 members: 10^8 steps under
        #: the lock that every request takes).
        self.role_counts: dict[str, int] = {}
        self.keys: dict[str, KeyRecord] = {}
        self.state = WorldState()
        self.global_endpoint_token_version = 1
        # Behaviours AWS does not document; tests may flip them to check that
        # the product does not depend on either answer.
        self.activation_checked_first = True
        self.caller_identity_in_deactivated_region = True
        # GetWebIdentityToken models no RegionDisabledException: it answers
        # where STS is deactivated unless a test says otherwise.
        self.web_identity_token_in_deactivated_region = True
        self.requests: list[LoggedRequest] = []
        #: Notified at each logged request (``Simulator.wait_for_request``).
        self.logged = threading.Condition(self.lock)
        #: Rate limits; ``reset`` clears them but keeps the clock.
        self.throttles = Throttles()
        self.connects: list[str] = []
        self.issued: set[str] = set()
        #: Policies of the roles deployed from templates, by role ARN
        #: (policy.RolePolicies); their sessions are limited to them.
        self.role_policies: dict[str, Any] = {}
        #: ARNs of the IAM OIDC identity providers deployed.
        self.oidc_providers: set[str] = set()

    # -- identities -------------------------------------------------------
    def add_user(self, name: str, account_id: str | None) -> Credentials:
        account = account_id or self.default_account
        with self.lock:
            self.accounts.add(account)
            user = self.users.get((account, name))
            if user is None:
                user = User(name, account, new_unique_id("AIDA"))
                self.users[(account, name)] = user
            creds = Credentials(new_access_key_id("AKIA"), new_secret())
            principal = Principal("user", account, user.arn, user.user_id, user.arn)
            self.keys[creds.access_key_id] = KeyRecord(creds, principal)
            self.issued.add(creds.secret_access_key)
            return creds

    def add_role(
        self,
        name: str,
        account_id: str | None,
        trusted: tuple[str, ...],
        web_identity: bool,
    ) -> str:
        account = account_id or self.default_account
        with self.lock:
            self.accounts.add(account)
            role = Role(
                name, account, new_unique_id("AROA"), tuple(trusted), web_identity
            )
            if role.arn not in self.roles:
                self.role_counts[account] = self.role_counts.get(account, 0) + 1
            self.roles[role.arn] = role
            return role.arn

    def issue_temporary(
        self,
        principal: Principal,
        duration: int,
        *,
        token_version: int,
        role_chained: bool = False,
    ) -> KeyRecord:
        """Mint session credentials for ``principal`` and remember them."""
        creds = Credentials(
            new_access_key_id("ASIA"), new_secret(), new_session_token()
        )
        record = KeyRecord(
            creds,
            principal,
            expires_at=time.time() + duration,
            token_version=token_version,
            role_chained=role_chained,
        )
        with self.lock:
            self.keys[creds.access_key_id] = record
            self.issued.add(creds.secret_access_key)
            assert creds.session_token is not None
            self.issued.add(creds.session_token)
        return record

    # -- region state -----------------------------------------------------
    def set_region(
        self, region: str, state: str, latency: float, account_id: str | None
    ) -> None:
        if state not in REGION_STATES:
            raise ValueError(
                f"unknown region state {state!r}; use {sorted(REGION_STATES)}"
            )
        if latency < 0:
            raise ValueError("latency must be >= 0")
        if not any(info.region == region for info in host_catalog().values()):
            raise ValueError(f"unknown region {region!r}")
        if state in NETWORK_STATES and account_id is not None:
            raise ValueError(
                f"state {state!r} is a network condition of the endpoint; "
                "it cannot be set per account"
            )
        if state == "deactivated":
            if region in UNDEACTIVATABLE_REGIONS:
                raise ValueError(f"AWS does not allow deactivating STS in {region}")
            if region in OPT_IN_REGIONS:
                raise ValueError(
                    f"{region} is an opt-in region: STS is active exactly when the "
                    "region is enabled; use state='not-enabled' instead"
                )
        if state == "not-enabled" and region not in OPT_IN_REGIONS:
            raise ValueError(f"{region} is enabled by default and cannot be disabled")
        account = account_id or self.default_account
        with self.lock:
            self.state.latencies[region] = latency
            if state in NETWORK_STATES:
                self.state.network_states[region] = state
            else:
                self.state.network_states.pop(region, None)
                self.accounts.add(account)
                self.state.account_states[(account, region)] = state

    def set_global(self, state: str, latency: float) -> None:
        if state not in GLOBAL_STATES:
            raise ValueError(
                f"the global endpoint cannot be {state!r}: AWS does not allow "
                f"deactivating it; use one of {sorted(GLOBAL_STATES)}"
            )
        if latency < 0:
            raise ValueError("latency must be >= 0")
        with self.lock:
            self.state.global_state = state
            self.state.global_latency = latency

    def account_state(self, account_id: str, region: str) -> str:
        with self.lock:
            return self.state.account_states.get((account_id, region), "active")

    def set_host_state(self, host: str, state: str) -> None:
        info = host_catalog().get(host)
        if info is None:
            raise ValueError(f"the simulator serves no host {host!r}")
        if info.service == "sts":
            raise ValueError(f"{host} is STS's: use set_region or set_global")
        if state not in GLOBAL_STATES:
            raise ValueError(
                f"unknown network state {state!r}; use {sorted(GLOBAL_STATES)}"
            )
        with self.lock:
            self.state.host_states[host] = state

    def network_state(self, host: str) -> str:
        """ "active", "refused" or "hang" for a served host."""
        info = host_catalog().get(host)
        if info is None:
            return "active"
        with self.lock:
            if info.service != "sts":
                return self.state.host_states.get(host, "active")
            if info.is_global:
                return self.state.global_state
            return self.state.network_states.get(info.region, "active")

    def latency(self, host: str) -> float:
        info = host_catalog().get(host)
        if info is None or info.service != "sts":
            return 0.0
        with self.lock:
            if info.is_global:
                return self.state.global_latency
            return self.state.latencies.get(info.region, 0.0)

    def answer_together(
        self, regions: frozenset[str], requests: int, timeout: float
    ) -> None:
        """Hold the next STS requests to ``regions`` until ``requests`` of
        them are waiting (or ``timeout`` seconds passed), then answer them
        all at once; once only."""

        def release() -> None:
            with self.lock:
                self.state.together = None

        barrier = threading.Barrier(requests, action=release)
        with self.lock:
            self.state.together = (regions, barrier, timeout)

    def wait_together(self, host: str) -> None:
        """Called before a request is answered: wait for the others of an
        ``answer_together`` group, if the host's region is in one."""
        info = host_catalog().get(host)
        with self.lock:
            together = self.state.together
        if together is None or info is None or info.service != "sts":
            return
        regions, barrier, timeout = together
        if info.region not in regions:
            return
        try:
            barrier.wait(timeout)
        except threading.BrokenBarrierError:  # timed out: answer anyway
            with self.lock:
                self.state.together = None

    def region_opt_status(self, account_id: str, region: str) -> str:
        """Account Management's RegionOptStatus for a region of the account."""
        if region in DEFAULT_ENABLED_REGIONS or region not in OPT_IN_REGIONS:
            return "ENABLED_BY_DEFAULT"
        if self.account_state(account_id, region) == "not-enabled":
            return "DISABLED"
        return "ENABLED"

    def regions_of_partition(self, partition: str) -> tuple[str, ...]:
        return partition_regions().get(partition, ())

    # -- IAM token preference ----------------------------------------------
    def token_version(self, account_id: str) -> int:
        """GlobalEndpointTokenVersion of ``account_id`` (1 or 2)."""
        with self.lock:
            return self.state.token_versions.get(
                account_id, self.global_endpoint_token_version
            )

    def set_token_version(self, account_id: str | None, version: int) -> None:
        """Set one account's version, or (None) every account's."""
        if version not in TOKEN_VERSIONS:
            raise ValueError("GlobalEndpointTokenVersion is 1 or 2")
        with self.lock:
            if account_id is None:
                self.global_endpoint_token_version = version
                self.state.token_versions.clear()
            else:
                self.accounts.add(account_id)
                self.state.token_versions[account_id] = version

    # -- organization -----------------------------------------------------
    def create_organization(self, management_account: str | None) -> None:
        account = management_account or self.default_account
        with self.lock:
            self.accounts.add(account)
            self.state.organization = Organization(account)
            self.state.organization.accounts[account] = OrgAccount(
                account,
                "management",
                f"management+{account}@example.com",
                "ACTIVE",
                "CREATED",
                1_500_000_000.0,
            )

    def add_org_account(
        self, account_id: str, name: str, status: str, member_role: str | None
    ) -> None:
        if status not in ORG_ACCOUNT_STATUSES:
            raise ValueError(
                f"unknown account status {status!r}; use {sorted(ORG_ACCOUNT_STATUSES)}"
            )
        if len(account_id) != 12 or not account_id.isdigit():
            raise ValueError(f"account id {account_id!r} is not 12 digits")
        with self.lock:
            org = self.state.organization
            if org is None:
                raise ValueError("create the organization first")
            index = len(org.accounts)
            org.accounts[account_id] = OrgAccount(
                account_id,
                name,
                f"{name}@example.com",
                status,
                "CREATED" if index % 3 else "INVITED",
                1_600_000_000.0 + index * 3600,
            )
            if member_role:
                # The role AWS Organizations creates in accounts it creates:
                # trusted by the management account.
                arn = f"arn:aws:iam::{account_id}:role/{member_role}"
                if arn not in self.roles:
                    trusted = (org.management_account,)
                    self.add_role(member_role, account_id, trusted, False)
                self.state.unassumable_roles.discard(arn)

    def set_org_account_status(self, account_id: str, status: str) -> None:
        if status not in ORG_ACCOUNT_STATUSES:
            raise ValueError(
                f"unknown account status {status!r}; use {sorted(ORG_ACCOUNT_STATUSES)}"
            )
        with self.lock:
            member = self.org_account(account_id)
            if member is None:
                raise ValueError(f"{account_id} is not in the organization")
            member.status = status

    def org_account(self, account_id: str) -> OrgAccount | None:
        with self.lock:
            org = self.state.organization
            return org.accounts.get(account_id) if org else None

    def role_assumable(self, role_arn: str) -> bool:
        with self.lock:
            return role_arn not in self.state.unassumable_roles

    # -- policy -----------------------------------------------------------
    def deny(self, action: str, account_id: str | None = None) -> None:
        """Deny ``service:Action`` (``service:*`` for all of a service's
        actions) to every caller, or only to ``account_id``'s."""
        if ":" not in action:
            raise ValueError("action must look like 'service:Action'")
        service, _, name = action.partition(":")
        key = f"{service.lower()}:{name.lower()}"
        with self.lock:
            if account_id is None:
                self.state.denied.add(key)
            else:
                self.accounts.add(account_id)
                self.state.account_denied.add((account_id, key))

    def denial(
        self, service: str, action: str, account_id: str | None = None
    ) -> str | None:
        """Why a caller (of ``account_id``) may not call ``service:action``:
        "identity" (denied to everyone: no policy allows it), "scp" (denied
        to the account's callers, as by a service control policy), or None."""
        service = service.lower()
        keys = (f"{service}:{action.lower()}", f"{service}:*")
        with self.lock:
            if any(key in self.state.denied for key in keys):
                return "identity"
            if any((account_id, key) in self.state.account_denied for key in keys):
                return "scp"
        return None

    def is_denied(self, service: str, action: str) -> bool:
        return self.denial(service, action) is not None

    # -- log --------------------------------------------------------------
    def log_request(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.requests.append(entry)
            self.logged.notify_all()

    def log_connect(self, host: str) -> None:
        with self.lock:
            self.connects.append(host)

    def clear_log(self) -> None:
        with self.lock:
            # Clear in place: callers may hold references to the lists.
            self.requests.clear()
            self.connects.clear()

    def reset(self) -> None:
        with self.lock:
            self.state = WorldState()
            self.global_endpoint_token_version = 1
            self.throttles.clear()
            self.clear_log()
