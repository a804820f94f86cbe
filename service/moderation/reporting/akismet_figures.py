"""Figures of a site's synchronous checks, from Moderato's own records: how many it answered,
how, and how many of those answers people later overturned."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from models import ActorKind, AkismetCheck, AkismetVerdict, Comment, CommentStatus
from service.extensions import db


@dataclass(frozen=True)
class CheckFigures:
    """One site's checks in a period. `missed_spam`: answered ham, then a person said spam;
    `false_positives`: answered spam, then a person said it was not."""

    api_calls: int
    spam: int
    ham: int
    missed_spam: int
    false_positives: int

    def as_dict(self) -> dict[str, int]:
        """The figures by name."""
        return asdict(self)


def check_figures(site_id: int, start: datetime, end: datetime) -> CheckFigures:
    """The site's checks made in [start, end). Test calls were never stored, so never count;
    labels for comments Moderato never checked are not calls either."""
    by_person = Comment.decided_by_kind.in_(ActorKind.PEOPLE)
    verdict = AkismetCheck.verdict
    query = (
        select(
            count_where(verdict.in_(AkismetVerdict.CHECKS)),
            count_where(verdict == AkismetVerdict.SPAM),
            count_where(verdict == AkismetVerdict.HAM),
            count_where(
                and_(
                    verdict == AkismetVerdict.HAM,
                    by_person,
                    Comment.status == CommentStatus.REJECTED,
                )
            ),
            count_where(
                and_(
                    verdict == AkismetVerdict.SPAM,
                    by_person,
                    Comment.status == CommentStatus.APPROVED,
                )
            ),
        )  # fmt: skip
        .join(Comment, Comment.id == AkismetCheck.comment_id)
        .where(
            AkismetCheck.site_id == site_id,
            AkismetCheck.created_at >= start,
            AkismetCheck.created_at < end,
        )
    )
    row = db.session.execute(query).one()
    db.session.rollback()  # end the read transaction
    return CheckFigures(*(int(value or 0) for value in row))


def count_where(condition: ColumnElement[bool]) -> Any:
    """COUNT(*) FILTER (WHERE condition): PostgreSQL, and SQLite since 3.30."""
    return func.count().filter(condition)
