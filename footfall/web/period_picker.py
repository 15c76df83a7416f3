"""The period a page shows: read from the query string, resolved in the site's time zone.

The UI speaks the API's own `period` and `date` parameters (so a Matomo user
can read and edit the address), with one default: the last 30 days. It also
works out the neighbouring periods for the arrows and the series of periods the
evolution chart plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from footfall.archive.periods import Period, make_period, periods_between, select_periods
from footfall.errors import BadRequest

DEFAULT_PERIOD = "range"
DEFAULT_DATE = "last30"
PERIOD_KINDS = ("day", "week", "month", "year", "range")
PERIOD_NAMES = {"day": "Day", "week": "Week", "month": "Month", "year": "Year", "range": "Date range"}
# How many periods the evolution chart shows for each kind (Matomo shows the last 30).
CHART_SPANS = {"day": 30, "week": 16, "month": 12, "year": 5}
MAX_DAILY_POINTS = 92
MAX_WEEKLY_POINTS = 104


@dataclass(frozen=True)
class Selection:
    """A resolved period, its API parameters and the words that describe it."""

    period: Period
    api_period: str
    api_date: str
    error: str | None = None

    @property
    def label(self) -> str:
        return describe(self.period)

    @property
    def query(self) -> str:
        return urlencode({"period": self.api_period, "date": self.api_date})

    def params(self) -> dict[str, str]:
        """The API parameters, with the dates resolved (links keep the keywords instead)."""
        return _api_params(self.period)


def _day(day: date, *, year: bool = True) -> str:
    return f"{day:%b} {day.day}, {day.year}" if year else f"{day:%b} {day.day}"


def describe(period: Period) -> str:
    """A short human label: 'Fri, Nov 27, 2026', 'Nov 23 – 29, 2026', 'November 2026'."""
    start, end = period.start, period.end
    if period.kind == "day":
        return f"{start:%a}, {_day(start)}"
    if period.kind == "month":
        return f"{start:%B %Y}"
    if period.kind == "year":
        return str(start.year)
    if start.year != end.year:
        return f"{_day(start)} – {_day(end)}"
    if start.month == end.month:
        return f"{_day(start, year=False)} – {end.day}, {end.year}"
    return f"{_day(start, year=False)} – {_day(end)}"


def read_selection(query: dict[str, str], timezone: str, *, today: date | None = None) -> Selection:
    """The period asked for in `query`, or the default (with `error` saying why) if it is invalid."""
    period = (query.get("period") or DEFAULT_PERIOD).strip().lower()
    date_text = (query.get("date") or "").strip()
    if period == "range" and query.get("from") and query.get("to"):
        date_text = f"{query['from']},{query['to']}"  # the date picker's two fields
    date_text = date_text or (DEFAULT_DATE if period == "range" else "today")
    try:
        return _resolve(period, date_text, timezone, today)
    except BadRequest as error:
        fallback = _resolve(DEFAULT_PERIOD, DEFAULT_DATE, timezone, today)
        return Selection(fallback.period, fallback.api_period, fallback.api_date, error=str(error))


def _resolve(period: str, date_text: str, timezone: str, today: date | None) -> Selection:
    if period not in PERIOD_KINDS:
        raise BadRequest(f"unknown period {period!r}: use one of {', '.join(PERIOD_KINDS)}")
    now = None if today is None else _noon(today)
    chosen = select_periods(period, date_text, tz=timezone, now=now)
    if chosen.multiple:
        raise BadRequest(f"the date {date_text!r} names several periods; choose one")
    resolved = chosen.single
    if resolved.kind == "range" and resolved.start > resolved.end:
        raise BadRequest("the date range ends before it starts")
    return Selection(resolved, resolved.kind, _api_date(resolved, date_text))


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _api_date(period: Period, date_text: str) -> str:
    """Keep keywords such as `last30` and `today` in links, so bookmarks stay relative."""
    keyword = date_text.lower()
    if keyword in ("today", "yesterday") or keyword.startswith(("last", "previous")):
        return keyword
    if period.kind == "range":
        return f"{period.start.isoformat()},{period.end.isoformat()}"
    return period.start.isoformat()


def shifted(period: Period, step: int) -> Period:
    """The period `step` periods before (negative) or after this one; ranges keep their length."""
    if period.kind == "range":
        length = timedelta(days=step * ((period.end - period.start).days + 1))
        return Period("range", period.start + length, period.end + length)
    moved = period
    for _ in range(abs(step)):
        anchor = moved.start - timedelta(days=1) if step < 0 else moved.end + timedelta(days=1)
        moved = make_period(moved.kind, anchor)
    return moved


def _api_params(period: Period) -> dict[str, str]:
    if period.kind == "range":
        return {"period": "range", "date": f"{period.start.isoformat()},{period.end.isoformat()}"}
    return {"period": period.kind, "date": period.start.isoformat()}


def neighbour(selection: Selection, step: int) -> str:
    """The query string of the period before (step -1) or after (+1) this one."""
    return urlencode(_api_params(shifted(selection.period, step)))


def previous_params(selection: Selection) -> dict[str, str]:
    """The API parameters of the period just before the selected one (for comparisons)."""
    return _api_params(shifted(selection.period, -1))


def chart_periods(selection: Selection) -> tuple[str, tuple[Period, ...]]:
    """The kind of period the evolution chart plots, and the periods themselves (oldest first)."""
    current = selection.period
    if current.kind == "range":
        days = (current.end - current.start).days + 1
        kind = "day" if days <= MAX_DAILY_POINTS else "week" if days <= 7 * MAX_WEEKLY_POINTS else "month"
        return kind, periods_between(kind, current.start, current.end)
    span = CHART_SPANS[current.kind]
    first = current.start
    for _ in range(span - 1):
        first = make_period(current.kind, first - timedelta(days=1)).start
    return current.kind, periods_between(current.kind, first, current.end)


def presets() -> list[tuple[str, str]]:
    """Shortcut links of the date picker: (name, query string)."""
    choices = [("Today", "day", "today"), ("Yesterday", "day", "yesterday"),
               ("Last 7 days", "range", "last7"), ("Last 30 days", "range", "last30"),
               ("This month", "month", "today"), ("This year", "year", "today")]
    return [(name, urlencode({"period": p, "date": d})) for name, p, d in choices]
