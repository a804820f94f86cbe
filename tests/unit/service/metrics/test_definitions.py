"""The metric helpers keep every label within a known set of values."""

from service.metrics import definitions as metrics
from service.metrics.definitions import AkismetAnswer, WebhookOutcome
from tests.support.metrics import sample


def test_a_webhook_delivery_is_counted_by_site_and_outcome() -> None:
    name, labels = "moderato_webhook_deliveries_total", {"site": "il-quotidiano"}
    before = sample(name, **labels, outcome="delivered")
    metrics.count_webhook_delivery("il-quotidiano", WebhookOutcome.DELIVERED)
    assert sample(name, **labels, outcome="delivered") == before + 1


def test_an_unknown_webhook_outcome_is_counted_as_other() -> None:
    name = "moderato_webhook_deliveries_total"
    before = sample(name, site="s", outcome="other")
    metrics.count_webhook_delivery("s", "connection reset by peer at 10.0.0.7")
    assert sample(name, site="s", outcome="other") == before + 1


def test_an_akismet_call_with_an_unknown_key_has_an_empty_site() -> None:
    name = "moderato_akismet_calls_total"
    labels = {"site": "", "endpoint": "verify-key", "answer": "invalid"}
    before = sample(name, **labels)
    metrics.count_akismet_call(None, "verify-key", AkismetAnswer.INVALID)
    assert sample(name, **labels) == before + 1


def test_akismet_endpoints_and_answers_outside_the_protocol_are_other() -> None:
    name = "moderato_akismet_calls_total"
    labels = {"site": "s", "endpoint": "other", "answer": "other"}
    before = sample(name, **labels)
    metrics.count_akismet_call("s", "../../etc/passwd", "maybe")
    assert sample(name, **labels) == before + 1
