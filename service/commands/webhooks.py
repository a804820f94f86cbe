"""`moderato webhooks`: a site's signed webhook endpoints and their deliveries."""

import click
from flask.cli import with_appcontext

from models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from service.accounts.sites import get_site
from service.commands.errors import click_errors
from service.errors import DomainError
from service.webhooks import deliveries, endpoints


@click.group("webhooks")
def webhooks_group() -> None:
    """Manage webhook endpoints and their deliveries."""


@webhooks_group.command("add")
@click.argument("slug")
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(WebhookEvent.ALL),
              help="Repeat for more; default: every event.")  # fmt: skip
@click.option("--secret", help="A Standard Webhooks secret (whsec_...); default: a new one.")
@with_appcontext
def add_endpoint(slug: str, url: str, events: tuple[str, ...], secret: str | None) -> None:
    """Send a site's events to URL, signed; prints the secret (shown only once)."""
    try:
        site = get_site(slug)
        new = endpoints.add_endpoint(site.id, url, list(events or WebhookEvent.ALL), secret)
    except DomainError as error:
        raise click.ClickException(describe_error(error)) from error
    click.echo(f"endpoint: {new.endpoint.id}")
    click.echo(f"events: {', '.join(new.endpoint.events)}")
    click.echo(f"secret: {new.secret}")
    click.echo("Store the secret now: receivers verify signatures with it.")


@webhooks_group.command("list")
@click.option("--site", "slug", help="Only this site's endpoints.")
@with_appcontext
def list_endpoints(slug: str | None) -> None:
    """Every endpoint (or one site's), without secrets."""
    with click_errors():
        site_id = get_site(slug).id if slug else None
    for endpoint in endpoints.list_endpoints(site_id):
        click.echo(describe_endpoint(endpoint))


@webhooks_group.command("remove")
@click.argument("endpoint_id", type=int)
@with_appcontext
def remove_endpoint(endpoint_id: int) -> None:
    """Remove an endpoint; its pending deliveries are never sent."""
    with click_errors():
        endpoints.remove_endpoint(endpoint_id)
    click.echo(f"removed endpoint {endpoint_id}")


@webhooks_group.command("deliveries")
@click.argument("endpoint_id", type=int)
@click.option("--status", type=click.Choice(DeliveryStatus.ALL))
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@with_appcontext
def list_deliveries(endpoint_id: int, status: str | None, limit: int) -> None:
    """An endpoint's latest deliveries, newest first."""
    with click_errors():
        page = deliveries.list_deliveries(endpoint_id, status=status, limit=limit)
    for delivery in page.items:
        click.echo(describe_delivery(delivery))


@webhooks_group.command("redeliver")
@click.argument("delivery_id", type=int)
@with_appcontext
def redeliver(delivery_id: int) -> None:
    """Send a delivery again (the same message, as a new delivery)."""
    with click_errors():
        again = deliveries.redeliver(delivery_id)
    click.echo(f"delivery {again.id} redelivers {delivery_id}")


def describe_error(error: DomainError) -> str:
    """The message, with the fields it names."""
    details = "; ".join(f"{name}: {text}" for name, text in error.fields.items())
    return f"{error.message} {details}".strip()


def describe_endpoint(endpoint: WebhookEndpoint) -> str:
    """One line: id, site, URL and events."""
    return (
        f"{endpoint.id}  site={endpoint.site_id}  {endpoint.url}  "
        f"events={','.join(endpoint.events)}"
    )


def describe_delivery(delivery: WebhookDelivery) -> str:
    """One line: id, event, comment, status, attempts and the last outcome."""
    outcome = delivery.last_status_code or delivery.last_error or "-"
    return (
        f"{delivery.id}  {delivery.event}  comment={delivery.comment_id}  {delivery.status}  "
        f"attempts={delivery.attempts}  last={outcome}  id={delivery.message_id}"
    )
