"""Re-scoring the review queue with the classifier now in force (`moderato rescore`).

After a new classifier version or new thresholds, the comments already waiting for a human
still carry the old score and explanation, and some of them the new policy would decide on its
own. This gives every pending comment a fresh verdict; with `apply_policy` (`--decide`) it also
applies the site's policy again, so the queue shrinks to what still needs a human.
"""

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from tqdm import tqdm

from models import Actor, Comment, CommentStatus, Site
from service.extensions import db
from service.policy import Decision, decide
from service.services.classification import (
    ClassifierSource,
    fetch_with_policy,
    policy_of,
    score_rows,
    transition_comment,
)
from workers.classifier import Verdict

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
RESCORED = "rescored"  # the audit reason of a new score that left the comment pending
NOTE = "moderato rescore"


@dataclass
class RescoreSummary:
    """What one run did to the pending comments it found."""

    still_pending: int = 0  # new score and explanation, still waiting for a human
    approved: int = 0
    rejected: int = 0
    skipped: int = 0  # decided by someone else between reading and writing

    @property
    def total(self) -> int:
        """Every pending comment the run looked at."""
        return self.still_pending + self.approved + self.rejected + self.skipped


def rescore_pending(
    classifiers: ClassifierSource,
    *,
    site: Site | None = None,
    apply_policy: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: bool = False,
) -> RescoreSummary:
    """Score every pending comment (of `site`, or of every site) again, a batch at a time.

    Each batch is scored in one vectorised call per site and written in one transaction. A
    comment a moderator decides meanwhile is left as the moderator set it. With `apply_policy`
    the site's thresholds and moderation mode decide each comment again, as for a new one.
    """
    conditions: list[ColumnElement[bool]] = [Comment.status == CommentStatus.PENDING]
    if site is not None:
        conditions.append(Comment.site_id == site.id)
    total = db.session.scalar(select(func.count()).select_from(Comment).where(*conditions))
    summary = RescoreSummary()
    last_id = 0
    with tqdm(total=total, desc="re-scoring", unit="comment", disable=not progress) as bar:
        # Keyset pagination by id: comments that leave the queue do not shift later pages.
        while rows := fetch_with_policy(*conditions, Comment.id > last_id, limit=batch_size):
            db.session.rollback()  # end the read transaction before scoring
            for row, verdict, version in score_rows(rows, classifiers):
                record_rescore(row, verdict, version, apply_policy, summary)
            db.session.commit()
            last_id = rows[-1].id
            bar.update(len(rows))
    logger.info(
        "Re-scored %d pending comment(s): %d approved, %d rejected, %d still pending, "
        "%d decided meanwhile",
        summary.total,
        summary.approved,
        summary.rejected,
        summary.still_pending,
        summary.skipped,
    )
    return summary


def record_rescore(
    row: Row[Any], verdict: Verdict, version: str, apply_policy: bool, summary: RescoreSummary
) -> None:
    """Store one new verdict (and, if asked, the decision it leads to); count what happened."""
    decision = decide(verdict.score, policy_of(row))
    decides = apply_policy and decision.status != CommentStatus.PENDING
    moved = transition_comment(
        row.id,
        # A score that decides nothing is still audited, pending to pending, so the history
        # shows which version scored the comment when.
        decision if decides else Decision(CommentStatus.PENDING, RESCORED),
        actor=Actor.CLASSIFIER,
        from_status=CommentStatus.PENDING,
        score=verdict.score,
        classifier_version=version,
        explanation=verdict.explanation,
        note=NOTE,
        verdict_only=not decides,
    )
    if not moved:
        summary.skipped += 1
    elif not decides:
        summary.still_pending += 1
    elif decision.status == CommentStatus.APPROVED:
        summary.approved += 1
    else:
        summary.rejected += 1
