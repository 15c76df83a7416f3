"""Periods and the `period`/`date` grammar of the Reporting API (reference §3).

A `Period` is a closed span of site-local calendar days with a kind (day,
week, month, year, range). `select_periods` turns the API's `period` and
`date` parameters into the list of periods to report on, resolving keywords
such as `today` or `last7` in the site's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from footfall.errors import BadRequest

PERIOD_KINDS = ("day", "week", "month", "year", "range")
# The `period` column of the archive tables.
PERIOD_IDS = {"day": 1, "week": 2, "month": 3, "year": 4, "range": 5}
PERIOD_BY_ID = {number: kind for kind, number in PERIOD_IDS.items()}
# Matomo refuses dates before the first website went online.
FIRST_WEBSITE_DAY = date(1991, 8, 6)
# How many periods lastN/previousN may span; larger N is capped silently.
MAX_PERIODS = {"day": 5 * 365, "week": 520, "month": 120, "year": 10, "range": 5 * 365}
# Range ends later than 31 December of (this year + RANGE_END_YEARS) are clamped.
RANGE_END_YEARS = 10

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LAST_N = re.compile(r"^(last|previous)(\d+)$")
_RELATIVE_ANCHORS = {"lastweek": "week", "lastmonth": "month", "lastyear": "year"}
_OTHER_FORMATS = ("%Y/%m/%d", "%B %d %Y", "%B %d, %Y", "%d %B %Y", "%b %d %Y", "%b %d, %Y",
                  "%d %b %Y")


@dataclass(frozen=True, order=True)
class Period:
    """A span of site-local days: [start, end], both inclusive."""

    kind: str
    start: date
    end: date

    @property
    def id(self) -> int:
        """The archive tables' `period` number (1 day ... 5 range)."""
        return PERIOD_IDS[self.kind]

    @property
    def label(self) -> str:
        """The key Matomo uses for this period in multi-period answers."""
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()},{self.end.isoformat()}"

    @property
    def pretty(self) -> str:
        """A human form, e.g. 'Sunday, January 4, 2009' (English only)."""
        if self.kind == "day":
            return f"{self.start:%A, %B} {self.start.day}, {self.start.year}"
        if self.kind == "month":
            return f"{self.start:%B} {self.start.year}"
        if self.kind == "year":
            return str(self.start.year)
        prefix = "week " if self.kind == "week" else ""
        return (f"{prefix}{self.start:%B} {self.start.day}, {self.start.year} - "
                f"{self.end:%B} {self.end.day}, {self.end.year}")

    def days(self) -> list[date]:
        count = (self.end - self.start).days + 1
        return [self.start + timedelta(days=i) for i in range(count)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def subperiods(self) -> list[Period]:
        """The periods this one is archived from (empty for a day), as Matomo splits them."""
        if self.kind == "day":
            return []
        if self.kind == "week":
            return [day_period(d) for d in self.days()]
        if self.kind == "year":
            return [month_period(date(self.start.year, m, 1)) for m in range(1, 13)]
        if self.kind == "month":
            return _month_parts(self.start, self.end)
        return decompose(self.start, self.end)

    def utc_bounds(self, tz: str | tzinfo) -> tuple[datetime, datetime]:
        """UTC (naive) datetimes [from, to) covering this period's local days."""
        zone = site_tzinfo(tz) if isinstance(tz, str) else tz
        return (_local_midnight_utc(self.start, zone),
                _local_midnight_utc(self.end + timedelta(days=1), zone))


def day_period(day: date) -> Period:
    return Period("day", day, day)


def week_period(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


def year_period(day: date) -> Period:
    return Period("year", date(day.year, 1, 1), date(day.year, 12, 31))


def range_period(start: date, end: date) -> Period:
    if start > end:
        raise BadRequest("Specified date range is invalid.")
    return Period("range", start, end)


def make_period(kind: str, day: date) -> Period:
    """The period of `kind` containing `day` (a one-day range for 'range')."""
    makers = {"day": day_period, "week": week_period, "month": month_period,
              "year": year_period}
    if kind == "range":
        return range_period(day, day)
    return makers[check_period_kind(kind)](day)


def period_from_archive(period_id: int, date1: date, date2: date) -> Period:
    """Rebuild a Period from an archive row's (period, date1, date2)."""
    return Period(PERIOD_BY_ID[period_id], date1, date2)


def check_period_kind(kind: str) -> str:
    if kind not in PERIOD_KINDS:
        raise BadRequest(f"The period '{kind}' is not supported. Try any of the following "
                         f"instead: {', '.join(PERIOD_KINDS)}")
    return kind


def _month_parts(start: date, end: date) -> list[Period]:
    """A month as the whole weeks inside it plus the loose days at both ends."""
    parts: list[Period] = []
    cursor = start
    while cursor <= end:
        if cursor.weekday() == 0 and cursor + timedelta(days=6) <= end:
            parts.append(week_period(cursor))
            cursor += timedelta(days=7)
        else:
            parts.append(day_period(cursor))
            cursor += timedelta(days=1)
    return parts


def decompose(start: date, end: date) -> list[Period]:
    """Cover [start, end] greedily with whole years, months, weeks, then days."""
    parts: list[Period] = []
    cursor = start
    while cursor <= end:
        for maker in (year_period, month_period, week_period, day_period):
            candidate = maker(cursor)
            # A week that crosses into the next month would hide that whole month.
            crosses = maker is week_period and candidate.end.month != cursor.month
            if candidate.start == cursor and candidate.end <= end and not crosses:
                parts.append(candidate)
                cursor = candidate.end + timedelta(days=1)
                break
    return parts


# --- Time zones -----------------------------------------------------------------


def site_tzinfo(name: str) -> tzinfo:
    """A tzinfo for a site's timezone: IANA names, 'UTC', or Matomo's 'UTC+5.5' offsets."""
    if not name or name.upper() == "UTC":
        return UTC
    if name.startswith("UTC") and len(name) > 3:
        try:
            hours = float(name[3:])
        except ValueError:
            raise BadRequest(f"unknown timezone {name!r}") from None
        return timezone(timedelta(minutes=round(hours * 60)))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"unknown timezone {name!r}") from None


def _local_midnight_utc(day: date, zone: tzinfo) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def local_now(tz: str | tzinfo, now: datetime | None = None) -> datetime:
    """The current (or given, UTC) time as a naive site-local datetime."""
    zone = site_tzinfo(tz) if isinstance(tz, str) else tz
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).replace(tzinfo=None)


