"""``aws-regional-sts credentials --profile P [--format process|env]``.

Checks the profile (exists, no loop, no MFA prompt needed), then answers
from the cache when it can, without loading botocore; otherwise fetches
with botocore and the plugin (``resolver.py``), caches and prints. Every
refusal is one line on stderr naming the profile, nothing on stdout, exit
status 1. Only stdout carries secrets, in the two documented formats;
``--debug`` shows the plugin's and the bridge's log lines, never botocore's
(which logs response bodies, credentials included).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from awscli_regional_sts.bridge import store
from awscli_regional_sts.bridge.formats import render
from awscli_regional_sts.bridge.model import IssuedCredentials, OutputFormat, Refusal
from awscli_regional_sts.bridge.profiles import ProfileChain, calls_bridge, load_chain

# Not `from typing import ...` at run time: a cached call would pay for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

#: Profiles being resolved by bridges up the process tree (comma
#: separated): botocore runs a ``credential_process`` with our environment,
#: so a bridge that meets its own profile here is in a loop.
CHAIN_VARIABLE = "AWS_REGIONAL_STS_BRIDGE_PROFILES"
#: The plugin's logger, parent of the bridge's (not imported from
#: registry.py, to keep a cached call's imports to this package's bridge).
LOGGER_NAME = "awscli_regional_sts"
#: Exit status when the reader of stdout went away before the credentials
#: were written (``... credentials --profile P | head -c1``): 128 + SIGPIPE,
#: what a shell reports for ``cat`` or ``printf`` in the same place, so a
#: pipeline under ``set -o pipefail`` tells it from a refusal (status 1).
READER_GONE_STATUS = 141


def credentials_arguments(parser: argparse.ArgumentParser) -> Callable[[Any], int]:
    """Add ``credentials``' arguments to ``parser``; return the function
    that runs it."""
    parser.add_argument(
        "--profile", required=True, help="the profile whose credentials to print"
    )
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=[f.value for f in OutputFormat],
        default=OutputFormat.PROCESS.value,
        help="process: the credential_process JSON document (default); "
        "env: export lines for shells and CI",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log cache and routing decisions on stderr (never credentials)",
    )
    return run_credentials


def run_credentials(args: Any) -> int:
    """Print profile ``args.profile``'s credentials; the exit status."""
    note = _debug_note() if args.debug else store.silent
    profile: str = args.profile
    try:
        credentials = _credentials(profile, os.environ, note)
    except Refusal as refusal:
        print(f"{args.label}: profile {profile!r}: {refusal}", file=sys.stderr)
        return 1
    return _print(render(credentials, OutputFormat(args.output_format)))


def _print(text: str) -> int:
    """Write ``text`` to stdout and flush it now, so that a closed pipe is
    met here and not at interpreter exit: the exit status, 0 or
    READER_GONE_STATUS.

    Python ignores SIGPIPE, so a closed pipe is a BrokenPipeError; CLI tools
    end quietly then. stdout is pointed at the null device before exiting:
    otherwise the interpreter's own final flush of the unwritten rest fails
    again and prints "Exception ignored ... BrokenPipeError" (the recipe of
    the ``signal`` module's documentation, "Note on SIGPIPE").
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return READER_GONE_STATUS
    return 0


def _credentials(profile: str, environ: Any, note: store.Note) -> IssuedCredentials:
    outer = [p for p in environ.get(CHAIN_VARIABLE, "").split(",") if p]
    if profile in outer:
        raise Refusal(
            "loop: its credentials are already being fetched by the bridge "
            f"further up ({' -> '.join([*outer, profile])})"
        )
    chain = load_chain(profile, environ)
    _refuse_unusable(chain)
    key = chain.cache_key(environ)
    cached = store.load(key, note=note)
    if cached is not None:
        return cached
    # Seen by every credential_process botocore runs for this profile.
    environ[CHAIN_VARIABLE] = ",".join([*outer, profile])
    # Deferred: botocore is most of an uncached call's start-up, and a
    # cached call must not load it.
    from awscli_regional_sts.bridge import resolver

    # Taken before the request, so that the lifetime (expiry minus this)
    # errs long, and the refresh margin drawn from it errs early.
    fetched_at = time.time()
    credentials = resolver.fetch(profile)
    # botocore read the files again: if they changed since the key was
    # made, the credentials belong to another key; printed, not cached.
    if _key_now(profile, environ) == key:
        store.save(key, credentials, note=note, now=fetched_at)
    else:
        note("config files changed while fetching: credentials not cached")
    return credentials


def _key_now(profile: str, environ: Any) -> str | None:
    """The profile's cache key from the files as they are now; None if
    they no longer give one."""
    try:
        return load_chain(profile, environ).cache_key(environ)
    except Refusal:
        return None


def _refuse_unusable(chain: ProfileChain) -> None:
    """Refusal for profiles the bridge must not or cannot serve."""
    own_process = chain.profile.settings.get("credential_process")
    if isinstance(own_process, str) and calls_bridge(own_process):
        raise Refusal(
            "loop: its own credential_process runs aws-regional-sts credentials; "
            "point the bridge at the profile that has role_arn or keys, and "
            "set credential_process on another profile"
        )
    mfa = chain.mfa_profile()
    if mfa is not None:
        raise Refusal(
            f"needs an MFA code (mfa_serial in profile {mfa.name!r}), and a "
            "credential_process cannot prompt for one; get MFA session keys "
            "with `aws sts get-session-token --serial-number ARN --token-code "
            "CODE`, put them in a profile without mfa_serial, and use that "
            "as source_profile"
        )


def _debug_note() -> store.Note:
    """Send the plugin's log (routing, failover) and the bridge's notes to
    stderr; botocore's own log stays off (it logs response bodies)."""
    # Deferred: only --debug needs logging; a cached call must stay small.
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(message)s"))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logging.getLogger(f"{LOGGER_NAME}.bridge").debug
