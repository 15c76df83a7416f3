"""The period/date grammar: every form of reference §3, time zones and errors."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from footfall.archive import periods
from footfall.archive.periods import Period, select_periods
from footfall.errors import BadRequest

NOW = datetime(2024, 3, 13, 12, 0)  # a Wednesday, UTC


def labels(period: str, date_text: str, **kw: object) -> list[str]:
    selection = select_periods(period, date_text, now=kw.pop("now", NOW), **kw)  # type: ignore[arg-type]
    return [p.label for p in selection.periods]


@pytest.mark.parametrize(("period", "date_text", "expected"), [
    ("day", "2010-03-06", ["2010-03-06"]),
    ("day", "2010-3-6", ["2010-03-06"]),
    ("day", "today", ["2024-03-13"]),
    ("day", "now", ["2024-03-13"]),
    ("day", "yesterday", ["2024-03-12"]),
    ("day", "yesterdaySameTime", ["2024-03-12"]),
    ("day", "lastweek", ["2024-03-06"]),
    ("day", "last week", ["2024-03-06"]),
    ("day", "last-month", ["2024-02-13"]),
    ("day", "lastyear", ["2023-03-13"]),
    ("day", "March 6 2010", ["2010-03-06"]),
    ("week", "2010-03-06", ["2010-03-01,2010-03-07"]),
    ("week", "2010-03-07", ["2010-03-01,2010-03-07"]),
    ("week", "2010-03-08", ["2010-03-08,2010-03-14"]),
    ("month", "2010-02-14", ["2010-02"]),
    ("year", "2010-02-14", ["2010"]),
    ("range", "2010-12-15,2011-01-15", ["2010-12-15,2011-01-15"]),
    ("range", "2024-03-01,today", ["2024-03-01,2024-03-13"]),
    ("range", "2024-03-01,yesterday", ["2024-03-01,2024-03-12"]),
    ("range", "last7", ["2024-03-07,2024-03-13"]),
    ("range", "previous7", ["2024-03-06,2024-03-12"]),
])
def test_single_period_forms(period: str, date_text: str, expected: list[str]) -> None:
    selection = select_periods(period, date_text, now=NOW)
    assert not selection.multiple
    assert [p.label for p in selection.periods] == expected


def test_range_of_one_day_is_that_day() -> None:
    selection = select_periods("range", "2010-03-06,2010-03-06", now=NOW)
    assert selection.single == Period("day", date(2010, 3, 6), date(2010, 3, 6))


def test_last_n_days_end_today_and_previous_n_end_yesterday() -> None:
    assert labels("day", "last3") == ["2024-03-11", "2024-03-12", "2024-03-13"]
    assert labels("day", "previous2") == ["2024-03-11", "2024-03-12"]
    assert select_periods("day", "last3", now=NOW).multiple


def test_last_n_weeks_months_years() -> None:
    assert labels("week", "last2") == ["2024-03-04,2024-03-10", "2024-03-11,2024-03-17"]
    assert labels("month", "previous2") == ["2024-01", "2024-02"]
    assert labels("year", "last1") == ["2024"]


def test_last_n_is_capped() -> None:
    assert len(labels("year", "last50")) == 10
    assert len(labels("month", "last500")) == 120


def test_comma_range_with_week_period_lists_weeks_spanning_it() -> None:
    # V6: 2010-01-03 (a Sunday) to 2010-02-14 gives 7 week keys.
    found = labels("week", "2010-01-03,2010-02-14")
    assert found[0] == "2009-12-28,2010-01-03"
    assert found[-1] == "2010-02-08,2010-02-14"
    assert len(found) == 7
    assert select_periods("week", "2010-01-03,2010-02-14").multiple


def test_comma_range_of_days() -> None:
    assert labels("day", "2010-03-06,2010-03-07") == ["2010-03-06", "2010-03-07"]


def test_site_timezone_moves_today() -> None:
    # 2024-03-13 02:00 UTC is still the 12th in Barbados (UTC-4), already the 13th in Tokyo.
    early = datetime(2024, 3, 13, 2, 0)
    assert labels("day", "today", tz="America/Barbados", now=early) == ["2024-03-12"]
    assert labels("day", "today", tz="Asia/Tokyo", now=early) == ["2024-03-13"]
    assert labels("day", "today", tz="UTC-5", now=early) == ["2024-03-12"]
    assert labels("day", "today", tz="UTC+5.5", now=datetime(2024, 3, 12, 19, 0)) == ["2024-03-13"]


def test_utc_bounds_of_a_local_day() -> None:
    day = periods.day_period(date(2024, 3, 13))
    assert day.utc_bounds("America/Barbados") == (datetime(2024, 3, 13, 4), datetime(2024, 3, 14, 4))
    assert day.utc_bounds("UTC") == (datetime(2024, 3, 13), datetime(2024, 3, 14))


def test_week_subperiods_are_its_days() -> None:
    week = periods.week_period(date(2010, 1, 6))
    assert [p.label for p in week.subperiods()] == [f"2010-01-{d:02d}" for d in range(4, 11)]


def test_month_is_whole_weeks_plus_loose_days() -> None:
    parts = periods.month_period(date(2010, 2, 10)).subperiods()
    # February 2010: Mon 1st .. Sun 28th = four whole weeks.
    assert [p.kind for p in parts] == ["week"] * 4
    parts = periods.month_period(date(2010, 1, 10)).subperiods()
    kinds = [p.kind for p in parts]
    assert kinds[:3] == ["day", "day", "day"] and "week" in kinds
    assert sum(len(p.days()) for p in parts) == 31


def test_year_is_twelve_months_and_range_decomposes_greedily() -> None:
    assert len(periods.year_period(date(2010, 5, 5)).subperiods()) == 12
    parts = periods.range_period(date(2010, 12, 15), date(2011, 2, 3)).subperiods()
    kinds = [p.kind for p in parts]
    assert "month" in kinds and "week" in kinds
    covered = [d for p in parts for d in p.days()]
    assert covered == periods.range_period(date(2010, 12, 15), date(2011, 2, 3)).days()


def test_range_end_far_in_future_is_clamped() -> None:
    selection = select_periods("range", "2024-01-01,2099-01-01", now=NOW)
    assert selection.single.end == date(2034, 12, 31)


@pytest.mark.parametrize(("period", "date_text", "message"), [
    ("decade", "today", "The period 'decade' is not supported. Try any of the following instead: "
                        "day, week, month, year, range"),
    ("day", "foo", "Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any keyword "
                   "supported by the strtotime function (see http://php.net/strtotime for more "
                   "information): 'foo'"),
    ("range", "2010-01-01", "The date '2010-01-01' is not a correct date range. It should have the "
                            "following format:  'lastN', 'previousN', 'YYYY-MM-DD,YYYY-MM-DD'."),
    ("range", "foo,bar", "The date 'foo,bar' is not a correct date range. It should have the "
                         "following format:  'lastN', 'previousN', 'YYYY-MM-DD,YYYY-MM-DD'."),
    ("range", "2010-02-01,2010-01-01", "Specified date range is invalid."),
    ("day", "2010-02-30", "Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any "
                          "keyword supported by the strtotime function (see "
                          "http://php.net/strtotime for more information): '2010-02-30'"),
])
def test_errors_carry_matomos_messages(period: str, date_text: str, message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        select_periods(period, date_text, now=NOW)
    assert str(raised.value) == message


def test_dates_before_the_first_website_are_refused() -> None:
    with pytest.raises(BadRequest, match="is a date before first website was online"):
        select_periods("day", "1990-01-01", now=NOW)


def test_period_round_trips_through_archive_columns() -> None:
    week = periods.week_period(date(2010, 3, 3))
    assert periods.period_from_archive(week.id, week.start, week.end) == week
    assert week.id == 2 and periods.day_period(date(2010, 3, 3)).id == 1