def local_day_of(utc_time: datetime, tz: str | tzinfo) -> date:
    """The site-local day of a naive UTC datetime from the raw log."""
    return local_now(tz, utc_time).date()


# --- The `date` grammar -----------------------------------------------------------


@dataclass(frozen=True)
class PeriodSelection:
    """What `period` + `date` ask for: the periods, and whether the answer is keyed by date."""

    periods: tuple[Period, ...]
    multiple: bool

    @property
    def single(self) -> Period:
        return self.periods[0]


def select_periods(period: str, date_text: str, *, tz: str | tzinfo = "UTC",
                   now: datetime | None = None) -> PeriodSelection:
    """Resolve the API's `period` and `date` parameters (reference §3.2)."""
    kind = check_period_kind((period or "").strip().lower())
    text = (date_text or "").strip()
    today = local_now(tz, now).date()
    last_n = _LAST_N.match(text.lower())
    if kind == "range":
        return PeriodSelection((_range_for(text, last_n, today),), multiple=False)
    if last_n:
        return PeriodSelection(_last_n_periods(kind, last_n, today), multiple=True)
    if "," in text:
        start, end = _parse_date_pair(text, today)
        return PeriodSelection(periods_between(kind, start, end), multiple=True)
    return PeriodSelection((make_period(kind, parse_date(text, today)),), multiple=False)


