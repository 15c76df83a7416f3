"""How numbers, durations and rates read on screen (Jinja filters)."""

from __future__ import annotations

from typing import Any

MISSING = "—"


def as_number(value: Any) -> float | None:
    """The API's numbers come as ints, floats or numeric strings; anything else is None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().rstrip("%"))
    except ValueError:
        return None


def count(value: Any) -> str:
    """12345 -> '12,345'; keeps one decimal for fractional values such as actions per visit."""
    number = as_number(value)
    if number is None:
        return MISSING
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.1f}"


def duration(value: Any) -> str:
    """Seconds as Matomo writes them: '42s', '3 min 5s', '2 hours 4 min'."""
    number = as_number(value)
    if number is None:
        return MISSING
    seconds = int(round(number))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60}s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} {'hour' if hours == 1 else 'hours'} {minutes} min"


def percent(value: Any) -> str:
    """'50%' stays '50%' (the API's form); a bare number is taken as already in percent."""
    if isinstance(value, str) and value.endswith("%"):
        return value
    number = as_number(value)
    if number is None:
        return MISSING
    return f"{number:g}%"


def by_kind(value: Any, kind: str) -> str:
    """Format a table cell according to its column's kind."""
    formatters = {"count": count, "duration": duration, "percent": percent}
    formatter = formatters.get(kind)
    if formatter is not None:
        return formatter(value)
    return MISSING if value in (None, "") else str(value)


FILTERS = {"count": count, "duration": duration, "percent": percent, "by_kind": by_kind}
