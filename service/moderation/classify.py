"""What the workers do with queued comments: assess them and decide them through the gate."""

import logging
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select

from models import Article, Comment, CommentStatus, Site
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Assessment, ClassifierSource, assess
from service.moderation.changes import CLASSIFIER, RULE, Change
from service.moderation.facts import CommentFacts

logger = logging.getLogger(__name__)

# Comments decided in one transaction at most. A worker's batch is counted in messages
# (CLASSIFY_BATCH_SIZE) and a message carries up to 500 ids, so a batch can hold tens of
# thousands of comments; loading, featurising and scoring 10,000 at once took a pool process
# to 300 MB in bench/pipeline.py (its @intake backlog), against 195 MB for batches of 200.
CHUNK_SIZE = 500

FACT_COLUMNS = (
    Comment.id, Comment.site_id, Comment.body, Comment.article_id, Comment.author_name,
    Comment.author_email, Comment.author_url, Comment.author_ip, Comment.user_agent,
    Comment.language, Comment.parent_id,
    Site.auto_reject_above, Site.auto_approve_below,
    # An article's own moderation mode overrides its site's.
    func.coalesce(Article.moderation_mode, Site.moderation_mode).label("moderation_mode"),
    Site.hold_unfamiliar_below,
)  # fmt: skip


def classify_comments(comment_ids: Sequence[int], classifiers: ClassifierSource) -> list[int]:
    """Assess the still-queued comments among `comment_ids` and decide them, in one
    transaction per CHUNK_SIZE of them. Comments already decided (by a moderator, or an
    earlier run) are left as they are, which makes this safe to run twice, or again after a
    failure in a later chunk. Returns the ids it decided."""
    decided: list[int] = []
    for start in range(0, len(comment_ids), CHUNK_SIZE):
        decided += classify_chunk(comment_ids[start : start + CHUNK_SIZE], classifiers)
    return decided


def classify_chunk(comment_ids: Sequence[int], classifiers: ClassifierSource) -> list[int]:
    """Assess and decide the still-queued comments among `comment_ids`, in one transaction."""
    facts = fetch_facts(Comment.id.in_(comment_ids), Comment.status == CommentStatus.QUEUED)
    db.session.rollback()  # end the read transaction before the slow part
    if not facts:
        return []
    assessments = assess(facts, classifiers)
    applied = gate.transition([decision_change(a, CommentStatus.QUEUED) for a in assessments])
    db.session.commit()
    logger.info("Classifier decided %d of %d comment(s)", len(applied), len(comment_ids))
    return [a.change.comment_id for a in applied]


def fetch_facts(*conditions: ColumnElement[bool], limit: int | None = None) -> list[CommentFacts]:
    """Facts of the matching comments, with their site's policy (and their article's own
    moderation mode, where it has one).

    With `limit`, the first `limit` of them in id order (a page needs a defined order); without,
    in no particular order, which spares the classify task a sort.
    """
    query = (
        select(*FACT_COLUMNS)
        .join(Site, Site.id == Comment.site_id)
        .outerjoin(
            Article,
            (Article.site_id == Comment.site_id) & (Article.article_id == Comment.article_id),
        )
        .where(*conditions)
    )
    if limit is not None:
        query = query.order_by(Comment.id).limit(limit)
    return [CommentFacts.from_row(row) for row in db.session.execute(query)]


def decision_change(assessment: Assessment, from_status: str, note: str | None = None) -> Change:
    """The gate change that records an assessment's decision, by the classifier."""
    assert assessment.facts.comment_id is not None  # noqa: S101 - stored comments only
    return Change(
        comment_id=assessment.facts.comment_id,
        from_status=from_status,
        to_status=assessment.decision.status,
        reason=assessment.decision.reason,
        actor=CLASSIFIER,
        scored=assessment.scored,
        note=note,
    )


def hold_for_review(comment_ids: Sequence[int], reason: str) -> list[int]:
    """Give up on automatic classification: move still-queued comments to `pending`, in the
    caller's transaction."""
    applied = gate.transition(
        [
            Change(cid, CommentStatus.QUEUED, CommentStatus.PENDING, reason, RULE)
            for cid in comment_ids
        ]
    )
    held = [a.change.comment_id for a in applied]
    if held:
        logger.error(
            "Held %d comment(s) for review: %s", len(held), reason, extra={"comment_ids": held}
        )
    return held


def give_up_on(comment_ids: Sequence[int], reason: str) -> list[int]:
    """`hold_for_review` as a use case of its own: one transaction."""
    held = hold_for_review(comment_ids, reason)
    db.session.commit()
    return held
