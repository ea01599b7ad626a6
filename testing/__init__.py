"""Test tooling shared by the tests, the benchmarks and `make demo`.

- `testing.simulator`: a local AWS STS simulator that real, unpatched
  clients reach through an HTTPS proxy on 127.0.0.1.
- `testing.clients`: runs the real clients (AWS CLI v1, legacy v1, v2,
  boto3) in child processes with a throwaway AWS home.

Nothing here imports pytest (tests/ adds the pytest layer), and none of it
ships: pyproject.toml packages only `awscli_regional_sts`.
"""
