"""pytest plugin for the PyPI akismet client's own tests: point the client at Moderato.

The client's API address is the module constant `akismet._common._API_URL`, read on every
request; this sets it from MODERATO_AKISMET_API_URL before any test runs. Loaded with
`-p moderato_akismet_url` (tests/e2e/akismet/test_python_client.py).
"""

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Send the client's requests to the Moderato server under test."""
    from akismet import _common

    _common._API_URL = os.environ["MODERATO_AKISMET_API_URL"]
