"""Re-scoring the review queue with the classifier now in force (`moderato rescore`).

After a new classifier version or new thresholds, the comments already waiting for a human
still carry the old score and explanation, and some of them the new policy would decide on its
own. This gives every pending comment a fresh verdict; with `apply_policy` (`--decide`) it also
applies the site's policy again, so the queue shrinks to what still needs a human.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from tqdm import tqdm

from models import Comment, CommentStatus, Site
from service.extensions import db
from service.moderation import gate
from service.moderation.assessment import Assessment, ClassifierSource, assess
from service.moderation.changes import CLASSIFIER, RESCORED, Change
from service.moderation.classify import decision_change, fetch_facts

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
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
        while facts := fetch_facts(*conditions, Comment.id > last_id, limit=batch_size):
            db.session.rollback()  # end the read transaction before scoring
            record_batch(assess(facts, classifiers), apply_policy, summary)
            db.session.commit()
            last_id = facts[-1].comment_id or last_id
            bar.update(len(facts))
    logger.info(
        "Re-scored %d pending comment(s): %d approved, %d rejected, %d still pending, "
        "%d decided meanwhile",
        summary.total, summary.approved, summary.rejected, summary.still_pending, summary.skipped,
    )  # fmt: skip
    return summary


def record_batch(
    assessments: list[Assessment], apply_policy: bool, summary: RescoreSummary
) -> None:
    """Write a batch's verdicts (and, if asked, the decisions they lead to); count them."""
    pending = CommentStatus.PENDING
    deciding = [a for a in assessments if apply_policy and a.decision.status != pending]
    keeping = [a for a in assessments if not (apply_policy and a.decision.status != pending)]
    decided = gate.transition([decision_change(a, pending, NOTE) for a in deciding])
    # A score that decides nothing is still audited, pending to pending, so the history shows
    # which version scored the comment when.
    rescored = gate.rescore([rescore_change(a) for a in keeping])
    for applied in decided:
        if applied.change.to_status == CommentStatus.APPROVED:
            summary.approved += 1
        else:
            summary.rejected += 1
    summary.still_pending += len(rescored)
    summary.skipped += len(assessments) - len(decided) - len(rescored)


def rescore_change(assessment: Assessment) -> Change:
    """A new verdict on a comment that stays pending."""
    assert assessment.facts.comment_id is not None  # noqa: S101 - stored comments only
    pending = CommentStatus.PENDING
    return Change(
        assessment.facts.comment_id, pending, pending, RESCORED, CLASSIFIER,
        scored=assessment.scored, note=NOTE,
    )  # fmt: skip
