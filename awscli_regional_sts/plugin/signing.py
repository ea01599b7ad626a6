"""How an STS request will be signed, and whether a region can receive it.

With ``auth_scheme_preference = sigv4a`` (and awscrt), botocore signs STS
requests with SigV4a, valid in the regions of ``X-Amz-Region-Set``. That
set is the user's ``sigv4a_signing_region_set`` when one is configured,
else the request's signing region, which the router and each failover hop
pin (so every hop is signed for its own region), else ``*``. A set the user
configured is never widened: a region outside it would refuse the request,
so routing and failover skip it (``outside_line`` says why).

Asked before the request is signed (``before-endpoint-resolution``,
``needs-retry``), so the scheme is predicted with botocore's own function
(``resolve_auth_scheme_preference``), from what botocore's ``choose-signer``
handlers read: the client's config and the request context.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Callable

from botocore import auth as botocore_auth
from botocore.exceptions import BotoCoreError

from awscli_regional_sts.aws.partitions import GLOBAL, default_partitions
from awscli_regional_sts.aws.sigv4a import (
    ANY_REGION,
    REGION_SET_KEY,
    parse_region_set,
    region_in_set,
)
from awscli_regional_sts.plugin.endpoints import (
    AWS_REGION,
    SDK_ENDPOINT,
    entry_endpoint,
    pin_signing_region,
)
from awscli_regional_sts.plugin.registry import LOGGER_NAME
from awscli_regional_sts.plugin.settings import StsSettings

logger = logging.getLogger(LOGGER_NAME)

SIGV4 = "sigv4"
SIGV4A = "sigv4a"
#: Unsigned (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) or a signer
#: the plugin does not need to know about.
OTHER = "other"


@dataclass(frozen=True)
class Signing:
    """How a request will be signed."""

    scheme: str
    #: The ``sigv4a_signing_region_set`` the user configured, else ().
    region_set: tuple[str, ...] = ()

    @property
    def pinned_set(self) -> tuple[str, ...]:
        """The user's set when a SigV4a request is bound by it, else ()."""
        return self.region_set if self.scheme == SIGV4A else ()

    def allows(self, signing_region: str) -> bool:
        """Whether a request signed so is valid in ``signing_region``."""
        pinned = self.pinned_set
        return not pinned or region_in_set(signing_region, pinned)

    def region_set_header(self, signing_region: str | None) -> str | None:
        """The ``X-Amz-Region-Set`` the request will carry (None: SigV4)."""
        if self.scheme != SIGV4A:
            return None
        if self.region_set:
            return ",".join(self.region_set)
        return signing_region or ANY_REGION


def predict_signing(client_config: Any, auth_type: Any, auth_options: Any) -> Signing:
    """The scheme botocore's ``choose-signer`` handlers will pick.

    ``auth_type`` is the request context's (an operation's own ``auth``
    resolved by the client), ``auth_options`` the service's ``auth`` list.
    An older botocore (no ``auth_scheme_preference``) signs SigV4.
    """
    if auth_type in ("none", "bearer"):
        return Signing(OTHER)
    if auth_type == "v4a":
        return Signing(SIGV4A, _user_set(client_config))
    preference = getattr(client_config, "auth_scheme_preference", None)
    version = getattr(client_config, "signature_version", None)
    if not preference or not auth_options or _set_in_code(version):
        return Signing(SIGV4)
    resolve = getattr(botocore_auth, "resolve_auth_scheme_preference", None)
    if resolve is None:  # botocore before auth_scheme_preference
        return Signing(SIGV4)
    try:
        resolved = resolve(str(preference).split(","), list(auth_options))
    except Exception:  # an older botocore, or no scheme it can sign
        return Signing(SIGV4)
    if resolved == "v4a":
        return Signing(SIGV4A, _user_set(client_config))
    return Signing(SIGV4 if str(resolved).startswith("v4") else OTHER)


def request_signing(context: Mapping[str, Any]) -> Signing:
    """``predict_signing`` for one request, from its context."""
    return predict_signing(
        context.get("client_config"),
        context.get("auth_type"),
        context.get("auth_options"),
    )


def outside_line(entry: str, signing_region: str, signing: Signing, what: str) -> str:
    """The one line that says why ``entry`` is skipped."""
    where = (
        entry if entry == signing_region else f"{entry} (signed for {signing_region})"
    )
    return (
        f"awscli-regional-sts: {what} {where} skipped: SigV4a requests are "
        f"signed for {REGION_SET_KEY} = {','.join(signing.region_set)}, which "
        f"STS in {signing_region} would refuse; add {signing_region} to "
        f"{REGION_SET_KEY} to use it."
    )


