"""API.getRowEvolution: one report row (by label) over several periods.

Matomo's row-evolution popover and many scripts call it to chart one page, country
or referrer over lastN days. One label gives its metrics per period, with each
metric's min, max and change from the first to the last period; several labels (or
none: every label seen, up to filter_limit) give one column per label for the chosen
metric. The rows come from the report method itself (label filter, processed metrics,
formatting), so they match what the report shows.
"""

from __future__ import annotations

import re
from typing import Any

from footfall.api import access, params
from footfall.api.dispatch import ApiCall, api_method, run_call
from footfall.api.render.model import DataTable, Map
from footfall.archive.datatable import Row
from footfall.errors import BadRequest

# Reports whose labels are page URLs: a label without URL shows as 'host/dir/page/'.
_URL_REPORTS = ("getPageUrls", "getPageUrlsFollowingSiteSearch", "getEntryPageUrls",
                "getExitPageUrls", "getPageUrl")
_LEADING_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SCHEME = re.compile(r"^http(s)?://(www.)?", re.IGNORECASE)
_LEVELS = re.compile(r"\s*>\s*")
MAX_LABELS = 100


def php_float(value: Any) -> float:
    """PHP's floatval: the leading number of a text ('100%' -> 100), 0 when there is none."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    match = _LEADING_NUMBER.match(str(value).replace(",", "."))
    return float(match.group(0)) if match else 0.0


def _report(module: str, action: str, idsite: int) -> Any:
    from footfall.api.api_meta import find_report_definition

    report = find_report_definition(module, action)
    if report is None:
        raise BadRequest(f"Requested report {module}.{action} for Website id={idsite} not "
                         "found in the list of available reports.")
    if not report.dimension:
        raise BadRequest(f"Reports like {module}.{action} which do not have a dimension are "
                         "not supported by row evolution")
    return report


def _periods_by_date(call: ApiCall, method: str, extra: dict[str, Any]) -> Map:
    """The report for every period of the request (one Map keyed by date)."""
    sub = {k: v for k, v in call.params.items()
           if k not in ("label", "filter_limit", "method", "apiModule", "apiAction", "column",
                        "compareDates", "comparePeriods", "compareSegments")}
    sub.update(method=method, filter_limit="-1", expanded="0", **extra)
    if str(sub.get("period")).lower() == "range":
        sub["period"] = "day"
    result = run_call(method, ApiCall(call.services, sub, call.user, http=False,
                                      base_url=call.base_url))
    if not isinstance(result, Map):
        raise BadRequest("Row evolutions can not be processed with this combination of "
                         "\\'date\\' and \\'period\\' parameters.")
    return result


def _first_row(table: Any) -> Row | None:
    return table.rows[0] if isinstance(table, DataTable) and table.rows else None


def _url_label(row: Row, module: str, action: str, use_url: bool) -> str | None:
    url = row.metadata.get("url")
    if url and use_url and (module == "Actions" or (module, action) == ("Referrers",
                                                                       "getWebsites")):
        return _SCHEME.sub("", str(url))
    return None


def _display_label(call: ApiCall, module: str, action: str, label: str) -> str:
    """A label asked for without URL metadata, shown as Matomo shows it."""
    if module == "Actions" and action in _URL_REPORTS:
        site = access.get_site(call.services, params.integer(call.params, "idSite"))
        host = re.sub(r"^[a-z]+://", "", site.main_url, flags=re.I).split("/")[0]
        text = host + "/" + _LEVELS.sub("/", label) + "/"
    else:
        text = label.replace(">", " - ")
    return text.replace("@", "")


def _metric_summary(metrics: dict[str, str], tables: list[dict[str, Any] | None],
                    logos: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each metric's name (and logo), min and max from its first non-zero value, and the
    change from the first to the last period (when the first is not zero)."""
    summary: dict[str, dict[str, Any]] = {}
    for name, title in metrics.items():
        entry: dict[str, Any] = {"name": title}
        if logos and logos.get(name):
            entry["logo"] = logos[name]
        started = False
        for row in tables:
            value = php_float(row.get(name, 0)) if row is not None else 0.0
            started = started or value > 0
            if not started:
                continue
            entry["min"] = min(entry.get("min", value), value)
            entry["max"] = max(entry.get("max", value), value)
        first = php_float(tables[0].get(name, 0)) if tables and tables[0] else 0.0
        last = php_float(tables[-1].get(name, 0)) if tables and tables[-1] else 0.0
        if first != 0:
            entry["change"] = change_text(last, first)
        summary[name] = entry
    return summary


def change_text(current: float, past: float) -> str:
    """'+100%', '-33%': the whole-percent change, with a plus sign when it grew."""
    quotient = 0.0 if current - past == 0 else 100.0 if past == 0 else \
        (current - past) / past * 100
    whole = int(quotient + (0.5 if quotient >= 0 else -0.5))
    return f"+{whole}%" if whole > 0 else f"{whole}%"