def _range_for(text: str, last_n: re.Match[str] | None, today: date) -> Period:
    if last_n:
        count = max(1, int(last_n.group(2)))
        end = today if last_n.group(1) == "last" else today - timedelta(days=1)
        return range_period(end - timedelta(days=count - 1), end)
    if "," not in text:
        raise _bad_range(text)
    start, end = _parse_date_pair(text, today)
    if start == end:  # Matomo answers 'A,A' with period=range as the day A
        return day_period(start)
    return range_period(start, end)


def _last_n_periods(kind: str, match: re.Match[str], today: date) -> tuple[Period, ...]:
    count = min(max(1, int(match.group(2))), MAX_PERIODS[kind])
    current = make_period(kind, today)
    if match.group(1) == "previous":
        current = make_period(kind, current.start - timedelta(days=1))
    found = [current]
    while len(found) < count:
        found.append(make_period(kind, found[-1].start - timedelta(days=1)))
    return tuple(reversed(found))


def periods_between(kind: str, start: date, end: date) -> tuple[Period, ...]:
    """Every period of `kind` from the one containing `start` to the one containing `end`."""
    if start > end:
        raise BadRequest("Specified date range is invalid.")
    found = [make_period(kind, start)]
    while found[-1].end < end:
        found.append(make_period(kind, found[-1].end + timedelta(days=1)))
    return tuple(found)


def _parse_date_pair(text: str, today: date) -> tuple[date, date]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise _bad_range(text)
    first, second = parts
    start_keywords = {"last week", "last-week", "lastweek", "last month", "last-month",
                      "lastmonth", "last year", "last-year", "lastyear"}
    end_keywords = {"today", "now", "yesterday", *start_keywords}
    if not (_ISO_DAY.match(first) or first.lower() in start_keywords):
        raise _bad_range(text)
    if not (_ISO_DAY.match(second) or second.lower() in end_keywords):
        raise _bad_range(text)
    start, end = parse_date(first, today), parse_date(second, today)
    latest = date(today.year + RANGE_END_YEARS, 12, 31)
    return start, min(end, latest)


def _bad_range(text: str) -> BadRequest:
    return BadRequest(f"The date '{text}' is not a correct date range. It should have the "
                      "following format:  'lastN', 'previousN', 'YYYY-MM-DD,YYYY-MM-DD'.")


def parse_date(text: str, today: date) -> date:
    """One date: YYYY-MM-DD, a keyword (today, yesterday, lastweek...) or a few spelled forms."""
    found = _keyword_date(text.strip().lower(), today) or _literal_date(text.strip())
    if found is None:
        raise BadRequest(
            "Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any keyword "
            "supported by the strtotime function (see http://php.net/strtotime for more "
            f"information): '{text}'")
    if found < FIRST_WEBSITE_DAY:
        raise BadRequest(
            f"The date '{found.isoformat()}' is a date before first website was online. "
            "Try date that's after Tuesday, August 6, 1991 (timestamp 681436800).: "
            f"{text}")
    return found


def _keyword_date(word: str, today: date) -> date | None:
    word = word.replace(" ", "").replace("-", "") if word.startswith("last") else word
    if word in ("today", "now"):
        return today
    if word in ("yesterday", "yesterdaysametime"):
        return today - timedelta(days=1)
    unit = _RELATIVE_ANCHORS.get(word)
    if unit == "week":
        return today - timedelta(days=7)
    if unit == "month":
        return _add_months(today, -1)
    if unit == "year":
        return _add_months(today, -12)
    return None


def _add_months(day: date, months: int) -> date:
    """PHP's strtotime('-1 month'): same day number, overflowing into the next month."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return first + timedelta(days=day.day - 1)


def _literal_date(text: str) -> date | None:
    match = _ISO_DAY.match(text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if text.isdecimal() and len(text) >= 9:  # a unix timestamp
            return datetime.fromtimestamp(int(text), UTC).date()
    except (ValueError, OverflowError):
        return None
    for pattern in _OTHER_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
