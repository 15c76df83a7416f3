"""The small calculations behind MultiSites evolutions, row evolution and comparisons."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from footfall.api import compare, evolution, multisites
from footfall.archive import periods


@pytest.mark.parametrize(("current", "past", "expected"), [
    (2, 2, 0), (4, 6, -0.333), (3, 0, 1), (0, 3, -1), (0, 0, 0), (5, 4, 0.25)])
def test_multisites_evolution_quotient(current: float, past: float, expected: float) -> None:
    assert multisites.evolution(current, past) == expected


def test_previous_period_of_each_kind() -> None:
    assert multisites.previous_period(periods.day_period(date(2011, 1, 1))) == \
        periods.day_period(date(2010, 12, 31))
    assert multisites.previous_period(periods.month_period(date(2011, 3, 31))) == \
        periods.month_period(date(2011, 2, 1))
    assert multisites.previous_period(periods.range_period(date(2010, 12, 15),
                                                           date(2010, 12, 25))) == \
        periods.range_period(date(2010, 12, 4), date(2010, 12, 14))


def test_elapsed_ratio_only_for_a_running_period() -> None:
    today = periods.day_period(date(2026, 11, 28))
    yesterday = periods.day_period(date(2026, 11, 27))
    assert multisites.elapsed_ratio(today, yesterday, now=datetime(2026, 11, 28, 6, 0)) == \
        pytest.approx(6 * 3600 / 86399)
    assert multisites.elapsed_ratio(yesterday, today, now=datetime(2026, 11, 28, 6, 0)) == 1


@pytest.mark.parametrize(("text", "number"), [
    ("100%", 100.0), ("1.5", 1.5), ("-33.3%", -33.3), ("abc", 0.0), (7, 7.0), ("", 0.0),
    ("00:06:05", 0.0)])
def test_php_float_reads_the_leading_number(text: object, number: float) -> None:
    assert evolution.php_float(text) == number


@pytest.mark.parametrize(("current", "past", "text"), [
    (2, 1, "+100%"), (1, 2, "-50%"), (2, 2, "0%"), (3, 0, "+100%"), (2, 3, "-33%")])
def test_row_evolution_change_is_a_whole_percent(current: float, past: float,
                                                 text: str) -> None:
    assert evolution.change_text(current, past) == text


@pytest.mark.parametrize(("value", "base", "text"), [
    (1, 2, "-50%"), (2, 1, "+100%"), (2, 3, "-33.3%"), (0, 0, "0%"), (5, 0, "+100%"),
    (1.5, 2, "-25%")])
def test_comparison_change_has_one_decimal(value: float, base: float, text: str) -> None:
    assert compare.change_percent(value, base) == text


def test_comparison_series_order_dates_outer_segments_inner() -> None:
    found, segment_count = compare.series_of({
        "period": "day", "date": "2010-12-14", "segment": "",
        "compareDates": ["2010-12-15"], "comparePeriods": ["day"],
        "compareSegments": ["browserCode==FF"]})
    assert segment_count == 2
    assert [(s.date, s.segment) for s in found] == [
        ("2010-12-14", ""), ("2010-12-14", "browserCode==FF"),
        ("2010-12-15", ""), ("2010-12-15", "browserCode==FF")]
