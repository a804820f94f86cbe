"""Labelled data in the database: the base corpus and each site's moderator decisions."""

import hashlib
import logging

from sqlalchemy import ColumnElement, and_, delete, func, select

from classifier import LabelledData, load_seed_corpus
from models import ActorKind, Comment, CommentStatus, TrainingExample
from service.extensions import db

logger = logging.getLogger(__name__)

BASE_CORPUS = "base"


def get_base_corpus() -> LabelledData:
    """The corpus every site's classifier starts from; the seed corpus until an operator
    trains on a real one."""
    rows = db.session.execute(
        select(TrainingExample.text, TrainingExample.label)
        .where(TrainingExample.corpus == BASE_CORPUS)
        .order_by(TrainingExample.id)
    ).all()
    if not rows:
        return load_seed_corpus()
    return LabelledData(texts=[r.text for r in rows], labels=[r.label for r in rows])


def replace_base_corpus(data: LabelledData) -> None:
    """Make `data` the base corpus (kept in the database, so every machine retrains alike),
    in the caller's transaction."""
    db.session.execute(delete(TrainingExample).where(TrainingExample.corpus == BASE_CORPUS))
    db.session.add_all(
        TrainingExample(corpus=BASE_CORPUS, text=text, label=label)
        for text, label in zip(data.texts, data.labels, strict=True)
    )
    logger.info("Base corpus replaced: %d examples", len(data.labels))


def decided_by_a_moderator(site_id: int) -> ColumnElement[bool]:
    """Comments of the site that a human approved or rejected (a moderator, in Moderato or in
    a connected WordPress): the site's labels."""
    return and_(
        Comment.site_id == site_id,
        Comment.status.in_(CommentStatus.FINAL),
        Comment.decided_by_kind.in_(ActorKind.PEOPLE),
    )


def count_site_labels(site_id: int) -> int:
    """How many labels the site has, without loading them."""
    return (
        db.session.scalar(select(func.count(Comment.id)).where(decided_by_a_moderator(site_id)))
        or 0
    )


def get_site_labels(site_id: int) -> LabelledData:
    """Every comment a moderator of the site decided, oldest decision first: approve is 0
    (publishable), reject is 1 (must not be published)."""
    rows = db.session.execute(
        select(Comment.body, Comment.status)
        .where(decided_by_a_moderator(site_id))
        .order_by(Comment.decided_at, Comment.id)
    ).all()
    return LabelledData(
        texts=[r.body for r in rows],
        labels=[int(r.status == CommentStatus.REJECTED) for r in rows],
    )


def fingerprint(data: LabelledData) -> str:
    """A short hash of a corpus, to name and recognise versions trained on it."""
    digest = hashlib.sha256()
    for text, label in zip(data.texts, data.labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()[:12]
