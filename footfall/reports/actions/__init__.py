"""Actions: pages (by URL and by title), entry and exit pages, downloads, outlinks, site search.

The family's day aggregation is in `aggregate` (SQL) and `tree` (tables);
this module declares the reports and answers the API methods.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from footfall.archive.archiver import ArchiveView, DayContext, Records
from footfall.archive.datatable import DataTable, Row, sort_rows
from footfall.archive.parallel import Later
from footfall.reports.actions import tree
from footfall.reports.actions.aggregate import DOWNLOAD, OUTLINK, DayActions, PendingDay
from footfall.reports.actions.metrics import (
    ENTRY_METRICS,
    EXIT_METRICS,
    EXIT_RATE,
    LINK_METRICS,
    PAGE_BOUNCE_RATE,
    PAGE_METRICS,
    PAGE_PROCESSED,
    PAGES_PER_SEARCH,
    SEARCH_METRICS,
    SEARCH_PROCESSED,
)
from footfall.reports.metrics import metric
from footfall.reports.registry import Family, ReportDefinition, ReportRequest

ACTION_LIMITS = ("datatable_archiving_maximum_rows_actions",
                 "datatable_archiving_maximum_rows_subtable_actions")
SEARCH_LIMITS = ("datatable_archiving_maximum_rows_site_search", None)
GET_COLUMNS = ("nb_pageviews", "nb_uniq_pageviews", "nb_downloads", "nb_uniq_downloads",
               "nb_outlinks", "nb_uniq_outlinks", "nb_searches", "nb_keywords")


def archive_day(ctx: DayContext) -> Later:
    """Starts the passes over the day's actions; the tables are made once the day's other
    families are done (`parallel.Later`), by when the passes have mostly finished."""
    pending = PendingDay(ctx)
    return Later(finish=lambda: _tables(ctx, pending.result()), abandon=pending.close)


def _tables(ctx: DayContext, day: DayActions) -> Records:
    level_limit = ctx.settings.get_int("General", "action_category_level_limit")
    delimiter = ctx.settings.get_str("General", "action_title_category_delimiter")
    tables = {
        "Actions_actions_url": tree.page_url_table(day, main_url=ctx.site.main_url,
                                                   level_limit=level_limit),
        "Actions_actions": tree.page_title_table(day, delimiter=delimiter,
                                                 level_limit=level_limit),
        "Actions_downloads": tree.link_table(day, DOWNLOAD),
        "Actions_outlink": tree.link_table(day, OUTLINK),
        "Actions_sitesearch": tree.keyword_table(day, day.by_name),
        "Actions_sitesearch_noresult": tree.keyword_table(day, day.no_result),
        "Actions_SiteSearchCategories": tree.category_table(day),
    }
    return Records(numerics=tree.totals(day), tables=tables)


# --- Answers -------------------------------------------------------------------------------


def build_get(view: ArchiveView, request: ReportRequest) -> DataTable:
    columns = {name: view.numeric(f"Actions_{name}") for name in GET_COLUMNS}
    return DataTable([Row("", columns)], metadata={"simple": True,
                                                   "empty": not any(columns.values())})


def sorted_table(record: str) -> Any:
    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        table = view.table(record)
        _sort_tree(table)
        return table

    return build


def _sort_tree(table: DataTable, column: str = "nb_visits") -> None:
    sort_rows(table.rows, column)
    for row in table.rows:
        if row.subtable is not None:
            _sort_tree(row.subtable, column)


def projected(record: str, keep: tuple[str, ...], present: str) -> Any:
    """Entry/exit reports: the page tree cut to rows that were entries (exits), their columns."""
    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        table = view.table(record)
        _project(table, keep, present)
        _sort_tree(table, present)
        return table

    return build


def _project(table: DataTable, keep: tuple[str, ...], present: str) -> None:
    table.rows = [row for row in table.rows if row.columns.get(present)]
    for row in table.rows:
        row.columns = {name: row.columns[name] for name in keep if name in row.columns}
        if row.subtable is not None:
            _project(row.subtable, keep, present)
    if table.summary_row is not None and not table.summary_row.columns.get(present):
        table.summary_row = None


def single_row(record: str, parameter: str, match: Any) -> Any:
    """getPageUrl / getPageTitle / getDownload / getOutlink: the one matching leaf row."""
    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        wanted = str(request.params.get(parameter) or "")
        for row in _leaves(view.table(record)):
            if match(row, wanted):
                return DataTable([row])
        return DataTable()

    return build


def _leaves(table: DataTable) -> list[Row]:
    found: list[Row] = []
    for row in table.rows:
        if row.subtable is not None and "url" not in row.metadata:
            found.extend(_leaves(row.subtable))
        else:
            found.append(row)
    return found


def _bare_url(url: str) -> str:
    """URLs compare without scheme and 'www.', as Matomo stores them."""
    parts = urlsplit(url.strip())
    rest = url.strip().split("//", 1)[1] if parts.scheme and "//" in url else url.strip()
    return rest[4:] if rest.lower().startswith("www.") else rest


def _url_matches(row: Row, wanted: str) -> bool:
    return _bare_url(str(row.metadata.get("url", ""))) == _bare_url(wanted)


def _title_matches(row: Row, wanted: str) -> bool:
    return row.label.strip() == wanted.strip()


def _link_matches(row: Row, wanted: str) -> bool:
    return str(row.metadata.get("url", "")) in (wanted, wanted.replace("&", "&amp;"))


# --- Definitions -------------------------------------------------------------------------------


def _report(action: str, name: str, dimension: str | None, build: Any, **extra: Any) -> Any:
    extra.setdefault("subcategory", "Pages")
    return ReportDefinition(module="Actions", action=action, name=name, category="Behaviour",
                            dimension=dimension, build=build,
                            documentation=f"{name}: what visitors did on the site.", **extra)


HIERARCHY = dict(hierarchical=True, flatten_separator="/",
                 parameters=("expanded", "idSubtable", "flat", "depth"))

REPORTS = [
    _report("get", "Actions - Main metrics", None, build_get, simple=True, default_sort=None,
            metrics=tuple(metric(n) for n in GET_COLUMNS), subcategory="Overview"),
    _report("getPageUrls", "Page URLs", "Page URL", sorted_table("Actions_actions_url"),
            subtable_action="getPageUrls", metrics=PAGE_METRICS,
            processed_metrics=PAGE_PROCESSED, **HIERARCHY),
    _report("getPageTitles", "Page titles", "Page Name", sorted_table("Actions_actions"),
            subtable_action="getPageTitles", metrics=PAGE_METRICS,
            processed_metrics=PAGE_PROCESSED, **HIERARCHY),
    _report("getEntryPageUrls", "Entry pages", "Entry page URL",
            projected("Actions_actions_url", tree.ENTRY_COLUMNS, "entry_nb_visits"),
            subtable_action="getEntryPageUrls", metrics=ENTRY_METRICS,
            processed_metrics=(PAGE_BOUNCE_RATE,), default_sort="entry_nb_visits",
            subcategory="Entry pages", **HIERARCHY),
    _report("getEntryPageTitles", "Entry page titles", "Entry page title",
            projected("Actions_actions", tree.ENTRY_COLUMNS, "entry_nb_visits"),
            subtable_action="getEntryPageTitles", metrics=ENTRY_METRICS,
            processed_metrics=(PAGE_BOUNCE_RATE,), default_sort="entry_nb_visits",
            subcategory="Entry pages", **HIERARCHY),
    _report("getExitPageUrls", "Exit pages", "Exit page URL",
            projected("Actions_actions_url", ("exit_nb_visits", "nb_visits"), "exit_nb_visits"),
            subtable_action="getExitPageUrls", metrics=EXIT_METRICS, processed_metrics=(EXIT_RATE,),
            default_sort="exit_nb_visits", subcategory="Exit pages", **HIERARCHY),
    _report("getExitPageTitles", "Exit page titles", "Exit page title",
            projected("Actions_actions", ("exit_nb_visits", "nb_visits"), "exit_nb_visits"),
            subtable_action="getExitPageTitles", metrics=EXIT_METRICS,
            processed_metrics=(EXIT_RATE,), default_sort="exit_nb_visits",
            subcategory="Exit pages", **HIERARCHY),
    _report("getDownloads", "Downloads", "Download URL", sorted_table("Actions_downloads"),
            subtable_action="getDownloads", metrics=LINK_METRICS, subcategory="Downloads",
            parameters=("expanded", "idSubtable", "flat")),
    _report("getOutlinks", "Outlinks", "Outlink URL", sorted_table("Actions_outlink"),
            subtable_action="getOutlinks", metrics=LINK_METRICS, subcategory="Outlinks",
            parameters=("expanded", "idSubtable", "flat")),
    _report("getSiteSearchKeywords", "Site Search Keywords", "Keyword",
            sorted_table("Actions_sitesearch"), metrics=SEARCH_METRICS,
            processed_metrics=SEARCH_PROCESSED, subcategory="Site Search"),
    _report("getSiteSearchNoResultKeywords", "Search Keywords with No Results",
            "Keyword (Site Search)", sorted_table("Actions_sitesearch_noresult"),
            metrics=SEARCH_METRICS, processed_metrics=SEARCH_PROCESSED,
            subcategory="Site Search"),
    _report("getSiteSearchCategories", "Search Categories", "Search category",
            sorted_table("Actions_SiteSearchCategories"), metrics=SEARCH_METRICS[:2],
            processed_metrics=(PAGES_PER_SEARCH,), subcategory="Site Search"),
    _report("getPageUrl", "Page URL", "Page URL",
            single_row("Actions_actions_url", "pageUrl", _url_matches),
            metrics=PAGE_METRICS, processed_metrics=PAGE_PROCESSED, parameters=("pageUrl",)),
    _report("getPageTitle", "Page title", "Page Name",
            single_row("Actions_actions", "pageName", _title_matches),
            metrics=PAGE_METRICS, processed_metrics=PAGE_PROCESSED, parameters=("pageName",)),
    _report("getDownload", "Download", "Download URL",
            single_row("Actions_downloads", "downloadUrl", _link_matches),
            metrics=LINK_METRICS, subcategory="Downloads", parameters=("downloadUrl",)),
    _report("getOutlink", "Outlink", "Outlink URL",
            single_row("Actions_outlink", "outlinkUrl", _link_matches),
            metrics=LINK_METRICS, subcategory="Outlinks", parameters=("outlinkUrl",)),
]

FAMILY = Family(
    name="Actions", archive_day=archive_day, reports=REPORTS, starts_early=True,
    table_limits={"Actions_actions_url": ACTION_LIMITS, "Actions_actions": ACTION_LIMITS,
                  "Actions_downloads": ACTION_LIMITS, "Actions_outlink": ACTION_LIMITS,
                  "Actions_sitesearch": SEARCH_LIMITS,
                  "Actions_sitesearch_noresult": SEARCH_LIMITS,
                  "Actions_SiteSearchCategories": SEARCH_LIMITS},
)
