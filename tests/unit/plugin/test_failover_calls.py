"""Failover across the calls of real botocore clients (answered in
``before-send``, tests/unit/sts_answers.py): a ``role_arn`` profile's call
skips the endpoint its own AssumeRole found down, and a finished call
never decides for a later one."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest

import awscli_regional_sts
from awscli_regional_sts.plugin.failover_memory import MEMORY
from tests.unit.sts_answers import FakeSts

ROLE = "arn:aws:iam::111122223333:role/r"
EXPIRATION = "2099-01-01T00:00:00Z"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    path.write_text(
        "[profile keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = s\n"
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1\n"
        f"[profile role]\nrole_arn = {ROLE}\nsource_profile = keys\n"
        "sts_region = ap-northeast-1\nsts_fallback = eu-west-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in (
        "AWS_PROFILE",
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    return path


def equipped(profile: str, answers: dict[str, str]) -> tuple[Any, FakeSts]:
    session = botocore.session.Session(profile=profile)
    sts = FakeSts(answers, EXPIRATION)
    sts.answer_for(session)
    awscli_regional_sts.register(session)
    return session, sts


def in_a_new_thread(work: Callable[[], Any]) -> Any:
    """``work`` run on a thread of its own (failover keeps its calls per
    thread): its value, or its error raised here."""
    outcome: list[Any] = [None, None]

    def run() -> None:
        try:
            outcome[0] = work()
        except BaseException as error:
            outcome[1] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)  # a backstop: the work answers at once
    if outcome[1] is not None:
        raise outcome[1]
    return outcome[0]


def test_a_role_call_skips_the_endpoint_its_assume_role_found_down(
    config: Path,
) -> None:
    session, sts = equipped("role", {"ap-northeast-1": "hang", "eu-west-1": "ok"})
    client = session.create_client("sts")
    identity = in_a_new_thread(client.get_caller_identity)
    assert identity["Account"] == "111122223333"
    assert [(s.action, s.host) for s in sts.sent] == [
        ("AssumeRole", "sts.ap-northeast-1.amazonaws.com"),
        ("AssumeRole", "sts.eu-west-1.amazonaws.com"),
        # The outer call resolved Tokyo before its credentials were loaded;
        # it is skipped without a second wait.
        ("GetCallerIdentity", "sts.eu-west-1.amazonaws.com"),
    ]


def test_a_finished_call_never_skips_a_later_request(config: Path) -> None:
    session, sts = equipped("keys", {"ap-northeast-1": "ok"})
    in_a_new_thread(session.create_client("sts").get_caller_identity)
    # Tokyo fails in another process after that call ended; a client with
    # its own endpoint (the plugin leaves it alone) still reaches it.
    MEMORY.remember_failure("ap-northeast-1", "ConnectTimeoutError")
    own = session.create_client(
        "sts",
        "ap-northeast-1",
        endpoint_url="https://sts.ap-northeast-1.amazonaws.com",
    )

    in_a_new_thread(own.get_caller_identity)
    assert [s.host for s in sts.sent] == ["sts.ap-northeast-1.amazonaws.com"] * 2


def test_a_call_that_ran_out_of_entries_never_skips_a_later_request(
    config: Path,
) -> None:
    disabled = "RegionDisabledException"
    session, sts = equipped("keys", {"ap-northeast-1": disabled, "eu-west-1": disabled})
    client = session.create_client("sts")
    own = session.create_client(
        "sts",
        "ap-northeast-1",
        endpoint_url="https://sts.ap-northeast-1.amazonaws.com",
    )

    def both() -> None:
        with pytest.raises(botocore.exceptions.ClientError):
            client.get_caller_identity()  # Tokyo, then eu-west-1: both refuse
        own.get_caller_identity()

    with pytest.raises(botocore.exceptions.ClientError) as caught:
        in_a_new_thread(both)
    assert "awscli-regional-sts tried" not in str(caught.value)
    assert [s.host for s in sts.sent] == [
        "sts.ap-northeast-1.amazonaws.com",
        "sts.eu-west-1.amazonaws.com",
        "sts.ap-northeast-1.amazonaws.com",
    ]


def test_a_first_request_of_a_thread_with_its_own_endpoint(config: Path) -> None:
    session, sts = equipped("keys", {"ap-northeast-1": "ok"})
    own = session.create_client(
        "sts",
        "ap-northeast-1",
        endpoint_url="https://sts.ap-northeast-1.amazonaws.com",
    )
    assert in_a_new_thread(own.get_caller_identity)["Account"] == "111122223333"
    assert len(sts.sent) == 1
