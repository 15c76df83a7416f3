"""Report tables built from API answers, including the ways a report can fail."""

from __future__ import annotations

from footfall.web.api_client import ApiResult
from footfall.web.widgets import Column, Widget, all_widgets, build_table

WIDGET = Widget("t", "Test", "X.get", "Label", (Column("nb_visits", "Visits"),
                                              Column("bounce_rate", "Bounce rate", "percent")),
                hide_zero_rows=True)


def test_rows_cells_and_bars() -> None:
    result = ApiResult("X.get", value=[
        {"label": "Desktop", "nb_visits": 1234, "bounce_rate": "40%", "url": "https://a.example/"},
        {"label": "Smartphone", "nb_visits": "617", "bounce_rate": "50%", "url": "javascript:alert(1)"},
        {"label": "Tablet", "nb_visits": 0},
    ])
    table = build_table(WIDGET, result)
    assert [r.label for r in table.rows] == ["Desktop", "Smartphone"]  # zero rows hidden
    assert table.rows[0].cells == ("1,234", "40%") and table.rows[0].share == 100
    assert table.rows[1].share == 50
    assert table.rows[0].url == "https://a.example/" and table.rows[1].url is None


def test_unavailable_failed_and_empty_reports_say_so() -> None:
    missing = build_table(WIDGET, ApiResult("X.get", error="The method 'get' does not exist or "
                                                           "is not available in the module."))
    assert missing.unavailable and missing.message == "This report is not available yet."
    failed = build_table(WIDGET, ApiResult("X.get", error="database is locked"))
    assert not failed.unavailable and "database is locked" in (failed.message or "")
    empty = build_table(WIDGET, ApiResult("X.get", value=[]))
    assert empty.message == "No data for this period." and not empty.rows


def test_dashboard_widgets_have_unique_ids_and_known_methods() -> None:
    widgets = all_widgets()
    assert len({w.id for w in widgets}) == len(widgets)
    assert {"Actions.getPageUrls", "Actions.getEntryPageUrls", "Referrers.getReferrerType",
            "UserCountry.getCountry", "DevicesDetection.getBrowsers"} <= {w.method for w in widgets}
