"""An article's page: its comments in every status, and (for the site's admins) closing it
and its own moderation mode."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from service.moderation.intake import articles
from service.moderation.review.articles import get_article_view
from service.web import bp, page_forms
from service.web.errors import error_page
from service.web.policy_forms import article_form_schema
from service.web.sessions import current_moderator, login_required


@bp.get("/sites/<slug>/articles/<path:article_id>")
@login_required
def article(slug: str, article_id: str) -> str:
    """One article: its overrides and its latest comments."""
    view = get_article_view(slug, article_id, current_moderator())
    return render_template("web/article.html", view=view, slug=slug)


@bp.post("/sites/<slug>/articles/<path:article_id>")
@login_required
def change_article(slug: str, article_id: str) -> Response | tuple[Any, int]:
    """Close or reopen the article, or set its moderation mode (admins only)."""
    moderator = current_moderator()
    view = get_article_view(slug, article_id, moderator)
    if not view.can_change:
        return error_page(403, gettext("Only an admin of this site can change its articles."))
    args = page_forms.load(article_form_schema, request.form)
    articles.set_article(
        slug, article_id, moderator, actor=moderator.name, closed=args["closed"],
        moderation_mode=args["moderation_mode"] or None,
    )  # fmt: skip
    flash(gettext("Article saved."), "info")
    return redirect(url_for("web.article", slug=slug, article_id=article_id))
