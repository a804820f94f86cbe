"""Sites (the newspapers posting comments) and the moderators who work their queues."""

from datetime import datetime

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class ModerationMode:
    """`post`: the classifier may publish. `pre`: nothing is published without a human."""

    POST = "post"
    PRE = "pre"
    ALL = (POST, PRE)


class PolicyDefaults:
    """A new site's policy, named once: the CLI, the service and the tables all read it."""

    AUTO_REJECT_ABOVE = 0.9
    AUTO_APPROVE_BELOW = 0.2
    MODERATION_MODE = ModerationMode.POST
    # Hold a comment whose share of words familiar to the classifier is below this
    # (classifier/novelty.py); 0 turns the check off. Chosen with bench/learning_loop.py.
    HOLD_UNFAMILIAR_BELOW = 0.5


class SiteRole:
    """A moderator's role on one site: an `admin` also changes the site's policy and its
    articles; a `moderator` decides comments and reads the policy."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    ALL = (ADMIN, MODERATOR)


moderator_sites = Table(
    "moderator_sites",
    Base.metadata,
    Column("moderator_id", ForeignKey("moderators.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False, server_default=SiteRole.MODERATOR),
)


class Site(Base):
    """A website whose back end posts comments with its site key.

    `auto_reject_above`, `auto_approve_below`, `moderation_mode`, `hold_unfamiliar_below` and
    `close_after_days` are a read model of the site's policy document (its latest version in
    `site_policies`): the hot paths read these columns, and only the policy service writes
    them, in the transaction that saves a version.
    """

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Keys are stored only as SHA-256 digests; the prefix lets an operator recognise one.
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_prefix: Mapped[str] = mapped_column(String(16))
    auto_reject_above: Mapped[float] = mapped_column(
        Float, default=PolicyDefaults.AUTO_REJECT_ABOVE
    )
    auto_approve_below: Mapped[float] = mapped_column(
        Float, default=PolicyDefaults.AUTO_APPROVE_BELOW
    )
    moderation_mode: Mapped[str] = mapped_column(String(8), default=PolicyDefaults.MODERATION_MODE)
    hold_unfamiliar_below: Mapped[float] = mapped_column(
        Float,
        default=PolicyDefaults.HOLD_UNFAMILIAR_BELOW,
        server_default=str(PolicyDefaults.HOLD_UNFAMILIAR_BELOW),
    )
    # The Akismet-compatible key (12 hex digits, the only form WordPress's plugin accepts), as
    # an scrypt digest (service/accounts/keys.py says why not SHA-256).
    akismet_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Opt-in: Akismet answers "spam" with `X-akismet-pro-tip: discard`, so WordPress drops the
    # comment instead of keeping it in its spam folder (Moderato keeps its copy either way).
    akismet_discard: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The policy as the hot paths read it (the worker's facts, intake, the Akismet path): a
    # read model of the site's latest policy version (models/policy.py), written only by
    # service/accounts/policies.py when it saves a version, like the thresholds and mode above.
    close_after_days: Mapped[int | None] = mapped_column(Integer)
    policy_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    moderators: Mapped[list["Moderator"]] = relationship(
        secondary=moderator_sites, back_populates="sites"
    )


class Moderator(Base):
    """A person who decides held comments on the sites they are assigned to."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    # An argon2 hash (service/accounts/passwords.py); null until `moderators set-password`.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sites: Mapped[list[Site]] = relationship(
        secondary=moderator_sites, back_populates="moderators", lazy="selectin"
    )

    @property
    def site_ids(self) -> set[int]:
        """Ids of the sites this moderator may see and decide."""
        return {site.id for site in self.sites}
