"""The ``credential_process`` bridge: ``aws-regional-sts credentials``.

Gives every tool that reads ``~/.aws/config`` (Terraform, the Go, Java and
JavaScript SDKs, kubectl, CLI v2 without plugins) credentials fetched with
the plugin's routing, through the standard ``credential_process`` setting.

Layers, top down: ``command.py`` (arguments, order of steps, messages) →
``resolver.py`` (botocore, loaded only on a cache miss) and ``store.py``
(the cache, no botocore) → ``profiles.py`` (reads the config files with the
standard library: cache key, loop and MFA checks) → ``model.py`` (data).
"""
