"""``aws-regional-sts enable | disable | doctor``: install, remove and check
the plugin for the AWS CLIs on this machine. Runs outside any ``aws``
process, and starts without botocore."""
