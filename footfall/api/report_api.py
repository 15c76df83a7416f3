"""API methods for every report of the report registry, generated, not written one by one.

A report method is answered for each requested site and period (idSite=1,2 or
all; date=last7, previous7, A,B), each answer goes through Matomo's
post-processing (idSubtable, flat, generic filters, processed metrics,
showColumns/hideColumns, label, format_metrics) and the answers are keyed by
idSite and/or date as Matomo keys them (reference §2.4).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from footfall.api import access, compare, filters, metric_format, params, pivot, reshape, totals
from footfall.api.render.model import Map, RenderOptions, Simple
from footfall.archive import periods
from footfall.archive.datatable import DataTable, Row, find_subtable
from footfall.segments import segment_for_site
from footfall.services import Services

if TYPE_CHECKING:
    from footfall.api.dispatch import ApiCall, MethodSpec
    from footfall.reports.registry import ReportDefinition, ReportMethod
    from footfall.sites import Site


def _registry() -> Any:
    """The report registry, or None while no report family is installed."""
    try:
        from footfall.reports import registry
    except ModuleNotFoundError:
        return None
    return registry


_METHODS_CACHE: dict[Any, dict[str, ReportMethod]] = {}


def report_methods() -> dict[str, ReportMethod]:
    """Every report method of the registry (rebuilt only when the families change)."""
    registry = _registry()
    if registry is None:
        return {}
    try:
        families = registry.families()
    except ModuleNotFoundError:
        return {}
    key = tuple((id(family), len(family.reports), len(family.scalars)) for family in families)
    found = _METHODS_CACHE.get(key)
    if found is None:
        _METHODS_CACHE.clear()
        found = _METHODS_CACHE[key] = registry.methods()
    return found


def report_method_names() -> list[str]:
    return list(report_methods())


def method_spec(name: str) -> MethodSpec | None:
    from footfall.api.dispatch import MethodSpec

    method = report_methods().get(name)
    if method is None:
        return None
    return MethodSpec(name, lambda call: call_report(call, method), "view",
                      method.report.documentation)


# --- Sites x periods ------------------------------------------------------------------


def call_report(call: ApiCall, method: ReportMethod) -> Any:
    """Answer a report method for every requested site and period."""
    from footfall.api.dispatch import requested_site_ids

    ids = requested_site_ids(call)
    multi_site = len(ids) > 1 or str(call.params.get("idSite")).strip().lower() == "all"
    period_name = str(params.required(call.params, "period"))
    date_text = str(params.required(call.params, "date"))
    if multi_site:
        selection = periods.select_periods(period_name, date_text, tz="UTC")
        entries = {str(i): _for_site(call, method, access.get_site(call.services, i), selection,
                                     single=False) for i in ids}
        return Map("idSite", entries)
    site = access.get_site(call.services, ids[0])
    selection = periods.select_periods(period_name, date_text, tz=site.timezone)
    return _for_site(call, method, site, selection, single=True)


def _for_site(call: ApiCall, method: ReportMethod, site: Site,
              selection: periods.PeriodSelection, *, single: bool) -> Any:
    result = _site_answer(call, method, site, selection, single=single)
    if method.scalar_column is None and compare.requested(call.params):
        return compare.attach(call, method.report, site, result, lambda sub, chosen:
                              _site_answer(dataclasses.replace(call, params=sub), method,
                                           site, chosen, single=single))
    return result


def _site_answer(call: ApiCall, method: ReportMethod, site: Site,
                 selection: periods.PeriodSelection, *, single: bool) -> Any:
    if not selection.multiple:
        return answer_one(call, method, site, selection.single, single=single)
    entries: dict[str, Any] = {}
    info: dict[str, dict[str, Any]] = {}
    for period in selection.periods:
        entries[period.label] = answer_one(call, method, site, period, single=False)
        info[period.label] = {"start": period.start, "site_name": site.name}
    return Map("date", entries, info)


def answer_one(call: ApiCall, method: ReportMethod, site: Site, period: periods.Period, *,
               single: bool) -> Any:
    """One site and one period: the report's answer, post-processed."""
    registry = _registry()
    segment = segment_for_site(call.params.get("segment"), call.services.db.reader, site.idsite)
    raw = registry.run_method(method, services=call.services, site=site, period=period,
                              segment=segment, params=call.params)
    if method.scalar_column is not None:
        if single:
            return raw
        return Simple({} if _is_zero(raw) else {"value": raw})
    context = _Context(call.params, method.report, site, call.http)
    if isinstance(raw, DataTable) and (method.report.simple or raw.metadata.get("simple")):
        return shape_simple(raw, context, single=single)
    if isinstance(raw, DataTable):
        return shape_table(raw, context)
    return raw


def _is_zero(value: Any) -> bool:
    return value in (None, 0, 0.0, "", "0")


