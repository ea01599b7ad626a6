"""The same findings as `activation-check --organization`: activation per
region, and each account's GlobalEndpointTokenVersion (IAM
GetAccountSummary) and opt-in regions (Account Management ListRegions),
signed by the member role.

    python same_findings.py REGION,REGION,...   # one JSON line per account
    python same_findings.py REGION,... adaptive:10   # botocore's adaptive retries

The second argument, if any, is the retry configuration a user writes
against throttling: botocore's ``adaptive`` mode (client-side rate limiting
and retries with back-off) with that many attempts in all; without it, one
attempt (benchmarks/organization_peers.py's comparison).
"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

REGIONS = sys.argv[1].split(",")
ROLE = "OrganizationAccountAccessRole"
RETRIES = {"total_max_attempts": 1}
if len(sys.argv) > 2:
    MODE, ATTEMPTS = sys.argv[2].split(":")
    RETRIES = {"mode": MODE, "max_attempts": int(ATTEMPTS)}
CONFIG = Config(max_pool_connections=16, retries=RETRIES, read_timeout=5)

session = boto3.session.Session()
me = session.client("sts").get_caller_identity()["Account"]
pages = session.client("organizations").get_paginator("list_accounts").paginate()
accounts = [a["Id"] for p in pages for a in p["Accounts"] if a["Status"] == "ACTIVE"]
sts = {r: session.client("sts", region_name=r, config=CONFIG) for r in REGIONS}
creating = threading.Lock()  # a boto3 session does not create clients thread-safely


def probe(account, region):
    client = sts[region]
    try:
        if account == me:  # the management account has no member role
            client.get_session_token(DurationSeconds=900)
        else:
            arn = f"arn:aws:iam::{account}:role/{ROLE}"
            client.assume_role(RoleArn=arn, RoleSessionName="audit")
        return "active"
    except client.exceptions.RegionDisabledException:
        return "inactive"
    except Exception as error:
        return f"unknown: {error}"


def facts(account):
    keys = {}
    try:
        if account != me:
            arn = f"arn:aws:iam::{account}:role/{ROLE}"
            issued = sts[REGIONS[0]].assume_role(RoleArn=arn, RoleSessionName="audit")
            credentials = issued["Credentials"]
            keys = {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        with creating:
            iam = session.client("iam", **keys)
            account_client = session.client("account", **keys)
        summary = iam.get_account_summary()["SummaryMap"]
        listed = account_client.list_regions(MaxResults=50)
        opt_in = {r["RegionName"]: r["RegionOptStatus"] for r in listed["Regions"]}
        return summary.get("GlobalEndpointTokenVersion"), opt_in
    except Exception as error:
        return f"unknown: {error}", {}


with ThreadPoolExecutor(16) as pool:
    pairs = [(a, r) for a in accounts for r in REGIONS]
    found = pool.map(lambda pair: probe(*pair), pairs)
    known = pool.map(facts, accounts)
    found, known = list(found), list(known)
for index, account in enumerate(accounts):
    row = found[index * len(REGIONS) : (index + 1) * len(REGIONS)]
    version, opt_in = known[index]
    line = {"AccountId": account, "Regions": dict(zip(REGIONS, row))}
    line.update(TokenVersion=version, OptIn=opt_in)
    print(json.dumps(line))
