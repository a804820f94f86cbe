"""One comment's page (the item as in the queue; its history and thread come with the detail
page being built on the `ui-domain` branch)."""

from flask import render_template

from service.moderation.intake import get_comment
from service.web import bp, interim
from service.web.sessions import current_moderator, login_required


@bp.get("/comments/<id:comment_id>")
@login_required
def comment(comment_id: int) -> str:
    """A comment of the moderator's sites (any other is a 404, as if it did not exist)."""
    moderator = current_moderator()
    found = get_comment(comment_id, moderator.site_ids)
    parents = interim.parents_of([found], moderator.site_ids)
    return render_template("web/comment.html", c=found, parents=parents)
