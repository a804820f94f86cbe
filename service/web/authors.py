"""An author's page: their record by e-mail or by IP in the moderator's sites, and the action
that decides all their pending comments."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from models import CommentStatus
from service.moderation.review.authors import decide_author_pending, get_author_record
from service.web import bp, page_forms
from service.web.sessions import current_moderator, login_required

RECENT_ON_PAGE = 50


@bp.get("/authors")
@login_required
def author() -> str:
    """The record of the author named by `email` or `ip`."""
    args = page_forms.load(page_forms.author_args_schema, request.args)
    record = get_author_record(
        current_moderator(), page_forms.author_key(args), limit=RECENT_ON_PAGE
    )
    return render_template("web/author.html", record=record)


@bp.post("/authors/decide")
@login_required
def decide_author() -> Response:
    """Approve or reject every pending comment of the author; say how many, and conflicts."""
    args = page_forms.load(page_forms.author_decision_form_schema, request.form)
    to_status = CommentStatus.APPROVED if args["action"] == "approve" else CommentStatus.REJECTED
    result = decide_author_pending(
        current_moderator(), page_forms.author_key(args), to_status=to_status,
        reason=args["reason"],
    )  # fmt: skip
    flash(
        gettext(
            "%(decided)d decided, %(conflicted)d conflicted.",
            decided=result.decided_count,
            conflicted=result.conflict_count,
        ),
        "info",
    )
    return redirect(back_to(args.get("back"), args))


def back_to(target: str | None, args: dict) -> str:
    """The page the form came from (a page of the UI only), else the author's page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/moderate/"):
            return target
    key = {"email": args["email"]} if args.get("email") else {"ip": args["ip"]}
    return url_for("web.author", **key)
