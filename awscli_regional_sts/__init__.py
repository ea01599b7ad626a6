"""Send AWS STS calls to a regional STS endpoint, opted in per profile.

Two entry points:

* ``awscli_initialize(cli)``: called by the AWS CLI (v1 ``[plugins]``, v2
  ``cli_legacy_plugin_path``) with the CLI's event emitter.
* ``register(session)``: for boto3 and botocore, one call per session.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
