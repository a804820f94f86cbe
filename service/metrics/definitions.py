"""Every Prometheus metric Moderato records, defined once (docs/metrics.md).

The lowest layer of `service`: it imports nothing of the app, so the domain, the entry points
and the workers can all count. Each process records into its own values; under gunicorn and
Celery's prefork pool, prometheus_client's multiprocess mode (multiprocess_dir.py) keeps them
in files that one scrape adds up.

Label values are bounded, so the number of series stays small: sites are a configured list,
and every other label comes from an enum below (or the task names). The helpers fold anything
else into "other" rather than trust a caller with free text.

Every metric has labels, even where one value would do: in multiprocess mode a metric without
labels opens its file as soon as it is defined, so every process that merely imports this
module (a health check's `celery inspect ping` every 30 s, each `moderato` command) would
leave a file behind for every scrape to read, forever. A labelled one writes only when used.
"""

from prometheus_client import Counter, Histogram, values

# True when prometheus_client chose multiprocess mode, which it does once, when it is first
# imported (PROMETHEUS_MULTIPROC_DIR set then); a scrape must then read the files.
MULTIPROCESS: bool = bool(getattr(values.ValueClass, "_multiprocess", False))
OTHER = "other"

# --- Intake -----------------------------------------------------------------------------------
COMMENTS_ACCEPTED = Counter(
    "moderato_comments_accepted",
    "Comments stored for moderation (a replayed Idempotency-Key stores nothing: not counted).",
    ["site"],
)
COMMENTS_REFUSED = Counter(
    "moderato_comments_refused",
    "Comment submissions refused, by the error code of the answer; site is empty when the "
    "caller was not identified as a site.",
    ["site", "reason"],
)

# --- Decisions (counted after the gate's transaction commits) ---------------------------------
DECISIONS = Counter(
    "moderato_decisions",
    "Status changes of comments, by who made them (moderator, classifier, rule) and the new "
    "status (approved, rejected, pending).",
    ["site", "actor_kind", "outcome"],
)
CLASSIFICATION_LATENCY = Histogram(
    "moderato_classification_latency_seconds",
    "From a comment's submission to the classifier's decision on it.",
    ["site"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
CLASSIFICATION_BATCH_SIZE = Histogram(
    "moderato_classification_batch_comments",
    "Comments in each batch a worker hands to its pool (workers/batching.py), by task.",
    ["task"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)

# --- Tasks ------------------------------------------------------------------------------------
TASK_RETRIES = Counter(
    "moderato_task_retries",
    "Task executions that failed and were sent again, by task name.",
    ["task"],
)
TASK_FAILURES = Counter(
    "moderato_task_failures",
    "Task executions that failed for good (no retry left), by task name.",
    ["task"],
)


# --- Webhooks (recorded by the delivery task) ------------------------------------------------
class WebhookOutcome:
    """What became of one delivery attempt."""

    DELIVERED = "delivered"  # the receiver answered 2xx
    RETRYING = "retrying"  # it failed (error, timeout, non-2xx); another attempt is scheduled
    FAILED = "failed"  # it failed and the retries ran out: the delivery is marked failed
    BLOCKED = "blocked"  # not sent: the URL resolves to an address the SSRF rule forbids
    ALL = frozenset({DELIVERED, RETRYING, FAILED, BLOCKED})


WEBHOOK_DELIVERIES = Counter(
    "moderato_webhook_deliveries",
    "Webhook delivery attempts, by site and outcome (delivered, retrying, failed, blocked).",
    ["site", "outcome"],
)


# --- Akismet-compatible API (recorded by its views) ------------------------------------------
class AkismetEndpoint:
    """The Akismet API's endpoints, by the last part of their path."""

    ALL = frozenset(
        {
            "verify-key", "comment-check", "submit-spam", "submit-ham", "usage-limit",
            "key-sites", "test", "get-subscription", "get-stats", "deactivate",
        }
    )  # fmt: skip


class AkismetAnswer:
    """What an Akismet call answered."""

    TRUE = "true"  # comment-check: spam
    FALSE = "false"  # comment-check: not spam
    HELD = "held"  # comment-check: uncertain, answered so that the client holds it for a human
    VALID = "valid"  # verify-key
    INVALID = "invalid"  # a key or request the API refused (`invalid` body)
    THANKS = "thanks"  # submit-spam, submit-ham
    OK = "ok"  # the JSON and informational endpoints
    ERROR = "error"  # an error answer (500, database unavailable)
    ALL = frozenset({TRUE, FALSE, HELD, VALID, INVALID, THANKS, OK, ERROR})


AKISMET_CALLS = Counter(
    "moderato_akismet_calls",
    "Calls to the Akismet-compatible API, by site (empty for an unknown key), endpoint and answer.",
    ["site", "endpoint", "answer"],
)


def bounded(value: str, allowed: frozenset[str]) -> str:
    """`value` if it is one of `allowed`, else "other": a label never takes free text."""
    return value if value in allowed else OTHER


def count_webhook_delivery(site: str, outcome: str) -> None:
    """One delivery attempt to an endpoint of `site` ended with `outcome` (WebhookOutcome)."""
    WEBHOOK_DELIVERIES.labels(site=site, outcome=bounded(outcome, WebhookOutcome.ALL)).inc()


def count_akismet_call(site: str | None, endpoint: str, answer: str) -> None:
    """One Akismet API call; `site` is None when the key matched no site."""
    AKISMET_CALLS.labels(
        site=site or "",
        endpoint=bounded(endpoint, AkismetEndpoint.ALL),
        answer=bounded(answer, AkismetAnswer.ALL),
    ).inc()
