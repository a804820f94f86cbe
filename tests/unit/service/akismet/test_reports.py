"""Report arithmetic: months, intervals, accuracy, parameters."""

from datetime import UTC, datetime

from service.akismet.reports import accuracy, interval_start, month_bounds, number
from service.moderation.reporting.akismet_figures import CheckFigures


def test_month_bounds_cover_the_whole_month_in_utc() -> None:
    assert month_bounds(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == (
        datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))  # fmt: skip
    assert month_bounds(datetime(2026, 2, 10, tzinfo=UTC))[1] == datetime(2026, 3, 1, tzinfo=UTC)


def test_get_stats_intervals() -> None:
    now = datetime.now(UTC)
    assert interval_start("all").year == 1970
    assert interval_start("nonsense").year == 1970
    assert 185 <= (now - interval_start("6-months")).days <= 187
    assert (now - interval_start("60-days")).days in (59, 60)


def test_accuracy_counts_answers_nobody_overturned() -> None:
    assert accuracy(CheckFigures(10, 0, 0, 0, 0)) == 100.0
    assert accuracy(CheckFigures(10, 4, 6, 1, 1)) == 80.0


def test_number_parameters_fall_back_on_anything_odd() -> None:
    assert number("25", 500) == 25
    assert number(None, 500) == 500
    assert number("-3", 0) == 0
    assert number("²", 0) == 0
    assert number("9" * 5000, 500) == 500
