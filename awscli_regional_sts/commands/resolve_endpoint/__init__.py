"""``aws sts resolve-endpoint``: where a profile's STS calls would go, sent nowhere."""
