"""Profile P as botocore reads it (``configfiles.py``), with the standard
library only, so that a cached ``credentials`` call never loads botocore.

From the files this module finds: whether P exists, the chain of profiles
its credentials come from (``source_profile`` links), whether P's own
``credential_process`` calls the bridge (a loop), whether the chain needs an
MFA code, and the cache key: a hash of everything botocore reads to make
P's credentials, with no secret in it.
"""

from __future__ import annotations

import json
import os
import shlex

from awscli_regional_sts.bridge.configfiles import ConfigView, read_config
from awscli_regional_sts.bridge.model import Refusal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from hashlib import sha256

    from awscli_regional_sts.bridge.configfiles import Section
else:
    # The interpreter's own SHA-256 spares a cached call loading OpenSSL
    # (hashlib); hashlib where the builtin module is absent or renamed.
    try:
        from _sha256 import sha256
    except ImportError:
        try:  # Python 3.12+ calls it _sha2
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256

#: Settings left out of the key: secrets. The access key id identifies the
#: keys, and the key must not be derived from a secret. botocore reads a
#: session token as ``aws_session_token`` or ``aws_security_token``.
SECRET_SETTINGS = frozenset(
    ("aws_secret_access_key", "aws_session_token", "aws_security_token")
)
#: Environment variables that change where STS is called for P (a profile
#: named with ``--profile`` ignores the credential variables, as in botocore).
#: The config files' variables count through the paths they resolve to.
KEY_ENVIRONMENT = (
    "AWS_STS_REGION",
    "AWS_STS_FALLBACK",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_STS_REGIONAL_ENDPOINTS",
)
#: With ``credential_source = Environment`` the source keys come from here.
SOURCE_ENVIRONMENT = ("AWS_ACCESS_KEY_ID",)

#: Changing the key's inputs or their meaning: bump, and old files are
#: simply never found again. 2: every setting of the sections botocore
#: reads (not a list of known keys), the sso-session and services sections
#: they name, and the files' paths.
KEY_VERSION = 2


class Profile:
    """One profile's settings as botocore merges them (the credentials
    file's section over the config file's)."""

    __slots__ = ("name", "settings")

    def __init__(self, name: str, settings: Section) -> None:
        self.name = name
        self.settings = settings


class ProfileChain:
    """P first, then each ``source_profile`` it leads to, and the files
    they were read from."""

    __slots__ = ("profiles", "view")

    def __init__(self, profiles: tuple[Profile, ...], view: ConfigView) -> None:
        self.profiles = profiles
        self.view = view

    @property
    def profile(self) -> Profile:
        return self.profiles[0]

    def cache_key(self, environ: Mapping[str, str]) -> str:
        """A hex SHA-256 of every input botocore reads to make P's
        credentials: the files' paths; for each profile of the chain, its
        config-file and credentials-file sections and the ``sso-session``
        and ``services`` sections it names (secrets left out); and the
        environment variables that change where STS is called."""
        names = list(KEY_ENVIRONMENT)
        if any(
            str(p.settings.get("credential_source")).lower() == "environment"
            for p in self.profiles
        ):
            names += SOURCE_ENVIRONMENT
        inputs = {
            "version": KEY_VERSION,
            "files": [
                os.path.abspath(self.view.config_path),
                os.path.abspath(self.view.credentials_path),
            ],
            "chain": [self._sections(profile) for profile in self.profiles],
            "environment": {name: environ[name] for name in names if name in environ},
        }
        text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
        return sha256(text.encode()).hexdigest()

    def _sections(self, profile: Profile) -> dict[str, object]:
        view = self.view
        sso_session = profile.settings.get("sso_session")
        services = profile.settings.get("services")
        return {
            "name": profile.name,
            "config": _public(view.config_profiles.get(profile.name)),
            "credentials": _public(view.credentials_profiles.get(profile.name)),
            # A name that is no section counts as None: adding it is a miss.
            "sso-session": _public(
                view.sso_sessions.get(sso_session)
                if isinstance(sso_session, str)
                else None
            ),
            "services": _public(
                view.services.get(services) if isinstance(services, str) else None
            ),
        }

    def mfa_profile(self) -> Profile | None:
        """The first role profile of the chain that asks for an MFA code
        (botocore would prompt for it on a terminal)."""
        return next(
            (
                p
                for p in self.profiles
                if "role_arn" in p.settings and "mfa_serial" in p.settings
            ),
            None,
        )


def load_chain(name: str, environ: Mapping[str, str]) -> ProfileChain:
    """Profile ``name`` and its ``source_profile`` chain; Refusal if the
    profile is in neither file or a file cannot be parsed."""
    view = read_config(environ)
    first = view.profiles.get(name)
    if first is None:
        raise Refusal(
            f"no such profile in {view.config_path} or {view.credentials_path}"
        )
    chain = [Profile(name, first)]
    # Every source_profile link is followed (botocore follows it only from a
    # role profile; more profiles in the key is only more misses). A loop
    # or a missing source is left to botocore, which names it on the
    # uncached path; here the walk just stops.
    source = first.get("source_profile")
    while isinstance(source, str) and source in view.profiles:
        if any(p.name == source for p in chain):
            break
        chain.append(Profile(source, view.profiles[source]))
        source = view.profiles[source].get("source_profile")
    return ProfileChain(tuple(chain), view)


def calls_bridge(command: str) -> bool:
    """Whether a ``credential_process`` command line runs this bridge
    (``aws-regional-sts credentials`` or ``python -m awscli_regional_sts...
    credentials``), by any path."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    runs_us = any(
        os.path.basename(word) == "aws-regional-sts" or "awscli_regional_sts" in word
        for word in words
    )
    return runs_us and "credentials" in words


def _public(section: Section | None) -> Section | None:
    """A section without its secrets."""
    if section is None:
        return None
    return {k: v for k, v in section.items() if k not in SECRET_SETTINGS}
