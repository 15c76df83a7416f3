"""The API module itself: version, settings, bulk requests and report metadata."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from footfall import MATOMO_COMPAT_VERSION
from footfall.api import metric_format, params, report_api
from footfall.api.dispatch import ApiCall, api_method, run_call
from footfall.api.render.arrays import to_array
from footfall.api.render.model import DataTable, Map, Simple
from footfall.archive import periods
from footfall.errors import BadRequest, FootfallError

# [APISettings] as Matomo ships it; Footfall has no other API settings.
API_SETTINGS = {"SDK_batch_size": 10, "SDK_interval_value": 30}


@api_method("API.getMatomoVersion", access="some_view")
def get_matomo_version(call: ApiCall) -> str:
    """The Matomo version Footfall is compatible with (clients check it)."""
    return MATOMO_COMPAT_VERSION


@api_method("API.getPiwikVersion", access="some_view")
def get_piwik_version(call: ApiCall) -> str:
    return MATOMO_COMPAT_VERSION


@api_method("API.getSettings", access="none")
def get_settings(call: ApiCall) -> dict[str, Any]:
    return dict(API_SETTINGS)


# --- Bulk ---------------------------------------------------------------------------------


@api_method("API.getBulkRequest", access="none")
def get_bulk_request(call: ApiCall) -> list[Any]:
    """Run each urls[i] (an encoded query string) with the outer parameters as defaults."""
    from footfall.api.dispatch import render_options
    from footfall.api.postprocess import finish_result

    urls = params.text_list(call.params, "urls")
    outer = {k: v for k, v in call.params.items() if k not in ("urls", "method", "format")}
    answers: list[Any] = []
    for url in urls:
        sub = {**outer, **params.parse_query(url.lstrip("?"))}
        name = str(sub.get("method") or "")
        if name == "API.getBulkRequest":
            continue  # nested bulk requests are skipped, as in Matomo
        try:
            if not name:
                raise BadRequest("The parameter 'method' isn't set in the Request, and a "
                                 "default value wasn't provided.")
            sub_call = ApiCall(call.services, sub, call.user, http=False, base_url=call.base_url)
            result = finish_result(run_call(name, sub_call), sub, http=False)
            value = to_array(result, render_options(sub))
            answers.append(value if isinstance(value, (dict, list)) else {"value": value})
        except FootfallError as error:
            answers.append({"result": "error", "message": str(error)})
    return answers


# --- Report metadata ----------------------------------------------------------------------


def report_descriptor(report: Any, *, hide_metrics_doc: bool = False) -> dict[str, Any]:
    """One report as API.getReportMetadata lists it."""
    found: dict[str, Any] = {"category": report.category, "subcategory": report.subcategory,
                             "name": report.name, "module": report.module,
                             "action": report.action}
    if report.dimension:
        found["dimension"] = report.dimension
    found["documentation"] = report.documentation
    found["metrics"] = {m.name: m.title for m in report.metrics}
    if not hide_metrics_doc:
        docs = {m.name: m.documentation for m in (*report.metrics, *report.processed_metrics)
                if m.documentation}
        if docs:
            found["metricsDocumentation"] = docs
    if report.processed_metrics:
        found["processedMetrics"] = {m.name: m.title for m in report.processed_metrics}
    found["metricTypes"] = {m.name: m.type for m in (*report.metrics, *report.processed_metrics)}
    if report.subtable_action:
        found["actionToLoadSubTables"] = report.subtable_action
    if report.is_subtable_report:
        found["isSubtableReport"] = True
    if report.constant_rows:
        found["constantRowsCount"] = True
    found["uniqueId"] = f"{report.module}_{report.action}"
    return found


def _all_reports() -> list[Any]:
    registry = report_api._registry()
    return list(registry.report_definitions()) if registry is not None else []


# Reports answered by API methods rather than the registry (MultiSites ...), listed in
# the metadata as Matomo lists them: each entry makes one ReportDefinition.
EXTRA_REPORTS: list[Callable[[], Any]] = []


def listed_reports() -> list[Any]:
    """Every report the metadata lists: the registry's, API.get and the extra ones."""
    from footfall.api.api_get import merged_get_report

    return [*_all_reports(), merged_get_report(), *(make() for make in EXTRA_REPORTS)]


def find_report_definition(module: str, action: str) -> Any:
    return next((r for r in listed_reports() if r.module == module and r.action == action),
                None)


@api_method("API.getReportMetadata", access="view")
def get_report_metadata(call: ApiCall) -> list[dict[str, Any]]:
    """Every report's descriptor (subtable reports only with showSubtableReports=1)."""
    show_subtables = params.flag(call.params, "showSubtableReports")
    hide_doc = params.flag(call.params, "hideMetricsDoc")
    return [report_descriptor(r, hide_metrics_doc=hide_doc) for r in listed_reports()
            if show_subtables or not r.is_subtable_report]


@api_method("API.getMetadata", access="view")
def get_metadata(call: ApiCall) -> list[dict[str, Any]]:
    module = str(params.required(call.params, "apiModule"))
    action = str(params.required(call.params, "apiAction"))
    return [report_descriptor(r, hide_metrics_doc=params.flag(call.params, "hideMetricsDoc"))
            for r in listed_reports() if r.module == module and r.action == action]


