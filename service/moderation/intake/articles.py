"""Articles as the policy sees them: closed or open, and their own moderation mode.

Intake asks `check_open` for every comment. What it needs of an article (closed by hand, and
when the site's `close_after_days` closes it) is read with one lookup by primary key and
unique index, and kept in the process for KEY_CACHE_SECONDS: on the intake path a query per
comment cost more CPU than the rest of the request's own work (bench.intake). A change made
in this process (an article, a site's policy) clears the process's copy at once; other
processes see it within KEY_CACHE_SECONDS, as they do a changed key.

An article's row is made when its first comment comes, which starts the `close_after_days`
count, or when an admin changes it. The decision core reads an article's `moderation_mode`
with the comment's facts (classify.fetch_facts) and on the Akismet path
(`moderation_mode_of`).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models import Article, ModerationMode, Site, utcnow
from service.accounts import policy_versions
from service.accounts.auth import KeyCache, ModeratorRef
from service.accounts.policies import site_of
from service.database import autocommit_engine, read_rows
from service.errors import ArticleClosed, InvalidInput
from service.extensions import db

logger = logging.getLogger(__name__)

KEEP = object()  # an argument left out: the article keeps its value


@dataclass(frozen=True)
class ArticleState:
    """An article's overrides as a caller sees them."""

    site_slug: str
    article_id: str
    closed: bool
    moderation_mode: str | None
    first_comment_at: datetime | None
    closes_at: datetime | None  # when close_after_days closes it (None: never)
    updated_at: datetime | None
    updated_by: str | None

    @property
    def is_closed(self) -> bool:
        """Closed by hand, or past the site's close_after_days."""
        return self.closed or (self.closes_at is not None and self.closes_at <= utcnow())


CACHE_EXTENSION = "moderato.article_gates"
MODES_EXTENSION = "moderato.article_modes"


@dataclass(frozen=True)
class ArticleGate:
    """What intake needs of an article: closed by hand, and when close_after_days closes it."""

    closed: bool
    closes_at: datetime | None

    def is_open(self) -> bool:
        """Whether a comment may be taken in now."""
        return not self.closed and (self.closes_at is None or utcnow() < self.closes_at)


def check_open(site_id: int, article_id: str) -> None:
    """Refuse a comment on a closed article (ArticleClosed), and start an article's
    `close_after_days` count with its first comment."""
    cache = gate_cache()
    key = f"{site_id}/{article_id}"
    gate = cache.get(key)
    if gate is None:
        gate = read_gate(site_id, article_id)
        cache.put(key, gate)
    if not gate.is_open():
        raise ArticleClosed()


def gate_cache() -> "KeyCache[ArticleGate]":
    """This app's copy of articles' gates, made on first use."""
    cache = current_app.extensions.get(CACHE_EXTENSION)
    if cache is None:
        ttl = float(current_app.config["KEY_CACHE_SECONDS"])
        cache = current_app.extensions[CACHE_EXTENSION] = KeyCache[ArticleGate](ttl)
    return cast("KeyCache[ArticleGate]", cache)


def forget_gates(_site: object = None) -> None:
    """Drop this process's copy of articles' gates and modes (after a change of an article or
    a policy)."""
    gate_cache().clear()
    mode_cache().clear()


# A site's close_after_days is in its policy: a saved version clears the copy too.
policy_versions.SAVED_LISTENERS.append(forget_gates)


def read_gate(site_id: int, article_id: str) -> ArticleGate:
    """An article's gate from the database, on a connection in autocommit (a read of its
    own, not a transaction of the session's); its first comment's time is recorded if it has
    none yet."""
    engine = db.engine
    with autocommit_engine(engine).connect() as connection:
        row = connection.execute(open_query(site_id, article_id)).first()
        if row is None:
            return ArticleGate(False, None)  # no such site: the caller's key was cached
        first = row.first_comment_at
        if row.id is None or first is None:
            first = utcnow()
            connection.execute(first_comment_statement(engine, site_id, article_id, row.id, first))
    closes_at = (
        None if row.close_after_days is None else first + timedelta(days=row.close_after_days)
    )
    return ArticleGate(bool(row.closed), closes_at)


def open_query(site_id: int, article_id: str) -> Any:
    """The site's close_after_days with the article's row, if it has one."""
    return (
        select(Site.close_after_days, Article.id, Article.closed, Article.first_comment_at)
        .select_from(Site)
        .outerjoin(Article, (Article.site_id == Site.id) & (Article.article_id == article_id))
        .where(Site.id == site_id)
    )


