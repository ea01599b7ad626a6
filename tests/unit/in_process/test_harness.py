"""The in-process harness keeps each run to the test's own files."""

from __future__ import annotations

import logging
import os

from awscli.customizations import assumerole

from testing.simulator import ACCOUNT_ID
from tests.unit.in_process.harness import InProcessAws

#: Where CLI v1 put its assume-role cache when awscli was imported.
CACHE_AT_IMPORT = assumerole.CACHE_DIR


def test_a_role_profile_caches_its_credentials_in_the_tests_home(
    aws: InProcessAws,
) -> None:
    user = aws.simulator.add_user("bob")
    role_arn = aws.simulator.add_role(
        "ops", trusted=(f"arn:aws:iam::{ACCOUNT_ID}:root",)
    )
    aws.aws_env.config = (
        "[profile ops]\nregion = us-east-1\n"
        f"role_arn = {role_arn}\nsource_profile = base\n"
        "[profile base]\nregion = us-east-1\n"
    )
    aws.aws_env.add_keys("base", user)
    before = (
        set(os.listdir(CACHE_AT_IMPORT)) if os.path.isdir(CACHE_AT_IMPORT) else set()
    )

    result = aws.run("sts", "get-caller-identity", "--profile", "ops")

    assert result.returncode == 0, result.output
    assert result.json()["Arn"].startswith(
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/ops/"
    )
    cached = list((aws.aws_env.home / ".aws" / "cli" / "cache").iterdir())
    assert len(cached) == 1 and cached[0].suffix == ".json"
    after = (
        set(os.listdir(CACHE_AT_IMPORT)) if os.path.isdir(CACHE_AT_IMPORT) else set()
    )
    assert after == before


def test_debug_leaves_no_handler_behind(aws: InProcessAws) -> None:
    names = ("botocore", "awscli", "awscli_regional_sts")
    loggers = [logging.getLogger(name) for name in names]
    before = [(logger.level, list(logger.handlers)) for logger in loggers]
    aws.aws_env.config = "[default]\nregion = us-east-1\n"

    result = aws.run("sts", "resolve-endpoint", "--debug")

    assert "DEBUG" in result.stderr
    assert [(logger.level, list(logger.handlers)) for logger in loggers] == before
