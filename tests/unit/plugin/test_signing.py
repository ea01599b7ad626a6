"""Unit tests: SigV4a signing under routing and failover (plugin/signing.py).

Real botocore clients with awscrt sign each request; FakeSts answers it in
``before-send`` (tests/unit/sts_answers.py), and the ``X-Amz-Region-Set``
of every request that would have been sent is recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest
from botocore.config import Config

import awscli_regional_sts
from awscli_regional_sts.aws import sigv4a as sigv4a_module
from awscli_regional_sts.plugin import settings as settings_module
from awscli_regional_sts.plugin import signing as signing_module
from awscli_regional_sts.plugin.signing import (
    OTHER,
    SIGV4,
    SIGV4A,
    RegionSetError,
    Signing,
    predict_signing,
)
from tests.unit.sts_answers import FakeSts

OPTIONS = ["aws.auth#sigv4", "aws.auth#sigv4a"]


@pytest.fixture(autouse=True)
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_PROFILE",
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
        "AWS_AUTH_SCHEME_PREFERENCE",
        "AWS_SIGV4A_SIGNING_REGION_SET",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(signing_module, "_said", set())


def test_predicts_sigv4a_from_the_preference() -> None:
    assert predict_signing(Config(auth_scheme_preference="sigv4a"), None, OPTIONS) == (
        Signing(SIGV4A)
    )
    config = Config(
        auth_scheme_preference="sigv4a",
        sigv4a_signing_region_set="us-east-1, eu-west-1",
    )
    assert predict_signing(config, None, OPTIONS) == Signing(
        SIGV4A, ("us-east-1", "eu-west-1")
    )


def test_predicts_sigv4_otherwise() -> None:
    assert predict_signing(Config(), None, OPTIONS).scheme == SIGV4
    assert predict_signing(Config(auth_scheme_preference="sigv4"), None, OPTIONS) == (
        Signing(SIGV4)
    )
    # STS offered SigV4 only (botocore before 1.42.91).
    assert predict_signing(
        Config(auth_scheme_preference="sigv4a"), None, ["aws.auth#sigv4"]
    ) == Signing(SIGV4)
    # A signature version set in code wins over the preference (botocore
    # marks it so in the client's config).
    client = botocore.session.Session().create_client(
        "sts",
        region_name="us-east-1",
        config=Config(auth_scheme_preference="sigv4a", signature_version="v4"),
    )
    assert predict_signing(client.meta.config, None, OPTIONS) == Signing(SIGV4)
    # Unsigned operations (AssumeRoleWithWebIdentity).
    assert (
        predict_signing(Config(auth_scheme_preference="sigv4a"), "none", OPTIONS).scheme
        == OTHER
    )


def test_a_region_set_binds_only_sigv4a() -> None:
    assert Signing(SIGV4, ("us-east-1",)).allows("eu-west-1")
    assert not Signing(SIGV4A, ("us-east-1",)).allows("eu-west-1")
    assert Signing(SIGV4A, ("*",)).allows("eu-west-1")
    assert Signing(SIGV4A).allows("eu-west-1")
    assert Signing(SIGV4A).region_set_header("eu-west-1") == "eu-west-1"
    assert Signing(SIGV4A).region_set_header(None) == "*"
    assert Signing(SIGV4A, ("a", "b")).region_set_header("c") == "a,b"
    assert Signing(SIGV4).region_set_header("c") is None


# -- real clients --------------------------------------------------------------


class Recorder:
    """``X-Amz-Region-Set`` and host of each request that would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None]] = []

    def __call__(self, request: Any, **kwargs: Any) -> None:
        value = request.headers.get("X-Amz-Region-Set")
        if isinstance(value, bytes):
            value = value.decode()
        self.sent.append((request.url.split("/")[2], value))


