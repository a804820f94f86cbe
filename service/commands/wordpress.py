"""`moderato wordpress-plugin` and `moderato wordpress connect`: what a WordPress site installs
and pastes to keep its comments in step with Moderato (docs/wordpress.md).

The plugin ships as package data (pyproject.toml), beside the Akismet-compatible API it talks
to: the must-use file alone (the Akismet redirection), and the full plugin's folder, zipped
for wp-admin's "Upload Plugin".
"""

import zipfile
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import click
from flask.cli import with_appcontext

from service.errors import DomainError
from service.webhooks.wordpress import WordPressConnection, connect_wordpress

WORDPRESS = files("service.akismet").joinpath("wordpress")
PLUGIN = WORDPRESS.joinpath("moderato-akismet.php")
PLUGIN_FOLDER = "moderato"  # the folder WordPress installs the zip into
ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # the same zip for the same files, whenever it is built
DEFAULT_MODERATO_URL = "http://127.0.0.1:8000"  # `moderato web`'s own address


@click.command("wordpress-plugin")
@click.option("--zip", "zip_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full plugin as a zip, for wp-admin's Upload Plugin.")  # fmt: skip
def wordpress_plugin(zip_path: Path | None) -> None:
    """Print the WordPress must-use plugin (save it as wp-content/mu-plugins/moderato-akismet.php
    and set MODERATO_AKISMET_URL in wp-config.php), or write the full plugin's zip."""
    if zip_path is None:
        click.echo(PLUGIN.read_text(encoding="utf-8"), nl=False)
        return
    count = write_plugin_zip(zip_path)
    click.echo(f"wrote {zip_path} ({count} files); install it under Plugins → Add New → Upload")


def write_plugin_zip(path: Path) -> int:
    """The plugin's folder as a zip WordPress can install; how many files it holds."""
    entries = sorted(plugin_files(WORDPRESS.joinpath(PLUGIN_FOLDER), PLUGIN_FOLDER))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, source in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    return len(entries)


def plugin_files(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    """(name in the zip, file) for each PHP file under `folder` (symlinks read as files)."""
    for entry in folder.iterdir():
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            yield from plugin_files(entry, name)
        elif entry.name.endswith(".php"):
            yield name, entry


@click.group("wordpress")
def wordpress_group() -> None:
    """Connect a WordPress site to Moderato."""


@wordpress_group.command("connect")
@click.option("--site", "slug", required=True, help="The site's slug.")
@click.option("--url", "wordpress_url", required=True, help="The WordPress site's address.")
@click.option(
    "--moderato-url",
    envvar="MODERATO_PUBLIC_URL",
    default=DEFAULT_MODERATO_URL,
    show_default=True,
    help="Where WordPress reaches Moderato's API (moderato web).",
)
@click.option(
    "--akismet-url",
    help="Where WordPress reaches `moderato akismet`, when that is "
    "not the same address as --moderato-url.",
)
@click.option("--site-key", help="The site's key, if you have it; default: a new one.")
@click.option("--akismet-key", help="The site's Akismet key, if you have it; default: a new one.")
@with_appcontext
def connect(
    slug: str,
    wordpress_url: str,
    moderato_url: str,
    akismet_url: str | None,
    site_key: str | None,
    akismet_key: str | None,
) -> None:  # fmt: skip
    """Create the webhook endpoint of a WordPress site's Moderato plugin, and print the
    settings to paste into its wp-config.php (shown only now)."""
    try:
        connection = connect_wordpress(
            slug, wordpress_url, site_key=site_key, akismet_key=akismet_key
        )
    except DomainError as error:
        details = "; ".join(f"{name}: {text}" for name, text in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from error
    click.echo(f"endpoint: {connection.endpoint_id} ({connection.events_url})")
    if connection.new_keys:
        click.echo(f"new: {', '.join(connection.new_keys)} (the old ones stop working)")
    click.echo('Paste into wp-config.php, above "That\'s all, stop editing!":')
    for name, value in wp_config_constants(connection, moderato_url, akismet_url):
        click.echo(f"define( '{name}', '{value}' );")
    click.echo("Then install the plugin: moderato wordpress-plugin --zip moderato.zip, and in "
               "wp-admin Plugins → Add New → Upload Plugin, then Activate.")  # fmt: skip


def wp_config_constants(
    connection: WordPressConnection, moderato_url: str, akismet_url: str | None
) -> list[tuple[str, str]]:
    """The plugin's constants, in the order the docs list them."""
    constants = [
        ("MODERATO_URL", moderato_url.rstrip("/")),
        ("MODERATO_SITE_KEY", connection.site_key),
        ("MODERATO_AKISMET_KEY", connection.akismet_key),
        ("MODERATO_WEBHOOK_SECRET", connection.webhook_secret),
    ]
    if akismet_url:
        constants.append(("MODERATO_AKISMET_URL", akismet_url.rstrip("/")))
    return [(name, php_quoted(value)) for name, value in constants]


def php_quoted(value: str) -> str:
    """A value safe inside a single-quoted PHP string."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
