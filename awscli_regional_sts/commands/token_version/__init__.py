"""``aws sts set-global-endpoint-token-version``: which session tokens the
STS global endpoint issues, set account by account (IAM
SetSecurityTokenServicePreferences), for the caller's account, named
accounts or a whole organization.

Modules, from the CLI glue down: ``command`` (the ``BasicCommand`` and its
command-table entry; imported for every ``aws sts ...`` command, so it
imports nothing else), ``arg_table`` (its options and help, loaded on use),
``run`` (checks, runs, prints, exit status), ``arguments``,
``remediation`` (the accounts, reached as ``commands/accounts`` does),
``plan`` (one account's read-then-write and the summary, plain data).
"""
