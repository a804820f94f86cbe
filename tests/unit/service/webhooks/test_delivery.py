"""The back-off schedule and the boolean setting (no I/O)."""

import pytest

from service.config import Config
from service.webhooks.delivery import backoff_seconds, flag


def test_the_back_off_doubles_from_the_first_wait() -> None:
    assert [backoff_seconds(n, 90) for n in (1, 2, 3, 4)] == [90, 180, 360, 720]


def test_the_default_retries_span_about_a_day() -> None:
    waits = [
        backoff_seconds(n, Config.WEBHOOK_RETRY_SECONDS)
        for n in range(1, Config.WEBHOOK_MAX_ATTEMPTS)
    ]
    assert 20 * 3600 <= sum(waits) <= 30 * 3600


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("1", True), ("False", False), ("0", False)],
)
def test_the_private_addresses_flag_reads_environment_text(value: object, expected: bool) -> None:
    assert flag(value) is expected
