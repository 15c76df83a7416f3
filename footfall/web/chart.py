"""A line chart as SVG geometry, computed on the server: no chart library, no script.

The template draws what this module measures: gridlines with round values,
a line and its shaded area, a dot per period (with a tooltip), and a handful
of date labels along the bottom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 960, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 32
GRID_LINES = 4
MAX_X_LABELS = 7


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: float
    tip: str


@dataclass(frozen=True)
class Tick:
    position: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: the last label ends at the plot's edge


@dataclass(frozen=True)
class LineChart:
    """Everything the SVG template needs, in viewBox coordinates."""

    width: int
    height: int
    points: tuple[ChartPoint, ...]
    line_path: str
    area_path: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    plot_left: float
    plot_right: float
    baseline: float
    description: str

    @property
    def is_empty(self) -> bool:
        return not any(p.value for p in self.points)


def nice_step(value: float) -> float:
    """The gridline step for a chart whose largest value is `value`: a whole number with one
    or two significant digits, so that every gridline reads as a round number."""
    if value <= 0:
        return 1
    raw = value / GRID_LINES
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if magnitude >= 10 else (1, 2, 3, 4, 5, 6, 8, 10)
    for step in steps:
        if raw <= step * magnitude:
            return max(1, step * magnitude)
    return 10 * magnitude


def line_chart(series: list[tuple[str, float]], *, metric: str = "Visits") -> LineChart:
    """Geometry for `series`: (period label, value) pairs, oldest first."""
    top = nice_step(max((v for _, v in series), default=0)) * GRID_LINES
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    base, ceiling = HEIGHT - PAD_BOTTOM, PAD_TOP
    step = (right - left) / max(len(series) - 1, 1)

    def y_of(value: float) -> float:
        return round(base - (value / top) * (base - ceiling), 1)

    points = tuple(
        ChartPoint(x=round(left + i * step if len(series) > 1 else (left + right) / 2, 1),
                   y=y_of(value), label=label, value=value,
                   tip=f"{label}: {format_count(value)} {metric.lower()}")
        for i, (label, value) in enumerate(series))
    line = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    area = f"{line} L{points[-1].x},{base} L{points[0].x},{base} Z" if points else ""
    y_ticks = tuple(Tick(y_of(top * i / GRID_LINES), format_count(top * i / GRID_LINES))
                    for i in range(GRID_LINES + 1))
    return LineChart(WIDTH, HEIGHT, points, line, area, y_ticks, _x_ticks(points), left, right,
                     base, _describe(series, metric))


def _x_ticks(points: tuple[ChartPoint, ...]) -> tuple[Tick, ...]:
    if not points:
        return ()
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    chosen = points[::every]
    return tuple(Tick(p.x, p.label, "end" if p is points[-1] and len(points) > 1 else "middle")
                 for p in chosen)


def _describe(series: list[tuple[str, float]], metric: str) -> str:
    """A sentence for screen readers: the span, the total and the peak."""
    if not series:
        return f"No {metric.lower()} to plot."
    total = sum(v for _, v in series)
    peak_label, peak = max(series, key=lambda item: item[1])
    return (f"{metric} from {series[0][0]} to {series[-1][0]}: {format_count(total)} in total, "
            f"highest on {peak_label} with {format_count(peak)}.")


def format_count(value: float) -> str:
    """12345 -> '12,345'; 2.5 -> '2.5' (gridline values may be fractional)."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"
