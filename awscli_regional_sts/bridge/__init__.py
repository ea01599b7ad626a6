"""The ``credential_process`` bridge: ``aws-regional-sts credentials``.

Gives every tool that reads ``~/.aws/config`` (Terraform, the Go, Java and
JavaScript SDKs, kubectl, CLI v2 without plugins) credentials fetched with
the plugin's routing, through the standard ``credential_process`` setting.

Layers, top down: ``command.py`` (arguments, order of steps, messages) →
``resolver.py`` (botocore, loaded only on a cache miss) and ``store.py``
(the cache, no botocore) → ``profiles.py`` (the profile chain: cache key,
loop and MFA checks) → ``configfiles.py`` (the config files read as botocore
reads them, with the standard library) → ``model.py`` (data).
"""
