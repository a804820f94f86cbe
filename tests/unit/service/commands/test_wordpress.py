"""`moderato wordpress-plugin` prints the must-use plugin exactly as shipped."""

from click.testing import CliRunner

from service.commands.wordpress import wordpress_plugin
from tests.support.processes import REPO_ROOT

SOURCE = REPO_ROOT / "service" / "akismet" / "wordpress" / "moderato-akismet.php"


def test_wordpress_plugin_prints_the_must_use_plugin_byte_for_byte() -> None:
    result = CliRunner().invoke(wordpress_plugin)

    assert result.exit_code == 0, result.output
    assert result.output == SOURCE.read_text(encoding="utf-8")
    assert result.output.startswith("<?php\n/**\n * Plugin Name: Moderato for Akismet")