def single_row_evolution(call: ApiCall, report: Any, data: Map, label: str) -> dict[str, Any]:
    metrics = _metric_titles(report)
    module, action = report.module, report.action
    use_url = params.flag(call.params, "labelUseAbsoluteUrl", default=True)
    actual: str | None = None
    logo = None
    url_found = False
    entries: dict[str, list[dict[str, Any]]] = {}
    rows: list[dict[str, Any] | None] = []
    for key, table in data.entries.items():
        row = _first_row(table)
        if row is None:
            entries[key] = []
            rows.append(None)
            continue
        if actual is None:
            logo = row.metadata.get("logo")
            actual = _url_label(row, module, action, use_url)
            url_found = actual is not None
        values = {name: value for name, value in row.columns.items() if name in metrics}
        entries[key] = [values]
        rows.append(values)
    if not url_found:
        actual = _display_label(call, module, action, label)
    answer: dict[str, Any] = {
        "label": actual, "reportData": Map("date", entries, data.entry_info),
        "metadata": {"metrics": _metric_summary(metrics, rows), "dimension": report.dimension},
    }
    if logo:
        answer["logo"] = logo
    return answer


def multi_row_evolution(call: ApiCall, report: Any, tables: list[Map], labels: list[str],
                        periods_of: Map) -> dict[str, Any]:
    """Several labels (or none found): one `<column>_<index>` value per label and period;
    `periods_of` gives the period keys."""
    metrics = _metric_titles(report)
    column = params.text(call.params, "column")
    if column not in metrics:
        column = next(iter(metrics))
    use_url = params.flag(call.params, "labelUseAbsoluteUrl", default=True)
    names: dict[str, str] = {}
    logos: dict[str, str] = {}
    for index, (label, data) in enumerate(zip(labels, tables, strict=True)):
        shown: str | None = None
        for table in data.entries.values():
            row = _first_row(table)
            if row is None:
                continue
            shown = _url_label(row, report.module, report.action, use_url)
            if row.metadata.get("logo"):
                logos[f"{column}_{index}"] = str(row.metadata["logo"])
            if shown:
                break
        title = shown or label.replace(">", " - ")
        if params.flag(call.params, "legendAppendMetric", default=True):
            title += f" ({metrics[column]})"
        names[f"{column}_{index}"] = title
    entries: dict[str, list[dict[str, Any]]] = {}
    rows: list[dict[str, Any] | None] = []
    for key in periods_of.entries:
        values: dict[str, Any] = {}
        for index, data in enumerate(tables):
            row = _first_row(data.entries.get(key))
            values[f"{column}_{index}"] = php_float(row.columns.get(column, 0)) if row else 0
        entries[key] = [values] if labels else []
        rows.append(values if labels else None)
    metadata = {"metrics": _metric_summary(names, rows, logos), "dimension": report.dimension,
                "columns": metrics}
    return {"column": column, "reportData": Map("date", entries, periods_of.entry_info),
            "metadata": metadata}


def _metric_titles(report: Any) -> dict[str, str]:
    found = {m.name: m.title for m in report.metrics}
    found.update({m.name: m.title for m in report.processed_metrics})
    return found


def _labels_seen(data: Map, limit: int) -> list[str]:
    """Every label of every period, first seen first, up to `limit` (-1: all)."""
    seen: dict[str, None] = {}
    for table in data.entries.values():
        if isinstance(table, DataTable):
            seen.update(dict.fromkeys(str(r.label) for r in table.rows))
    labels = list(seen)
    return labels if limit < 0 else labels[:limit]


@api_method("API.getRowEvolution", access="view")
def get_row_evolution(call: ApiCall) -> Any:
    """A report row's metrics over the requested periods (one label or several)."""
    idsite = params.integer(call.params, "idSite")
    module = str(params.required(call.params, "apiModule"))
    action = str(params.required(call.params, "apiAction"))
    params.required(call.params, "period")
    params.required(call.params, "date")
    report = _report(module, action, idsite)
    method = f"{module}.{action}"
    raw = call.params.get("label")
    labels = ([str(v) for v in raw] if isinstance(raw, list)
              else [part for part in str(raw or "").split(",") if part])[:MAX_LABELS]
    if not labels:
        everything = _periods_by_date(call, method, {})
        if not everything.entries:
            return []
        limit = str(call.params.get("filter_limit") or "")
        labels = _labels_seen(everything, int(limit) if limit.lstrip("-").isdecimal() else -1)
        tables = [_only(everything, label) for label in labels]
    else:
        tables = [_periods_by_date(call, method, {"label": [label]}) for label in labels]
        everything = tables[0]
    if len(labels) == 1:
        return single_row_evolution(call, report, tables[0], labels[0])
    return multi_row_evolution(call, report, tables, labels, everything)


def _only(data: Map, label: str) -> Map:
    """The rows labelled `label` of every period."""
    return Map(data.key_name, {key: DataTable([r for r in table.rows if str(r.label) == label])
                               if isinstance(table, DataTable) else table
                               for key, table in data.entries.items()}, data.entry_info)
