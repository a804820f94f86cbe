"""Keyword-default helpers that build test data through the service layer."""

from datetime import UTC, datetime, timedelta
from typing import Any

from models import ActorKind, Comment, CommentStatus, Site, SiteRole, WebhookEvent
from service.accounts import moderators, sites
from service.accounts.moderators import NewModerator
from service.accounts.sites import NewSite
from service.extensions import db
from service.webhooks import endpoints
from service.webhooks.endpoints import NewEndpoint

_counter = iter(range(1, 1_000_000))


def create_site(name: str | None = None, **options: Any) -> NewSite:
    """A site with its API key."""
    return sites.create_site(name or f"Site {next(_counter)}", **options)


def create_moderator(
    site: Site | list[Site], name: str | None = None, role: str = SiteRole.MODERATOR
) -> NewModerator:
    """A moderator of one or more sites (with `role` on each), with their token."""
    site_list = site if isinstance(site, list) else [site]
    return moderators.create_moderator(
        name or f"moderator-{next(_counter)}", [s.slug for s in site_list], role
    )


def create_comment(
    site: Site,
    *,
    body: str = "Bell'articolo, grazie.",
    status: str = CommentStatus.QUEUED,
    **fields: Any,
) -> Comment:
    """A comment stored directly, without enqueueing anything."""
    values: dict[str, Any] = {"article_id": "article-1", "author_name": "Lettore"}
    values.update(fields)
    comment = Comment(site=site, body=body, status=status, **values)
    db.session.add(comment)
    db.session.commit()
    return comment


def create_endpoint(
    site: Site,
    url: str = "https://hooks.example.com/moderato",
    events: tuple[str, ...] = WebhookEvent.ALL,
    secret: str | None = None,
) -> NewEndpoint:
    """A webhook endpoint of a site, with its secret (a loopback URL needs
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES)."""
    return endpoints.add_endpoint(site.id, url, list(events), secret)


def comment_payload(**overrides: Any) -> dict[str, Any]:
    """A valid POST /api/v1/comments body."""
    payload: dict[str, Any] = {
        "article_id": "2026/11/nuova-ciclabile-via-roma",
        "article_url": "https://www.ilquotidiano.example/2026/11/nuova-ciclabile-via-roma",
        "article_title": "Via Roma, al via i lavori per la nuova pista ciclabile",
        "author_name": "Giulia Rossi",
        "author_email": "giulia.rossi@example.it",
        "author_url": "https://giuliarossi.example.it",
        "body": "Finalmente! Speriamo che i lavori finiscano prima dell'estate.",
        "author_ip": "93.44.12.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        "referrer": "https://www.ilquotidiano.example/",
        "language": "it",
    }
    payload.update(overrides)
    return payload


def bearer(key: str) -> dict[str, str]:
    """The Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


def create_decided_comments(
    site: Site, labelled: list[tuple[str, int]], *, moderator: str = "alice"
) -> list[Comment]:
    """Comments a moderator decided, in this order in time: label 1 rejected, 0 approved."""
    start = datetime.now(UTC) - timedelta(days=1)
    return [
        create_comment(
            site,
            body=text,
            status=CommentStatus.REJECTED if label else CommentStatus.APPROVED,
            decided_by=moderator,
            decided_by_kind=ActorKind.MODERATOR,
            decided_at=start + timedelta(minutes=number),
        )
        for number, (text, label) in enumerate(labelled)
    ]


def wait_decided(client: Any, token: str, comment_id: int, timeout: float = 90) -> dict[str, Any]:
    """Poll the API until the comment has left `queued`; return its representation."""
    from tests.support.processes import wait_for

    def decided() -> dict[str, Any] | None:
        body = client.get(f"/api/v1/comments/{comment_id}", headers=bearer(token)).get_json()
        return body if body["status"] != CommentStatus.QUEUED else None

    return wait_for(decided, timeout=timeout)  # type: ignore[no-any-return]
