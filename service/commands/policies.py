"""`moderato sites policy`: a site's policy document, its versions and restoring one."""

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from models import SitePolicyVersion
from service.accounts import policies
from service.accounts.policy_versions import OPERATOR
from service.commands.errors import click_errors

POLICY_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("policy")
def policy_group() -> None:
    """Show, set, list and restore a site's policy (every change is a version)."""


@policy_group.command("show")
@click.argument("slug")
@with_appcontext
def show(slug: str) -> None:
    """Print the site's policy in force, as JSON with its version."""
    current = run(policies.get_policy, slug)
    click.echo(json.dumps(describe(current), indent=2, ensure_ascii=False))


@policy_group.command("set")
@click.argument("slug")
@click.argument("path", type=POLICY_FILE, metavar="FILE")
@with_appcontext
def set_policy(slug: str, path: Path) -> None:
    """Replace the site's policy with the JSON document in FILE (keys left out take their
    defaults), as a new version by `operator`."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path} is not JSON: {error}") from error
    saved = run(policies.set_policy, slug, document, OPERATOR)
    click.echo(f"{slug}: policy version {saved.version}")


@policy_group.command("history")
@click.argument("slug")
@with_appcontext
def history(slug: str) -> None:
    """Every version, newest first: when, by whom, and what changed."""
    for version in run(policies.list_versions, slug):
        changes = ", ".join(
            f"{key}: {json.dumps(change['before'])} -> {json.dumps(change['after'])}"
            for key, change in version.diff.items()
        )
        when = version.created_at.isoformat(timespec="seconds")
        click.echo(f"v{version.version}  {when}  {version.created_by}  {changes or '-'}")


@policy_group.command("restore")
@click.argument("slug")
@click.argument("version", type=click.IntRange(min=1))
@with_appcontext
def restore(slug: str, version: int) -> None:
    """Save a new version with the document of VERSION."""
    saved = run(policies.restore_version, slug, version, OPERATOR)
    click.echo(f"{slug}: policy version {saved.version} (the document of version {version})")


def run(function: Any, *args: Any) -> Any:
    """Call a service, turning its domain errors into the CLI's (field by field)."""
    with click_errors():
        return function(*args)


def describe(version: SitePolicyVersion) -> dict[str, Any]:
    """The document with its version, time and author."""
    return {
        **version.document,
        "version": version.version,
        "updated_at": version.created_at.isoformat(),
        "updated_by": version.created_by,
    }
