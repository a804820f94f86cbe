"""Synchronous checks: a comment decided while its sender waits (the Akismet protocol), and
the labels its site sends back later (submit-spam, submit-ham).

A checked comment goes through the same decision core as the workers' batches (`assess`: the
site's classifier version, thresholds and mode) and is stored with its decision and audit
trail through the gate, so it shows in the review queue and a later human decision teaches
the site's classifier like any other.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Row, Table, insert, select

from classifier import normalise_text
from models import ActorKind, AkismetCheck, AkismetVerdict, Comment, CommentStatus, utcnow
from service.accounts.auth import AkismetSite
from service.extensions import db
from service.moderation import gate, new_comments
from service.moderation.assessment import ClassifierSource, assess
from service.moderation.changes import CLASSIFIER, RULE, Actor, Change
from service.moderation.facts import CommentFacts
from service.moderation.intake import articles, storing
from service.moderation.policy import Decision, SitePolicy

logger = logging.getLogger(__name__)

VERDICTS = {
    CommentStatus.REJECTED: AkismetVerdict.SPAM,
    CommentStatus.APPROVED: AkismetVerdict.HAM,
    CommentStatus.PENDING: AkismetVerdict.HELD,
    CommentStatus.QUEUED: AkismetVerdict.HELD,  # a JSON-API comment found by a recheck
}
LABEL_REASONS = {True: "reported_spam", False: "reported_ham"}
# How many of an author's latest comments on an article a loose match compares.
LOOSE_MATCH_CANDIDATES = 20
AKISMET_CHECKS = cast(Table, AkismetCheck.__table__)  # Core: no ORM unit of work per check


@dataclass(frozen=True)
class CheckedComment:
    """A comment sent for a check or a label, already in Moderato's columns (`values`:
    article_id, body, author_name and the optional ones), with the guid a client quoted."""

    values: dict[str, Any]
    guid: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """What a check decided: a comment status, and the stored comment's guid (None when
    nothing was stored: a test call)."""

    status: str
    guid: str | None = None

    @property
    def verdict(self) -> str:
        """`spam`, `ham` or `held`."""
        return VERDICTS[self.status]


def check_comment(
    site: AkismetSite,
    comment: CheckedComment,
    classifiers: ClassifierSource,
    *,
    rule: Decision | None = None,
    is_test: bool = False,
) -> CheckResult:
    """Score the comment with the site's classifier and decide it with the site's policy
    (or by `rule`, a fixed decision such as a protocol test convention), then store it with
    its decision, in one transaction. A test call (`is_test`) is scored but not stored: it
    stays out of the queue, the figures and the labels."""
    policy = policy_of(site, comment.values.get("article_id"))
    facts = CommentFacts(site.id, comment.values["body"], policy)
    [assessment] = assess([facts], classifiers)
    decision = rule or assessment.decision
    if is_test:
        return CheckResult(decision.status)
    actor = RULE if rule else CLASSIFIER
    change = Change(0, CommentStatus.QUEUED, decision.status, decision.reason, actor,
                         scored=assessment.scored)  # fmt: skip
    # One statement with the comment and its audit event where it can be (see the gate).
    check = new_check(site.id, VERDICTS[decision.status])
    comment_id = gate.store_decided_with(
        {**comment.values, "site_id": site.id}, change, check, site_slug=site.slug
    ).change.comment_id
    db.session.commit()
    logger.debug("Checked comment %s: %s", comment_id, decision.status)
    return CheckResult(decision.status, check.values["guid"])


def recheck_comment(site: AkismetSite, comment: CheckedComment) -> CheckResult | None:
    """The current decision on a comment checked before (a client checking it again), or
    None if Moderato has no such comment. Stores nothing: a held comment is answered with
    its moderator's decision once there is one."""
    match = find_comment(site.id, comment)
    guid = None
    if match is not None:
        guid = db.session.scalar(
            select(AkismetCheck.guid).where(AkismetCheck.comment_id == match.id)
        )
    db.session.rollback()  # end the read transaction
    return CheckResult(match.status, guid) if match is not None else None


