"""Reading the UI's query strings and forms: the queue's filters, decisions and bulk actions."""

import re
from dataclasses import asdict, dataclass
from typing import Any, cast

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from models import CommentStatus
from service.errors import InvalidInput
from service.moderation.review.filters import QueueFilter
from service.web.presenting import ORDER_LABELS, REJECT_REASONS

VERSION = re.compile("[0-9]{1,10}")
ITEM = re.compile("([0-9]{1,10}):([0-9]{1,10})")  # "comment id:version" of a selected item


def blank_to_none(value: Any) -> Any:
    """An empty form field means "not set"."""
    return None if isinstance(value, str) and not value.strip() else value


class QueueArgsSchema(Schema):
    """The queue page's query string (short names: they show in the address bar)."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=CommentStatus.PENDING,
                           validate=validate.OneOf(CommentStatus.ALL))  # fmt: skip
    site = fields.String(load_default=None, validate=validate.Length(max=80))
    article = fields.String(load_default=None, validate=validate.Length(max=255))
    version = fields.String(load_default=None, validate=validate.Length(max=64))
    min = fields.Float(load_default=None, validate=validate.Range(0, 1))
    max = fields.Float(load_default=None, validate=validate.Range(0, 1))
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    order = fields.String(load_default="oldest", validate=validate.OneOf(list(ORDER_LABELS)))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> "QueueArgs":
        return QueueArgs(**{key: blank_to_none(value) for key, value in data.items()})


@dataclass(frozen=True)
class QueueArgs:
    """The queue's filters, order and page, as the moderator set them."""

    status: str = CommentStatus.PENDING
    site: str | None = None
    article: str | None = None
    version: str | None = None
    min: float | None = None
    max: float | None = None
    q: str | None = None
    order: str = "oldest"
    cursor: str | None = None

    def queue_filter(self) -> QueueFilter:
        """The filters as the moderation service takes them."""
        return QueueFilter(
            status=self.status, site=self.site, article_id=self.article,
            classifier_version=self.version, min_score=self.min, max_score=self.max,
            search=self.q,
        )  # fmt: skip

    def folded_filters_set(self) -> bool:
        """Whether a filter of the folding panel is set: the page then shows the panel open, so
        that nothing filters the queue out of sight (the status shows in the counts)."""
        values = (self.site, self.article, self.version, self.min, self.max)
        return any(value is not None for value in values) or self.order != "oldest"

    def query(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view (with `changes`), without empty values."""
        values = asdict(self) | changes
        return {key: value for key, value in values.items() if value is not None}


queue_args_schema = QueueArgsSchema()


def load_queue_args(source: Any) -> QueueArgs:
    """The queue's arguments from a query string or form; a 422 names the bad fields."""
    data = {key: blank_to_none(value) for key, value in source.items()}
    data = {key: value for key, value in data.items() if value is not None}
    try:
        return cast(QueueArgs, queue_args_schema.load(data))
    except ValidationError as error:
        raise InvalidInput(
            fields={k: str(v) for k, v in error.normalized_messages().items()}
        ) from error


def if_match_version(comment_id: int) -> int:
    """The version the page last saw, from If-Match (`"<id>-<version>"`, the API's ETag).

    Required: the UI never decides without saying which version it decides, so that another
    moderator's decision made meanwhile is reported, never overwritten.
    """
    for tag in request.if_match.as_set():
        tag_id, _, version = (tag or "").partition("-")
        if tag_id == str(comment_id) and VERSION.fullmatch(version):
            return int(version)
    raise InvalidInput(fields={"If-Match": "Send the comment's version."})


def rejection_reason() -> str:
    """The reason picked from the fixed list."""
    reason = request.form.get("reason", "")
    if reason not in REJECT_REASONS:
        raise InvalidInput(fields={"reason": "Pick a reason."})
    return reason


def note() -> str | None:
    """The optional note of a decision (at most 1,000 characters)."""
    text = (request.form.get("note") or "").strip()
    if len(text) > 1000:
        raise InvalidInput(fields={"note": "At most 1,000 characters."})
    return text or None


def selected_items() -> dict[int, int]:
    """The selected comments' ids and the versions the page showed, from `items` fields."""
    items = {}
    for value in request.form.getlist("items"):
        match = ITEM.fullmatch(value)
        if match is None:
            raise InvalidInput(fields={"items": "Each item is 'id:version'."})
        items[int(match[1])] = int(match[2])
    return items


FILTER_PREFIX = "filter_"  # the bulk form carries the page's filters under these names


def page_filter() -> dict[str, str]:
    """The queue filters the bulk form was sent from (its `filter_*` fields)."""
    return {
        key[len(FILTER_PREFIX) :]: value
        for key, value in request.form.items()
        if key.startswith(FILTER_PREFIX) and key != f"{FILTER_PREFIX}cursor"
    }
