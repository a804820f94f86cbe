"""Webhook endpoints of a site, and the outbox of their deliveries."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class WebhookEvent:
    """The events an endpoint can ask for."""

    COMMENT_DECIDED = "comment.decided"  # approved, rejected or pending, by whom and why
    COMMENT_QUEUED_FOR_REVIEW = "comment.queued_for_review"  # now waits for a human
    COMMENT_LEFT_REVIEW = "comment.left_review"  # no longer waits for a human
    ALL = (COMMENT_DECIDED, COMMENT_QUEUED_FOR_REVIEW, COMMENT_LEFT_REVIEW)


class DeliveryStatus:
    """`pending` until the receiver answers 2xx (`delivered`) or the retries run out (`failed`)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    ALL = (PENDING, DELIVERED, FAILED)


class WebhookEndpoint(Base):
    """A URL a site wants events sent to, with the secret that signs them.

    The secret is stored as it is, not hashed like API keys: every delivery is signed with it
    (an HMAC needs the key itself), as every webhook sender must. It is shown only when the
    endpoint is created.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(100))  # "whsec_" + base64
    events: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One message to one endpoint: the outbox row written in the transaction of the change.

    `id` orders the deliveries of a comment: a comment's changes are serialised by the gate's
    compare-and-set (a later change waits for the earlier one's row lock, and so for its
    commit), so a later event always gets a larger id. `message_id` is the `webhook-id`,
    the same on every attempt and redelivery, so receivers can drop repeats. `payload` is the
    exact body, kept so that every attempt sends the same bytes.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The delivery task's claim: an endpoint's due deliveries, oldest first...
        Index("ix_webhook_deliveries_endpoint_status", "endpoint_id", "status", "id"),
        # ...each behind any earlier pending delivery of the same comment (and the comment's
        # ON DELETE CASCADE: comment_id comes first).
        Index("ix_webhook_deliveries_comment_endpoint", "comment_id", "endpoint_id", "id"),
        # The sweep: deliveries due whose message was lost.
        Index("ix_webhook_deliveries_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the next attempt is due; while an attempt runs, the end of its lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    redelivery_of: Mapped[int | None] = mapped_column(Integer)  # the delivery this one repeats
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
