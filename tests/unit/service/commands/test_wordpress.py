"""`moderato wordpress-plugin` prints the must-use plugin exactly as shipped, and writes the
full plugin's zip."""

import zipfile
from pathlib import Path

from click.testing import CliRunner

from service.commands.wordpress import wordpress_plugin
from tests.support.processes import REPO_ROOT

SOURCE = REPO_ROOT / "service" / "akismet" / "wordpress" / "moderato-akismet.php"
FOLDER = REPO_ROOT / "service" / "akismet" / "wordpress" / "moderato"


def test_wordpress_plugin_prints_the_must_use_plugin_byte_for_byte() -> None:
    result = CliRunner().invoke(wordpress_plugin)

    assert result.exit_code == 0, result.output
    assert result.output == SOURCE.read_text(encoding="utf-8")
    assert result.output.startswith("<?php\n/**\n * Plugin Name: Moderato for Akismet")


def test_wordpress_plugin_zip_holds_the_plugin_folder_as_wordpress_installs_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "moderato.zip"

    result = CliRunner().invoke(wordpress_plugin, ["--zip", str(target)])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        shipped = {
            f"moderato/{path.relative_to(FOLDER).as_posix()}" for path in FOLDER.rglob("*.php")
        }
        assert names == shipped
        assert "moderato/moderato.php" in names
        main_file = archive.read("moderato/moderato.php").decode()
        # The Akismet redirection is the must-use file itself, as a file in the zip.
        assert archive.read("moderato/includes/akismet.php") == SOURCE.read_bytes()
    assert "Plugin Name: Moderato\n" in main_file
