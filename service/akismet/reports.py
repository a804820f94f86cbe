"""The reports the protocol has (usage-limit, key-sites, get-stats, get-subscription), built
from Moderato's own records of the site's checks."""

import csv
import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from models import utcnow
from service.accounts.auth import AkismetSite
from service.moderation.reporting.akismet_figures import CheckFigures, check_figures

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MONTH = re.compile(r"(\d{4})-(\d{2})")
INTERVAL = re.compile(r"(\d+)-(days|months)")  # get-stats `from`: "6-months", "60-days", ...
KEY_SITES_COLUMNS = (
    ("Site", "site"), ("Total API Calls", "api_calls"), ("Spam", "spam"), ("Ham", "ham"),
    ("Missed Spam", "missed_spam"), ("False Positives", "false_positives"),
    ("Is Revoked", "is_revoked"),
)  # fmt: skip


def usage_limit(site: AkismetSite, *, extended: bool) -> dict[str, Any]:
    """This month's calls against no limit (Moderato counts, it never throttles)."""
    start, end = month_bounds(utcnow())
    report: dict[str, Any] = {
        "limit": "none",
        "usage": check_figures(site.id, start, end).api_calls,
        "percentage": "0.00",
        "throttled": False,
    }
    if extended:
        report |= {"notice_level": "NOTICE_NONE", "upgrade": False}
    return report


def key_sites(site: AkismetSite, query: Mapping[str, str]) -> dict[str, Any] | str:
    """One row (a key belongs to one site) for the month asked (default: this one), as JSON
    or, with `format=csv`, in Akismet's CSV layout."""
    month = query.get("month") or utcnow().strftime("%Y-%m")
    parsed = MONTH.fullmatch(month)
    if parsed is None or not 1 <= int(parsed.group(2)) <= 12:
        month = utcnow().strftime("%Y-%m")
        parsed = MONTH.fullmatch(month)
    assert parsed is not None  # noqa: S101 - this month always parses
    start, end = month_bounds(datetime(int(parsed.group(1)), int(parsed.group(2)), 1, tzinfo=UTC))
    row = {"site": site.slug, **check_figures(site.id, start, end).as_dict(), "is_revoked": False}
    rows = [row] if query.get("filter", "") in site.slug else []
    limit, offset = number(query.get("limit"), 500), number(query.get("offset"), 0)
    if query.get("format") == "csv":
        return key_sites_csv(month, rows, limit, offset)
    return {month: rows[offset : offset + limit], "limit": limit, "offset": offset,
            "total": len(rows)}  # fmt: skip


def key_sites_csv(month: str, rows: list[dict[str, Any]], limit: int, offset: int) -> str:
    """Akismet's CSV report: a title line, a header line, one line per site."""
    out = io.StringIO()
    out.write(
        f"Active sites during {month} (limit:{limit}, offset: {offset}, total: {len(rows)})\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title for title, _ in KEY_SITES_COLUMNS])
    for row in rows[offset : offset + limit]:
        writer.writerow([str(row[key]).lower() for _, key in KEY_SITES_COLUMNS])
    return out.getvalue()


def stats(site: AkismetSite, interval: str) -> dict[str, Any]:
    """get-stats for WordPress's settings page: figures since `interval` ago ("all",
    "6-months", "60-days", ...), with the accuracy of the answers people did not overturn."""
    figures = check_figures(site.id, interval_start(interval), utcnow() + timedelta(seconds=1))
    return {
        "spam": figures.spam,
        "ham": figures.ham,
        "missed_spam": figures.missed_spam,
        "false_positives": figures.false_positives,
        "accuracy": accuracy(figures),
        "time_saved": 0,
    }


def subscription(site: AkismetSite) -> dict[str, Any]:
    """An `active` account: WordPress saves a key only for active (or dunning, no-sub) ones."""
    return {
        "status": "active",
        "account_type": "moderato",
        "account_name": "Moderato",
        "user_login": site.slug,
        "user_email": "",
        "limit_reached": False,
        "next_billing_date": None,
    }


def accuracy(figures: CheckFigures) -> float:
    """Per cent of spam and ham answers that nobody overturned (100 with no answers yet)."""
    answered = figures.spam + figures.ham
    if not answered:
        return 100.0
    wrong = figures.missed_spam + figures.false_positives
    return round(100 * (answered - wrong) / answered, 2)


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The first instant of `moment`'s month and of the next, in UTC."""
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def interval_start(interval: str) -> datetime:
    """When a get-stats interval begins; anything unknown means "all"."""
    parsed = INTERVAL.fullmatch(interval)
    if parsed is None:
        return EPOCH
    count, unit = int(parsed.group(1)), parsed.group(2)
    days = count * (31 if unit == "months" else 1)
    return utcnow() - timedelta(days=min(days, 365 * 100))


def number(value: str | None, default: int) -> int:
    """A non-negative integer query parameter, else the default."""
    if value and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return default
