"""A local AWS STS simulator that real, unpatched clients reach.

Clients (``aws`` CLI v1/v2, boto3) get only ``HTTPS_PROXY`` and
``AWS_CA_BUNDLE`` (see ``Simulator.client_env``). The proxy on 127.0.0.1
answers ``CONNECT`` for every STS host that botocore's endpoint data can
produce (regional, FIPS, dual-stack, every partition, and
``sts.amazonaws.com``) plus the IAM, Account Management and Organizations
global endpoints, and terminates TLS with a throwaway CA's certificate.

Modelled, following AWS documentation (see docs/sts-facts.md of the project):

- STS query protocol (POST form and presigned GET) for GetCallerIdentity,
  AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken, GetFederationToken,
  and the regional-only AssumeRoot, GetDelegatedAccessToken and
  GetWebIdentityToken (``sts_regional.py``, knobs in ``regional_api.py``),
  with response and error XML shaped like AWS's; DurationSeconds limits
  (900..43200 for roles, 900..129600 for GetSessionToken/GetFederationToken,
  one hour when role chaining).
- SigV4 verification (header and query auth, written independently of
  botocore) and SigV4a (``AWS4-ECDSA-P256-SHA256``, ``sigv4a.py``: the
  endpoint's region must be in the signed ``X-Amz-Region-Set``; the log's
  ``algorithm`` and ``region_set`` say what each request used): unknown key
  -> InvalidClientTokenId; scope region or service not
  those of the host -> SignatureDoesNotMatch ("Credential should be scoped to a
  valid region."); wrong signature -> SignatureDoesNotMatch; temporary keys
  need their session token; expired temporary keys -> ExpiredToken.
- Per (account, region) STS state: ``active``; ``deactivated`` (credential
  issuing calls get RegionDisabledException); ``not-enabled`` for opt-in
  regions (every call gets InvalidClientTokenId). Per region network state:
  ``refused`` (CONNECT gets 502) and ``hang`` (CONNECT never answered), and
  latency. The global endpoint and us-east-1/cn-north-1 cannot be deactivated;
  opt-in regions can only be not enabled, default regions only deactivated.
- Activation is checked against the account that issues the credentials (the
  role's account for AssumeRole*).
- Session token versions, per account: credentials issued by the global
  endpoint while the issuing account's GlobalEndpointTokenVersion is 1 are
  rejected (InvalidClientTokenId) in opt-in regions; regional endpoints
  issue v2 tokens.
- GetSessionToken/GetFederationToken with session credentials -> AccessDenied.
- IAM (query protocol, on the partition's one IAM endpoint, signed for its
  region): GetAccountSummary (SummaryMap with the caller's account's
  GlobalEndpointTokenVersion, 1 or 2) and SetSecurityTokenServicePreferences
  (GlobalEndpointTokenVersion ``v1Token`` | ``v2Token`` for the caller's
  account; anything else, or nothing, is a 400 ValidationError worded as
  IAM's enum check). Account Management ListRegions and
  GetRegionOptStatus (REST-JSON).
- Denials: an action (or ``service:*``) denied to every caller answers
  AccessDenied "... because no identity-based policy allows the ... action";
  denied to one account's callers (``deny(..., account_id=...)``), as a
  service control policy does, "... with an explicit deny in a service
  control policy" (IAM's wording; AccessDeniedException on Account
  Management).
- IAM policies of the roles deployed from the project's CloudFormation
  templates (``deploy_template``): identity and trust policies read from
  the YAML files; for those roles' sessions everything not allowed is
  denied, in IAM's words ("User: <arn> is not authorized to perform:
  <action> on resource: <arn> because no identity-based policy allows the
  <action> action"; the same words on Organizations and Account
  Management, as AccessDeniedException: unconfirmed there). GitHub's OIDC
  provider and its tokens' ``aud`` and ``sub`` claims for
  AssumeRoleWithWebIdentity. What is modelled and simplified:
  ``policy.py``.
- Organizations ListAccounts (JSON 1.1, target
  ``AWSOrganizationsV20161128.ListAccounts``, on
  organizations.us-east-1.amazonaws.com signed for us-east-1): pages of at
  most 20 (``MaxResults`` 1..20, opaque ``NextToken``); each account has Id,
  Arn, Name, Email, Status and State (ACTIVE/SUSPENDED/PENDING_CLOSURE),
  JoinedMethod, JoinedTimestamp. Only the management account and delegated
  administrators may call it (others: AccessDeniedException; no
  organization: AWSOrganizationsNotInUseException). Member accounts get the
  role ``OrganizationAccountAccessRole`` trusted by the management account,
  as Organizations creates it; a test can make one not assumable.
  DescribeOrganization answers any account of the organization with its
  Id, management account and feature set ``ALL``.

- Throttling (``throttle.py``, knobs in ``throttle_api.py``): token buckets
  per (service, calling account, region, API) and a switch that throttles a
  region's STS for a while; each service's own answer (STS and IAM
  ``Throttling`` "Rate exceeded" HTTP 400, Organizations
  ``TooManyRequestsException`` HTTP 400, Account Management's HTTP 429);
  ``LoggedRequest.throttled``. EVERY RATE AND BURST IS THE SIMULATOR'S (the
  test's), NOT AWS'S: AWS publishes no STS rate.

UNCONFIRMED against real AWS (the simulator picks one answer; the knobs let a
test check that the product does not depend on it):

- Throttling: the keys AWS's limits count by, whether it throttles before
  checking the signature (before here: cheap), whether a throttled request
  takes a token (no here), Organizations' and Account Management's messages.
- GetCallerIdentity succeeding in a deactivated region (users report it; AWS
  does not document it). Knob: ``caller_identity_in_deactivated_region``.
- SigV4a: the answer to a region set without the endpoint's region (SigV4's
  wrong-region SignatureDoesNotMatch here), sets with partial wildcards
  (``us-*``, accepted here), the global endpoint counting as us-east-1.
- The regional-only operations' choices listed in ``sts_regional.py``
  (global endpoint answers, whose activation counts, GetWebIdentityToken in
  a deactivated region: knob ``web_identity_token_in_deactivated_region``).
- Whether activation is checked before authorization (if it were, an
  AccessDenied from AssumeRole would prove the region active). Knob:
  ``activation_checked_first`` (default True).
- Message texts other than the RegionDisabledException and
  InvalidClientTokenId ones quoted in the facts document; the error code for
  an expired presigned URL (ExpiredToken here).
- What an opt-in region that is not enabled for the ROLE's account answers to
  AssumeRole from another account (RegionDisabledException here).
- What AssumeRole into a SUSPENDED member account answers (AccessDenied
  here).
- Which account's GlobalEndpointTokenVersion decides the version of a
  token the global endpoint issues for AssumeRole: the role's account here
  (the account that issues the credentials).

Simplifications: identities and ARNs are in the ``aws`` partition and keys
work on every partition's hosts; region network state and latency apply to
the STS hosts of the region only (not to IAM or Account Management);
ListRegions' ``AccountId`` answers for any account without Organizations
rules; of Organizations only ListAccounts and DescribeOrganization are
simulated, for one organization (``reset`` removes it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .endpoints import OPT_IN_REGIONS, host_catalog
from .regional_api import RegionalOperations
from .throttle import ManualClock
from .throttle_api import ThrottleKnobs
from .world import ACCOUNT_ID, Credentials, LoggedRequest, World

#: The role AWS Organizations creates in each account it creates.
MEMBER_ROLE_NAME = "OrganizationAccountAccessRole"

__all__ = [
    "ACCOUNT_ID",
    "OPT_IN_REGIONS",
    "Credentials",
    "LoggedRequest",
    "MEMBER_ROLE_NAME",
    "ManualClock",
    "Simulator",
]


class Simulator(RegionalOperations, ThrottleKnobs):
    """One simulated AWS world behind one local proxy.

    Use as a context manager or call ``start``/``stop``; point clients at it
    with ``client_env()``.
    """

    def __init__(self, *, account_id: str = ACCOUNT_ID) -> None:
        self._world = World(account_id)
        self._server: object | None = None
        self._thread: threading.Thread | None = None
        self.proxy_url = ""
        self.ca_bundle = ""

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> Simulator:
        """Build TLS material (cached per process) and start the proxy."""
        from .certs import tls_material
        from .proxy import ProxyServer

        if self._server is not None:
            return self
        self.ca_bundle = tls_material().ca_bundle
        server = ProxyServer(self._world)
        self._server = server
        port = server.server_address[1]
        self.proxy_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sts-simulator-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the proxy and end every tunnel, including hung CONNECTs."""
        from .proxy import ProxyServer

        server = self._server
        if server is None:
            return
        assert isinstance(server, ProxyServer)
        server.stopping.set()
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def client_env(self) -> dict[str, str]:
        """Environment variables that send a client through the simulator."""
        if not self.proxy_url:
            raise RuntimeError("start the simulator first")
        return {"HTTPS_PROXY": self.proxy_url, "AWS_CA_BUNDLE": self.ca_bundle}

    # -- world -----------------------------------------------------------------
    def set_region(
        self,
        region: str,
        *,
        state: str = "active",
        latency: float = 0.0,
        account_id: str | None = None,
    ) -> None:
        """Set STS's state in ``region`` (for ``account_id``, default the
        simulator's account) and the region's injected latency.

        ``active``/``deactivated``/``not-enabled`` are per account and also
        clear a network state; ``refused``/``hang`` are network conditions of
        the region's endpoints (no ``account_id``). Raises ValueError for what
        AWS does not allow (deactivating us-east-1, cn-north-1 or an opt-in
        region; disabling a region that is enabled by default).
        """
        self._world.set_region(region, state, latency, account_id)

    def answer_together(
        self, regions: Iterable[str], *, requests: int, timeout: float = 30.0
    ) -> None:
        """Hold the next STS requests to ``regions`` until ``requests`` of
        them have arrived (or ``timeout`` seconds passed), then answer them
        all at the same moment, once: so that several client processes
        handle their answers at once (a race a test wants to provoke)."""
        self._world.answer_together(frozenset(regions), requests, timeout)

    def set_global(self, *, state: str = "active", latency: float = 0.0) -> None:
        """Network state (active, refused, hang) and latency of
        ``sts.amazonaws.com``; it cannot be deactivated."""
        self._world.set_global(state, latency)

    def set_host_state(self, host: str, state: str) -> None:
        """Network state (active, refused, hang) of another service's host
        (e.g. ``organizations.us-east-1.amazonaws.com``), as for a region's
        STS endpoints; ``reset`` makes it active again."""
        self._world.set_host_state(host, state)

    def reset(self) -> None:
        """All regions active, no latency, no denials, token version 1 in
        every account, log cleared; identities and keys are kept."""
        self._world.reset()

    def add_user(
        self, name: str = "alice", *, account_id: str | None = None
    ) -> Credentials:
        """Create (or reuse) an IAM user and give it a new long-term key."""
        return self._world.add_user(name, account_id)

    def add_role(
        self,
        name: str,
        *,
        account_id: str | None = None,
        trusted: tuple[str, ...] = ("*",),
        web_identity: bool = False,
    ) -> str:
        """Create a role and return its ARN. ``trusted`` holds principals
        allowed to assume it: ``"*"``, an account id, ``arn:aws:iam::ACCT:root``
        or a user/role ARN (assumed-role sessions match their role's ARN)."""
        return self._world.add_role(name, account_id, tuple(trusted), web_identity)

    def deploy_template(
        self,
        template: Path | Mapping[str, Any],
        parameters: Mapping[str, str] | None = None,
        *,
        account_id: str | None = None,
    ) -> dict[str, str]:
        """Create a CloudFormation template's roles (deploy/*.yaml, or a
        template already read and changed) in ``account_id``, with their
        identity and trust policies enforced (policy.py), and its OIDC
        providers; ParameterProblem for a parameter CreateStack would
        refuse. Returns the stack's outputs."""
        from .stacks import deploy

        return deploy(
            self._world,
            template,
            dict(parameters or {}),
            account_id or self._world.default_account,
        )

    # -- organization ------------------------------------------------------------
    def create_organization(self, management_account: str | None = None) -> str:
        """Create the organization (replacing any), managed by
        ``management_account`` (default the simulator's account), which is
        listed as its first account. Returns the management account id."""
        self._world.create_organization(management_account)
        return management_account or self._world.default_account

    def add_member_account(
        self,
        account_id: str,
        *,
        name: str | None = None,
        status: str = "ACTIVE",
        member_role: str | None = MEMBER_ROLE_NAME,
    ) -> str:
        """Add an account to the organization, with ``member_role`` (None:
        no role) trusted by the management account. Returns the role ARN
        (or "" without a role)."""
        self._world.add_org_account(
            account_id, name or f"member-{account_id}", status, member_role
        )
        return f"arn:aws:iam::{account_id}:role/{member_role}" if member_role else ""

    def add_member_accounts(
        self, count: int, *, first_id: int = 200000000000
    ) -> list[str]:
        """Add ``count`` ACTIVE accounts with consecutive ids, each with its
        member role; returns their ids (for scale tests and benchmarks)."""
        ids = [f"{first_id + index:012d}" for index in range(count)]
        for account_id in ids:
            self.add_member_account(account_id)
        return ids

    def set_member_role_assumable(
        self, account_id: str, assumable: bool, *, role_name: str = MEMBER_ROLE_NAME
    ) -> None:
        """Make an account's member role trust nobody (AssumeRole gets
        AccessDenied), or trust the management account again."""
        arn = f"arn:aws:iam::{account_id}:role/{role_name}"
        with self._world.lock:
            if arn not in self._world.roles:
                raise ValueError(f"no role {arn}")
            if assumable:
                self._world.state.unassumable_roles.discard(arn)
            else:
                self._world.state.unassumable_roles.add(arn)

    def add_delegated_administrator(self, account_id: str) -> None:
        """Let ``account_id`` call ListAccounts as a delegated administrator."""
        with self._world.lock:
            org = self._world.state.organization
            if org is None:
                raise ValueError("create the organization first")
            org.delegated_admins.add(account_id)

    def set_account_status(self, account_id: str, status: str) -> None:
        """Change a listed account's Organizations status (ACTIVE,
        SUSPENDED, PENDING_CLOSURE), e.g. between two runs of a check."""
        self._world.set_org_account_status(account_id, status)

    def deny(self, action: str, *, account_id: str | None = None) -> None:
        """Make ``service:Action`` (e.g. ``iam:GetAccountSummary``, or
        ``iam:*``) answer AccessDenied for every caller, or with
        ``account_id`` only for that account's callers, as a service control
        policy on a member account would (IAM and Account Management honour
        account denials). GetCallerIdentity cannot be denied in AWS, so it
        cannot be here."""
        if action.lower() in ("sts:getcalleridentity", "sts:*"):
            raise ValueError("AWS does not let policies deny sts:GetCallerIdentity")
        self._world.deny(action, account_id)

    def token_version(self, account_id: str | None = None) -> int:
        """An account's GlobalEndpointTokenVersion (1 or 2), as IAM
        GetAccountSummary reports it (default: the simulator's account)."""
        return self._world.token_version(account_id or self._world.default_account)

    def set_token_version(self, version: int, *, account_id: str | None = None) -> None:
        """Set one account's GlobalEndpointTokenVersion (1 or 2), as its own
        SetSecurityTokenServicePreferences would, without a request (so not
        logged); without ``account_id``, every account's."""
        self._world.set_token_version(account_id, version)

    @property
    def global_endpoint_token_version(self) -> int:
        """GlobalEndpointTokenVersion (1 or 2) of the accounts that have not
        set their own; setting it sets every account's."""
        return self._world.global_endpoint_token_version

    @global_endpoint_token_version.setter
    def global_endpoint_token_version(self, value: int) -> None:
        self._world.set_token_version(None, value)

    @property
    def activation_checked_first(self) -> bool:
        """Whether credential-issuing calls check activation before
        authorization (UNCONFIRMED in AWS; default True)."""
        return self._world.activation_checked_first

    @activation_checked_first.setter
    def activation_checked_first(self, value: bool) -> None:
        self._world.activation_checked_first = value

    @property
    def caller_identity_in_deactivated_region(self) -> bool:
        """Whether GetCallerIdentity succeeds where STS is deactivated
        (UNCONFIRMED in AWS; default True)."""
        return self._world.caller_identity_in_deactivated_region

    @caller_identity_in_deactivated_region.setter
    def caller_identity_in_deactivated_region(self, value: bool) -> None:
        self._world.caller_identity_in_deactivated_region = value

    # -- log -------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        """Requests answered on served hosts, oldest first (a snapshot)."""
        with self._world.lock:
            return list(self._world.requests)

    @property
    def connects(self) -> list[str]:
        """Host of every CONNECT, in order, served or not (a snapshot)."""
        with self._world.lock:
            return list(self._world.connects)

    def clear_log(self) -> None:
        """Forget logged requests and CONNECTs."""
        self._world.clear_log()

    def issued_secrets(self) -> set[str]:
        """Every secret access key and session token created or issued."""
        with self._world.lock:
            return set(self._world.issued)

    def region_of_host(self, host: str) -> str | None:
        """Region whose credential scope a served host requires, or None."""
        info = host_catalog().get(host.lower())
        return info.region if info else None
