"""Comment facts: what the decision core reads about a comment, stored or not.

A typed value rather than a database row, so the same core decides a stored comment in a
worker and a comment that is not stored yet (a synchronous check, a policy preview).
"""

from dataclasses import dataclass
from typing import Any

from service.moderation.policy import SitePolicy


@dataclass(frozen=True)
class CommentFacts:
    """One comment as the decision core sees it, with its site's policy."""

    site_id: int
    body: str
    policy: SitePolicy
    comment_id: int | None = None  # None while the comment is not stored
    article_id: str | None = None
    author_name: str | None = None
    author_email: str | None = None
    author_url: str | None = None
    author_ip: str | None = None
    user_agent: str | None = None
    language: str | None = None
    parent_id: int | None = None

    @classmethod
    def from_row(cls, row: Any) -> "CommentFacts":
        """Facts from a row of `fetch_facts` (comment columns plus the site's policy)."""
        policy = SitePolicy(
            row.auto_reject_above, row.auto_approve_below, row.moderation_mode,
            row.hold_unfamiliar_below,
        )  # fmt: skip
        return cls(
            site_id=row.site_id, body=row.body, policy=policy, comment_id=row.id,
            article_id=row.article_id, author_name=row.author_name,
            author_email=row.author_email, author_url=row.author_url,
            author_ip=row.author_ip, user_agent=row.user_agent, language=row.language,
            parent_id=row.parent_id,
        )  # fmt: skip
