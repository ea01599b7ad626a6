"""The boto3 loop an administrator writes instead of
`aws sts set-global-endpoint-token-version --organization`: per account,
AssumeRole of the member role, GetAccountSummary, and
SetSecurityTokenServicePreferences where the version differs.

    python token_version.py v2Token   # one JSON line per account
"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

TARGET = sys.argv[1]
ROLE = "OrganizationAccountAccessRole"
CONFIG = Config(max_pool_connections=16)

session = boto3.session.Session()
sts = session.client("sts", config=CONFIG)
me = sts.get_caller_identity()["Account"]
pages = session.client("organizations").get_paginator("list_accounts").paginate()
accounts = [a["Id"] for p in pages for a in p["Accounts"] if a["Status"] == "ACTIVE"]
creating = threading.Lock()  # a boto3 session does not create clients thread-safely


def move(account):
    keys = {}
    if account != me:
        arn = f"arn:aws:iam::{account}:role/{ROLE}"
        issued = sts.assume_role(RoleArn=arn, RoleSessionName="tokens")
        credentials = issued["Credentials"]
        keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
    with creating:
        iam = session.client("iam", **keys)
    summary = iam.get_account_summary()["SummaryMap"]
    before = {1: "v1Token", 2: "v2Token"}[summary["GlobalEndpointTokenVersion"]]
    if before != TARGET:
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion=TARGET)
    return {"AccountId": account, "Before": before, "Changed": before != TARGET}


with ThreadPoolExecutor(16) as pool:
    for line in pool.map(move, accounts):
        print(json.dumps(line))
