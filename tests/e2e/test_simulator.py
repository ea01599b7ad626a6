"""The STS simulator, checked with real, unpatched clients.

Every claim the rest of the suite builds on is shown here with the stock
`aws` CLI (no plugin) or boto3 in a child process: which host and signing
region a call reaches, what each region state looks like to a client, that
SigV4 is really verified, and the IAM and Account Management calls.
Requests the tests craft by hand are signed with botocore's own signer and
sent with `http.client` through the proxy, like a client would.
"""

from __future__ import annotations

import base64
import datetime as _dt
import http.client
import ssl
import textwrap
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from testing.clients import (
    BOTO3,
    CLI_V1,
    CLI_V1_LEGACY,
    CLI_V2,
    CLI_V2_FROZEN,
    AwsEnv,
    Result,
)
from testing.simulator import (
    ACCOUNT_ID,
    OPT_IN_REGIONS,
    Credentials,
    LoggedRequest,
    Simulator,
)

STS_VERSION = "2011-06-15"


# -- helpers -------------------------------------------------------------------
def _profile(env: AwsEnv, creds: Credentials, *, config: str = "") -> None:
    """Give the default profile ``creds``; no region unless ``config`` says."""
    env.credentials = (
        "[default]\n"
        f"aws_access_key_id = {creds.access_key_id}\n"
        f"aws_secret_access_key = {creds.secret_access_key}\n"
    )
    if creds.session_token:
        env.credentials += f"aws_session_token = {creds.session_token}\n"
    env.config = "[default]\n" + config


def _no_secrets(sim: Simulator, result: Result) -> None:
    """No secret the simulator handed out may show up in a client's output."""
    leaked = [s for s in sim.issued_secrets() if s in result.output]
    assert not leaked, "client output contains issued secrets"


def _sts_requests(sim: Simulator, action: str) -> list[LoggedRequest]:
    return [r for r in sim.requests if r.action == action]


