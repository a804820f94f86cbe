"""Every PHP file we ship or run in WordPress parses (`php -l`), on the PHP this machine has."""

import shutil
import subprocess

import pytest

from tests.support.processes import REPO_ROOT

PHP_FILES = sorted(
    [
        *(REPO_ROOT / "service" / "akismet" / "wordpress").rglob("*.php"),
        *(REPO_ROOT / "tests" / "support" / "wordpress").rglob("*.php"),
    ]
)


def test_there_are_php_files_to_check() -> None:
    names = {path.name for path in PHP_FILES}
    assert {"moderato-akismet.php", "moderato.php", "events.php", "reports.php"} <= names


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_php_lint_passes(path: object) -> None:
    php = shutil.which("php")
    assert php is not None, "php is needed (apt-get install php-cli); `.ci/run` installs it"
    done = subprocess.run([php, "-l", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
