"""The ``sts_region = auto`` cache files the end-to-end tests write and
read: where they live, and a valid document to start from (or to spoil).

One place, so that a change of the cache's format or folder changes the
tests once (see awscli_regional_sts/plugin/auto_measurements.py for the format)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from testing.clients import AwsEnv

#: The simulator's default account, whose cache file most tests use.
ACCOUNT = "111122223333"


def cache_directory(env: AwsEnv) -> Path:
    """``~/.aws/cli/cache/regional-sts`` of the test's AWS home."""
    return env.home / ".aws" / "cli" / "cache" / "regional-sts"


def cache_path(env: AwsEnv, account: str = ACCOUNT) -> Path:
    """The cache file of ``account`` in the aws partition."""
    return cache_directory(env) / f"aws-{account}.json"


def cache_files(env: AwsEnv) -> list[str]:
    """The names in the cache folder, sorted; none when it does not exist."""
    directory = cache_directory(env)
    return sorted(p.name for p in directory.glob("*")) if directory.exists() else []


def region_entry(
    region: str, status: str = "active", latency_ms: float = 5.0
) -> dict[str, Any]:
    """One measured region, as ``activation-check --save`` writes it."""
    return {
        "Region": region,
        "Status": status,
        "Verified": True,
        "LatencyMs": latency_ms,
    }


def cache_document(
    regions: list[dict[str, Any]] | None = None, **changes: Any
) -> dict[str, Any]:
    """A valid cache document saved now by ``activation-check`` for profile
    ``base``; ``changes`` replace top-level fields."""
    document: dict[str, Any] = {
        "Version": 1,
        "Partition": "aws",
        "Account": ACCOUNT,
        "MeasuredAt": time.time(),
        "Method": "activation-check",
        "Profiles": ["base"],
        "Regions": regions if regions is not None else [region_entry("ap-south-1")],
    }
    document.update(changes)
    return document


def write_cache(env: AwsEnv, content: str, account: str = ACCOUNT) -> Path:
    """Write ``content`` as ``account``'s cache file; return its path."""
    path = cache_path(env, account)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def cache_text(regions: list[dict[str, Any]] | None = None, **changes: Any) -> str:
    """``cache_document`` as the JSON text of a file."""
    return json.dumps(cache_document(regions, **changes))