def _send(
    sim: Simulator,
    host: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes = b"",
) -> tuple[int, str]:
    """One HTTPS request to ``host`` through the simulator's proxy."""
    context = ssl.create_default_context(cafile=sim.ca_bundle)
    proxy = urlsplit(sim.proxy_url)
    assert proxy.hostname and proxy.port
    conn = http.client.HTTPSConnection(
        proxy.hostname, proxy.port, context=context, timeout=10
    )
    try:
        conn.set_tunnel(host, 443)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def _signed(
    creds: Credentials,
    host: str,
    region: str,
    params: dict[str, str],
    *,
    service: str = "sts",
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a query-protocol POST signed by botocore's SigV4."""
    # awscli first: it aliases `botocore` to its bundled copy, and the other
    # test modules rely on that alias (see docs/sts-facts.md).
    import awscli  # noqa: F401
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    body = urlencode(params)
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(
        BotoCredentials(
            creds.access_key_id, creds.secret_access_key, creds.session_token
        ),
        service,
        region,
    ).add_auth(request)
    headers = {k: str(v) for k, v in request.headers.items()}
    return headers, body.encode()


def _call(
    sim: Simulator,
    creds: Credentials,
    host: str,
    region: str,
    action: str,
    **params: str,
) -> tuple[int, str]:
    headers, body = _signed(
        creds, host, region, {"Action": action, "Version": STS_VERSION, **params}
    )
    return _send(sim, host, "POST", "/", headers, body)


@pytest.fixture
def sim(simulator: Simulator) -> Iterator[Simulator]:
    """The shared simulator with a default world before and after the test
    (for tests that do not need an AWS home)."""
    simulator.reset()
    yield simulator
    simulator.reset()


# -- the simulator's own data ------------------------------------------------------
def test_hosts_and_regions_come_from_botocore_data(simulator: Simulator) -> None:
    assert simulator.region_of_host("sts.amazonaws.com") == "us-east-1"
    assert simulator.region_of_host("sts.ap-northeast-1.amazonaws.com") == (
        "ap-northeast-1"
    )
    assert simulator.region_of_host("sts-fips.us-west-2.amazonaws.com") == "us-west-2"
    assert simulator.region_of_host("sts.eu-west-1.api.aws") == "eu-west-1"
    assert simulator.region_of_host("sts-fips.us-east-2.api.aws") == "us-east-2"
    assert simulator.region_of_host("sts.cn-north-1.amazonaws.com.cn") == ("cn-north-1")
    assert simulator.region_of_host("iam.amazonaws.com") == "us-east-1"
    assert simulator.region_of_host("account.us-east-1.amazonaws.com") == "us-east-1"
    assert simulator.region_of_host("example.com") is None
    assert {"af-south-1", "ap-east-1", "me-south-1", "il-central-1"} <= OPT_IN_REGIONS
    assert not {"us-east-1", "eu-west-1", "ap-northeast-1"} & OPT_IN_REGIONS


def test_rule_set_hosts_are_all_served(aws_env: AwsEnv, simulator: Simulator) -> None:
    """Every host botocore's STS rule set builds for a real region is served,
    so no client can fail on the certificate (checked in a child process:
    the test process must not import plain botocore)."""
    code = textwrap.dedent(
        """
        import json, re
        from botocore.loaders import create_loader
        from botocore.endpoint_provider import EndpointProvider
        loader = create_loader()
        provider = EndpointProvider(
            loader.load_service_model("sts", "endpoint-rule-set-1"),
            loader.load_data("partitions"))
        hosts = {}
        for p in loader.load_data("endpoints")["partitions"]:
            for region in p["regions"]:
                for fips in (False, True):
                    for dual in (False, True):
                        try:
                            url = provider.resolve_endpoint(
                                Region=region, UseFIPS=fips, UseDualStack=dual,
                                UseGlobalEndpoint=False).url
                        except Exception:
                            continue
                        hosts[url.split("//")[1].split("/")[0]] = region
        print(json.dumps(hosts))
        """
    )
    hosts = aws_env.run_python(code, kind=BOTO3).check().json()
    assert len(hosts) > 150
    wrong = {h: r for h, r in hosts.items() if simulator.region_of_host(h) != r}
    assert not wrong


def test_world_refuses_what_aws_does_not_allow(simulator: Simulator) -> None:
    with pytest.raises(ValueError):
        simulator.set_region("us-east-1", state="deactivated")
    with pytest.raises(ValueError):
        simulator.set_global(state="deactivated")
    with pytest.raises(ValueError):
        simulator.set_region("af-south-1", state="deactivated")  # opt-in region
    with pytest.raises(ValueError):
        simulator.set_region("eu-west-1", state="not-enabled")  # enabled by default
    with pytest.raises(ValueError):
        simulator.set_region("eu-west-1", state="bogus")
    with pytest.raises(ValueError):
        simulator.set_region("eu-west-1", state="hang", account_id="444455556666")


# -- routing of the stock CLI ------------------------------------------------------
@pytest.mark.parametrize("kind", [CLI_V1, CLI_V2, CLI_V2_FROZEN])
def test_stock_cli_regional_call_reaches_regional_host(
    aws_env: AwsEnv, simulator: Simulator, kind: str
) -> None:
    creds = simulator.add_user()
    _profile(aws_env, creds)
    result = aws_env.run(
        kind, "sts", "get-caller-identity", "--region", "ap-northeast-1", plugin=False
    ).check()
    assert result.json()["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/alice"
    [request] = simulator.requests
    assert request.host == "sts.ap-northeast-1.amazonaws.com"
    assert request.signing_region == "ap-northeast-1"
    assert request.access_key_id == creds.access_key_id
    assert (request.status, request.error_code) == (200, None)
    assert simulator.connects == ["sts.ap-northeast-1.amazonaws.com"]
    _no_secrets(simulator, result)


def test_stock_cli_without_region_uses_global_endpoint(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    _profile(aws_env, simulator.add_user())
    aws_env.run(CLI_V1, "sts", "get-caller-identity", plugin=False).check()
    [request] = simulator.requests
    assert (request.host, request.signing_region) == ("sts.amazonaws.com", "us-east-1")


def test_legacy_cli_sends_legacy_regions_to_global(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    """CLI v1 before 1.42 defaults to legacy: ap-northeast-1 goes global."""
    _profile(aws_env, simulator.add_user())
    aws_env.run(
        CLI_V1_LEGACY,
        "sts",
        "get-caller-identity",
        "--region",
        "ap-northeast-1",
        plugin=False,
    ).check()
    [request] = simulator.requests
    assert (request.host, request.signing_region) == ("sts.amazonaws.com", "us-east-1")


# -- region states ---------------------------------------------------------------
def test_deactivated_region(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())
    simulator.set_region("eu-west-2", state="deactivated")
    failed = aws_env.run(
        CLI_V1, "sts", "get-session-token", "--region", "eu-west-2", plugin=False
    )
    assert failed.returncode != 0
    assert "RegionDisabledException" in failed.stderr
    assert f"STS is not activated in this region for account:{ACCOUNT_ID}" in (
        failed.stderr
    )
    aws_env.run(
        CLI_V1, "sts", "get-caller-identity", "--region", "eu-west-2", plugin=False
    ).check()
    assert [(r.action, r.status, r.error_code) for r in simulator.requests] == [
        ("GetSessionToken", 403, "RegionDisabledException"),
        ("GetCallerIdentity", 200, None),
    ]
    # Another region of the same account is unaffected.
    ok = aws_env.run(
        CLI_V1, "sts", "get-session-token", "--region", "eu-west-1", plugin=False
    ).check()
    assert ok.json()["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_not_enabled_opt_in_region(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())
    simulator.set_region("af-south-1", state="not-enabled")
    failed = aws_env.run(
        CLI_V1, "sts", "get-caller-identity", "--region", "af-south-1", plugin=False
    )
    assert failed.returncode != 0
    assert "InvalidClientTokenId" in failed.stderr
    [request] = simulator.requests
    assert (request.host, request.error_code) == (
        "sts.af-south-1.amazonaws.com",
        "InvalidClientTokenId",
    )


def _fast_fail_config() -> str:
    # One attempt: the client's retries would only make the test slower.
    return "max_attempts = 1\nretry_mode = standard\n"


def test_refused_region_is_a_connection_error(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    _profile(aws_env, simulator.add_user(), config=_fast_fail_config())
    simulator.set_region("eu-central-1", state="refused")
    failed = aws_env.run(
        CLI_V1,
        "sts",
        "get-caller-identity",
        "--region",
        "eu-central-1",
        plugin=False,
        timeout=30,
    )
    assert failed.returncode != 0
    assert "connect" in failed.stderr.lower()
    assert simulator.connects == ["sts.eu-central-1.amazonaws.com"]
    assert simulator.requests == []


def test_hanging_region_times_out_the_client(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    _profile(aws_env, simulator.add_user(), config=_fast_fail_config())
    simulator.set_region("eu-north-1", state="hang")
    started = time.monotonic()
    failed = aws_env.run(
        CLI_V1,
        "sts",
        "get-caller-identity",
        "--region",
        "eu-north-1",
        "--cli-connect-timeout",
        "2",
        "--cli-read-timeout",
        "2",
        plugin=False,
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert failed.returncode != 0
    assert "timeout" in failed.stderr.lower() or "timed out" in failed.stderr.lower()
    assert 2 <= elapsed < 15
    assert simulator.connects == ["sts.eu-north-1.amazonaws.com"]
    # The hung tunnel must not block other hosts.
    aws_env.run(
        CLI_V1, "sts", "get-caller-identity", "--region", "eu-west-1", plugin=False
    ).check()


def test_latency_is_injected_per_region(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())

    def timed(region: str) -> float:
        started = time.monotonic()
        aws_env.run(
            CLI_V1, "sts", "get-caller-identity", "--region", region, plugin=False
        ).check()
        return time.monotonic() - started

    simulator.set_region("ap-southeast-2", latency=2.0)
    timed("ap-southeast-1")
    # A lower bound only: load can slow a client down, never speed it up.
    assert timed("ap-southeast-2") >= 2.0
    # Which request waited is the simulator's record, not a comparison of
    # two clients' wall times (those vary with the machine's load).
    assert [(r.region, r.latency) for r in simulator.requests] == [
        ("ap-southeast-1", 0.0),
        ("ap-southeast-2", 2.0),
    ]


def test_global_endpoint_latency(sim: Simulator) -> None:
    creds = sim.add_user()
    sim.set_global(latency=1.0)
    started = time.monotonic()
    status, _ = _call(sim, creds, "sts.amazonaws.com", "us-east-1", "GetCallerIdentity")
    assert status == 200
    assert time.monotonic() - started >= 1.0
    assert [r.latency for r in sim.requests] == [1.0]
    sim.reset()
    _call(sim, creds, "sts.amazonaws.com", "us-east-1", "GetCallerIdentity")
    assert [r.latency for r in sim.requests] == [0.0]


# -- SigV4 ------------------------------------------------------------------------
def test_sigv4_region_must_match_host(sim: Simulator) -> None:
    creds = sim.add_user()
    host = "sts.ap-northeast-1.amazonaws.com"
    status, body = _call(sim, creds, host, "ap-northeast-1", "GetCallerIdentity")
    assert status == 200, body
    assert "<GetCallerIdentityResult>" in body
    status, body = _call(sim, creds, host, "eu-west-1", "GetCallerIdentity")
    assert status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in body
    assert "Credential should be scoped to a valid region." in body
    # The global endpoint wants us-east-1, not the caller's region.
    status, body = _call(
        sim, creds, "sts.amazonaws.com", "ap-northeast-1", "GetCallerIdentity"
    )
    assert status == 403 and "SignatureDoesNotMatch" in body
    assert [(r.signing_region, r.error_code) for r in sim.requests] == [
        ("ap-northeast-1", None),
        ("eu-west-1", "SignatureDoesNotMatch"),
        ("ap-northeast-1", "SignatureDoesNotMatch"),
    ]


def test_sigv4_rejects_tampering_and_unknown_keys(sim: Simulator) -> None:
    creds = sim.add_user()
    host = "sts.eu-west-1.amazonaws.com"
    params = {"Action": "GetCallerIdentity", "Version": STS_VERSION}
    headers, body = _signed(creds, host, "eu-west-1", params)
    signature = headers["Authorization"].rsplit("Signature=", 1)[1]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    tampered = dict(headers, Authorization=headers["Authorization"][: -len(signature)])
    tampered["Authorization"] += flipped
    status, text = _send(sim, host, "POST", "/", tampered, body)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text
    # A changed body is caught too (the payload hash is signed).
    status, text = _send(
        sim, host, "POST", "/", headers, body + b"&DurationSeconds=900"
    )
    assert status == 403 and "SignatureDoesNotMatch" in text
    # A secret the sim does not know signs for a key it does not know.
    stranger = Credentials("AKIAIOSFODNN7EXAMPLE", "x" * 40)
    status, text = _call(sim, stranger, host, "eu-west-1", "GetCallerIdentity")
    assert status == 403 and "<Code>InvalidClientTokenId</Code>" in text
    assert "The security token included in the request is invalid." in text
    # A known key with the wrong secret.
    wrong = Credentials(creds.access_key_id, "y" * 40)
    status, text = _call(sim, wrong, host, "eu-west-1", "GetCallerIdentity")
    assert status == 403 and "SignatureDoesNotMatch" in text
    # Unsigned.
    status, text = _send(
        sim,
        host,
        "POST",
        "/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        urlencode(params).encode(),
    )
    assert status == 403 and "MissingAuthenticationToken" in text


def test_temporary_credentials_need_their_token(sim: Simulator) -> None:
    creds = sim.add_user()
    host = "sts.eu-west-1.amazonaws.com"
    status, body = _call(sim, creds, host, "eu-west-1", "GetSessionToken")
    assert status == 200, body
    temporary = _parse_credentials(body)
    assert temporary.access_key_id.startswith("ASIA")
    status, body = _call(sim, temporary, host, "eu-west-1", "GetCallerIdentity")
    assert status == 200, body
    no_token = Credentials(temporary.access_key_id, temporary.secret_access_key)
    status, body = _call(sim, no_token, host, "eu-west-1", "GetCallerIdentity")
    assert status == 403 and "InvalidClientTokenId" in body
    status, body = _call(sim, temporary, host, "eu-west-1", "GetSessionToken")
    assert status == 403 and "<Code>AccessDenied</Code>" in body
    assert "Cannot call GetSessionToken with session credentials" in body


def test_duration_seconds_is_validated(sim: Simulator) -> None:
    creds = sim.add_user()
    role = sim.add_role("limits")
    host = "sts.eu-west-1.amazonaws.com"
    status, body = _call(
        sim,
        creds,
        host,
        "eu-west-1",
        "AssumeRole",
        RoleArn=role,
        RoleSessionName="s",
        DurationSeconds="43201",
    )
    assert status == 400 and "<Code>ValidationError</Code>" in body
    status, body = _call(
        sim,
        creds,
        host,
        "eu-west-1",
        "AssumeRole",
        RoleArn=role,
        RoleSessionName="session",
        DurationSeconds="900",
    )
    assert status == 200, body
    expiration = body.split("<Expiration>")[1].split("</Expiration>")[0]
    expires = _dt.datetime.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=_dt.timezone.utc
    )
    left = (expires - _dt.datetime.now(_dt.timezone.utc)).total_seconds()
    assert 880 <= left <= 900


def _parse_credentials(body: str) -> Credentials:
    def field(name: str) -> str:
        return body.split(f"<{name}>")[1].split(f"</{name}>")[0]

    return Credentials(
        field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken")
    )


# -- presigned URLs ------------------------------------------------------------------
def test_presigned_get_caller_identity(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())
    code = textwrap.dedent(
        """
        import os, ssl, urllib.request, json
        import boto3
        sts = boto3.client("sts", region_name="ap-northeast-1")
        # Query-protocol operations are POSTs: without HttpMethod the URL is
        # signed for POST and a GET of it fails, in AWS as here.
        url = sts.generate_presigned_url("get_caller_identity", HttpMethod="GET")
        context = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"https": os.environ["HTTPS_PROXY"]}),
            urllib.request.HTTPSHandler(context=context))
        with opener.open(url, timeout=10) as response:
            print(json.dumps({"url": url, "status": response.status,
                              "body": response.read().decode()}))
        """
    )
    out = aws_env.run_python(code).check().json()
    assert out["status"] == 200
    assert "<Arn>arn:aws:iam::111122223333:user/alice</Arn>" in out["body"]
    [request] = simulator.requests
    assert request.presigned and request.status == 200
    assert (request.host, request.signing_region) == (
        "sts.ap-northeast-1.amazonaws.com",
        "ap-northeast-1",
    )
    # The same URL with its signature changed is refused.
    url = out["url"]
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    parts = urlsplit(tampered)
    status, body = _send(simulator, parts.netloc, "GET", f"/?{parts.query}", {})
    assert status == 403 and "SignatureDoesNotMatch" in body


def test_eks_token_signs_cluster_header(aws_env: AwsEnv, simulator: Simulator) -> None:
    """`aws eks get-token` presigns GetCallerIdentity with `x-k8s-aws-id`
    signed; the URL verifies only with that header."""
    _profile(aws_env, simulator.add_user())
    result = aws_env.run(
        CLI_V1,
        "eks",
        "get-token",
        "--cluster-name",
        "demo",
        "--region",
        "ap-northeast-1",
        plugin=False,
    ).check()
    token = result.json()["status"]["token"]
    encoded = token.removeprefix("k8s-aws-v1.")
    url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    parts = urlsplit(url)
    assert parts.netloc == "sts.ap-northeast-1.amazonaws.com"
    assert "x-k8s-aws-id" in parts.query
    path = f"{parts.path or '/'}?{parts.query}"
    status, body = _send(simulator, parts.netloc, "GET", path, {"x-k8s-aws-id": "demo"})
    assert status == 200, body
    status, body = _send(simulator, parts.netloc, "GET", path, {"x-k8s-aws-id": "x"})
    assert status == 403 and "SignatureDoesNotMatch" in body
    assert [r.presigned for r in simulator.requests] == [True, True]


# -- roles -------------------------------------------------------------------------
def test_assume_role_profile(aws_env: AwsEnv, simulator: Simulator) -> None:
    creds = simulator.add_user()
    role = simulator.add_role("deployer")
    _profile(aws_env, creds)
    aws_env.config += (
        f"\n[profile deploy]\nrole_arn = {role}\nsource_profile = default\n"
        "region = eu-west-1\n"
    )
    result = aws_env.run(
        CLI_V1, "sts", "get-caller-identity", "--profile", "deploy", plugin=False
    ).check()
    arn = result.json()["Arn"]
    assert arn.startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/deployer/")
    assume, identity = simulator.requests
    assert (assume.action, assume.host, assume.signing_region) == (
        "AssumeRole",
        "sts.eu-west-1.amazonaws.com",
        "eu-west-1",
    )
    assert assume.access_key_id == creds.access_key_id
    assert identity.action == "GetCallerIdentity" and identity.status == 200
    assert identity.access_key_id and identity.access_key_id.startswith("ASIA")
    _no_secrets(simulator, result)


def test_untrusted_principal_cannot_assume_role(
    aws_env: AwsEnv, simulator: Simulator
) -> None:
    _profile(aws_env, simulator.add_user("mallory"))
    role = simulator.add_role("locked", trusted=("arn:aws:iam::999988887777:root",))
    failed = aws_env.run(
        CLI_V1,
        "sts",
        "assume-role",
        "--role-arn",
        role,
        "--role-session-name",
        "try",
        "--region",
        "eu-west-1",
        plugin=False,
    )
    assert failed.returncode != 0
    assert "AccessDenied" in failed.stderr
    assert (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/mallory is not authorized to "
        f"perform: sts:AssumeRole on resource: {role}"
    ) in failed.stderr
    [request] = simulator.requests
    assert (request.status, request.error_code) == (403, "AccessDenied")


def test_unconfirmed_behaviours_can_be_flipped(sim: Simulator) -> None:
    """The knobs for what AWS does not document change the answers."""
    creds = sim.add_user()
    untrusted = sim.add_role("nobody", trusted=("arn:aws:iam::999988887777:root",))
    sim.set_region("eu-west-3", state="deactivated")
    host = "sts.eu-west-3.amazonaws.com"

    def code(action: str, **params: str) -> str:
        status, body = _call(sim, creds, host, "eu-west-3", action, **params)
        return "OK" if status == 200 else body.split("<Code>")[1].split("<")[0]

    assume = {"RoleArn": untrusted, "RoleSessionName": "probe"}
    assert code("AssumeRole", **assume) == "RegionDisabledException"
    assert code("GetCallerIdentity") == "OK"
    sim.activation_checked_first = False
    sim.caller_identity_in_deactivated_region = False
    try:
        assert code("AssumeRole", **assume) == "AccessDenied"
        assert code("GetCallerIdentity") == "RegionDisabledException"
    finally:
        sim.activation_checked_first = True
        sim.caller_identity_in_deactivated_region = True


def test_federation_token(sim: Simulator) -> None:
    creds = sim.add_user()
    host = "sts.eu-west-1.amazonaws.com"
    status, body = _call(
        sim, creds, host, "eu-west-1", "GetFederationToken", Name="bob"
    )
    assert status == 200, body
    arn = f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob"
    assert f"<FederatedUserId>{ACCOUNT_ID}:bob</FederatedUserId><Arn>{arn}</Arn>" in (
        body
    )
    federated = _parse_credentials(body)
    status, body = _call(sim, federated, host, "eu-west-1", "GetCallerIdentity")
    assert status == 200 and f"<Arn>{arn}</Arn>" in body


def test_deactivation_is_the_role_accounts(sim: Simulator) -> None:
    """AssumeRole fails where STS is off for the ROLE's account, even when
    the caller's account has it on."""
    other = "444455556666"
    creds = sim.add_user()
    role = sim.add_role("cross", account_id=other)
    sim.set_region("ca-central-1", state="deactivated", account_id=other)
    host = "sts.ca-central-1.amazonaws.com"
    status, body = _call(
        sim,
        creds,
        host,
        "ca-central-1",
        "AssumeRole",
        RoleArn=role,
        RoleSessionName="xx",
    )
    assert status == 403 and "RegionDisabledException" in body
    assert f"account:{other}" in body
    status, _ = _call(sim, creds, host, "ca-central-1", "GetSessionToken")
    assert status == 200


def test_web_identity_profile(aws_env: AwsEnv, simulator: Simulator) -> None:
    role = simulator.add_role("ci", web_identity=True)
    token_file = aws_env.root / "token"
    token_file.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.sig")
    aws_env.credentials = ""
    aws_env.config = (
        f"[default]\nrole_arn = {role}\nweb_identity_token_file = {token_file}\n"
        "region = ap-northeast-1\n"
    )
    result = aws_env.run(CLI_V1, "sts", "get-caller-identity", plugin=False).check()
    assert ":assumed-role/ci/" in result.json()["Arn"]
    web = simulator.requests[0]
    assert web.action == "AssumeRoleWithWebIdentity"
    assert web.host == "sts.ap-northeast-1.amazonaws.com"
    assert web.signing_region is None and web.status == 200
    # A role without a web identity trust refuses.
    plain = simulator.add_role("plain")
    aws_env.config = aws_env.config.replace(role, plain)
    failed = aws_env.run(CLI_V1, "sts", "get-caller-identity", plugin=False)
    assert failed.returncode != 0 and "AccessDenied" in failed.stderr


# -- IAM and Account Management through boto3 ----------------------------------------
_BOTO3_ACCOUNT_CODE = textwrap.dedent(
    """
    import json
    import boto3, botocore.exceptions
    session = boto3.Session(region_name="eu-west-1")
    out = {}
    iam = session.client("iam")
    out["summary"] = iam.get_account_summary()["SummaryMap"]
    account = session.client("account")
    pages = []
    kwargs = {"MaxResults": 10}
    while True:
        page = account.list_regions(**kwargs)
        pages.append(page["Regions"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    out["pages"] = pages
    out["disabled"] = account.list_regions(
        RegionOptStatusContains=["DISABLED"])["Regions"]
    try:
        account.list_regions(MaxResults=51)
    except botocore.exceptions.ClientError as e:
        out["too_many"] = e.response["Error"]["Code"]
    print(json.dumps(out))
    """
)


def test_iam_and_account_through_boto3(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())
    simulator.global_endpoint_token_version = 2
    simulator.set_region("me-south-1", state="not-enabled")
    out = aws_env.run_python(_BOTO3_ACCOUNT_CODE).check().json()
    assert out["summary"]["GlobalEndpointTokenVersion"] == 2
    regions = [r for page in out["pages"] for r in page]
    assert all(len(page) <= 10 for page in out["pages"]) and len(out["pages"]) > 1
    status = {r["RegionName"]: r["RegionOptStatus"] for r in regions}
    assert len(status) == len(regions) > 20
    assert status["us-east-1"] == "ENABLED_BY_DEFAULT"
    assert status["af-south-1"] == "ENABLED"
    assert status["me-south-1"] == "DISABLED"
    assert out["disabled"] == [
        {"RegionName": "me-south-1", "RegionOptStatus": "DISABLED"}
    ]
    assert out["too_many"] == "ValidationException"
    hosts = {(r.service, r.host, r.signing_region) for r in simulator.requests}
    assert hosts == {
        ("iam", "iam.amazonaws.com", "us-east-1"),
        ("account", "account.us-east-1.amazonaws.com", "us-east-1"),
    }


def test_denied_iam_and_account_calls(aws_env: AwsEnv, simulator: Simulator) -> None:
    _profile(aws_env, simulator.add_user())
    simulator.deny("iam:GetAccountSummary")
    simulator.deny("account:ListRegions")
    code = textwrap.dedent(
        """
        import json
        import boto3, botocore.exceptions
        session = boto3.Session(region_name="eu-west-1")
        codes = []
        for call in (lambda: session.client("iam").get_account_summary(),
                     lambda: session.client("account").list_regions()):
            try:
                call()
                codes.append(None)
            except botocore.exceptions.ClientError as e:
                codes.append(e.response["Error"]["Code"])
        print(json.dumps(codes))
        """
    )
    codes: list[Any] = aws_env.run_python(code).check().json()
    assert codes == ["AccessDenied", "AccessDeniedException"]


def test_v1_global_token_rejected_in_opt_in_region(sim: Simulator) -> None:
    creds = sim.add_user()
    status, body = _call(
        sim, creds, "sts.amazonaws.com", "us-east-1", "GetSessionToken"
    )
    assert status == 200
    v1 = _parse_credentials(body)
    status, _ = _call(
        sim, v1, "sts.eu-west-1.amazonaws.com", "eu-west-1", "GetCallerIdentity"
    )
    assert status == 200
    status, body = _call(
        sim, v1, "sts.af-south-1.amazonaws.com", "af-south-1", "GetCallerIdentity"
    )
    assert status == 403 and "InvalidClientTokenId" in body
    sim.global_endpoint_token_version = 2
    status, body = _call(
        sim, creds, "sts.amazonaws.com", "us-east-1", "GetSessionToken"
    )
    v2 = _parse_credentials(body)
    status, _ = _call(
        sim, v2, "sts.af-south-1.amazonaws.com", "af-south-1", "GetCallerIdentity"
    )
    assert status == 200


# -- the proxy itself ------------------------------------------------------------------
def test_unserved_host_is_refused_and_logged(sim: Simulator) -> None:
    with pytest.raises(OSError):
        _send(sim, "example.com", "GET", "/", {})
    assert sim.connects == ["example.com"]
    assert sim.requests == []


@pytest.mark.parametrize("state", ["refused", "hang"])
def test_global_endpoint_network_states(sim: Simulator, state: str) -> None:
    sim.set_global(state=state)
    creds = sim.add_user()
    started = time.monotonic()
    # http.client gives up on a hung CONNECT after its 10 s timeout; use a
    # raw socket with a short one instead.
    if state == "refused":
        with pytest.raises(OSError, match="502"):
            _call(sim, creds, "sts.amazonaws.com", "us-east-1", "GetCallerIdentity")
    else:
        import socket

        port = urlsplit(sim.proxy_url).port
        assert port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\n\r\n")
            client.settimeout(1)
            with pytest.raises(socket.timeout):
                client.recv(100)
    assert time.monotonic() - started < 5
    assert sim.connects == ["sts.amazonaws.com"] and sim.requests == []
    # Regional endpoints are unaffected.
    status, _ = _call(
        sim, creds, "sts.us-east-1.amazonaws.com", "us-east-1", "GetCallerIdentity"
    )
    assert status == 200


def test_other_services_hosts_have_network_states(sim: Simulator) -> None:
    organizations = "organizations.us-east-1.amazonaws.com"
    with pytest.raises(ValueError, match="set_region"):
        sim.set_host_state("sts.us-east-1.amazonaws.com", "hang")
    with pytest.raises(ValueError, match="no host"):
        sim.set_host_state("example.com", "hang")
    with pytest.raises(ValueError, match="unknown network state"):
        sim.set_host_state(organizations, "deactivated")
    sim.set_host_state(organizations, "refused")
    with pytest.raises(OSError, match="502"):
        _send(sim, organizations, "POST", "/", {})
    assert sim.connects == [organizations] and sim.requests == []
    # STS is unaffected, and reset makes the host active again.
    creds = sim.add_user()
    status, _ = _call(
        sim, creds, "sts.us-east-1.amazonaws.com", "us-east-1", "GetCallerIdentity"
    )
    assert status == 200
    sim.reset()
    status, _ = _send(sim, organizations, "POST", "/", {})
    assert status != 502 and len(sim.requests) == 1


def test_stop_ends_hung_tunnels() -> None:
    """A hung CONNECT must not keep stop() waiting."""
    import socket

    with Simulator() as sim:
        sim.set_region("eu-west-3", state="hang")
        port = urlsplit(sim.proxy_url).port
        assert port
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(
            b"CONNECT sts.eu-west-3.amazonaws.com:443 HTTP/1.1\r\n"
            b"Host: sts.eu-west-3.amazonaws.com:443\r\n\r\n"
        )
        deadline = time.monotonic() + 5
        while not sim.connects and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sim.connects == ["sts.eu-west-3.amazonaws.com"]
        started = time.monotonic()
    assert time.monotonic() - started < 3
    client.close()
