"""The unchanged PyPI `akismet` client (25.10.1) runs its own end-to-end tests against a real
`moderato akismet` process.

Those tests ship in the client's sdist (`tests/end_to_end`), which `make install` fetches with
a pinned hash into .cache/. They run in a pytest of their own (their `tests` package and
conftest would clash with ours), in the unpacked sdist, with a small plugin of ours setting
the client's API address (tests/support/akismet_client/).
"""

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.support.akismet_server import running_akismet_server
from tests.support.processes import REPO_ROOT

VERSION = "25.10.1"
SDIST = REPO_ROOT / ".cache" / f"akismet-{VERSION}.tar.gz"
PLUGIN_DIR = REPO_ROOT / "tests" / "support" / "akismet_client"
# 13 tests for each of the sync and async clients (valid and invalid keys, spam, ham, submits).
EXPECTED_PASSED = 26


@pytest.fixture
def client_tests(tmp_path: Path) -> Path:
    """The client's sdist, unpacked; its root holds its tests and pytest settings."""
    if not SDIST.exists():
        pytest.fail(f"{SDIST} is missing: run `make install`, which fetches it from PyPI")
    with tarfile.open(SDIST) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / f"akismet-{VERSION}"


def test_the_pypi_client_passes_its_own_end_to_end_tests(
    client_tests: Path, tmp_path: Path
) -> None:
    with running_akismet_server(tmp_path / "server") as server:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env |= {
            "PYTHONPATH": str(PLUGIN_DIR),
            "MODERATO_AKISMET_API_URL": server.url,
            "PYTHON_AKISMET_API_KEY": server.key,
            "PYTHON_AKISMET_BLOG_URL": "https://www.ilquotidiano.example/",
        }
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "moderato_akismet_url", "-p",
             "no:cacheprovider", "-m", "end_to_end", "-rA", "tests/end_to_end"],
            cwd=client_tests, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, summary
    assert int(passed.group(1)) == EXPECTED_PASSED, summary
    assert not re.search(r"skipped|xfail|error", summary), summary