def first_comment_statement(
    engine: Engine, site_id: int, article_id: str, row_id: int | None, now: datetime
) -> Any:
    """Record the time of an article's first comment: a new row (a rival request may have
    made it: then nothing), or the time on a row an admin made before any comment."""
    if row_id is not None:
        return (
            update(Article)
            .where(Article.id == row_id, Article.first_comment_at.is_(None))
            .values(first_comment_at=now)
        )
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    values = {"site_id": site_id, "article_id": article_id, "closed": False,
              "first_comment_at": now, "updated_at": now}  # fmt: skip
    return dialect.insert(Article).values(**values).on_conflict_do_nothing()


def get_article(slug: str, article_id: str, moderator: ModeratorRef | None = None) -> ArticleState:
    """An article of a site the caller moderates (its defaults if it has no row yet)."""
    site = site_of(slug, moderator)
    return state_of(site, find_article(site.id, article_id), article_id)


def set_article(
    slug: str,
    article_id: str,
    moderator: ModeratorRef | None,
    *,
    actor: str,
    closed: Any = KEEP,
    moderation_mode: Any = KEEP,
) -> ArticleState:
    """Close or reopen an article, or give it its own moderation mode (None: the site's);
    site admins only. Arguments left out keep their values. Commits."""
    site = site_of(slug, moderator, admin=True)
    if moderation_mode is not KEEP and moderation_mode not in (None, *ModerationMode.ALL):
        raise InvalidInput(fields={"moderation_mode": "Must be one of: pre, post, null."})
    article = find_article(site.id, article_id, lock=True)
    if article is None:
        article = Article(site_id=site.id, article_id=article_id, closed=False)
        db.session.add(article)
    if closed is not KEEP:
        article.closed = bool(closed)
    if moderation_mode is not KEEP:
        article.moderation_mode = moderation_mode
    article.updated_at, article.updated_by = utcnow(), actor
    db.session.commit()
    forget_gates()
    logger.info(
        "Article %s of %s: closed=%s, mode=%s, by %s", article_id, slug, article.closed,
        article.moderation_mode, actor, extra={"site_id": site.id},
    )  # fmt: skip
    return state_of(site, article, article_id)


def find_article(site_id: int, article_id: str, *, lock: bool = False) -> Article | None:
    """The article's row, if it has one."""
    query = select(Article).where(Article.site_id == site_id, Article.article_id == article_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def state_of(site: Site, article: Article | None, article_id: str) -> ArticleState:
    """What a caller sees of an article."""
    first = article.first_comment_at if article is not None else None
    closes_at = None
    if first is not None and site.close_after_days is not None:
        closes_at = first + timedelta(days=site.close_after_days)
    return ArticleState(
        site_slug=site.slug, article_id=article_id,
        closed=article.closed if article is not None else False,
        moderation_mode=article.moderation_mode if article is not None else None,
        first_comment_at=first, closes_at=closes_at,
        updated_at=article.updated_at if article is not None else None,
        updated_by=article.updated_by if article is not None else None,
    )  # fmt: skip


def moderation_mode_of(site_id: int, article_id: str) -> str | None:
    """The article's own moderation mode, if it has one (the Akismet path). Kept in the
    process for KEY_CACHE_SECONDS like the gates, and forgotten with them: on the Akismet path
    the site's own mode comes from the cached key for as long, and a read per check was a
    round trip of the two a check makes (bench.akismet)."""
    cache = mode_cache()
    key = f"{site_id}/{article_id}"
    mode = cache.get(key)
    if mode is None:
        mode = (read_mode(site_id, article_id),)
        cache.put(key, mode)
    return mode[0]


def mode_cache() -> "KeyCache[tuple[str | None]]":
    """This app's copy of articles' moderation modes (one-tuples: None is a mode too)."""
    cache = current_app.extensions.get(MODES_EXTENSION)
    if cache is None:
        ttl = float(current_app.config["KEY_CACHE_SECONDS"])
        cache = current_app.extensions[MODES_EXTENSION] = KeyCache[tuple[str | None]](ttl)
    return cast("KeyCache[tuple[str | None]]", cache)


def read_mode(site_id: int, article_id: str) -> str | None:
    """The article's mode from the database: a read of its own (`read_rows`), so that the
    check opens no transaction before it stores the comment (gate.store_decided_with)."""
    rows = read_rows(
        select(Article.moderation_mode).where(
            Article.site_id == site_id, Article.article_id == article_id
        ),
        {},
    )
    return rows[0][0] if rows else None
