"""What STS's operations are, as far as routing and activation care: the
one list of the operations that only regional endpoints serve, and which
operations can prove that STS is active in a region.

Standard library only: ``doctor`` (lifecycle/, no botocore) reads it too.
The facts and their sources are in docs/sts-facts.md ("STS in 2026").
"""

from __future__ import annotations

#: Operations that only regional STS endpoints serve; the global endpoint
#: (sts.amazonaws.com) does not. A profile whose STS calls go to the global
#: endpoint needs ``sts_region`` for them.
#:
#: - AssumeRoot (botocore 1.35.61, 2024-11): its model says "The STS global
#:   endpoint is not supported for AssumeRoot"; users report
#:   ``InvalidAction: Unknown Operation`` from sts.amazonaws.com
#:   (boto/boto3#4461). Confirmed.
#: - GetDelegatedAccessToken (botocore 1.40.70, 2025-11): no document says
#:   whether the global endpoint serves it; listed so that a warning never
#:   misses it. Unconfirmed.
#: - GetWebIdentityToken (botocore 1.41.0, 2025-11, outbound identity
#:   federation): its model says it "is not available on the STS Global
#:   endpoint". Confirmed by the model.
REGIONAL_ONLY_OPERATIONS: tuple[str, ...] = (
    "AssumeRoot",
    "GetDelegatedAccessToken",
    "GetWebIdentityToken",
)

#: Operations whose model lists RegionDisabledException: an answer other
#: than that error from one of them, in a region, shows STS active there
#: (botocore's STS model, service-2.json, 1.42+).
PROVES_ACTIVATION: tuple[str, ...] = (
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "GetFederationToken",
    "GetSessionToken",
    "GetDelegatedAccessToken",
)

#: Operations that answer in a region where STS is deactivated (their model
#: lists no RegionDisabledException; GetCallerIdentity's answer there is
#: reported by users and, per a thread quoting AWS Support, by AWS:
#: hashicorp/terraform#6536, aws/aws-sdk-go-v2#2846). Their success proves
#: the credentials, never the region's activation.
ANSWERS_WHEN_DEACTIVATED: tuple[str, ...] = (
    "GetCallerIdentity",
    "GetAccessKeyInfo",
    "DecodeAuthorizationMessage",
    "GetWebIdentityToken",
)


def is_regional_only(operation: str) -> bool:
    """Whether the global STS endpoint does not serve ``operation``."""
    return operation in REGIONAL_ONLY_OPERATIONS


def proves_activation(operation: str) -> bool:
    """Whether a non-RegionDisabled answer to ``operation`` shows STS active
    in the region that answered."""
    return operation in PROVES_ACTIVATION and operation not in ANSWERS_WHEN_DEACTIVATED
