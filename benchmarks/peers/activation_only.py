"""Activation only: which regions issue credentials for every account.

python activation_only.py REGION,REGION,...   # one JSON line per account
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

REGIONS = sys.argv[1].split(",")
ROLE = "OrganizationAccountAccessRole"
CONFIG = Config(
    max_pool_connections=16, retries={"total_max_attempts": 1}, read_timeout=5
)

session = boto3.session.Session()
me = session.client("sts").get_caller_identity()["Account"]
pages = session.client("organizations").get_paginator("list_accounts").paginate()
accounts = [a["Id"] for p in pages for a in p["Accounts"] if a["Status"] == "ACTIVE"]
sts = {r: session.client("sts", region_name=r, config=CONFIG) for r in REGIONS}


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


with ThreadPoolExecutor(16) as pool:
    pairs = [(a, r) for a in accounts for r in REGIONS]
    found = list(pool.map(lambda pair: probe(*pair), pairs))
for index, account in enumerate(accounts):
    row = found[index * len(REGIONS) : (index + 1) * len(REGIONS)]
    print(json.dumps({"AccountId": account, "Regions": dict(zip(REGIONS, row))}))
