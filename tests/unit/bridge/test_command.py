"""``aws-regional-sts credentials`` in process: what it prints on stdout and
stderr, its exit status, what it caches, and where its STS calls go. STS
is answered in ``before-send`` (tests/unit/sts_answers.py): botocore and
the plugin route and sign each request as they would for real."""

from __future__ import annotations

import calendar
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import awscli  # noqa: F401  (CLI v1 bundles botocore: import it first)
import botocore.session
import pytest

from awscli_regional_sts.bridge import resolver, store
from awscli_regional_sts.bridge.command import CHAIN_VARIABLE, LOGGER_NAME
from awscli_regional_sts.cli import main
from tests.unit.sts_answers import FakeSts, Sent

LABEL = "aws-regional-sts credentials"
EXPIRATION = "2099-01-01T00:00:00Z"
EXPIRES_AT = float(calendar.timegm((2099, 1, 1, 0, 0, 0)))
ROLE = "arn:aws:iam::111122223333:role/r"


@pytest.fixture
def sts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSts:
    """Config files in the environment (the bridge reads os.environ), and
    every botocore session the bridge makes answered by one FakeSts."""
    config = tmp_path / "config"
    config.write_text(
        f"[profile role]\nrole_arn = {ROLE}\nsource_profile = keys\n"
        "sts_region = ap-northeast-1\n"
        f"[profile failover]\nrole_arn = {ROLE}\nsource_profile = keys\n"
        "sts_region = eu-west-1\nsts_fallback = eu-central-1\n"
        "[profile keys]\naws_access_key_id = AKIAKEYS\n"
        "aws_secret_access_key = keys-secret\n"
        "[profile empty]\nregion = eu-west-1\n"
        "[profile blank]\naws_access_key_id =\naws_secret_access_key =\n"
        "[profile half]\naws_access_key_id = AKIAHALF\naws_secret_access_key =\n"
        "[profile tool]\ncredential_process = /nonexistent/tool --profile x\n"
        f"[profile mfa]\nrole_arn = {ROLE}\nsource_profile = keys\n"
        "mfa_serial = arn:aws:iam::111122223333:mfa/u\n"
        "[profile itself]\ncredential_process = aws-regional-sts credentials "
        "--profile itself\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (
        CHAIN_VARIABLE,
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_STS_REGION",
        "AWS_STS_FALLBACK",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    fake = FakeSts({"ap-northeast-1": "ok", "eu-central-1": "ok"}, EXPIRATION)

    class AnsweredSession(botocore.session.Session):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            fake.answer_for(self)

    monkeypatch.setattr(resolver, "Session", AnsweredSession)
    return fake


def run(*words: str) -> int:
    return main(["credentials", *words])


def cached_files() -> list[Path]:
    folder = store.cache_directory()
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_role_is_assumed_in_its_sts_region_printed_and_cached(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--profile", "role") == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {
        "Version": 1,
        "AccessKeyId": "ASIAROLEKEY",
        "SecretAccessKey": "role-secret",
        "SessionToken": "role-token",
        "Expiration": EXPIRATION,
    }
    assert err == ""
    assert sts.sent == [
        Sent("sts.ap-northeast-1.amazonaws.com", "ap-northeast-1", "AssumeRole")
    ]
    (path,) = cached_files()
    data = json.loads(path.read_text())
    assert data["ExpiresAt"] == EXPIRES_AT
    assert data["Credentials"]["AccessKeyId"] == "ASIAROLEKEY"
    # The fetch time is taken before the request (the margin errs early).
    assert data["FetchedAt"] <= sts.times[0]
    # Every credential_process this fetch ran saw the profile in the chain.
    assert os.environ[CHAIN_VARIABLE] == "role"
    # The next call (another process) is answered from the cache: no
    # request, the same output.
    del os.environ[CHAIN_VARIABLE]
    assert run("--profile", "role") == 0
    assert capsys.readouterr().out == out
    assert len(sts.sent) == 1


def test_an_expiry_with_an_offset_is_cached_as_the_same_instant(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    sts.expiration = "2099-01-01T02:00:00+02:00"
    assert run("--profile", "role") == 0
    (path,) = cached_files()
    assert json.loads(path.read_text())["ExpiresAt"] == EXPIRES_AT
    assert json.loads(capsys.readouterr().out)["Expiration"] == EXPIRATION


def test_the_export_format(sts: FakeSts, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--profile", "role", "--format", "env") == 0
    assert capsys.readouterr().out == (
        "export AWS_ACCESS_KEY_ID=ASIAROLEKEY\n"
        "export AWS_SECRET_ACCESS_KEY=role-secret\n"
        "export AWS_SESSION_TOKEN=role-token\n"
        f"export AWS_CREDENTIAL_EXPIRATION={EXPIRATION}\n"
    )


def test_a_failing_region_fails_over_as_in_the_cli(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    sts.answers["eu-west-1"] = "RegionDisabledException"
    assert run("--profile", "failover") == 0
    assert json.loads(capsys.readouterr().out)["AccessKeyId"] == "ASIAROLEKEY"
    assert [(s.host, s.scope) for s in sts.sent] == [
        ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("sts.eu-central-1.amazonaws.com", "eu-central-1"),
    ]


def test_long_term_keys_are_printed_and_never_cached(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--profile", "keys") == 0
    assert json.loads(capsys.readouterr().out) == {
        "Version": 1,
        "AccessKeyId": "AKIAKEYS",
        "SecretAccessKey": "keys-secret",
    }
    assert sts.sent == [] and cached_files() == []


def refusal(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert run(*words) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.endswith("\n") and err.count("\n") == 1
    return err[:-1]


@pytest.mark.parametrize("profile", ["empty", "blank", "half"])
def test_a_profile_without_credentials_is_refused(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], profile: str
) -> None:
    assert refusal(capsys, "--profile", profile) == (
        f"{LABEL}: profile '{profile}': no credentials could be found for it"
    )


def test_another_tools_credential_process_is_run_not_refused_as_a_loop(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the bridge itself as the profile's own credential_process is a
    loop; another command is botocore's to run (here one that is missing:
    a one-line refusal, no traceback)."""
    assert refusal(capsys, "--profile", "tool") == (
        f"{LABEL}: profile 'tool': [Errno 2] No such file or directory: "
        "'/nonexistent/tool'"
    )


def test_the_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--help")
    assert exited.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for text in (
        "--profile PROFILE the profile whose credentials to print",
        "--format {process,env} process: the credential_process JSON document "
        "(default); env: export lines for shells and CI",
        "--debug log cache and routing decisions on stderr (never credentials)",
    ):
        assert text in shown
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 2
    assert "the following arguments are required: --profile" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        run("--profile", "keys", "--format", "yaml")
    assert exited.value.code == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_an_sts_error_is_refused_in_one_line(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    sts.answers["ap-northeast-1"] = "AccessDenied"
    assert refusal(capsys, "--profile", "role") == (
        f"{LABEL}: profile 'role': An error occurred (AccessDenied) when calling "
        "the AssumeRole operation: no"
    )
    assert cached_files() == []


def test_a_missing_profile_is_refused(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    message = refusal(capsys, "--profile", "nope")
    assert message.startswith(f"{LABEL}: profile 'nope': no such profile in ")


def test_a_profile_needing_an_mfa_code_is_refused(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert refusal(capsys, "--profile", "mfa") == (
        f"{LABEL}: profile 'mfa': needs an MFA code (mfa_serial in profile 'mfa'), "
        "and a credential_process cannot prompt for one; get MFA session keys "
        "with `aws sts get-session-token --serial-number ARN --token-code CODE`, "
        "put them in a profile without mfa_serial, and use that as source_profile"
    )
    assert sts.sent == []


def test_a_profile_whose_credential_process_is_the_bridge_is_refused(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert refusal(capsys, "--profile", "itself") == (
        f"{LABEL}: profile 'itself': loop: its own credential_process runs "
        "aws-regional-sts credentials; point the bridge at the profile that has "
        "role_arn or keys, and set credential_process on another profile"
    )


def test_a_bridge_further_up_is_named_in_the_loop(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHAIN_VARIABLE, "tf,,role")
    assert refusal(capsys, "--profile", "role") == (
        f"{LABEL}: profile 'role': loop: its credentials are already being "
        "fetched by the bridge further up (tf -> role -> role)"
    )


def test_profiles_up_the_chain_are_passed_down(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHAIN_VARIABLE, "tf")
    assert run("--profile", "role") == 0
    assert os.environ[CHAIN_VARIABLE] == "tf,role"


@pytest.fixture
def plugin_log() -> Any:
    logger = logging.getLogger(LOGGER_NAME)
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers[len(handlers) :]:
        logger.removeHandler(handler)
    logger.setLevel(level)


def test_debug_shows_cache_and_routing_decisions_never_secrets(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], plugin_log: None
) -> None:
    assert run("--profile", "role", "--debug") == 0
    del os.environ[CHAIN_VARIABLE]  # the next call is another process
    assert run("--profile", "role", "--debug") == 0
    err = capsys.readouterr().err
    path = store.cache_path(next(p.stem for p in cached_files()))
    lines = [line.split(" - ", 2)[1:] for line in err.splitlines()]
    assert ["awscli_regional_sts.bridge", f"bridge cache miss: no file {path}"] in lines
    assert ["awscli_regional_sts.bridge", f"bridge cache written: {path}"] in lines
    assert [
        "awscli_regional_sts",
        "Routing STS AssumeRole to https://sts.ap-northeast-1.amazonaws.com instead "
        "of https://sts.amazonaws.com, signed for ap-northeast-1: sts_region in "
        "profile 'role' is 'ap-northeast-1'",
    ] in lines
    hits = [line for line in lines if line[1].startswith("bridge cache hit: ")]
    assert hits and hits[0][1].startswith(f"bridge cache hit: {path} (expires in ")
    assert "role-secret" not in err and "role-token" not in err
    assert not any(line[0].startswith("botocore") for line in lines)


def test_without_debug_nothing_is_logged(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], plugin_log: None
) -> None:
    assert run("--profile", "role") == 0
    assert capsys.readouterr().err == ""
    assert logging.getLogger(LOGGER_NAME).handlers == []


def test_a_reader_that_went_away_ends_the_command_with_141(
    sts: FakeSts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "stdout"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT)

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return descriptor

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    try:
        assert run("--profile", "keys") == 141
        # stdout now points at the null device: the interpreter's last flush
        # has nowhere to fail.
        assert os.path.samestat(os.fstat(descriptor), os.stat(os.devnull))
    finally:
        os.close(descriptor)
    assert target.read_text() == ""


def test_the_fetch_time_is_before_the_request(
    sts: FakeSts, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.time()
    assert run("--profile", "role") == 0
    (path,) = cached_files()
    assert started <= json.loads(path.read_text())["FetchedAt"] <= sts.times[0]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("role_arn = ", "role_session_name = other\nrole_arn = "),
        ("[profile keys]", "[profile keys]\n[profile keys]"),  # no longer parses
    ],
)
def test_files_changed_during_the_fetch_print_but_do_not_cache(
    sts: FakeSts,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plugin_log: None,
    old: str,
    new: str,
) -> None:
    """botocore reads the files again on a miss: what it fetched belongs to
    the key of the files as they are after the fetch, not before."""
    fetch = resolver.fetch
    config = Path(os.environ["AWS_CONFIG_FILE"])

    def fetch_then_edit(profile: str) -> Any:
        credentials = fetch(profile)
        config.write_text(config.read_text().replace(old, new, 1))
        return credentials

    monkeypatch.setattr(resolver, "fetch", fetch_then_edit)
    assert run("--profile", "role", "--debug") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["AccessKeyId"] == "ASIAROLEKEY"
    lines = [line.split(" - ", 2)[1:] for line in err.splitlines()]
    assert [
        "awscli_regional_sts.bridge",
        "config files changed while fetching: credentials not cached",
    ] in lines
    assert cached_files() == []


@pytest.mark.parametrize(
    ("added", "reason"),
    [
        (
            "[profile empty]\n",
            "While reading from {path!r} [line 29]: section "
            "'profile empty' already exists",
        ),
        # botocore's indented block: the bridge did not parse it before.
        (
            "[services s]\nsts =\n  no equals sign\n",
            "not enough values to unpack (expected 2, got 1)",
        ),
    ],
)
def test_a_file_botocore_cannot_parse_is_refused_even_with_a_cached_answer(
    sts: FakeSts, capsys: pytest.CaptureFixture[str], added: str, reason: str
) -> None:
    assert run("--profile", "role") == 0
    del os.environ[CHAIN_VARIABLE]  # the next call is another process
    assert len(cached_files()) == 1
    capsys.readouterr()
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + added)
    assert run("--profile", "role") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{LABEL}: profile 'role': cannot read {config}: "
        f"{reason.format(path=str(config))}\n"
    )
    assert len(sts.sent) == 1
