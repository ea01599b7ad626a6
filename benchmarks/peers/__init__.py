"""The boto3 scripts an administrator writes instead of
`aws sts activation-check --organization`: the references the product is
measured against (benchmarks/organization_peers.py). Each runs as its own
process with boto3 and nothing of the plugin."""
