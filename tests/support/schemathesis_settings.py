"""The hypothesis settings both schemathesis fuzz tests run with (the JSON API's and Akismet's)."""

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings


def fuzz_settings(examples_per_operation: int) -> Callable[[Any], Any]:
    """`examples_per_operation` per operation, no deadline (timings on a shared machine are
    noise), and the health checks off that object to fixtures set up once per operation and
    shared by its examples."""
    return settings(
        max_examples=examples_per_operation,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )
