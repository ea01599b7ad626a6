"""The IAM actions the commands that work on accounts send, as a policy
names them: error lines and the tables that need an action name it with
these members (the activation check's account facts:
``activation/model/account_facts.py``, whose actions a unit test holds to
deploy/member-role.yaml; the token version change:
``token_version/plan.py``). Who needs which is in
docs/organization.md#permissions.

Plain data; nothing here talks to AWS.
"""

from __future__ import annotations

from awscli_regional_sts.aws.status import Word


class Action(Word):
    """An IAM action, as a policy names it."""

    LIST_ACCOUNTS = "organizations:ListAccounts"
    GET_CALLER_IDENTITY = "sts:GetCallerIdentity"
    ASSUME_ROLE = "sts:AssumeRole"
    GET_SESSION_TOKEN = "sts:GetSessionToken"  # nosec B105  # a name (IAM action, API or report field), not a password
    GET_ACCOUNT_SUMMARY = "iam:GetAccountSummary"
    SET_TOKEN_PREFERENCES = "iam:SetSecurityTokenServicePreferences"  # nosec B105  # a name (IAM action, API or report field), not a password
    LIST_REGIONS = "account:ListRegions"


GET_ACCOUNT_SUMMARY = Action.GET_ACCOUNT_SUMMARY.value
SET_TOKEN_PREFERENCES = Action.SET_TOKEN_PREFERENCES.value
LIST_REGIONS = Action.LIST_REGIONS.value
