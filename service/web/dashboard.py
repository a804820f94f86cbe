"""The dashboard page: for one of the moderator's sites or all of them, the queue now and, per
day, decisions by source, the spam rate and the classifier's accuracy as moderators see it,
drawn as server-rendered SVG (charts.py) with the same figures as tables."""

from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext

from service.errors import Forbidden, NotFound
from service.moderation.reporting.stats import Dashboard, get_dashboard
from service.web import bp, page_forms
from service.web.charts import BarChart, stacked_bars
from service.web.sessions import current_moderator, login_required

SOURCE_LABELS = {
    "classifier": lazy_gettext("Classifier"),
    "rule": lazy_gettext("Rule"),
    "moderator": lazy_gettext("Moderators"),
}
ACCURACY_LABELS = {
    "missed_spam": lazy_gettext("Missed spam"),
    "false_positives": lazy_gettext("False positives"),
}
SPAM_RATE_LABELS = {"rate": lazy_gettext("Spam rate (%)")}


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    """The dashboard of `site` (a slug), or of all the moderator's sites."""
    args = page_forms.load(page_forms.dashboard_args_schema, request.args)
    moderator = current_moderator()
    try:
        figures = get_dashboard(moderator, site=args["site"], days=args["days"])
    except Forbidden as error:  # a site that is not the moderator's is, for them, no site
        raise NotFound() from error
    per_site = []
    if args["site"] is None and len(moderator.sites) > 1:
        per_site = [
            get_dashboard(moderator, site=s.slug, days=args["days"]) for s in moderator.sites
        ]
    return render_template(
        "web/dashboard.html", d=figures, charts=charts_of(figures), per_site=per_site,
        sites=moderator.sites, days=args["days"], SOURCE_LABELS=SOURCE_LABELS,
        ACCURACY_LABELS=ACCURACY_LABELS, SPAM_RATE_LABELS=SPAM_RATE_LABELS,
        versions=versions_of(figures),
    )  # fmt: skip


def charts_of(figures: Dashboard) -> dict[str, BarChart]:
    """The three charts: decisions by source, spam rate, missed spam and false positives."""
    decisions: dict[Any, float] = {
        (row.day, row.source): row.approved + row.rejected + row.held for row in figures.decisions
    }
    accuracy: dict[Any, float] = {}
    for verdict in figures.accuracy:
        for name in ACCURACY_LABELS:
            key = (verdict.day, name)
            accuracy[key] = accuracy.get(key, 0) + getattr(verdict, name)
    spam = {
        (day.day, "rate"): round(day.rate * 100, 1) for day in figures.spam if day.rate is not None
    }
    return {
        "decisions": stacked_bars(figures.days, list(SOURCE_LABELS), decisions),
        "spam": stacked_bars(figures.days, ["rate"], spam, top=100.0),
        "accuracy": stacked_bars(figures.days, list(ACCURACY_LABELS), accuracy),
    }


def versions_of(figures: Dashboard) -> list[dict[str, Any]]:
    """Totals per classifier version over the period, newest activity first."""
    totals: dict[str | None, dict[str, Any]] = {}
    for row in figures.accuracy:
        entry = totals.setdefault(
            row.classifier_version,
            {"version": row.classifier_version, "missed_spam": 0, "false_positives": 0,
             "confirmed": 0, "last": row.day},
        )  # fmt: skip
        for name in ("missed_spam", "false_positives", "confirmed"):
            entry[name] += getattr(row, name)
        entry["last"] = max(entry["last"], row.day)
    return sorted(totals.values(), key=lambda entry: entry["last"], reverse=True)
