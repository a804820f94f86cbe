"""The queue collector turns queue states into gauges when scraped."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError

from service.moderation.reporting.waiting_gauges import QueueCollector, QueueState

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def gauges(collector: QueueCollector) -> dict[tuple[str, str, str], float]:
    return {
        (s.name, s.labels["site"], s.labels["status"]): s.value
        for family in collector.collect()
        for s in family.samples
    }


def test_each_site_and_status_gets_its_count_and_oldest_age() -> None:
    states = [
        QueueState("il-quotidiano", "pending", 12, NOW - timedelta(minutes=30)),
        QueueState("il-quotidiano", "queued", 0, None),
    ]
    found = gauges(QueueCollector(lambda: states, now=lambda: NOW))
    assert found == {
        ("moderato_queue_comments", "il-quotidiano", "pending"): 12,
        ("moderato_queue_oldest_age_seconds", "il-quotidiano", "pending"): 1800.0,
        ("moderato_queue_comments", "il-quotidiano", "queued"): 0,
        ("moderato_queue_oldest_age_seconds", "il-quotidiano", "queued"): 0.0,
    }


def test_a_comment_from_a_clock_ahead_has_age_zero_not_negative() -> None:
    states = [QueueState("s", "queued", 1, NOW + timedelta(seconds=2))]
    found = gauges(QueueCollector(lambda: states, now=lambda: NOW))
    assert found[("moderato_queue_oldest_age_seconds", "s", "queued")] == 0.0


def test_the_collector_reads_the_queue_at_every_scrape() -> None:
    calls: list[int] = []

    def fetch() -> list[QueueState]:
        calls.append(1)
        return [QueueState("s", "pending", len(calls), None)]

    collector = QueueCollector(fetch, now=lambda: NOW)
    gauges(collector)
    assert gauges(collector)[("moderato_queue_comments", "s", "pending")] == 2


def test_a_failing_database_query_yields_no_queue_metrics() -> None:
    def fetch() -> list[QueueState]:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    assert list(QueueCollector(fetch).collect()) == []