def _user_set(client_config: Any) -> tuple[str, ...]:
    return parse_region_set(getattr(client_config, REGION_SET_KEY, None))


def _set_in_code(version: Any) -> bool:
    """A ``signature_version`` passed in code wins over the preference
    (botocore's ``ClientConfigString`` marks it; UNSIGNED too)."""
    if version is None:
        return False
    return type(version).__name__ == "ClientConfigString" or not isinstance(
        version, str
    )


# --- skipping what the user's region set excludes -----------------------------

#: Request-context key: the entry the router sent a call to when it had to
#: pass over ``sts_region`` (outside the user's region set); failover reads
#: it as the call's first entry.
ROUTED_ENTRY = "awscli_regional_sts.plugin.routed_entry"

#: The lines already printed by this process: one each is enough.
_said: set[str] = set()


class RegionSetError(BotoCoreError):
    """No endpoint of the profile is inside the user's SigV4a region set:
    every request would be refused, so none is sent."""

    fmt = "{message}"


def say_once(line: str) -> None:
    """Print ``line`` on stderr once per process (and always in --debug)."""
    logger.debug("%s", line)
    if line in _said:
        return
    _said.add(line)
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def keep_inside_region_set(
    builtins: MutableMapping[str, Any],
    model: Any,
    context: MutableMapping[str, Any],
    *,
    settings: Callable[[], StsSettings],
    **kwargs: Any,
) -> None:
    """Handle ``before-endpoint-resolution.sts`` after the router, for
    sessions with a ``sigv4a_signing_region_set``: a call routed to an
    ``sts_region`` outside the set (STS there would refuse it) goes to the
    first ``sts_fallback`` entry inside it, with one line that says why;
    with none inside, RegionSetError and nothing is sent."""
    current = settings()
    region = current.region
    if builtins.get(SDK_ENDPOINT) or region is None:
        return
    if builtins.get(AWS_REGION) != region:  # the router left the call alone
        return
    signing = request_signing(context)
    if signing.allows(region):
        return
    entry, rule_region, signing_region = first_entry_inside(builtins, current, signing)
    say_once(outside_line(region, region, signing, "sts_region"))
    builtins[AWS_REGION] = rule_region
    pin_signing_region(context, signing_region)
    context[ROUTED_ENTRY] = entry


def signing_accepts(signing: Signing, entry: str, signing_region: str) -> bool:
    """Whether a failover hop to ``entry`` can be signed validly; if not,
    one line says why it is skipped. Re-signing cannot widen a set the user
    chose, and STS there would refuse the request."""
    if signing.allows(signing_region):
        return True
    say_once(outside_line(entry, signing_region, signing, "sts_fallback entry"))
    return False


def first_entry_inside(
    builtins: MutableMapping[str, Any], settings: StsSettings, signing: Signing
) -> tuple[str, str, str]:
    """(entry, rule set region, signing region) of the first
    ``sts_fallback`` entry inside the user's SigV4a region set: where calls
    go when ``sts_region`` is outside it. RegionSetError when none is."""
    region = str(settings.region)
    for entry in settings.fallback:
        try:
            _, signing_region = entry_endpoint(builtins, entry)
        except Exception:  # nosec B112  # failover skips an entry botocore cannot resolve, so this does
            continue
        if not signing.allows(signing_region):
            continue
        if entry != GLOBAL:
            return entry, entry, signing_region
        partition = default_partitions().region_partition(signing_region)
        if partition is not None and partition.sts_global_region:
            return entry, partition.sts_global_region, signing_region
    raise RegionSetError(message=no_entry_inside(region, settings.source, signing))


def no_entry_inside(region: str, source: str, signing: Signing) -> str:
    """The error when neither ``sts_region`` nor a failover entry is inside
    the user's region set."""
    wanted = ",".join((*signing.region_set, region))
    return (
        f"{source} is {region!r}, outside {REGION_SET_KEY} = "
        f"{','.join(signing.region_set)}, and no sts_fallback entry is inside "
        f"it: STS in {region} would refuse these SigV4a requests. Set "
        f"{REGION_SET_KEY} = {wanted} in that profile, or remove "
        f"{REGION_SET_KEY}"
    )
