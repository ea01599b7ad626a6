"""The pytest layer over `testing.clients`: its plain exceptions become
pytest outcomes.

`client_outcome()` wraps every end-to-end test's set-up and call (see
conftest.py), so tests call the runner directly and never catch these.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from testing.clients import ClientFailed, ClientMissing


@contextmanager
def client_outcome() -> Iterator[None]:
    """A missing client skips, saying why (on CI, where every client must
    be installed, it fails); a client that had to succeed and did not
    fails the test with both of its streams and no Python traceback."""
    # `from None`: the report holds the message alone, without the
    # runner's exception chained before it.
    try:
        yield
    except ClientFailed as failed:
        raise pytest.fail.Exception(str(failed), pytrace=False) from None
    except ClientMissing as missing:
        if os.environ.get("CI"):
            message = f"{missing}; CI must have every client"
            raise pytest.fail.Exception(message, pytrace=False) from None
        raise pytest.skip.Exception(str(missing)) from None
