"""Build hook: compile the web UI's message catalogs (.po -> .mo) into every build.

Everything else about the package is declared in pyproject.toml. A hook is needed because only
the .po catalogs are committed (a compiled .mo would drift from its source) and setuptools
copies package data as it finds it: without this step, `pip install .` and every wheel would
ship no .mo, and the UI would fall back to English in every language. babel, which compiles
them, is a build requirement (pyproject.toml, [build-system]).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("service", "web", "translations")


def compile_catalog(po_path: Path, mo_path: Path) -> None:
    """Write the compiled form of one .po catalog, as `pybabel compile` does."""
    from babel.messages.mofile import write_mo  # imported here: a build requirement only
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with mo_path.open("wb") as mo_file:
        write_mo(mo_file, catalog)


class BuildPyWithCatalogs(build_py):
    """setuptools' build_py, then every translations/*/LC_MESSAGES/messages.po compiled."""

    def run(self) -> None:
        super().run()
        # An editable install imports the source tree, so its catalogs are compiled in place.
        target = Path() if self.editable_mode else Path(self.build_lib)
        for po_path in sorted(CATALOGS.glob("*/LC_MESSAGES/messages.po")):
            compile_catalog(po_path, target / po_path.with_suffix(".mo"))


setup(cmdclass={"build_py": BuildPyWithCatalogs})
