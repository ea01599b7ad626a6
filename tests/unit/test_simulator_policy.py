"""The simulator's policy engine (testing/simulator/policy.py) on the
caller role's organization condition: ``aws:ResourceOrgID`` compared with
the policy variable ``${aws:PrincipalOrgID}``; a key missing from the
request (an account outside any organization) matches nothing."""

from __future__ import annotations

from testing.simulator.policy import decide

ROLE = "arn:aws:iam::222222222222:role/StsActivationAuditRole"
POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::*:role/StsActivationAuditRole",
            "Condition": {
                "StringEquals": {"aws:ResourceOrgID": "${aws:PrincipalOrgID}"}
            },
        }
    ]
}


def test_same_organization_allowed() -> None:
    context = {
        "aws:PrincipalOrgID": "o-a1b2c3d4e5",
        "aws:ResourceOrgID": "o-a1b2c3d4e5",
    }
    assert decide([POLICY], "sts:AssumeRole", ROLE, context) == "allow"


def test_another_organization_or_none_refused() -> None:
    other = {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:ResourceOrgID": "o-zzzzzzzzzz"}
    assert decide([POLICY], "sts:AssumeRole", ROLE, other) is None
    outside = {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}
    assert decide([POLICY], "sts:AssumeRole", ROLE, outside) is None
    # A caller outside any organization: the variable has no value, and
    # matches nothing (not even an empty ResourceOrgID).
    assert decide([POLICY], "sts:AssumeRole", ROLE, {"aws:ResourceOrgID": ""}) is None
    assert decide([POLICY], "sts:AssumeRole", ROLE, {}) is None
