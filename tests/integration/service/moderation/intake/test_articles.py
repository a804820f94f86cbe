"""Closed articles and an article's own moderation mode, on PostgreSQL and SQLite."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from models import Article, Comment, CommentStatus, ModerationMode, SiteRole, utcnow
from service.accounts import policies
from service.accounts.auth import AkismetSite, SiteRef, moderator_ref
from service.accounts.policies import NotSiteAdmin
from service.accounts.policy_versions import OPERATOR
from service.errors import ArticleClosed, InvalidInput
from service.extensions import db
from service.learning.classifiers import StaticClassifiers
from service.moderation import classify as classification
from service.moderation.intake import akismet_checks, articles, submission
from service.moderation.intake.akismet_checks import CheckedComment
from tests.support.classifiers import FixedScores
from tests.support.factories import comment_payload, create_comment, create_moderator, create_site

HAM = "Il sindaco ha ragione sul traffico in centro, ma servono più autobus."
CLEAR_HAM = StaticClassifiers(FixedScores({HAM: 0.01}))
ARTICLE = "2026/11/nuova-ciclabile-via-roma"


def submit(site: object, **fields: object) -> submission.AcceptedComment:
    ref = SiteRef(site.id, site.slug)  # type: ignore[attr-defined]
    return submission.submit_comment(ref, comment_payload(**fields))


def test_the_first_comment_of_an_article_starts_its_count(app: Flask) -> None:
    site = create_site().site
    submit(site)
    article = db.session.scalars(select(Article)).one()
    assert (article.site_id, article.article_id, article.closed) == (site.id, ARTICLE, False)
    assert article.first_comment_at is not None
    first = article.first_comment_at
    submit(site)
    db.session.refresh(article)
    assert article.first_comment_at == first


def test_a_comment_on_a_closed_article_is_refused_and_not_stored(app: Flask) -> None:
    site = create_site().site
    articles.set_article(site.slug, ARTICLE, None, actor="operator", closed=True)
    with pytest.raises(ArticleClosed):
        submit(site)
    assert db.session.scalars(select(Comment)).all() == []
    submit(site, article_id="another-article")  # other articles stay open
    articles.set_article(site.slug, ARTICLE, None, actor="operator", closed=False)
    submit(site)


def test_an_article_closes_close_after_days_after_its_first_comment(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = create_site().site
    submit(site)
    policies.set_policy(site.slug, {"close_after_days": 3}, OPERATOR)
    submit(site)  # still within three days
    first = db.session.scalars(select(Article)).one().first_comment_at
    later = first + timedelta(days=3, minutes=1)
    monkeypatch.setattr(articles, "utcnow", lambda: later)  # three days later
    with pytest.raises(ArticleClosed):
        submit(site)
    state = articles.get_article(site.slug, ARTICLE)
    assert state.closes_at == first + timedelta(days=3)
    assert state.is_closed
    policies.set_policy(site.slug, {"close_after_days": None}, OPERATOR)
    submit(site)


def test_a_comment_within_the_days_of_an_older_article_is_taken(app: Flask) -> None:
    site = create_site().site
    policies.set_policy(site.slug, {"close_after_days": 3}, OPERATOR)
    submit(site)
    article = db.session.scalars(select(Article)).one()
    article.first_comment_at = utcnow() - timedelta(days=2)
    db.session.commit()
    articles.forget_gates()  # as another process would see it once its copy expires
    submit(site)
    article.first_comment_at = utcnow() - timedelta(days=4)
    db.session.commit()
    articles.forget_gates()
    with pytest.raises(ArticleClosed):
        submit(site)


def test_only_an_admin_changes_an_article(app: Flask) -> None:
    site = create_site().site
    plain = moderator_ref(create_moderator(site).moderator)
    admin = moderator_ref(create_moderator(site, role=SiteRole.ADMIN).moderator)
    with pytest.raises(NotSiteAdmin):
        articles.set_article(site.slug, ARTICLE, plain, actor=plain.name, closed=True)
    state = articles.set_article(site.slug, ARTICLE, admin, actor=admin.name, closed=True)
    assert (state.closed, state.updated_by) == (True, admin.name)
    with pytest.raises(InvalidInput):
        articles.set_article(site.slug, ARTICLE, admin, actor=admin.name, moderation_mode="x")


def test_an_article_in_pre_moderation_holds_what_its_post_moderated_site_would_publish(
    app: Flask,
) -> None:
    site = create_site().site
    elsewhere = create_comment(site, body=HAM, article_id="other")
    held = create_comment(site, body=HAM, article_id=ARTICLE)
    articles.set_article(
        site.slug, ARTICLE, None, actor="operator", moderation_mode=ModerationMode.PRE
    )
    classification.classify_comments([elsewhere.id, held.id], CLEAR_HAM)
    db.session.refresh(elsewhere)
    db.session.refresh(held)
    assert (elsewhere.status, elsewhere.decision_reason) == (CommentStatus.APPROVED, "not_spam")
    assert (held.status, held.decision_reason) == (CommentStatus.PENDING, "pre_moderation")


def test_an_article_in_post_moderation_publishes_on_a_pre_moderated_site(app: Flask) -> None:
    site = create_site(moderation_mode=ModerationMode.PRE).site
    comment = create_comment(site, body=HAM, article_id=ARTICLE)
    articles.set_article(
        site.slug, ARTICLE, None, actor="operator", moderation_mode=ModerationMode.POST
    )
    classification.classify_comments([comment.id], CLEAR_HAM)
    db.session.refresh(comment)
    assert comment.status == CommentStatus.APPROVED


def test_the_akismet_path_applies_the_articles_mode_too(app: Flask) -> None:
    site = create_site().site
    akismet_site = AkismetSite(site.id, site.slug, site.auto_reject_above,
                               site.auto_approve_below, site.moderation_mode, False)  # fmt: skip
    values = {"article_id": ARTICLE, "author_name": "Giulia", "body": HAM}
    assert akismet_checks.check_comment(akismet_site, CheckedComment(values), CLEAR_HAM).status == (
        CommentStatus.APPROVED
    )
    articles.set_article(
        site.slug, ARTICLE, None, actor="operator", moderation_mode=ModerationMode.PRE
    )
    assert akismet_checks.check_comment(akismet_site, CheckedComment(values), CLEAR_HAM).status == (
        CommentStatus.PENDING
    )
