"""Reading the period from the query string, its neighbours and the chart's span."""

from __future__ import annotations

from datetime import date

from footfall.web.period_picker import chart_periods, neighbour, read_selection

TODAY = date(2026, 11, 18)  # a Wednesday


def test_default_is_the_last_30_days() -> None:
    selection = read_selection({}, "UTC", today=TODAY)
    assert selection.error is None
    assert (selection.period.kind, selection.api_date) == ("range", "last30")
    assert selection.period.start == date(2026, 10, 20) and selection.period.end == TODAY
    assert selection.params() == {"period": "range", "date": "2026-10-20,2026-11-18"}


def test_single_periods_and_keywords() -> None:
    week = read_selection({"period": "week", "date": "2026-11-18"}, "UTC", today=TODAY)
    assert (week.period.start, week.period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.params() == {"period": "week", "date": "2026-11-16"}
    yesterday = read_selection({"period": "day", "date": "yesterday"}, "UTC", today=TODAY)
    assert yesterday.period.start == date(2026, 11, 17) and "yesterday" in yesterday.query


def test_range_from_the_date_pickers_two_fields() -> None:
    chosen = read_selection({"period": "range", "from": "2026-11-01", "to": "2026-11-10"}, "UTC",
                            today=TODAY)
    assert (chosen.period.start, chosen.period.end) == (date(2026, 11, 1), date(2026, 11, 10))


def test_bad_input_falls_back_to_the_default_with_a_reason() -> None:
    for query in ({"period": "fortnight"}, {"period": "day", "date": "soon"},
                  {"period": "day", "date": "last7"}, {"period": "range", "date": "2026-11-10,2026-11-01"}):
        chosen = read_selection(query, "UTC", today=TODAY)
        assert chosen.error, query
        assert chosen.api_date == "last30"


def test_neighbours() -> None:
    month = read_selection({"period": "month", "date": "2026-01-15"}, "UTC", today=TODAY)
    assert neighbour(month, -1) == "period=month&date=2025-12-01"
    assert neighbour(month, 1) == "period=month&date=2026-02-01"
    span = read_selection({"period": "range", "date": "2026-11-01,2026-11-10"}, "UTC", today=TODAY)
    assert neighbour(span, -1) == "period=range&date=2026-10-22%2C2026-10-31"


def test_chart_spans() -> None:
    kind, days = chart_periods(read_selection({}, "UTC", today=TODAY))
    assert kind == "day" and len(days) == 30
    kind, months = chart_periods(read_selection({"period": "month", "date": "today"}, "UTC", today=TODAY))
    assert kind == "month" and len(months) == 12 and months[-1].start == date(2026, 11, 1)
    long_range = read_selection({"period": "range", "date": "2025-01-01,2026-06-30"}, "UTC", today=TODAY)
    assert chart_periods(long_range)[0] == "week"


def test_labels_are_short_and_human() -> None:
    def label(period: str, date_text: str) -> str:
        return read_selection({"period": period, "date": date_text}, "UTC", today=TODAY).label

    assert label("day", "2026-11-27") == "Fri, Nov 27, 2026"
    assert label("week", "2026-11-18") == "Nov 16 – 22, 2026"
    assert label("week", "2026-12-01") == "Nov 30 – Dec 6, 2026"
    assert label("month", "2026-11-02") == "November 2026"
    assert label("range", "2025-12-20,2026-01-05") == "Dec 20, 2025 – Jan 5, 2026"
