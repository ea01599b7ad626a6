"""Every AWS action the commands that work on accounts send, in one place:
what the caller needs, and what the member role needs in each member
account. Least-privilege roles are written from these lists
(docs/organization.md#permissions), and error lines name actions with
these constants.

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

#: ``activation-check --organization``, the caller (the management account
#: or a delegated administrator): list the accounts, say who it is (AWS
#: never denies GetCallerIdentity), assume each member role (at every
#: region's endpoint: the probes). Its own account is checked as without
#: --organization: GetSessionToken for IAM user keys (or AssumeRole of the
#: profile's role), and the two facts below.
AUDIT_CALLER = (
    Action.LIST_ACCOUNTS,
    Action.GET_CALLER_IDENTITY,
    Action.ASSUME_ROLE,
    Action.GET_SESSION_TOKEN,
    Action.GET_ACCOUNT_SUMMARY,
    Action.LIST_REGIONS,
)
#: ``activation-check --organization``, the member role in each member
#: account (its trust policy must let the caller assume it): the account's
#: two facts, signed with the credentials a probe obtained. Without them the
#: check still runs; the facts are then null with the reason.
AUDIT_MEMBER = (Action.GET_ACCOUNT_SUMMARY, Action.LIST_REGIONS)
#: ``set-global-endpoint-token-version --organization``, the caller.
REMEDIATION_CALLER = (
    Action.LIST_ACCOUNTS,
    Action.GET_CALLER_IDENTITY,
    Action.ASSUME_ROLE,
    Action.GET_ACCOUNT_SUMMARY,
    Action.SET_TOKEN_PREFERENCES,
)
#: ``set-global-endpoint-token-version --organization``, the member role.
REMEDIATION_MEMBER = (Action.GET_ACCOUNT_SUMMARY, Action.SET_TOKEN_PREFERENCES)
