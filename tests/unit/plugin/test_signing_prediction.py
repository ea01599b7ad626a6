"""plugin/signing.py's prediction of botocore's signer, case by case, and
the skip line's text: pinned where the mutation run found them unpinned."""

from __future__ import annotations

import pytest
from botocore import auth as botocore_auth
from botocore.config import Config

from awscli_regional_sts.plugin.signing import (
    OTHER,
    SIGV4,
    SIGV4A,
    Signing,
    outside_line,
    predict_signing,
    request_signing,
)

STS_AUTH = ["aws.auth#sigv4", "aws.auth#sigv4a"]
USER_SET = Config(sigv4a_signing_region_set="eu-west-1,eu-central-1")


@pytest.mark.parametrize(
    ("auth_type", "expected"),
    [
        ("none", Signing(OTHER)),  # AssumeRoleWithSAML/WebIdentity: unsigned
        ("bearer", Signing(OTHER)),
        ("v4a", Signing(SIGV4A, ("eu-west-1", "eu-central-1"))),
        ("v4", Signing(SIGV4)),  # no preference: SigV4
    ],
)
def test_an_operations_own_auth_decides(auth_type: str, expected: Signing) -> None:
    assert predict_signing(USER_SET, auth_type, STS_AUTH) == expected


def test_a_preference_for_sigv4a_gives_the_users_set() -> None:
    config = Config(
        auth_scheme_preference="sigv4a,sigv4",
        sigv4a_signing_region_set="eu-west-1",
    )
    assert predict_signing(config, None, STS_AUTH) == Signing(SIGV4A, ("eu-west-1",))
    # The preference is a comma-separated list: its second name counts too.
    config = Config(auth_scheme_preference="bearer,sigv4a")
    assert predict_signing(config, None, STS_AUTH) == Signing(SIGV4A, ())


def test_without_a_preference_or_options_it_is_sigv4() -> None:
    assert predict_signing(Config(), None, STS_AUTH) == Signing(SIGV4)
    config = Config(auth_scheme_preference="sigv4a")
    assert predict_signing(config, None, []) == Signing(SIGV4)


def test_a_request_is_read_from_its_context() -> None:
    context = {"client_config": USER_SET, "auth_type": "v4a", "auth_options": []}
    assert request_signing(context) == Signing(SIGV4A, ("eu-west-1", "eu-central-1"))
    assert request_signing({"auth_type": "none"}) == Signing(OTHER)


def test_the_skip_line_names_the_entry_and_the_set() -> None:
    signing = Signing(SIGV4A, ("eu-west-1", "eu-central-1"))
    assert outside_line("global", "us-east-1", signing, "sts_fallback entry") == (
        "awscli-regional-sts: sts_fallback entry global (signed for us-east-1) "
        "skipped: SigV4a requests are signed for sigv4a_signing_region_set = "
        "eu-west-1,eu-central-1, which STS in us-east-1 would refuse; add "
        "us-east-1 to sigv4a_signing_region_set to use it."
    )
    line = outside_line("ap-south-1", "ap-south-1", signing, "sts_region")
    assert "sts_region ap-south-1 skipped" in line


def test_without_a_preference_the_operations_auth_is_kept() -> None:
    """No auth_scheme_preference: botocore signs with the request's own
    auth type, whatever order the service lists its schemes in."""
    sigv4a_first = ["aws.auth#sigv4a", "aws.auth#sigv4"]
    assert predict_signing(Config(), "v4", sigv4a_first) == Signing(SIGV4)
    assert predict_signing(None, None, sigv4a_first) == Signing(SIGV4)


def test_a_config_without_a_region_set_gives_no_set() -> None:
    """A client config that has no sigv4a_signing_region_set at all (no
    config in the context, or a botocore that predates the setting)."""
    assert predict_signing(None, "v4a", STS_AUTH) == Signing(SIGV4A, ())


@pytest.mark.parametrize(
    ("preference", "options", "expected"),
    [
        # What botocore resolves that is no SigV4 signer: bearer, unsigned.
        ("httpBearerAuth", ["smithy.api#httpBearerAuth", "aws.auth#sigv4"], OTHER),
        ("noAuth", ["smithy.api#noAuth", "aws.auth#sigv4"], OTHER),
        # Nothing botocore can sign with: its resolver raises; SigV4 stays.
        ("sigv4a", ["example.auth#custom"], SIGV4),
    ],
)
def test_what_botocore_resolves_from_the_preference(
    preference: str, options: list[str], expected: str
) -> None:
    config = Config(auth_scheme_preference=preference)
    assert predict_signing(config, None, options) == Signing(expected)


def test_a_botocore_without_auth_scheme_preference_signs_sigv4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """botocore before the setting has no resolver: SigV4, no error."""
    monkeypatch.delattr(botocore_auth, "resolve_auth_scheme_preference")
    config = Config(auth_scheme_preference="sigv4a")
    assert predict_signing(config, None, STS_AUTH) == Signing(SIGV4)