def label_comment(
    site: AkismetSite, comment: CheckedComment, *, spam: bool, reporter: str | None
) -> int:
    """Record a person's verdict (submit-spam / submit-ham) on the matching comment, as a
    moderator decision with its audit entry, so it becomes a label for the site's
    classifier. A comment Moderato never saw is stored with the label, so no report is lost.
    Returns the comment's id."""
    target = CommentStatus.REJECTED if spam else CommentStatus.APPROVED
    # WordPress sends its user's login as `reporter`; other clients send no one.
    actor = Actor(ActorKind.MODERATOR, (reporter or "akismet client")[:100])
    note = f"Reported as {'spam' if spam else 'not spam'} through the Akismet API"
    match = find_comment(site.id, comment, lock=True)
    if match is None:
        comment_id = storing.admit({**comment.values, "site_id": site.id}, enqueue=False).id
        record_check(site.id, comment_id, AkismetVerdict.LABEL)
        from_status = CommentStatus.QUEUED
    else:
        comment_id, from_status = match.id, match.status
    change = Change(comment_id, from_status, target, LABEL_REASONS[spam], actor, note=note)
    if not gate.transition([change]):  # cannot happen under the row lock; never lose it quietly
        raise RuntimeError(f"label of comment {comment_id} not applied")
    db.session.commit()
    logger.info("Comment %s reported as %s", comment_id, target, extra={"comment_id": comment_id})
    return comment_id


def find_comment(site_id: int, comment: CheckedComment, *, lock: bool = False) -> Row | None:
    """The site's comment a client refers to: by the guid it quotes, else the latest with
    the same article, author and text."""
    query = select(Comment.id, Comment.status).where(Comment.site_id == site_id)
    if comment.guid:
        by_guid = query.join(AkismetCheck, AkismetCheck.comment_id == Comment.id).where(
            AkismetCheck.guid == comment.guid
        )
        row = db.session.execute(locked(by_guid, lock)).first()
        if row is not None:
            return row
    values = comment.values
    by_content = (
        query.where(
            Comment.article_id == values["article_id"],
            Comment.author_name == values["author_name"],
            Comment.body == values["body"],
        )
        .order_by(Comment.id.desc())
        .limit(1)
    )
    row = db.session.execute(locked(by_content, lock)).first()
    return row if row is not None else find_by_loose_text(query, values, lock)


def find_by_loose_text(query: Any, values: dict[str, Any], lock: bool) -> Row | None:
    """The latest comment with the same article and author whose text is the same once
    markup, entities and spacing are undone. WordPress re-checks a comment as it stored it,
    after its own filters (a link gets rel="nofollow ugc", entities are encoded, ...), so the
    exact text may no longer match what was checked."""
    wanted = normalise_text(values["body"])
    candidates = db.session.execute(
        query.add_columns(Comment.body)
        .where(
            Comment.article_id == values["article_id"],
            Comment.author_name == values["author_name"],
        )
        .order_by(Comment.id.desc())
        .limit(LOOSE_MATCH_CANDIDATES)
    )
    for candidate in candidates:
        if normalise_text(candidate.body) == wanted:
            by_id = select(Comment.id, Comment.status).where(Comment.id == candidate.id)
            return db.session.execute(locked(by_id, lock)).first()
    return None


def locked(query: Any, lock: bool) -> Any:
    """`query` locking the rows it reads (PostgreSQL; SQLite serialises writers anyway)."""
    return query.with_for_update(of=Comment) if lock else query


def record_check(site_id: int, comment_id: int, verdict: str) -> str:
    """Remember what a comment was answered, under a new guid; returns the guid."""
    check = new_check(site_id, verdict)
    db.session.execute(insert(AKISMET_CHECKS), {**check.values, "comment_id": comment_id})
    return str(check.values["guid"])


def new_check(site_id: int, verdict: str) -> new_comments.DependentRow:
    """The check row of a comment answered `verdict`, under a new guid (the comment's id
    is filled in by whoever stores it)."""
    return new_comments.DependentRow(
        AKISMET_CHECKS,
        {"site_id": site_id, "guid": str(uuid.uuid4()), "verdict": verdict, "created_at": utcnow()},
    )


def policy_of(site: AkismetSite, article_id: str | None = None) -> SitePolicy:
    """The decision policy of the site, with the article's own moderation mode if it has
    one (one indexed lookup; the site's settings come from the cached key)."""
    mode = articles.moderation_mode_of(site.id, article_id) if article_id else None
    return SitePolicy(
        site.auto_reject_above, site.auto_approve_below, mode or site.moderation_mode,
        site.hold_unfamiliar_below,
    )  # fmt: skip
