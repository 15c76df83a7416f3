"""Time helpers shared by the tracker: UTC datetimes as the database stores them,
and dates in a site's timezone (Matomo's manual `UTC+5.5` offsets included)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_EPOCH = datetime(1970, 1, 1)


def to_datetime(timestamp: float) -> datetime:
    """A UNIX time as the naive UTC datetime (whole seconds) the raw log stores."""
    return _EPOCH + timedelta(seconds=int(timestamp))


def to_timestamp(value: datetime) -> float:
    return (value - _EPOCH).total_seconds()


@lru_cache(maxsize=512)
def site_tz(name: str) -> tzinfo:
    if name.upper().startswith("UTC") and len(name) > 3:
        try:
            return timezone(timedelta(hours=float(name[3:])))
        except ValueError:
            return UTC
    try:
        return ZoneInfo(name) if name.upper() != "UTC" else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_date(timestamp: float, tz_name: str) -> date:
    """The calendar date of `timestamp` in the site's timezone.

    Hits come in time order, so the day of the previous call per timezone is kept
    with its exact bounds: most calls are two comparisons, no datetime arithmetic.
    """
    known = _DAYS.get(tz_name)
    if known is not None and known[0] <= timestamp < known[1]:
        return known[2]
    tz = site_tz(tz_name)
    day = datetime.fromtimestamp(timestamp, tz).date()
    bounds = _day_bounds(day, tz)
    if bounds is not None:
        if len(_DAYS) > 512:
            _DAYS.clear()
        _DAYS[tz_name] = (*bounds, day)
    return day


_DAYS: dict[str, tuple[float, float, date]] = {}


def _day_bounds(day: date, tz: tzinfo) -> tuple[float, float] | None:
    """[start, end) in UNIX time of `day` in `tz`, or None when a DST change at midnight
    makes the local midnights ambiguous (then nothing is cached)."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=tz).timestamp()
    if (_on(start, tz) != day or _on(start - 1, tz) == day or _on(end - 1, tz) != day
            or _on(end, tz) == day):
        return None
    return start, end


def _on(moment: float, tz: tzinfo) -> date:
    return datetime.fromtimestamp(moment, tz).date()


def today(tz_name: str) -> date:
    return local_date(time.time(), tz_name)
