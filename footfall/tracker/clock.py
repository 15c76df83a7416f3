"""Time helpers shared by the tracker: UTC datetimes as the database stores them,
and dates in a site's timezone (Matomo's manual `UTC+5.5` offsets included)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_datetime(timestamp: float) -> datetime:
    """A UNIX time as the naive UTC datetime (whole seconds) the raw log stores."""
    return datetime(1970, 1, 1) + timedelta(seconds=int(timestamp))


def to_timestamp(value: datetime) -> float:
    return (value - datetime(1970, 1, 1)).total_seconds()


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
    """The calendar date of `timestamp` in the site's timezone."""
    return datetime.fromtimestamp(timestamp, site_tz(tz_name)).date()


def today(tz_name: str) -> date:
    return local_date(time.time(), tz_name)
