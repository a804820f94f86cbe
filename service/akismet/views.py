"""The Akismet-compatible routes: thin views over the check, label and figure services."""

import logging

from flask import Blueprint, Response, current_app, g, request

from service.accounts.auth import AkismetSite, authenticate_akismet_key
from service.akismet import KEY_CACHE, answers, reports
from service.akismet.fields import CheckFields, key_from_host, read_check_fields
from service.akismet.scoring import CLASSIFIERS
from service.errors import Unauthenticated
from service.metrics import definitions as metrics
from service.moderation.intake import akismet_checks as checks

logger = logging.getLogger(__name__)

bp = Blueprint("akismet", __name__)


@bp.before_request
def allow_large_forms() -> None:
    """Flask's own limits for this request: the Akismet routes' size, not the JSON API's
    (the middleware has let the body through already; see AKISMET_MAX_CONTENT_LENGTH)."""
    limit = int(current_app.config["AKISMET_MAX_CONTENT_LENGTH"])
    request.max_content_length = limit
    request.max_form_memory_size = limit


@bp.after_request
def count_call(response: Response) -> Response:
    """One `moderato_akismet_calls` sample per call, labelled by what the client was told."""
    site = g.get("akismet_site")
    endpoint = request.path.rsplit("/", 1)[-1]
    metrics.count_akismet_call(site.slug if site else None, endpoint, answer_kind(response))
    return response


def answer_kind(response: Response) -> str:
    """The AkismetAnswer for a response (the body is short text or a small JSON document)."""
    if response.status_code >= 500:
        return metrics.AkismetAnswer.ERROR
    if response.mimetype != "text/plain":
        return metrics.AkismetAnswer.OK
    body = response.get_data(as_text=True)
    known = {
        "true": metrics.AkismetAnswer.TRUE,
        "false": metrics.AkismetAnswer.FALSE,
        answers.HELD: metrics.AkismetAnswer.HELD,
        "valid": metrics.AkismetAnswer.VALID,
        "invalid": metrics.AkismetAnswer.INVALID,
        answers.THANKS: metrics.AkismetAnswer.THANKS,
    }
    return known.get(body, metrics.AkismetAnswer.OK)


@bp.errorhandler(Unauthenticated)
def handle_unknown_key(error: Unauthenticated) -> Response:
    """An unknown or malformed key: `invalid`, saying why (the clients read 200s only)."""
    return answers.invalid(error.message)


@bp.get("/1.1/test")
def connection_test() -> Response:
    """WordPress's settings page checks that it can reach the service."""
    return answers.text("connected")


@bp.post("/1.1/verify-key")
def verify_key() -> Response:
    """`valid` or `invalid`: checks the `key` field (WordPress also sends its old key as
    `api_key` while an admin changes keys, so that one is not looked at)."""
    form = request.form
    if not form.get("blog"):
        return answers.invalid('Empty "blog" value')
    g.akismet_site = authenticate_akismet_key(form.get("key") or raw_host_key())
    return answers.text("valid")


@bp.post("/1.1/comment-check")
def comment_check() -> Response:
    """Decide a comment now: `true` (spam), `false`, or held for a moderator (docs/akismet.md)."""
    site = calling_site()
    fields = read_check_fields(request.form, check=True)
    missing = missing_field(fields)
    if missing:
        return answers.invalid(f"Missing required field: {missing}.")
    result = None
    if fields.recheck_reason and not fields.is_test:
        result = checks.recheck_comment(site, fields.comment)
    if result is None:
        result = checks.check_comment(
            site, fields.comment, CLASSIFIERS, rule=fields.rule(), is_test=fields.is_test
        )
    return answers.check_answer(result.verdict, result.guid, site.discard)


@bp.post("/1.1/submit-spam")
def submit_spam() -> Response:
    """A person says this comment is spam: a label for the site's classifier."""
    return submit(spam=True)


@bp.post("/1.1/submit-ham")
def submit_ham() -> Response:
    """A person says this comment is not spam: a label for the site's classifier."""
    return submit(spam=False)


def submit(*, spam: bool) -> Response:
    """Record a label (test calls are acknowledged and dropped)."""
    site = calling_site()
    fields = read_check_fields(request.form)
    if not fields.blog:
        return answers.invalid('Empty "blog" value')
    if not fields.is_test:
        checks.label_comment(site, fields.comment, spam=spam, reporter=fields.reporter)
    return answers.text(answers.THANKS)


@bp.route("/1.2/usage-limit", methods=["GET", "POST"])
def usage_limit() -> Response:
    """This month's calls; Moderato sets no limit."""
    site = calling_site()
    return answers.json_answer(reports.usage_limit(site, extended=is_true("extended")))


@bp.route("/1.2/key-sites", methods=["GET", "POST"])
def key_sites() -> Response:
    """The month's calls, spam, ham, missed spam and false positives, from Moderato's records."""
    site = calling_site()
    report = reports.key_sites(site, request.values)
    if isinstance(report, str):
        return answers.text(report)
    return answers.json_answer(report)


@bp.post("/1.1/get-subscription")
def get_subscription() -> Response:
    """What WordPress's settings page shows of the account; `active` lets it save the key."""
    site = g.akismet_site = authenticate_akismet_key(request.form.get("key") or raw_host_key())
    return answers.json_answer(reports.subscription(site))


@bp.post("/1.1/get-stats")
def get_stats() -> Response:
    """Spam, ham, missed spam, false positives and accuracy for WordPress's settings page."""
    site = g.akismet_site = authenticate_akismet_key(request.form.get("key") or raw_host_key())
    return answers.json_answer(reports.stats(site, request.form.get("from", "all")))


@bp.post("/1.1/deactivate")
def deactivate() -> Response:
    """The plugin was switched off. Nothing to release: the key keeps working."""
    g.akismet_site = authenticate_akismet_key(request.form.get("key") or raw_host_key())
    return answers.text("deactivated")


def calling_site() -> AkismetSite:
    """The site whose key came as `api_key` (or `key`) or as the host's first label."""
    values = request.values
    key = values.get("api_key") or values.get("key") or raw_host_key()
    site = authenticate_akismet_key(key, current_app.extensions[KEY_CACHE])
    g.akismet_site = site  # for the calls counter
    return site


def raw_host_key() -> str | None:
    """A key sent as the first label of the raw Host header."""
    return key_from_host(request.environ.get("HTTP_HOST", ""))


def missing_field(fields: CheckFields) -> str | None:
    """The first required field (per the protocol's specification) that is empty."""
    if not fields.blog:
        return "blog"
    if not fields.user_ip:
        return "user_ip"
    return None


def is_true(name: str) -> bool:
    """A query flag such as `extended=true` or `extended=1`."""
    return request.values.get(name, "").lower() in {"1", "true"}
