"""``aws sts activation-check`` for the caller's own account, in process
(tests/unit/in_process/harness.py says why): the CLI glue and the run tier
the end-to-end tests reach in client processes."""

from __future__ import annotations

from tests.unit.in_process.harness import InProcessAws

CHECK = ("sts", "activation-check")


def test_every_status_of_a_user_keys_account(aws: InProcessAws) -> None:
    user = aws.simulator.add_user("alice")
    aws.aws_env.config = "[default]\nregion = us-east-1\n"
    aws.aws_env.add_keys("default", user)
    aws.simulator.set_region("eu-west-1", state="deactivated")
    aws.simulator.set_region("ap-east-1", state="not-enabled")
    aws.simulator.set_region("eu-west-2", state="refused")
    regions = ("us-east-1", "eu-west-1", "ap-east-1", "eu-west-2")

    result = aws.run(*CHECK, "--regions", *regions, "--timeout", "2")

    assert result.returncode == 0, result.output
    report = result.json()
    status = {row["Region"]: row["Status"] for row in report["Regions"]}
    assert status == {
        "us-east-1": "active",
        "eu-west-1": "inactive",
        "ap-east-1": "not-enabled",
        "eu-west-2": "unreachable",
    }
    assert report["Probe"].startswith("GetSessionToken")
    assert report["Recommendation"]["Command"] == (
        "aws configure set sts_region us-east-1 --profile default"
    )
    for secret in aws.simulator.issued_secrets():
        assert secret not in result.output
