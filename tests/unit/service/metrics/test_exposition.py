"""The metrics token check and the registry a scrape reads."""

import hashlib

import pytest
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily

from service.metrics import exposition

TOKEN = "a-metrics-token-of-some-length"
TOKEN_SHA256 = hashlib.sha256(TOKEN.encode()).hexdigest()


def test_the_configured_token_as_a_bearer_token_matches() -> None:
    assert exposition.token_matches(TOKEN_SHA256, f"Bearer {TOKEN}")
    assert exposition.token_matches(TOKEN_SHA256, f"bearer  {TOKEN} ")  # scheme in any case


def test_the_hash_is_compared_whatever_its_case() -> None:
    assert exposition.token_matches(TOKEN_SHA256.upper(), f"Bearer {TOKEN}")


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
     TOKEN, f"Bearer {TOKEN_SHA256}"],
    ids=["none", "empty", "no-token", "blank-token", "basic", "longer", "shorter", "no-scheme",
         "the-hash-itself"],
)  # fmt: skip
def test_anything_else_does_not_match(authorization: str | None) -> None:
    assert not exposition.token_matches(TOKEN_SHA256, authorization)


@pytest.mark.parametrize("configured", [None, ""])
def test_no_token_configured_matches_nothing(configured: str | None) -> None:
    assert not exposition.token_matches(configured, "Bearer ")
    assert not exposition.token_matches(configured, f"Bearer {TOKEN}")


def test_hash_token_is_the_sha256_the_configuration_keeps() -> None:
    assert exposition.hash_token(TOKEN) == TOKEN_SHA256


class OneGauge:
    def collect(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily("test_exposition_collected", "A collector's gauge.", value=7)]


def test_a_single_process_scrape_has_this_process_metrics_and_the_collectors() -> None:
    counter = Counter("test_exposition_events", "A counter of this process.")
    counter.inc(3)
    body, content_type = exposition.render(exposition.scrape_registry(OneGauge()), None)
    text = body.decode()
    assert "test_exposition_events_total 3.0" in text
    assert "test_exposition_collected 7.0" in text
    assert content_type.startswith("text/plain; version=0.0.4")


def test_a_scraper_asking_for_openmetrics_gets_it() -> None:
    accept = "application/openmetrics-text; version=1.0.0, text/plain;q=0.5"
    body, content_type = exposition.render(exposition.scrape_registry(OneGauge()), accept)
    assert content_type.startswith("application/openmetrics-text")
    assert body.decode().endswith("# EOF\n")