@api_method("API.getProcessedReport", access="view")
def get_processed_report(call: ApiCall) -> dict[str, Any]:
    """A report with its metadata, column names and values formatted for display."""
    started = time.perf_counter()
    module = str(params.required(call.params, "apiModule"))
    action = str(params.required(call.params, "apiAction"))
    reports = [r for r in listed_reports() if r.module == module and r.action == action]
    if not reports:
        raise BadRequest(f"Requested report {module}.{action} for Website id="
                         f"{call.params.get('idSite')} not found in the list of available "
                         "reports.")
    report = reports[0]
    raw_wanted = str(call.params.get("format_metrics", "")) == "0"
    sub_params = {**call.params, "method": f"{module}.{action}", "format_metrics": "0"}
    result = run_call(f"{module}.{action}", ApiCall(call.services, sub_params, call.user, http=False))
    site = report_api.access.get_site(call.services, params.site_ids(call.params["idSite"])[0])
    selection = periods.select_periods(str(call.params.get("period")),
                                       str(call.params.get("date")), tz=site.timezone)
    data, row_metadata = _report_data(result)
    if not raw_wanted:
        data = _display(data, site.currency)
    names = {m.name: m.title for m in (*report.metrics, *report.processed_metrics)}
    present = _present_columns(data)
    columns = {"label": report.dimension or "Label"} if not report.simple else {}
    columns.update({n: names.get(n, n) for n in present if n != "label"})
    answer: dict[str, Any] = {
        "website": site.name, "prettyDate": selection.periods[0].pretty,
        "metadata": report_descriptor(report), "columns": columns,
        "reportData": data, "reportMetadata": row_metadata,
        "reportTotal": _totals(_unlimited(result, sub_params, call),
                               {m.name for m in report.metrics}),
    }
    if params.flag(call.params, "showTimer", default=True):
        answer["timerMillis"] = str(int((time.perf_counter() - started) * 1000))
    return answer


def _unlimited(result: Any, sub_params: dict[str, Any], call: ApiCall) -> Any:
    """The report over all its rows, without a totals row: totals ignore filter_limit,
    filter_offset and filter_truncate (Matomo)."""
    if not any(call.params.get(k) not in (None, "") for k in
               ("filter_limit", "filter_offset", "filter_truncate", "keep_totals_row")):
        return result
    every = {**sub_params, "filter_limit": "-1", "filter_offset": "0", "filter_truncate": "",
             "keep_totals_row": "0"}
    return run_call(str(every["method"]), ApiCall(call.services, every, call.user, http=False))


def _report_data(result: Any) -> tuple[Any, Any]:
    if isinstance(result, DataTable):
        rows = [{"label": r.label, **r.columns} for r in result.all_rows()]
        return rows, [dict(r.metadata) for r in result.all_rows()]
    if isinstance(result, Simple):
        return dict(result.columns), []
    if isinstance(result, Map):
        pairs = {k: _report_data(v) for k, v in result.entries.items()}
        return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}
    return result, []


def _display(data: Any, currency: str) -> Any:
    """reportData with values formatted for people (reference §2.8)."""
    if isinstance(data, list):
        return [_display(row, currency) for row in data]
    if isinstance(data, dict) and all(isinstance(v, (list, dict)) for v in data.values()) \
            and data:
        return {key: _display(value, currency) for key, value in data.items()}
    if isinstance(data, dict):
        return {name: metric_format.format_for_report_display(name, value, currency)
                if name != "label" else value for name, value in data.items()}
    return data


def _totals(result: Any, metrics: set[str]) -> dict[str, Any]:
    """The sums of the raw metrics over the report's rows (Matomo's reportTotal)."""
    totals: dict[str, Any] = {}
    rows = result.all_rows() if isinstance(result, DataTable) else []
    for row in rows:
        for name, value in row.columns.items():
            if name in metrics and isinstance(value, (int, float)) and not isinstance(value, bool):
                totals[name] = totals.get(name, 0) + value
    return totals


def _present_columns(data: Any) -> list[str]:
    rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    found: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            found.update(dict.fromkeys(k for k, v in row.items() if not isinstance(v, dict)))
    return list(found)


# --- Segments -----------------------------------------------------------------------------


@api_method("API.getSegmentsMetadata", access="some_view")
def get_segments_metadata(call: ApiCall) -> list[dict[str, Any]]:
    """The segments this Footfall understands, ordered by type, category and name."""
    from footfall.segments import registry as segment_registry
    from footfall.segments.segment import dimension_segments

    readable = set(report_api.access.sites_with_access(call.services, call.user))
    asked = call.params.get("idSites") or call.params.get("idSite") or ""
    idsites = [i for i in params.site_ids(asked) if i in readable]
    dimensions = dimension_segments(call.services.db.reader, idsites)
    entries = [dict(entry) for entry in segment_registry.segments_metadata(dimensions)]
    superuser = call.user is not None and call.user.superuser
    if not superuser or params.flag(call.params, "_hideImplementationData", default=True):
        for entry in entries:
            entry.pop("sqlSegment", None)
    return sorted(entries, key=lambda e: (e.get("type", ""), e.get("category", ""),
                                          e.get("name", "")))


@api_method("API.getSuggestedValuesForSegment", access="view")
def get_suggested_values_for_segment(call: ApiCall) -> list[Any]:
    """Values to offer for a segment: a fixed list, or the site's most frequent recent ones."""
    from footfall.segments.suggest import suggested_values

    idsite = params.site_ids(params.required(call.params, "idSite"))[0]
    name = str(params.required(call.params, "segmentName"))
    return suggested_values(call.services.db.reader, idsite, name)
