"""The Settings page of a site: its policy (admins edit it, other moderators read it) and the
history of its versions, each restorable."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from service.accounts import policies
from service.accounts.policy_versions import PolicyActor, StalePolicy
from service.errors import InvalidInput, NotFound
from service.web import bp, page_forms
from service.web.errors import error_page
from service.web.policy_forms import (
    field_messages,
    form_values,
    read_policy_form,
    restore_form_schema,
)
from service.web.sessions import current_moderator, login_required


@bp.get("/settings")
@login_required
def settings_index() -> Response:
    """The Settings page of the moderator's first site (the page links to the others)."""
    sites = sorted(current_moderator().sites, key=lambda site: site.slug)
    if not sites:
        raise NotFound()
    return redirect(url_for("web.settings", slug=sites[0].slug))


@bp.get("/sites/<slug>/settings")
@login_required
def settings(slug: str) -> str:
    """A site's policy and its versions."""
    current = policies.get_policy(slug, current_moderator())
    return render_settings(slug, form_values(current.document), {})


@bp.post("/sites/<slug>/settings")
@login_required
def save_settings(slug: str) -> Response | tuple[Any, int]:
    """Save the form as the site's next policy version (admins only); errors by field."""
    moderator = current_moderator()
    refused = refuse_unless_admin(slug)
    if refused is not None:
        return refused
    document, errors = read_policy_form(request.form)
    if not errors:
        try:
            saved = policies.set_policy(
                slug, document, PolicyActor.of(moderator), moderator=moderator,
                expected_version=shown_version(),
            )  # fmt: skip
        except InvalidInput as error:
            errors = error.fields
        except StalePolicy:
            flash(gettext("Someone changed these settings meanwhile: here they are now."), "error")
            return redirect(url_for("web.settings", slug=slug))
        else:
            flash(gettext("Settings saved as version %(version)d.", version=saved.version), "info")
            return redirect(url_for("web.settings", slug=slug))
    values = {key: request.form.get(key, "") for key in form_values({})}
    return render_settings(slug, values, field_messages(errors)), 422


@bp.post("/sites/<slug>/settings/restore")
@login_required
def restore_settings(slug: str) -> Response | tuple[Any, int]:
    """Put an earlier version back in force, as a new version (admins only)."""
    moderator = current_moderator()
    refused = refuse_unless_admin(slug)
    if refused is not None:
        return refused
    args = page_forms.load(restore_form_schema, request.form)
    try:
        saved = policies.restore_version(
            slug, args["version"], PolicyActor.of(moderator), moderator=moderator,
            expected_version=args["current"],
        )  # fmt: skip
    except StalePolicy:
        flash(gettext("Someone changed these settings meanwhile: here they are now."), "error")
    else:
        flash(
            gettext("Version %(old)d restored as version %(new)d.", old=args["version"],
                    new=saved.version),
            "info",
        )  # fmt: skip
    return redirect(url_for("web.settings", slug=slug))


def refuse_unless_admin(slug: str) -> tuple[Any, int] | None:
    """A 403 page unless the moderator is an admin of the site (404 if not their site)."""
    moderator = current_moderator()
    site = policies.site_of(slug, moderator)
    if moderator.is_admin_of(site.id):
        return None
    return error_page(403, gettext("Only an admin of this site can change its settings."))


def shown_version() -> int | None:
    """The version the form was showing, so a save over a newer one is refused."""
    text = request.form.get("version", "")
    return int(text) if text.isdecimal() and text.isascii() and len(text) <= 10 else None


def render_settings(slug: str, values: dict[str, str], errors: dict[str, str]) -> str:
    """The page, with the form's values and its errors by field."""
    moderator = current_moderator()
    site = policies.site_of(slug, moderator)
    versions = policies.list_versions(slug, moderator)
    return render_template(
        "web/settings.html",
        site=site,
        values=values,
        errors=errors,
        current=versions[0],
        versions=versions,
        can_edit=moderator.is_admin_of(site.id),
        other_sites=sorted(s.slug for s in moderator.sites if s.slug != slug),
    )
