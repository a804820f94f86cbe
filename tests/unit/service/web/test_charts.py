"""The dashboard's SVG chart geometry: stacked bars by day, axis and labels."""

from datetime import date, timedelta

import pytest

from service.web.charts import HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, nice_ceiling, stacked_bars

DAYS = [date(2026, 12, 1) + timedelta(days=n) for n in range(3)]


def test_bars_stack_from_the_bottom_in_series_order_and_scale_to_the_top() -> None:
    chart = stacked_bars(
        DAYS, ["a", "b"], {(DAYS[0], "a"): 2, (DAYS[0], "b"): 2, (DAYS[2], "b"): 1}
    )
    bottom = HEIGHT - MARGIN_BOTTOM
    plot = bottom - MARGIN_TOP
    first_a, first_b, last_b = chart.bars
    assert chart.top == 4
    assert (first_a.series, first_a.y + first_a.height) == ("a", pytest.approx(bottom))
    assert first_b.y + first_b.height == pytest.approx(first_a.y)
    assert first_b.y == pytest.approx(MARGIN_TOP)  # 4 of 4: the full height
    assert last_b.height == pytest.approx(plot / 4)
    assert last_b.x > first_a.x


def test_a_fixed_top_and_a_zero_value_day() -> None:
    chart = stacked_bars(DAYS, ["rate"], {(DAYS[0], "rate"): 50.0, (DAYS[1], "rate"): 0.0}, top=100)
    assert [bar.day for bar in chart.bars] == [DAYS[0]]
    assert chart.ticks[-1].value == 100
    assert not chart.is_empty  # a rate of 0 is a value
    assert chart.value(DAYS[2], "rate") == 0


def test_no_values_is_an_empty_chart() -> None:
    assert stacked_bars(DAYS, ["a"], {}).is_empty


def test_day_labels_are_thinned_out_and_always_name_the_last_day() -> None:
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    labels = stacked_bars(days, ["a"], {}).day_labels
    assert len(labels) <= 8
    assert labels[-1].day == days[-1]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 4), (3, 4), (7, 10), (11, 20), (31, 40), (45, 50), (101, 200)]
)
def test_the_axis_top_is_a_round_number(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == ceiling
