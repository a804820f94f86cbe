"""`moderato sites` and `moderato moderators`: what an operator sets up."""

import sys

import click
from flask.cli import with_appcontext

from models import ModerationMode, PolicyDefaults, Site, SiteRole
from service.accounts import moderators, passwords, sites
from service.commands.errors import click_errors
from service.commands.policies import policy_group

UNFAMILIAR_HELP = (
    "Hold for a human a comment with a smaller share of words the classifier has seen "
    "(0 never holds one for that)."
)


@click.group("sites")
def sites_group() -> None:
    """Manage sites."""


@sites_group.command("create")
@click.argument("name")
@click.option("--slug", help="URL-safe identifier; derived from NAME if omitted.")
@click.option(
    "--mode", type=click.Choice(ModerationMode.ALL), default=PolicyDefaults.MODERATION_MODE
)
@click.option("--reject-above", type=click.FloatRange(0, 1),
              default=PolicyDefaults.AUTO_REJECT_ABOVE, show_default=True)  # fmt: skip
@click.option("--approve-below", type=click.FloatRange(0, 1),
              default=PolicyDefaults.AUTO_APPROVE_BELOW, show_default=True)  # fmt: skip
@click.option("--hold-unfamiliar-below", type=click.FloatRange(0, 1),
              default=PolicyDefaults.HOLD_UNFAMILIAR_BELOW, show_default=True,
              help=UNFAMILIAR_HELP)  # fmt: skip
@with_appcontext
def create_site(
    name: str,
    slug: str | None,
    mode: str,
    reject_above: float,
    approve_below: float,
    hold_unfamiliar_below: float,
) -> None:
    """Create a site and print its API key (shown only once)."""
    with click_errors():
        new = sites.create_site(
            name, slug=slug, moderation_mode=mode,
            auto_reject_above=reject_above, auto_approve_below=approve_below,
            hold_unfamiliar_below=hold_unfamiliar_below,
        )  # fmt: skip
    click.echo(f"site: {new.site.slug}")
    click.echo(f"api key: {new.api_key}")
    click.echo(f"akismet key: {new.akismet_key}")
    click.echo("Store the keys now: only their hashes are kept.")


@sites_group.command("update")
@click.argument("slug")
@click.option("--mode", type=click.Choice(ModerationMode.ALL))
@click.option("--reject-above", type=click.FloatRange(0, 1))
@click.option("--approve-below", type=click.FloatRange(0, 1))
@click.option("--hold-unfamiliar-below", type=click.FloatRange(0, 1), help=UNFAMILIAR_HELP)
@click.option(
    "--akismet-discard/--no-akismet-discard",
    default=None,
    help="Answer Akismet spam with `X-akismet-pro-tip: discard` (WordPress then drops it).",
)
@with_appcontext
def update_site(
    slug: str,
    mode: str | None,
    reject_above: float | None,
    approve_below: float | None,
    akismet_discard: bool | None,
    hold_unfamiliar_below: float | None,
) -> None:
    """Change a site's moderation mode, thresholds (e.g. from `thresholds suggest`) or
    Akismet discard opt-in."""
    with click_errors():
        site = sites.update_site(
            slug, moderation_mode=mode,
            auto_reject_above=reject_above, auto_approve_below=approve_below,
            akismet_discard=akismet_discard, hold_unfamiliar_below=hold_unfamiliar_below,
        )  # fmt: skip
    click.echo(describe(site))


@sites_group.command("rotate-key")
@click.argument("slug")
@with_appcontext
def rotate_key(slug: str) -> None:
    """Give the site a new API key (sk_) and print it; the old one stops working."""
    with click_errors():
        key = sites.rotate_api_key(slug)
    click.echo(f"api key: {key}")
    click.echo("Store the key now: only its hash is kept. The previous key no longer works.")


