"""`make run` installs only what running needs; the tests and linters add the dev tools.

Checked with `make --dry-run --always-make`, which prints every command a target would run
from a fresh clone (nothing is executed): what a newcomer's first `make run` would do.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def planned_commands(target: str) -> list[str]:
    """The commands `make TARGET` would run on a fresh clone, one per line."""
    make = shutil.which("make")
    assert make is not None, "make is needed to read the Makefile"
    options = ["--dry-run", "--always-make", "--no-print-directory", "--directory", str(REPO)]
    printed = subprocess.run(  # noqa: S603 - fixed arguments, our own Makefile
        [make, *options, target], capture_output=True, text=True, check=True
    )
    return printed.stdout.splitlines()


def dev_only(commands: list[str]) -> list[str]:
    """The commands that need Node or install the dev tools."""
    return [
        command
        for command in commands
        if command.split()[:1] == ["npm"] or "npm " in command or "requirements-dev.lock" in command
    ]


def test_make_run_never_calls_npm_nor_installs_the_dev_tools() -> None:
    commands = planned_commands("run")
    assert any("pip install --quiet -r requirements.lock" in c for c in commands)
    assert any("pybabel compile" in c for c in commands)  # the Italian UI works from `make run`
    assert commands[-1].endswith("moderato serve")
    assert dev_only(commands) == []
    assert not any("akismet-sdist" in c or "--no-binary" in c for c in commands)


@pytest.mark.parametrize("target", ["test", "test-fast", "lint", "install"])
def test_the_test_and_lint_targets_add_the_dev_tools(target: str) -> None:
    commands = planned_commands(target)
    assert any("pip install --quiet -r requirements-dev.lock" in c for c in commands)
    if target != "lint":  # the browser tests inject axe-core; the akismet client's own tests
        assert any(c.startswith("npm ci") for c in commands)
        assert any("--no-binary :all:" in c for c in commands)
