"""Why ``aws sts resolve-endpoint`` says the plugin leaves a profile's STS
calls to botocore: the words of its ``Reason`` for botocore's own choice
(resolve_endpoint/report.py's ``_botocore_mode``), on CLI v1's botocore and
on one without ``sts_regional_endpoints`` (CLI v2's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session

from awscli_regional_sts.commands.resolve_endpoint.report import (
    client_builtins,
    describe_route,
)
from tests.unit.commands.test_resolve_endpoint import aws_files

__all__ = ["aws_files"]


def reason(*, without_the_setting: bool = False) -> Any:
    session = botocore.session.Session(profile="p")
    if without_the_setting:
        own = session.get_config_variable

        def get_config_variable(name: str, methods: Any = None) -> Any:
            # CLI v2's botocore knows no such setting.
            if name == "sts_regional_endpoints":
                raise KeyError(name)
            return own(name, methods)

        session.get_config_variable = get_config_variable  # type: ignore[method-assign]
    client = type(session).create_client(
        session, "sts", aws_access_key_id="x", aws_secret_access_key="y"
    )
    return describe_route(session, client_builtins(client)).to_dict()["Reason"]


def test_regional_mode_names_no_global_endpoint(aws_files: Path) -> None:
    aws_files.write_text(
        "[profile p]\nregion = eu-west-1\nsts_regional_endpoints = regional\n"
    )
    assert reason() == (
        "the plugin changes nothing here: botocore uses "
        "https://sts.eu-west-1.amazonaws.com (reason: no sts_region in profile "
        "'p'; sts_regional_endpoints mode regional, client region eu-west-1)"
    )


def test_a_botocore_without_the_mode_says_regional_endpoints(
    aws_files: Path,
) -> None:
    aws_files.write_text("[profile p]\nregion = eu-west-1\n")
    assert reason(without_the_setting=True) == (
        "the plugin changes nothing here: botocore uses "
        "https://sts.eu-west-1.amazonaws.com (reason: no sts_region in profile "
        "'p'; regional endpoints, client region eu-west-1)"
    )