def call(
    tmp_path: Path,
    profile_lines: str,
    answers: dict[str, str],
    preference: str = "sigv4a",
) -> tuple[Recorder, FakeSts, Any]:
    (tmp_path / "config").write_text(
        "[profile p]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n"
        f"region = us-east-1\nauth_scheme_preference = {preference}\n" + profile_lines
    )
    session = botocore.session.Session(profile="p")
    sts = FakeSts(answers)
    recorder = Recorder()
    session.get_component("event_emitter").register_last("before-send.sts", recorder)
    sts.answer_for(session)
    awscli_regional_sts.register(session)
    client = session.create_client("sts")
    try:
        return recorder, sts, client.get_caller_identity()
    except Exception as error:
        return recorder, sts, error


def test_each_hop_is_signed_for_its_own_region(tmp_path: Path) -> None:
    recorder, _, answer = call(
        tmp_path,
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1\n",
        {"ap-northeast-1": "RegionDisabledException", "eu-west-1": "ok"},
    )
    assert answer["Account"]
    assert recorder.sent == [
        ("sts.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
    ]


def test_a_hop_outside_the_users_set_is_skipped_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder, _, answer = call(
        tmp_path,
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1 us-west-2\n"
        "sigv4a_signing_region_set = ap-northeast-1,us-west-2\n",
        {"ap-northeast-1": "RegionDisabledException", "us-west-2": "ok"},
    )
    assert answer["Account"]
    assert recorder.sent == [
        ("sts.ap-northeast-1.amazonaws.com", "ap-northeast-1,us-west-2"),
        ("sts.us-west-2.amazonaws.com", "ap-northeast-1,us-west-2"),
    ]
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "eu-west-1" in line
    ]
    assert lines == [
        "awscli-regional-sts: sts_fallback entry eu-west-1 skipped: SigV4a "
        "requests are signed for sigv4a_signing_region_set = "
        "ap-northeast-1,us-west-2, which STS in eu-west-1 would refuse; add "
        "eu-west-1 to sigv4a_signing_region_set to use it."
    ]


def test_an_sts_region_outside_the_set_goes_to_the_first_entry_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder, _, answer = call(
        tmp_path,
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1 us-west-2\n"
        "sigv4a_signing_region_set = us-west-2\n",
        {"us-west-2": "RegionDisabledException", "eu-west-1": "ok"},
    )
    # us-west-2 is deactivated, and the rest of the list is outside the set:
    # nothing else is tried, and the error is the region's own.
    assert recorder.sent == [("sts.us-west-2.amazonaws.com", "us-west-2")]
    assert "RegionDisabledException" in str(answer)
    err = capsys.readouterr().err
    assert "sts_region ap-northeast-1 skipped" in err
    assert "sts_fallback entry eu-west-1 skipped" in err


def test_nothing_is_sent_when_no_endpoint_is_inside_the_set(tmp_path: Path) -> None:
    recorder, _, answer = call(
        tmp_path,
        "sts_region = ap-northeast-1\nsigv4a_signing_region_set = us-west-2\n",
        {"ap-northeast-1": "ok"},
    )
    assert recorder.sent == []
    assert isinstance(answer, RegionSetError)
    assert str(answer) == (
        "sts_region in profile 'p' is 'ap-northeast-1', outside "
        "sigv4a_signing_region_set = us-west-2, and no sts_fallback entry is "
        "inside it: STS in ap-northeast-1 would refuse these SigV4a requests. "
        "Set sigv4a_signing_region_set = us-west-2,ap-northeast-1 in that "
        "profile, or remove sigv4a_signing_region_set"
    )


def test_a_set_without_sigv4a_changes_nothing(tmp_path: Path) -> None:
    recorder, _, answer = call(
        tmp_path,
        "sts_region = ap-northeast-1\nsigv4a_signing_region_set = us-west-2\n",
        {"ap-northeast-1": "ok"},
        preference="sigv4",
    )
    assert answer["Account"]
    assert recorder.sent == [("sts.ap-northeast-1.amazonaws.com", None)]


def test_settings_read_the_region_set_under_botocores_names() -> None:
    """settings.py spells them out (importing aws/sigv4a.py would load one
    more module for every STS command: test_startup.py)."""
    assert settings_module.REGION_SET_KEY == sigv4a_module.REGION_SET_KEY
    assert settings_module.REGION_SET_ENV_VAR == sigv4a_module.REGION_SET_ENV_VAR
