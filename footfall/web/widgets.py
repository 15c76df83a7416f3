"""The dashboard's report tables: which API method each shows, and how its rows read.

A widget is declared, not coded: its API method and parameters, the column
that names a row, and the metric columns. `build_table` turns the API's rows
into what the template draws, including each row's share of the visits for
the bar behind it. Adding a table to the dashboard is adding one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from footfall.web.api_client import ApiResult
from footfall.web.formatting import as_number, by_kind

ROWS_PER_WIDGET = 10


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "count"  # count | percent | duration | text


@dataclass(frozen=True)
class Widget:
    id: str
    title: str
    method: str
    label_title: str
    columns: tuple[Column, ...]
    params: dict[str, str] = field(default_factory=dict)
    share_column: str = "nb_visits"
    hide_zero_rows: bool = False
    wide: bool = False  # spans the whole row (tables with many columns)


VISITS = Column("nb_visits", "Visits")
BOUNCE = Column("bounce_rate", "Bounce rate", "percent")

DASHBOARD_SECTIONS: tuple[tuple[str, tuple[Widget, ...]], ...] = (
    ("Behaviour", (
        Widget("pages", "Pages", "Actions.getPageUrls", "Page URL",
               (Column("nb_hits", "Pageviews"), Column("nb_visits", "Unique pageviews"), BOUNCE,
                Column("avg_time_on_page", "Avg. time on page", "duration")),
               params={"flat": "1", "filter_sort_column": "nb_hits"}, share_column="nb_hits",
               wide=True),
        Widget("entry-pages", "Entry pages", "Actions.getEntryPageUrls", "Entry page",
               (Column("entry_nb_visits", "Entrances"), BOUNCE),
               params={"flat": "1", "filter_sort_column": "entry_nb_visits"},
               share_column="entry_nb_visits"),
        Widget("exit-pages", "Exit pages", "Actions.getExitPageUrls", "Exit page",
               (Column("exit_nb_visits", "Exits"), Column("exit_rate", "Exit rate", "percent")),
               params={"flat": "1", "filter_sort_column": "exit_nb_visits"},
               share_column="exit_nb_visits"),
    )),
    ("Acquisition", (
        Widget("channel-types", "Channel types", "Referrers.getReferrerType", "Channel type",
               (VISITS, Column("nb_actions", "Actions"), BOUNCE)),
        Widget("websites", "Websites", "Referrers.getWebsites", "Website", (VISITS, BOUNCE)),
        Widget("search-engines", "Search engines", "Referrers.getSearchEngines", "Search engine",
               (VISITS, BOUNCE)),
        Widget("keywords", "Search keywords", "Referrers.getKeywords", "Keyword", (VISITS, BOUNCE)),
        Widget("socials", "Social networks", "Referrers.getSocials", "Social network",
               (VISITS, BOUNCE)),
        Widget("campaigns", "Campaigns", "Referrers.getCampaigns", "Campaign", (VISITS, BOUNCE)),
    )),
    ("Visitors", (
        Widget("countries", "Countries", "UserCountry.getCountry", "Country", (VISITS, BOUNCE)),
        Widget("device-types", "Device types", "DevicesDetection.getType", "Device type",
               (VISITS, BOUNCE), hide_zero_rows=True),
        Widget("browsers", "Browsers", "DevicesDetection.getBrowsers", "Browser", (VISITS, BOUNCE)),
        Widget("os", "Operating systems", "DevicesDetection.getOsFamilies", "Operating system",
               (VISITS, BOUNCE)),
    )),
)


def all_widgets() -> tuple[Widget, ...]:
    return tuple(w for _, widgets in DASHBOARD_SECTIONS for w in widgets)


def api_params(widget: Widget) -> dict[str, str]:
    return {"filter_limit": str(ROWS_PER_WIDGET), **widget.params}


@dataclass(frozen=True)
class TableRow:
    label: str
    url: str | None
    cells: tuple[str, ...]
    share: float  # 0..100: this row's size against the largest row, for the bar


@dataclass(frozen=True)
class Table:
    """A widget ready to draw: rows, or a message saying why there are none."""

    widget: Widget
    rows: tuple[TableRow, ...] = ()
    message: str | None = None
    unavailable: bool = False


def build_table(widget: Widget, result: ApiResult) -> Table:
    if not result.ok:
        if result.unavailable:
            return Table(widget, message="This report is not available yet.", unavailable=True)
        return Table(widget, message=f"This report could not be loaded: {result.error}")
    raw_rows = result.value if isinstance(result.value, list) else []
    rows = [r for r in raw_rows if isinstance(r, dict)]
    if widget.hide_zero_rows:
        rows = [r for r in rows if (as_number(r.get(widget.share_column)) or 0) > 0]
    if not rows:
        return Table(widget, message="No data for this period.")
    largest = max(as_number(r.get(widget.share_column)) or 0 for r in rows) or 1
    return Table(widget, rows=tuple(_row(widget, r, largest) for r in rows))


def _row(widget: Widget, row: dict[str, Any], largest: float) -> TableRow:
    url = row.get("url")
    safe_url = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
    share = 100 * (as_number(row.get(widget.share_column)) or 0) / largest
    cells = tuple(by_kind(row.get(c.key), c.kind) for c in widget.columns)
    return TableRow(label=str(row.get("label", "")), url=safe_url, cells=cells,
                    share=round(min(share, 100), 1))