@sites_group.command("rotate-akismet-key")
@click.argument("slug")
@with_appcontext
def akismet_key(slug: str) -> None:
    """Give the site a new Akismet-compatible key (12 hex digits, for WordPress's Akismet
    plugin and other Akismet clients) and print it; the old one stops working."""
    with click_errors():
        key = sites.rotate_akismet_key(slug)
    click.echo(f"akismet key: {key}")
    click.echo("Store the key now: only its hash is kept. The previous key no longer works.")


sites_group.add_command(policy_group)

# Its first name, kept for the scripts and pages that use it.
sites_group.add_command(akismet_key, "akismet-key")


@sites_group.command("list")
@with_appcontext
def list_sites() -> None:
    """Every site with its policy (keys are never shown: only their hashes are kept)."""
    for site in sites.list_sites():
        click.echo(describe(site))


def describe(site: Site) -> str:
    """One line: slug, name, mode and thresholds."""
    return (
        f"{site.slug}  {site.name!r}  mode={site.moderation_mode}  "
        f"reject>={site.auto_reject_above}  approve<{site.auto_approve_below}  "
        f"unfamiliar<{site.hold_unfamiliar_below}  policy=v{site.policy_version}  "
        f"key={site.api_key_prefix}…  "
        f"akismet-discard={'on' if site.akismet_discard else 'off'}"
    )


@click.group("moderators")
def moderators_group() -> None:
    """Manage moderators."""


ROLE_HELP = "admin: also changes the sites' policy and articles; moderator: decides comments."


@moderators_group.command("create")
@click.argument("name")
@click.option("--site", "site_slugs", multiple=True, required=True, help="Repeat for more.")
@click.option("--role", type=click.Choice(SiteRole.ALL), default=SiteRole.MODERATOR,
              show_default=True, help=ROLE_HELP)  # fmt: skip
@with_appcontext
def create_moderator(name: str, site_slugs: tuple[str, ...], role: str) -> None:
    """Create a moderator of one or more sites and print their token (shown only once)."""
    with click_errors():
        new = moderators.create_moderator(name, list(site_slugs), role)
    click.echo(f"moderator: {new.moderator.name} ({role} of {', '.join(site_slugs)})")
    click.echo(f"token: {new.token}")
    click.echo("Store the token now: only its hash is kept.")


@moderators_group.command("list")
@with_appcontext
def list_moderators() -> None:
    """Every moderator: name, sites, token prefix and whether a password is set (never a
    secret: only hashes are kept)."""
    for moderator in moderators.list_moderators():
        roles = moderators.roles_of(moderator.id)
        slugs = ",".join(f"{slug}({role})" for slug, role in roles.items()) or "-"
        password = "set" if moderator.password_hash else "none"
        click.echo(
            f"{moderator.name}  sites={slugs}  token={moderator.token_prefix}…  password={password}"
        )


@moderators_group.command("set-role")
@click.argument("name")
@click.option("--site", "site_slug", required=True, metavar="SLUG")
@click.option("--role", type=click.Choice(SiteRole.ALL), required=True, help=ROLE_HELP)
@with_appcontext
def set_role(name: str, site_slug: str, role: str) -> None:
    """Give a moderator a role on a site (assigning them to it if needed)."""
    with click_errors():
        moderators.set_role(name, site_slug, role)
    click.echo(f"{name} is now {role} of {site_slug}")


@moderators_group.command("reset-token")
@click.argument("name")
@with_appcontext
def reset_token(name: str) -> None:
    """Give a moderator a new API token and print it (shown only once); the old one stops
    working and their web sessions end."""
    with click_errors():
        token = moderators.reset_token(name)
    click.echo(f"token: {token}")
    click.echo("Store the token now: only its hash is kept. The previous token no longer works.")


@moderators_group.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@with_appcontext
def set_password(name: str, password_stdin: bool) -> None:
    """Set the password a moderator signs in to the web UI with (asked twice, hidden; stored
    as an argon2 hash). Their web sessions end."""
    if password_stdin:  # for scripts: never on the command line, where `ps` would show it
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with click_errors():
        passwords.set_password(name, password)
    click.echo(f"Password set for {name}; their web sessions have ended.")
