"""One comment's page: the comment and its classifier explanation, decisions (including a
confirmation, a reversal and an undo), its full audit history, its thread, and its author's
record by e-mail and by IP with the action that decides all their pending comments.

The page's forms are plain HTML forms (post, then redirect back with a message), so the page
works without its script; every one carries the CSRF token and the version shown.
"""

from datetime import timedelta
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from werkzeug.wrappers import Response

from models import ActorKind, CommentStatus, utcnow
from service.errors import Conflict, StaleVersion
from service.moderation.changes import UNDO
from service.moderation.review import actions as moderation
from service.moderation.review.authors import AuthorKey, get_author_record
from service.moderation.review.comments import get_comment
from service.moderation.review.threads import get_thread
from service.moderation.review.undo import undo_decision
from service.web import bp, page_forms
from service.web.sessions import current_moderator, login_required

RECENT_ON_DETAIL = 10
ACTOR_LABELS = {
    "moderator": lazy_gettext("moderator"),
    "classifier": lazy_gettext("classifier"),
    "rule": lazy_gettext("rule"),
    "wordpress": lazy_gettext("WordPress"),
}


@bp.get("/comments/<id:comment_id>")
@login_required
def comment(comment_id: int) -> str:
    """A comment of the moderator's sites (any other is a 404, as if it did not exist)."""
    moderator = current_moderator()
    found = get_comment(comment_id, moderator.site_ids)
    thread = get_thread(comment_id, moderator)
    history = moderation.get_history(comment_id, moderator)
    return render_template(
        "web/comment.html",
        c=found,
        thread=thread,
        history=history,
        can_undo=may_undo(history),
        records=author_records(found),
        ACTOR_LABELS=ACTOR_LABELS,
    )


def may_undo(history: list[Any]) -> bool:
    """Whether to offer an undo: the last entry is this moderator's decision, recent enough
    (undo_decision checks it again when asked)."""
    if not history:
        return False
    last = history[-1]
    window = timedelta(seconds=float(current_app.config["UNDO_WINDOW_SECONDS"]))
    return (
        last.actor_kind == ActorKind.MODERATOR
        and last.actor_id == current_moderator().id
        and last.reason != UNDO
        and utcnow() - last.created_at < window
    )


def author_records(found: Any) -> list[Any]:
    """The author's record by e-mail and by IP (those the comment has)."""
    keys = []
    if found.author_email:
        keys.append(AuthorKey(email=found.author_email))
    if found.author_ip:
        keys.append(AuthorKey(ip=found.author_ip))
    return [get_author_record(current_moderator(), key, limit=RECENT_ON_DETAIL) for key in keys]


@bp.post("/comments/<id:comment_id>/decide")
@login_required
def decide(comment_id: int) -> Response:
    """Approve or reject (a decision, a confirmation or a reversal) the version shown."""
    args = page_forms.load(page_forms.decision_form_schema, request.form)
    try:
        decided = apply_decision(comment_id, args)
    except (StaleVersion, Conflict):
        flash(gettext("Someone else decided this comment meanwhile; nothing was changed."), "error")
    else:
        flash(decision_message(decided.status), "info")
    return redirect(url_for("web.comment", comment_id=comment_id))


def apply_decision(comment_id: int, args: dict[str, Any]) -> Any:
    """The form's decision, at the version the page showed."""
    moderator, note = current_moderator(), page_forms.note_of(args)
    if args["action"] == "approve":
        return moderation.approve_comment(
            comment_id, moderator, note=note, expected_version=args["version"]
        )
    return moderation.reject_comment(
        comment_id, moderator, reason=args["reason"], note=note, expected_version=args["version"]
    )


def decision_message(status: str) -> str:
    """What the page says after a decision."""
    if status == CommentStatus.APPROVED:
        return gettext("The comment is approved.")
    return gettext("The comment is rejected.")


@bp.post("/comments/<id:comment_id>/undo-decision")
@login_required
def undo_from_detail(comment_id: int) -> Response:
    """Undo the moderator's last decision on this comment (within the undo window)."""
    args = page_forms.load(page_forms.undo_form_schema, request.form)
    try:
        undo_decision(comment_id, current_moderator(), expected_version=args["version"])
    except (StaleVersion, Conflict):
        flash(gettext("This decision can no longer be undone."), "error")
    else:
        flash(gettext("Decision undone."), "info")
    return redirect(url_for("web.comment", comment_id=comment_id))
