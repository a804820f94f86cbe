"""`moderato wordpress-plugin`: print the must-use plugin that sends WordPress's Akismet calls
to Moderato, so a deployment installed from the image or a wheel can copy it to WordPress
(README, "WordPress")."""

from importlib.resources import files

import click

# Shipped as package data (pyproject.toml), beside the Akismet-compatible API it talks to.
PLUGIN = files("service.akismet").joinpath("wordpress", "moderato-akismet.php")


@click.command("wordpress-plugin")
def wordpress_plugin() -> None:
    """Print the WordPress must-use plugin; save it as
    wp-content/mu-plugins/moderato-akismet.php and set MODERATO_AKISMET_URL in wp-config.php."""
    click.echo(PLUGIN.read_text(encoding="utf-8"), nl=False)
