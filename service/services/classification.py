"""What the workers do with a comment: score it, apply the site's policy, record why."""

import logging
from collections import defaultdict
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Row, select, update

from models import Actor, Comment, CommentStatus, ModerationEvent, Site, utcnow
from service.extensions import db
from service.policy import Decision, SitePolicy, decide
from workers.classifier import Classifier, Verdict

logger = logging.getLogger(__name__)


class ClassifierSource(Protocol):
    """Gives the classifier to use for a site (each site may have its own version)."""

    def for_site(self, site_id: int) -> Classifier: ...


def classify_comments(comment_ids: list[int], classifiers: ClassifierSource) -> list[int]:
    """Score the still-queued comments among `comment_ids` in one call per classifier and
    decide them. Comments already decided (by a moderator, or an earlier run) are left as
    they are, which makes this safe to run twice. Returns the ids it decided."""
    rows = fetch_queued(comment_ids)
    db.session.rollback()  # end the read transaction before the slow part
    if not rows:
        return []
    # Score everything first, write second: the writes then share one short transaction.
    scored = score_rows(rows, classifiers)
    decided = [row.id for row, verdict, version in scored if apply_verdict(row, verdict, version)]
    db.session.commit()
    return decided


def fetch_queued(comment_ids: list[int]) -> list[Row[Any]]:
    """The text and site policy of those comments that are still queued."""
    return fetch_with_policy(Comment.id.in_(comment_ids), Comment.status == CommentStatus.QUEUED)


def fetch_with_policy(*conditions: ColumnElement[bool], limit: int | None = None) -> list[Row[Any]]:
    """Matching comments' text with their site's policy (what scoring and deciding need).

    With `limit`, the first `limit` of them in id order (a page needs a defined order); without,
    in no particular order, which spares the classify task a sort.
    """
    query = (
        select(
            Comment.id,
            Comment.body,
            Comment.site_id,
            Site.auto_reject_above,
            Site.auto_approve_below,
            Site.moderation_mode,
        )
        .join(Site, Site.id == Comment.site_id)
        .where(*conditions)
    )
    if limit is not None:
        query = query.order_by(Comment.id).limit(limit)
    return list(db.session.execute(query))


def score_rows(
    rows: list[Row[Any]], classifiers: ClassifierSource
) -> list[tuple[Row[Any], Verdict, str]]:
    """Each row with its verdict and the classifier version that gave it, one batch per site."""
    scored = []
    for site_id, site_rows in group_by_site(rows).items():
        classifier = classifiers.for_site(site_id)
        verdicts = classifier.predict_many([row.body for row in site_rows])
        scored += [
            (row, verdict, classifier.version)
            for row, verdict in zip(site_rows, verdicts, strict=True)
        ]
    return scored


def group_by_site(rows: list[Row[Any]]) -> dict[int, list[Row[Any]]]:
    """Rows keyed by site, so each site's classifier scores its comments in one batch."""
    groups: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        groups[row.site_id].append(row)
    return groups


def apply_verdict(row: Row[Any], verdict: Verdict, classifier_version: str) -> bool:
    """Move one comment out of `queued` unless someone else already did; audit it."""
    decision = decide(verdict.score, policy_of(row))
    changed = transition_comment(
        row.id,
        decision,
        actor=Actor.CLASSIFIER,
        score=verdict.score,
        classifier_version=classifier_version,
        explanation=verdict.explanation,
    )
    if changed:
        logger.info(
            "Classifier set comment %s to %s (score %.3f)",
            row.id,
            decision.status,
            verdict.score,
            extra={"comment_id": row.id},
        )
    return changed


def policy_of(row: Row[Any]) -> SitePolicy:
    """The site policy carried by a row of `fetch_with_policy`."""
    return SitePolicy(row.auto_reject_above, row.auto_approve_below, row.moderation_mode)


def transition_comment(
    comment_id: int,
    decision: Decision,
    *,
    actor: str,
    from_status: str = CommentStatus.QUEUED,
    score: float | None = None,
    classifier_version: str | None = None,
    explanation: dict[str, Any] | None = None,
    note: str | None = None,
    verdict_only: bool = False,
) -> bool:
    """Compare-and-set from `from_status`: the update matches nothing if the comment has moved
    on (a moderator decided it, say). Audited when it happens.

    `verdict_only` stores the score and explanation but leaves status, `decided_by` and
    `decision_reason` as they were (a re-score that decides nothing); the audit entry still
    records `decision`, which then says why nothing else changed.
    """
    values: dict[str, Any] = {"version": Comment.version + 1}
    if not verdict_only:
        values.update(
            status=decision.status,
            decided_by=actor,
            decision_reason=decision.reason,
            decided_at=utcnow(),
        )
    if score is not None:
        values.update(
            spam_score=score, classifier_version=classifier_version, explanation=explanation
        )
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.status == from_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.session.add(
        ModerationEvent(
            comment_id=comment_id,
            actor=actor,
            from_status=from_status,
            to_status=decision.status,
            reason=decision.reason,
            note=note,
            score=score,
            classifier_version=classifier_version,
            explanation=explanation,
        )
    )
    return True


def hold_for_review(comment_ids: list[int], reason: str) -> list[int]:
    """Give up on automatic classification: move still-queued comments to `pending`."""
    decision = Decision(CommentStatus.PENDING, reason)
    held = [cid for cid in comment_ids if transition_comment(cid, decision, actor=Actor.RULE)]
    db.session.commit()
    if held:
        logger.error(
            "Held %d comment(s) for review: %s", len(held), reason, extra={"comment_ids": held}
        )
    return held
