"""The throwaway certificate authority and the server certificate that names
every served host. Key generation is slow, so both are made once per process."""

from __future__ import annotations

import atexit
import functools
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .endpoints import host_catalog


@dataclass(frozen=True)
class TlsMaterial:
    """Where clients find the CA, and the server-side TLS context."""

    ca_bundle: str
    server_context: ssl.SSLContext


@functools.cache
def tls_material() -> TlsMaterial:
    """Create the CA and the server certificate (once per process)."""
    import trustme

    ca = trustme.CA(organization_name="awscli-regional-sts test CA")
    cert = ca.issue_cert(*sorted(host_catalog()))
    directory = tempfile.mkdtemp(prefix="sts-sim-ca-")
    # The CA file must outlive every Simulator of the process, so it goes
    # away at interpreter exit rather than at Simulator.stop().
    atexit.register(shutil.rmtree, directory, True)
    path = Path(directory) / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return TlsMaterial(str(path), context)
