"""The config and credentials files exactly as botocore reads them, with the
standard library only, so that a cached ``credentials`` call never loads
botocore and still sees the profiles botocore would use on a miss.

A mirror of ``botocore/configloader.py`` (``raw_config_parse``,
``_parse_nested``, ``_parse_section``, ``build_profile_map``) and of
``botocore.session.Session.full_config``, step by step, on the same
standard-library ``configparser`` in the same interpreter:

- the paths: ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE`` when set
  (an empty value too: botocore then reads no file), else ``~/.aws/...``;
  then ``os.path.expandvars`` and ``os.path.expanduser``, as botocore does;
- a path that is not a regular file (missing, a folder) is no file; a file
  ``open`` fails on is read as empty (``RawConfigParser.read`` skips it);
  a file that does not parse (a repeated section or key, a line that is no
  ``key = value``, bytes not in the locale's encoding, an indented block
  with a line without ``=``) is an error for botocore, a Refusal here;
- a ``[DEFAULT]`` section's values count in every section (configparser);
  values that start with a newline are one level of ``key = value`` pairs;
- config-file sections: those whose name starts with ``profile``,
  ``sso-session`` or ``services`` are split like a shell line (``shlex``)
  and count only as exactly two words, the second the name
  (``[profile "prod"]`` is ``prod``); ``[default]`` is profile ``default``;
  a later section of the same name replaces an earlier one, whichever of
  ``[default]`` and ``[profile default]`` comes last wins;
- credentials-file sections are profiles by their raw name, their values
  laid over the config file's profile of that name.
"""

from __future__ import annotations

import configparser
import os
import shlex

from awscli_regional_sts.bridge.model import Refusal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    #: A setting: text, or an indented block of ``key = value`` pairs.
    Value = str | dict[str, str]
    Section = dict[str, Value]

CONFIG_VARIABLE = "AWS_CONFIG_FILE"
CREDENTIALS_VARIABLE = "AWS_SHARED_CREDENTIALS_FILE"
DEFAULT_CONFIG = "~/.aws/config"
DEFAULT_CREDENTIALS = "~/.aws/credentials"


class ConfigView:
    """What botocore's ``Session.full_config`` holds that the bridge uses,
    and where it came from.

    ``profiles`` is botocore's merged map (credentials file over config
    file); ``config_profiles`` and ``credentials_profiles`` are the two
    files' own sections, which botocore's providers also read apart.
    """

    __slots__ = (
        "config_path",
        "credentials_path",
        "profiles",
        "config_profiles",
        "credentials_profiles",
        "sso_sessions",
        "services",
    )

    def __init__(
        self,
        *,
        config_path: str,
        credentials_path: str,
        profiles: dict[str, Section],
        config_profiles: dict[str, Section],
        credentials_profiles: dict[str, Section],
        sso_sessions: dict[str, Section],
        services: dict[str, Section],
    ) -> None:
        self.config_path = config_path
        self.credentials_path = credentials_path
        self.profiles = profiles
        self.config_profiles = config_profiles
        self.credentials_profiles = credentials_profiles
        self.sso_sessions = sso_sessions
        self.services = services


def file_path(environ: Mapping[str, str], variable: str, default: str) -> str:
    """A file's path as botocore resolves it: the variable when it is set,
    even empty, else ``default``; ``$VAR`` and ``~`` expanded as
    ``configloader.raw_config_parse`` expands them (``os.path`` functions,
    against this process's environment, as in botocore)."""
    value = environ.get(variable, default)  # "" is set: no file
    return os.path.expanduser(os.path.expandvars(value))


def config_paths(environ: Mapping[str, str]) -> tuple[str, str]:
    """The config and credentials files' paths, as botocore finds them."""
    return (
        file_path(environ, CONFIG_VARIABLE, DEFAULT_CONFIG),
        file_path(environ, CREDENTIALS_VARIABLE, DEFAULT_CREDENTIALS),
    )


def read_config(environ: Mapping[str, str]) -> ConfigView:
    """Both files as botocore's ``Session.full_config`` reads them; Refusal
    where botocore raises ConfigParseError."""
    config_path, credentials_path = config_paths(environ)
    config = raw_sections(config_path)
    credentials = raw_sections(credentials_path)
    profiles: dict[str, Section] = {}
    sso_sessions: dict[str, Section] = {}
    services: dict[str, Section] = {}
    for section, values in (config or {}).items():
        # The order of botocore's build_profile_map: "profile" first, so
        # [profile-x y] is a profile and [profiles x] too.
        if section.startswith("profile"):
            _add_named(profiles, section, values)
        elif section.startswith("sso-session"):
            _add_named(sso_sessions, section, values)
        elif section.startswith("services"):
            _add_named(services, section, values)
        elif section == "default":
            profiles[section] = values
        # Any other section ([plugins], [preview] ...) is no profile.
    config_profiles = {name: dict(values) for name, values in profiles.items()}
    credentials_profiles = credentials or {}
    for name, values in credentials_profiles.items():
        profiles[name] = {**profiles.get(name, {}), **values}
    return ConfigView(
        config_path=config_path,
        credentials_path=credentials_path,
        profiles=profiles,
        config_profiles=config_profiles,
        credentials_profiles=credentials_profiles,
        sso_sessions=sso_sessions,
        services=services,
    )


def raw_sections(path: str) -> dict[str, Section] | None:
    """Every section of one file by its raw name (``raw_config_parse``);
    None when ``path`` is no regular file (botocore's ConfigNotFound)."""
    if not os.path.isfile(path):
        return None
    parser = configparser.RawConfigParser()
    try:
        # read(), as botocore: the locale's encoding, and a file that
        # cannot be opened is skipped (no sections), not an error.
        parser.read([path])
    except (configparser.Error, UnicodeDecodeError) as error:
        raise _unparsable(path, error) from None
    sections: dict[str, Section] = {}
    for section in parser.sections():
        values: Section = {}
        # options() and get(): a [DEFAULT] key counts in every section.
        for option in parser.options(section):
            value = parser.get(section, option)
            if value.startswith("\n"):
                try:
                    values[option] = nested_values(value)
                except ValueError as error:
                    raise _unparsable(path, error) from None
            else:
                values[option] = value
        sections[section] = values
    return sections


def nested_values(value: str) -> dict[str, str]:
    """An indented block's ``key = value`` lines (``_parse_nested``);
    ValueError for a line without ``=``."""
    parsed: dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, text = line.split("=", 1)
        parsed[key.strip()] = text.strip()
    return parsed


def section_name(section: str) -> str | None:
    """The name in ``[profile NAME]``, ``[sso-session NAME]`` or
    ``[services NAME]`` (``_parse_section``): the second of exactly two
    shell words; None otherwise, and for unbalanced quotes."""
    try:
        words = shlex.split(section)
    except ValueError:
        return None
    return words[1] if len(words) == 2 else None


def _add_named(found: dict[str, Section], section: str, values: Section) -> None:
    name = section_name(section)
    if name is not None:
        found[name] = values


def _unparsable(path: str, error: Exception) -> Refusal:
    reason = str(error).partition("\n")[0]
    return Refusal(f"cannot read {path}: {reason}")
