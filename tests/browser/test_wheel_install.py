"""A built wheel carries the compiled catalogs: installed into a fresh virtualenv and run from
outside the source tree, its web UI answers in Italian.

Only the .po catalogs are committed, so this fails if the build stops compiling them
(setup.py): the UI would then show English under the Italian language switch.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.support.processes import REPO_ROOT, free_port, port_open, wait_for

# What a fresh clone has of the package (no compiled .mo, no caches), to build from.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "service", "models", "workers", "classifier")
CATALOG = "service/web/translations/it/LC_MESSAGES/messages.mo"
NAME, PASSWORD = "giulia", "una password lunga"


@dataclass(frozen=True)
class Installed:
    """A virtualenv with the wheel installed, and where to run it from."""

    venv: Path
    wheel: Path
    workdir: Path  # outside the repository
    env: dict[str, str]

    def moderato(self, *args: str, stdin: str | None = None) -> str:
        """Run the installed `moderato` and return what it printed."""
        done = subprocess.run(  # noqa: S603 - the installed console script, fixed arguments
            [str(self.venv / "bin" / "moderato"), *args],
            cwd=self.workdir, env=self.env, input=stdin, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def copy_sources(target: Path) -> None:
    """The package's files as a clone has them: no .mo, whatever the working tree holds."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def run(*command: str | Path, cwd: Path) -> None:
    done = subprocess.run(  # noqa: S603 - fixed commands of this test
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from the sources, installed with --no-deps into a new virtualenv that
    borrows the dependencies of this one (a .pth file), so nothing is downloaded for them."""
    root = tmp_path_factory.mktemp("wheel")
    source, dist, venv, workdir = root / "src", root / "dist", root / "venv", root / "run"
    source.mkdir()
    workdir.mkdir()
    copy_sources(source)
    # pip's build isolation brings the build requirements of pyproject.toml (setuptools, babel)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source, cwd=root)
    wheel = next(dist.glob("moderato-*.whl"))
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    new_site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # Only a site directory's own .pth files run, so this one's editable install of Moderato
    # (a .pth of its own) stays out: `service` can come from the wheel alone.
    (new_site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
        "--quiet", "--no-deps", "--no-index", wheel, cwd=root)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MODERATO_", "PYTHON"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env |= {"MODERATO_DATA_DIR": str(root / "data"), "PATH": f"{venv / 'bin'}:{env['PATH']}"}
    return Installed(venv, wheel, workdir, env)


@pytest.fixture(scope="module")
def web_url(installed: Installed) -> Iterator[str]:
    """The installed `moderato web` (gunicorn) on SQLite, with a moderator who has a password."""
    installed.moderato("db", "upgrade")
    installed.moderato("sites", "create", "Il Quotidiano")
    installed.moderato("moderators", "create", NAME, "--site", "il-quotidiano")
    installed.moderato("moderators", "set-password", NAME, "--password-stdin", stdin=PASSWORD)
    port = free_port()
    log = (installed.workdir / "web.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - the installed console script
        [str(installed.venv / "bin" / "moderato"), "web", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        cwd=installed.workdir, env=installed.env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: port_open(port) or server.poll() is not None, timeout=60)
        assert server.poll() is None, (installed.workdir / "web.log").read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_wheel_holds_the_compiled_italian_catalog(installed: Installed) -> None:
    assert CATALOG in zipfile.ZipFile(installed.wheel).namelist()


def test_the_installed_package_is_the_wheel_not_the_source_tree(installed: Installed) -> None:
    where = subprocess.run(  # noqa: S603 - fixed command
        [str(installed.venv / "bin" / "python"), "-c", "import service; print(service.__file__)"],
        cwd=installed.workdir, env=installed.env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(installed.venv)
    assert not Path(where).is_relative_to(REPO_ROOT)


def test_the_web_ui_of_an_installed_wheel_is_in_italian(browser: Browser, web_url: str) -> None:
    context = browser.new_context(locale="it-IT")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{web_url}/moderate/login")
        expect(page.locator("h1")).to_have_text("Accedi per moderare")
        page.locator("#name").fill(NAME)
        page.locator("#password").fill(PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_url(f"{web_url}/moderate/")
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.get_by_role("button", name="Esci")).to_be_visible()
        assert "Sign out" not in page.content()
    finally:
        context.close()
