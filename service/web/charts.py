"""Server-rendered SVG charts for the dashboard: the geometry of stacked bar charts by day.

Hand-rolled rather than a chart library: the dashboard needs stacked bars over days and
nothing else, which is a few rectangles computed here and drawn by a template
(`web/_chart.html`), with no JavaScript, no asset to install and nothing to keep in step with
the Content-Security-Policy. Every chart also renders as a table for screen readers.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 44  # room for the y-axis labels
MARGIN_BOTTOM = 24  # room for the day labels
MARGIN_TOP = 8
MARGIN_RIGHT = 20  # room for half the last day's label
MAX_DAY_LABELS = 8


@dataclass(frozen=True)
class Bar:
    """One segment of a day's stacked bar."""

    x: float
    y: float
    width: float
    height: float
    series: str
    day: date
    value: float


@dataclass(frozen=True)
class Tick:
    """A labelled value on the y axis."""

    y: float
    value: float


@dataclass(frozen=True)
class DayLabel:
    """A day named under the x axis."""

    x: float
    day: date


@dataclass(frozen=True)
class BarChart:
    """A stacked bar chart's geometry and its data (for the table beside it)."""

    series: tuple[str, ...]
    days: tuple[date, ...]
    values: dict[tuple[date, str], float]
    top: float
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    day_labels: list[DayLabel] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = MARGIN_LEFT
    plot_right: int = WIDTH - MARGIN_RIGHT
    plot_bottom: int = HEIGHT - MARGIN_BOTTOM

    def value(self, day: date, series: str) -> float:
        """One cell of the data table."""
        return self.values.get((day, series), 0)

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to draw (a day with a value of 0 is something: a rate)."""
        return not self.values


def stacked_bars(
    days: Sequence[date],
    series: Sequence[str],
    values: dict[tuple[date, str], float],
    *,
    top: float | None = None,
) -> BarChart:
    """A bar per day, stacked by series (in `series` order, from the bottom up).

    `top` fixes the y axis' maximum (1.0 for a rate); otherwise it is a round number at or
    above the largest day's total.
    """
    totals = [sum(values.get((day, s), 0) for s in series) for day in days]
    top = top if top is not None else nice_ceiling(max(totals, default=0))
    chart = BarChart(tuple(series), tuple(days), dict(values), top)
    plot_height = chart.plot_bottom - MARGIN_TOP
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(len(days), 1)
    scale = plot_height / top if top else 0.0
    for index, day in enumerate(days):
        x = MARGIN_LEFT + index * slot + slot * 0.15
        base = float(chart.plot_bottom)
        for name in series:
            value = values.get((day, name), 0)
            if value:
                height = value * scale
                base -= height
                chart.bars.append(Bar(x, base, slot * 0.7, height, name, day, value))
    chart.ticks.extend(
        Tick(chart.plot_bottom - plot_height * fraction, top * fraction)
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    )
    step = max(1, math.ceil(len(days) / MAX_DAY_LABELS))
    chart.day_labels.extend(
        DayLabel(MARGIN_LEFT + index * slot + slot / 2, day)
        for index, day in enumerate(days)
        if (len(days) - 1 - index) % step == 0  # always label the latest day
    )
    return chart


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 4, 5 or 10 times a power of ten that is at least `value` (at
    least 4, so that a quiet day's axis is not all fractions)."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 4, 5, 10):
        if factor * magnitude >= value:
            return float(factor * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns
