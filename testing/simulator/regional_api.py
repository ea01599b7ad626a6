"""The test-facing knobs of the regional-only STS operations (AssumeRoot,
GetDelegatedAccessToken, GetWebIdentityToken; answered in
``sts_regional``), mixed into ``Simulator``."""

from __future__ import annotations

import secrets
import time

from .world import TradeInToken, World


class RegionalOperations:
    """What a test sets up for the regional-only operations."""

    _world: World

    def set_outbound_web_identity_federation(
        self, enabled: bool = True, *, account_id: str | None = None
    ) -> None:
        """Turn outbound identity federation on (or off) for ``account_id``
        (default the simulator's account), as that account's
        ``iam:EnableOutboundWebIdentityFederation`` would, without a request.
        Off (the default, as in AWS), GetWebIdentityToken answers
        OutboundWebIdentityFederationDisabledException. ``reset`` turns it
        off everywhere."""
        world = self._world
        account = account_id or world.default_account
        with world.lock:
            world.accounts.add(account)
            if enabled:
                world.state.outbound_federation.add(account)
            else:
                world.state.outbound_federation.discard(account)

    def set_root_sessions(self, enabled: bool) -> None:
        """Turn the organization's privileged root sessions (centralized root
        access) on or off; on when the organization is created. Off,
        AssumeRoot answers AccessDenied (UNCONFIRMED wording)."""
        with self._world.lock:
            org = self._world.state.organization
            if org is None:
                raise ValueError("create the organization first")
            org.root_sessions = enabled

    def issue_trade_in_token(self, role_arn: str, *, expires_in: float = 900.0) -> str:
        """A trade-in token that GetDelegatedAccessToken exchanges for a
        session of ``role_arn`` (an existing role) for ``expires_in`` seconds
        (negative: already expired). Returns the token; ``reset`` forgets
        it."""
        world = self._world
        token = "tit-" + secrets.token_urlsafe(32)
        with world.lock:
            if role_arn not in world.roles:
                raise ValueError(f"no role {role_arn}")
            world.state.trade_in_tokens[token] = TradeInToken(
                role_arn, time.time() + expires_in
            )
            world.issued.add(token)
        return token

    @property
    def web_identity_token_in_deactivated_region(self) -> bool:
        """Whether GetWebIdentityToken answers where STS is deactivated (the
        simulator's choice, UNCONFIRMED in AWS; default True). False:
        RegionDisabledException, which its model does not list."""
        return self._world.web_identity_token_in_deactivated_region

    @web_identity_token_in_deactivated_region.setter
    def web_identity_token_in_deactivated_region(self, value: bool) -> None:
        self._world.web_identity_token_in_deactivated_region = value
