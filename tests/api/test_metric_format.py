"""format_metrics and the display forms of API.getProcessedReport (reference §2.8)."""

from __future__ import annotations

import pytest

from footfall.api import metric_format as mf


@pytest.mark.parametrize(("quotient", "text"), [
    (0.5, "50%"), (0.6667, "66.67%"), (0.14, "14%"), (0, "0%"), (1, "100%"), (0.3333, "33.33%"),
])
def test_percent_strings(quotient: float, text: str) -> None:
    assert mf.format_percent(quotient) == text


def test_bc_formats_only_percentages() -> None:
    columns = {"bounce_rate": 0.5, "avg_time_on_site": 181, "revenue": 43.0,
               "Referrers_visitorsFromDirectEntry_percent": 1, "nb_visits": 2}
    assert mf.format_columns(columns, mode="bc", types={"avg_time_on_site": "duration_s"},
                             processed=frozenset({"bounce_rate", "avg_time_on_site"}),
                             currency="USD") == {
        "bounce_rate": "50%", "avg_time_on_site": 181, "revenue": 43.0,
        "Referrers_visitorsFromDirectEntry_percent": "100%", "nb_visits": 2}


def test_modes_one_all_and_zero() -> None:
    types = {"avg_time_on_site": "duration_s", "revenue": "money"}
    processed = frozenset({"bounce_rate", "avg_time_on_site"})
    columns = {"bounce_rate": 0.5, "avg_time_on_site": 811, "revenue": 42.256}
    assert mf.format_columns(columns, mode="1", types=types, processed=processed,
                             currency="USD") == {"bounce_rate": "50%",
                                                 "avg_time_on_site": "13 min 31s", "revenue": 42.256}
    assert mf.format_columns(columns, mode="all", types=types, processed=processed,
                             currency="EUR")["revenue"] == "€42.26"
    assert mf.format_columns(columns, mode="0", types=types, processed=processed,
                             currency="USD") == columns
    assert mf.normalise_mode("nonsense") == "bc" and mf.normalise_mode(None) == "bc"


def test_pretty_durations() -> None:
    assert [mf.format_duration(s) for s in (0, 45, 811, 7500, 90000)] == \
        ["0s", "45s", "13 min 31s", "2 hours 5 min", "1 days 1 hours"]


def test_processed_report_display_forms() -> None:
    display = mf.format_for_report_display
    assert display("avg_time_on_site", 1086, "USD") == "00:18:06"
    assert display("revenue", 42.256, "USD") == "$42.26"
    assert display("bounce_rate", 1, "USD") == "100%"
    assert display("nb_visits", 3, "USD") == 3