# --- Post-processing -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Context:
    """What post-processing needs to know about the request and the report."""

    params: Mapping[str, Any]
    report: ReportDefinition
    site: Site
    http: bool

    @property
    def types(self) -> dict[str, str]:
        found = {m.name: m.type for m in self.report.metrics}
        found.update({m.name: m.type for m in self.report.processed_metrics})
        return found

    @property
    def processed_names(self) -> frozenset[str]:
        return frozenset(m.name for m in self.report.processed_metrics)

    @property
    def expanded(self) -> bool:
        return params.flag(self.params, "expanded") and not self.params.get("label")

    def format(self, table: DataTable) -> None:
        metric_format.format_table(
            table, mode=metric_format.normalise_mode(self.params.get("format_metrics")),
            types=self.types, processed=self.processed_names, currency=self.site.currency,
            recursive=self.expanded)

    def add_processed_metrics(self, table: DataTable) -> None:
        """Processed metrics on the rows that will be shown (subtables only when expanded)."""
        registry = _registry()
        if self.expanded:
            registry.apply_processed_metrics(table, self.report)
            return
        # Rows sharing the original column dicts, without subtables: same totals, no recursion.
        top = DataTable([Row(r.label, r.columns, r.metadata) for r in table.rows],
                        table.metadata)
        if table.summary_row is not None:
            summary = table.summary_row
            top.summary_row = Row(summary.label, summary.columns, summary.metadata)
        registry.apply_processed_metrics(top, self.report)


def shape_simple(raw: DataTable, context: _Context, *, single: bool) -> Simple:
    """A simple report: one row of metrics; empty when it has no data (in maps)."""
    row = raw.rows[0] if raw.rows else None
    columns = dict(row.columns) if row is not None else {}
    # The report may say whether its period had data; otherwise all zeros means none
    # (Matomo stores no zero values, so a period without data has nothing to show).
    empty = raw.metadata["empty"] if "empty" in raw.metadata else not any(
        not _is_zero(v) for v in columns.values() if not isinstance(v, dict))
    if empty:
        if not single:
            return Simple({})
        columns = columns or {m.name: 0 for m in context.report.metrics}
    table = DataTable([Row("", columns)])
    _registry().apply_processed_metrics(table, context.report)
    shown = context.params.get("showColumns") or context.params.get("columns")
    filters.show_hide_columns(table, shown, context.params.get("hideColumns"))
    context.format(table)
    return Simple(table.rows[0].columns)


def shape_table(table: DataTable, context: _Context) -> DataTable:
    """A multi-row report through Matomo's post-processing, in Matomo's order."""
    request, report = context.params, context.report
    table = _select_subtable(table, request, report)
    if request.get("pivotBy"):
        table = pivot.pivot_table(table, report, request)
    if params.flag(request, "flat"):
        table = reshape.flatten(table, report.flatten_separator,
                                include_aggregate_rows=params.flag(request, "include_aggregate_rows"))
    labels = reshape.requested_labels(dict(request))
    fparams = filters.parse_filter_params(
        request, default_limit=filters.DEFAULT_HTTP_LIMIT if context.http else None)
    if labels:
        fparams = dataclasses.replace(fparams, limit=-1, truncate=None)
    if fparams.referenced_columns & context.processed_names:
        context.add_processed_metrics(table)
    total_rows = totals.rows_to_total(table, fparams) if totals.wanted(request) else None
    default_sort = None if report.constant_rows else report.default_sort
    filters.apply_generic_filters(table, fparams, default_sort=default_sort,
                                  recursive_sort=context.expanded)
    context.add_processed_metrics(table)
    if labels:
        table = reshape.filter_labels(table, labels)
    if total_rows is not None:  # keep_totals_row=1: the totals come last, after Others
        table.rows.extend([*filter(None, [table.summary_row]),
                           totals.totals_row(total_rows, report, request)])
        table.summary_row = None
    filters.show_hide_columns(table, request.get("showColumns"), request.get("hideColumns"),
                              recursive=context.expanded)
    context.format(table)
    return table


def _select_subtable(table: DataTable, request: Mapping[str, Any],
                     report: ReportDefinition) -> DataTable:
    """idSubtable=N on a report with subtables: that subtable (empty if unknown)."""
    raw = request.get("idSubtable")
    if raw in (None, "", "false", "0") or report.is_subtable_report or table.metadata.get(
            "is_subtable"):
        return table
    idsubtable = params.integer(request, "idSubtable")
    if any(r.subtable is not None and r.idsubdatatable is None for r in table.all_rows()):
        from footfall.archive.datatable import assign_subtable_ids

        assign_subtable_ids(table)
    return find_subtable(table, idsubtable) or DataTable()


# --- Export file names -------------------------------------------------------------------


def export_options(options: RenderOptions, merged: Mapping[str, Any],
                   services: Services) -> RenderOptions:
    """The report's name and the period's pretty form (CSV file names, translated headers)."""
    if str(merged.get("format", "")).lower() not in ("csv", "tsv", "html", "rss"):
        return options
    method = report_methods().get(str(merged.get("method", "")))
    if method is None or not merged.get("period") or not merged.get("date"):
        return options
    try:
        selection = periods.select_periods(str(merged["period"]), str(merged["date"]))
    except Exception:  # the answer already went through; a name is not worth an error
        return options
    first, last = selection.periods[0], selection.periods[-1]
    pretty = first.pretty if len(selection.periods) == 1 else \
        periods.Period("range", first.start, last.end).pretty
    names = {"label": method.report.dimension or "Label"}
    names.update({m.name: m.title for m in method.report.metrics})
    names.update({m.name: m.title for m in method.report.processed_metrics})
    return dataclasses.replace(options, report_name=method.report.name, pretty_date=pretty,
                               column_names={**names, **options.column_names})
