"""pivotBy: a report's rows against the values of its subtable dimension, as columns.

`Referrers.getSearchEngines&pivotBy=Referrers.Keyword` gives one row per search
engine and one column per keyword holding `pivotByColumn` (default: the first
metric of the rows), the most frequent `pivotByColumnLimit` (default 10) keywords
kept and the rest summed into `Others`; a row without a value has `false`. Matomo
fetches the intersected tables from the subtables only (fetching them by segment
is off by default), so the pivot dimension must be the report's subtable
dimension. Columns are renamed '1. keyword', '2. …' unless disable_queued_filters=1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from footfall.api import params
from footfall.archive.datatable import DataTable, Row
from footfall.errors import BadRequest

DEFAULT_COLUMN_LIMIT = 10  # [General] pivot_by_filter_default_column_limit
OTHERS = "Others"
NBSP = "\u00a0"


def dimension_id(module: str, title: str | None) -> str:
    """Matomo's dimension id of a report dimension: 'Referrers' + 'Referrer URL' ->
    'Referrers.ReferrerUrl' (ids are compared case-insensitively)."""
    words = (title or "").replace("-", " ").split()
    return f"{module}." + "".join(w[:1].upper() + w[1:].lower() for w in words)


def _known_dimensions(reports: list[Any]) -> dict[str, str]:
    return {dimension_id(r.module, r.dimension).lower(): dimension_id(r.module, r.dimension)
            for r in reports if r.dimension}


def pivot_table(table: DataTable, report: Any, request: Mapping[str, Any]) -> DataTable:
    """The pivoted table (rows keep their label and metadata; subtables are dropped)."""
    from footfall.reports import registry

    wanted = params.text(request, "pivotBy").strip()
    reports = list(registry.report_definitions())
    known = _known_dimensions(reports)
    if wanted.lower() not in known:
        raise BadRequest(f"Invalid dimension '{wanted}'.")
    report_id = f"{report.module}.{report.name}"
    sub = next((r for r in reports if r.module == report.module
                and r.action == report.subtable_action), None)
    sub_dimension = dimension_id(sub.module, sub.dimension) if sub is not None else None
    if sub is None or report.hierarchical or sub_dimension == dimension_id(report.module,
                                                                            report.dimension):
        raise BadRequest(f"Unsupported pivot: report '{report_id}' has no subtable dimension.")
    if sub_dimension.lower() != wanted.lower():
        raise BadRequest(f"Unsupported pivot: the subtable dimension for '{report_id}' does not "
                         f"match the requested pivotBy dimension. [subtable dimension = "
                         f"{sub_dimension}, pivot by dimension = {known[wanted.lower()]}]")
    column = params.text(request, "pivotByColumn") or _first_metric(table)
    limit = params.integer(request, "pivotByColumnLimit", default=DEFAULT_COLUMN_LIMIT) or \
        DEFAULT_COLUMN_LIMIT
    if column in {m.name for m in report.processed_metrics}:
        registry.apply_processed_metrics(table, report)
    return _pivot(table, column, limit, renamed=not params.flag(request,
                                                                "disable_queued_filters"))


def _first_metric(table: DataTable) -> str:
    for row in table.all_rows():
        for name in row.columns:
            return name
    return "nb_visits"


def _pivot(table: DataTable, column: str, limit: int, *, renamed: bool) -> DataTable:
    sums: dict[str, float] = {}
    cells: list[dict[str, Any]] = []
    for row in table.rows:
        values: dict[str, Any] = {}
        for inner in (row.subtable.all_rows() if row.subtable is not None else []):
            name = str(inner.label)
            value = inner.columns.get(column, False)
            values[name] = value
            sums[name] = sums.get(name, 0) + (value if _is_number(value) else 0)
        cells.append(values)
    order = sorted(sums, key=lambda name: -sums[name])  # stable: ties keep first-seen order
    if 0 < limit < len(order):
        order = [*order[:limit - 1], OTHERS]
    pivoted = DataTable(metadata=dict(table.metadata))
    for row, values in zip(table.rows, cells, strict=True):
        columns: dict[str, Any] = dict.fromkeys(order, False)
        if OTHERS in columns:
            columns[OTHERS] = 0
        for name, value in values.items():
            if name in columns and name != OTHERS:
                columns[name] = value
            else:
                columns[OTHERS] += value if _is_number(value) else 0
        metadata = {k: v for k, v in row.metadata.items() if k != "idsubdatatable_in_db"}
        pivoted.rows.append(Row(row.label, _numbered(columns) if renamed else columns,
                                metadata))
    return pivoted


def _numbered(columns: dict[str, Any]) -> dict[str, Any]:
    """'1. name', '2. name' … (a no-break space after the dot); Others keeps its name."""
    found: dict[str, Any] = {}
    index = 1
    for name, value in columns.items():
        if name == OTHERS:
            found[name] = value
            continue
        found[f"{index}.{NBSP}{name}"] = value
        index += 1
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
