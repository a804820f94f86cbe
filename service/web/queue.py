"""The review queue page: filters, counts, the comments, and what the page's script calls."""

from typing import Any

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext

from models import CommentStatus
from service.errors import Conflict, StaleVersion, UndoUnavailable
from service.moderation.review import actions as moderation
from service.moderation.review.bulk import Target, bulk_decide, bulk_decide_matching
from service.moderation.review.comments import get_comment
from service.moderation.review.threads import get_parents
from service.moderation.review.undo import undo_decision
from service.web import bp, forms
from service.web.sessions import current_moderator, login_required


def load_page(args: forms.QueueArgs) -> dict[str, Any]:
    """What the queue page shows for these arguments."""
    moderator = current_moderator()
    queue_filter = args.queue_filter()
    page = moderation.list_filtered(
        moderator, queue_filter, order=args.order, cursor=args.cursor,
        limit=int(current_app.config["WEB_PAGE_SIZE"]),
    )  # fmt: skip
    return {
        "args": args,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "parents": get_parents(moderator, page.items),
        "counts": moderation.count_queue(moderator, queue_filter),
        "sites": moderator.sites,
    }


# The list's density as the moderator last chose it, kept by the browser (a cookie rather than
# local storage, so that the page comes rendered that way instead of changing after load).
DENSITY_COOKIE = "moderato_density"
COMFORTABLE = "comfortable"


@bp.get("/")
@login_required
def queue() -> str:
    """The queue, filtered and ordered as the query string says."""
    args = forms.load_queue_args(request.args)
    compact = request.cookies.get(DENSITY_COOKIE) != COMFORTABLE  # compact unless asked
    return render_template(
        "web/queue.html", compact=compact, density_cookie=DENSITY_COOKIE, **load_page(args)
    )


@bp.record_once
def serve_the_root(state: BlueprintSetupState) -> None:
    """The site's root leads to the queue (or to the sign-in), wherever the UI is mounted; an
    app without the UI keeps its plain 404 at `/`."""
    state.app.add_url_rule("/", endpoint="root", view_func=to_the_queue)


def to_the_queue() -> Response:
    """A redirect to the review queue."""
    return redirect(url_for("web.queue"))  # type: ignore[return-value]


@bp.get("/poll")
@login_required
def poll() -> Response:
    """The first page again, for the page's script to add new comments and drop decided ones."""
    data = load_page(forms.load_queue_args(request.args))
    return jsonify(
        items=render_template("web/_items.html", **data),
        counts=render_template("web/_counts.html", **data),
    )


def item_html(comment_id: int, *, notice: str | None = None) -> str:
    """One comment's item as it is now (after a conflict or an undo)."""
    moderator = current_moderator()
    comment = get_comment(comment_id, moderator.site_ids)
    parents = get_parents(moderator, [comment])
    return render_template("web/_item.html", c=comment, parents=parents, notice=notice)


def decided(comment: Any, message: str) -> Response:
    """The answer to a decision: what to say, and the version the undo must name."""
    return jsonify(message=message, id=comment.id, version=comment.version,
                   undo_seconds=current_app.config["UNDO_WINDOW_SECONDS"])  # fmt: skip


def conflict(comment_id: int) -> tuple[Response, int]:
    """Another moderator got there first: say so and show the comment as it now is."""
    message = gettext("Someone else decided this comment meanwhile; nothing was changed.")
    return jsonify(message=message, item=item_html(comment_id, notice=message)), 409


@bp.post("/comments/<id:comment_id>/approve")
@login_required
def approve(comment_id: int) -> Response | tuple[Response, int]:
    """Publish a comment, at the version the page showed."""
    try:
        comment = moderation.approve_comment(
            comment_id, current_moderator(), note=forms.note(),
            expected_version=forms.if_match_version(comment_id),
        )  # fmt: skip
    except (StaleVersion, Conflict):
        return conflict(comment_id)
    return decided(comment, gettext("Approved the comment by %(name)s.", name=comment.author_name))


@bp.post("/comments/<id:comment_id>/reject")
@login_required
def reject(comment_id: int) -> Response | tuple[Response, int]:
    """Reject a comment with a reason, at the version the page showed."""
    try:
        comment = moderation.reject_comment(
            comment_id, current_moderator(), reason=forms.rejection_reason(), note=forms.note(),
            expected_version=forms.if_match_version(comment_id),
        )  # fmt: skip
    except (StaleVersion, Conflict):
        return conflict(comment_id)
    return decided(comment, gettext("Rejected the comment by %(name)s.", name=comment.author_name))


@bp.post("/bulk")
@login_required
def bulk() -> Response:
    """Approve or reject the selected comments, each at the version the page showed, or every
    comment matching the page's filter (scope=filter)."""
    action = request.form.get("action")
    to_status = CommentStatus.REJECTED if action == "reject" else CommentStatus.APPROVED
    reason = forms.rejection_reason() if action == "reject" else None
    note, moderator = forms.note(), current_moderator()
    if request.form.get("scope") == "filter":
        queue_filter = forms.load_queue_args(forms.page_filter()).queue_filter()
        result = bulk_decide_matching(
            moderator, queue_filter, to_status=to_status, reason=reason, note=note
        )
    else:
        targets = [Target(cid, version) for cid, version in forms.selected_items().items()]
        result = bulk_decide(moderator, targets, to_status=to_status, reason=reason, note=note)
    conflicted = result.conflict_count + len(result.not_found)
    message = gettext("%(decided)d decided, %(conflicted)d conflicted.",
                      decided=result.decided_count, conflicted=conflicted)  # fmt: skip
    return jsonify(message=message, decided=result.decided_count, conflicted=conflicted,
                   more=result.more)  # fmt: skip


@bp.post("/comments/<id:comment_id>/undo")
@login_required
def undo(comment_id: int) -> Response | tuple[Response, int]:
    """Take back this moderator's last decision on a comment, within the undo window."""
    try:
        undo_decision(
            comment_id, current_moderator(), expected_version=forms.if_match_version(comment_id)
        )
    except (UndoUnavailable, StaleVersion):
        message = gettext("Too late to undo: the comment has changed or 10 seconds have passed.")
        return jsonify(message=message), 409
    return jsonify(message=gettext("Decision undone."), item=item_html(comment_id))
