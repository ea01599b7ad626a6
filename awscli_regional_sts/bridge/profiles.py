"""Profile P as the config files say it, read with the standard library
only, so that a cached ``credentials`` call never loads botocore.

From the files (``AWS_CONFIG_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``, or
their ``~/.aws`` defaults; the credentials file's values win, as in
botocore) this module finds: whether P exists, the chain of profiles its
credentials come from (``source_profile`` links), whether P's own
``credential_process`` calls the bridge (a loop), whether the chain needs an
MFA code, and the cache key: a hash of everything that changes the
credentials, with no secret in it.
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from awscli_regional_sts.bridge.model import Refusal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import sha256
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

#: Profile keys whose value changes which credentials P gets, or from where.
#: Secrets (``aws_secret_access_key``, ``aws_session_token``) are left out:
#: the access key id identifies the keys, and the key must not be derived
#: from a secret.
KEY_SETTINGS = (
    "role_arn",
    "source_profile",
    "credential_source",
    "role_session_name",
    "external_id",
    "duration_seconds",
    "mfa_serial",
    "web_identity_token_file",
    "credential_process",
    "aws_access_key_id",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "region",
    "sts_region",
    "sts_fallback",
    "sts_regional_endpoints",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "endpoint_url",
    "services",
)
#: Environment variables that change where STS is called for P (a profile
#: named with ``--profile`` ignores the credential variables, as in botocore).
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
#: simply never found again.
KEY_VERSION = 1


class Profile:
    """One profile's settings (config file, then credentials file)."""

    __slots__ = ("name", "settings")

    def __init__(self, name: str, settings: Mapping[str, str]) -> None:
        self.name = name
        self.settings = settings


class ProfileChain:
    """P first, then each ``source_profile`` it leads to."""

    __slots__ = ("profiles",)

    def __init__(self, profiles: tuple[Profile, ...]) -> None:
        self.profiles = profiles

    @property
    def profile(self) -> Profile:
        return self.profiles[0]

    def cache_key(self, environ: Mapping[str, str]) -> str:
        """A hex SHA-256 of every input that changes P's credentials."""
        chain = [
            {"name": profile.name}
            | {k: profile.settings[k] for k in KEY_SETTINGS if k in profile.settings}
            for profile in self.profiles
        ]
        names = list(KEY_ENVIRONMENT)
        if any(
            p.settings.get("credential_source", "").lower() == "environment"
            for p in self.profiles
        ):
            names += SOURCE_ENVIRONMENT
        inputs = {
            "version": KEY_VERSION,
            "chain": chain,
            "environment": {name: environ[name] for name in names if name in environ},
        }
        text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
        return sha256(text.encode("utf-8")).hexdigest()

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


def config_paths(environ: Mapping[str, str]) -> tuple[Path, Path]:
    """The config and credentials files, as botocore finds them."""
    config = environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    return Path(os.path.expanduser(config)), Path(os.path.expanduser(credentials))


def load_chain(name: str, environ: Mapping[str, str]) -> ProfileChain:
    """Profile ``name`` and its ``source_profile`` chain; Refusal if the
    profile is in neither file or a file cannot be parsed."""
    config_file, credentials_file = config_paths(environ)
    config = _profiles(config_file, config_file=True)
    credentials = _profiles(credentials_file, config_file=False)

    def merged(profile: str) -> Profile | None:
        if profile not in config and profile not in credentials:
            return None
        values = dict(config.get(profile, {}))
        values.update(credentials.get(profile, {}))
        return Profile(profile, values)

    first = merged(name)
    if first is None:
        raise Refusal(f"no such profile in {config_file} or {credentials_file}")
    chain = [first]
    current = first
    # A source_profile loop or a missing source is left to botocore, which
    # names it on the uncached path; here the walk just stops.
    while "role_arn" in current.settings and "source_profile" in current.settings:
        following = merged(current.settings["source_profile"])
        if following is None or any(p.name == following.name for p in chain):
            break
        chain.append(following)
        current = following
    return ProfileChain(tuple(chain))


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


def _profiles(path: Path, *, config_file: bool) -> dict[str, dict[str, str]]:
    """Sections of one file by profile name; a missing file has none.

    Parsed as botocore parses them (``configloader.raw_config_parse``): a
    ``[DEFAULT]`` section's values count for every profile, and a repeated
    section or key is an error, as it is for botocore on the uncached path.
    """
    parser = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as stream:
            parser.read_file(stream)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, configparser.Error) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0]
        raise Refusal(f"cannot read {path}: {reason}") from None
    found: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        words = section.split()
        if not config_file:
            name = section.strip()
        elif len(words) == 2 and words[0] == "profile":
            name = words[1]
        elif section.strip() == "default":
            name = "default"
        else:  # sso-session, services, plugins ...
            continue
        found[name] = dict(parser.items(section))
    return found
