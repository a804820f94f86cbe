"""Serving the metrics: what a scrape reads, in which format, and the token that guards it.

Used by the web process's `/metrics` (service/api/metrics.py) and by a worker's own metrics
port (workers/metrics.py).
"""

import hashlib
import hmac
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from service.metrics import definitions as metrics


class ThisProcess:
    """The metrics of this process alone: single-process mode (tests, a plain interpreter)."""

    def collect(self) -> Iterable[Metric]:
        """Everything registered in prometheus_client's default registry."""
        return REGISTRY.collect()


def scrape_registry(*collectors: Collector) -> CollectorRegistry:
    """A registry for one scrape: every process's files in multiprocess mode (never the
    default registry then, whose values would be counted twice), else this process; plus
    `collectors`, which compute their values when scraped."""
    registry = CollectorRegistry()
    if metrics.MULTIPROCESS:
        MultiProcessCollector(registry)
    else:
        registry.register(ThisProcess())
    for collector in collectors:
        registry.register(collector)
    return registry


def render(registry: CollectorRegistry, accept: str | None) -> tuple[bytes, str]:
    """The registry in the format the scraper asked for (Prometheus text or OpenMetrics),
    and its content type."""
    encode, content_type = choose_encoder(accept or "")
    return encode(registry), content_type


def hash_token(token: str) -> str:
    """The SHA-256 of a metrics token, as the configuration keeps it (METRICS_TOKEN_SHA256)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(expected_sha256: str | None, authorization: str | None) -> bool:
    """True if `Authorization: Bearer <token>` carries the configured token.

    The hashes are compared, in constant time, so neither the token's length nor its first
    differing character shows in the time a refusal takes. No token configured: never.
    """
    if not expected_sha256:
        return False
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    return hmac.compare_digest(hash_token(token.strip()), expected_sha256.lower())
