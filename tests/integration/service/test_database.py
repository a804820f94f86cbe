"""Reading rows with or without the request's transaction, and work that waits for the
commit (service/database.py)."""

from flask import Flask
from sqlalchemy import select, text

from models import Comment
from service.database import after_commit, read_rows
from service.extensions import db
from tests.support.factories import create_comment, create_site

COMMENTS = Comment.__table__.c


def ids_of_site(site_id: int):  # type: ignore[no-untyped-def]
    return select(COMMENTS.id).where(COMMENTS.site_id == site_id).order_by(COMMENTS.id)


def test_a_read_outside_a_transaction_opens_none_in_the_session(app: Flask) -> None:
    site = create_site().site
    site_id, comment_id = site.id, create_comment(site).id
    db.session.close()
    rows = read_rows(ids_of_site(site_id), {})
    assert [row.id for row in rows] == [comment_id]
    assert not db.session().in_transaction()


def test_a_read_inside_a_transaction_sees_its_uncommitted_writes(app: Flask) -> None:
    site = create_site().site
    comment = Comment(site=site, article_id="a", author_name="A", body="b", status="pending")
    db.session.add(comment)
    db.session.flush()  # written, not committed: only this transaction sees it
    rows = read_rows(ids_of_site(site.id), {})
    assert [row.id for row in rows] == [comment.id]
    db.session.rollback()


def test_postgresql_plans_every_statement_for_its_own_values(pg_app: Flask) -> None:
    # A generic plan of the queue's score range read and sorted the whole range (config.py).
    assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def test_after_commit_work_runs_only_once_the_transaction_commits(app: Flask) -> None:
    ran: list[str] = []
    after_commit(lambda: ran.append("committed"))
    assert ran == []
    db.session.commit()
    assert ran == ["committed"]
    db.session.commit()
    assert ran == ["committed"]  # once


def test_after_commit_work_of_a_rolled_back_transaction_never_runs(app: Flask) -> None:
    ran: list[str] = []
    site = create_site().site
    create_comment(site)
    db.session.execute(select(Comment.id))  # open a transaction
    after_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    db.session.commit()
    assert ran == []
