"""Matomo's generic filters, applied to a report's DataTable in Matomo's order.

Pattern -> PatternRecursive -> ExcludeLowPopulation -> Sort -> Truncate -> Limit
(reference §1.5-1.6), then, after processed metrics, showColumns/hideColumns and
the `label` filter. Each filter changes the table in place; `FilterParams`
holds the parsed request parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from footfall.archive.datatable import OTHERS_LABEL, DataTable, Row
from footfall.errors import BadRequest

# Matomo's HTTP entry point injects this filter_limit when the client gives none.
DEFAULT_HTTP_LIMIT = 100
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class FilterParams:
    """The generic-filter parameters of one request."""

    pattern: str | None = None
    column: str = "label"
    pattern_recursive: str | None = None
    column_recursive: str = "label"
    excludelowpop: str | None = None
    excludelowpop_value: float = 0.0
    sort_column: str | None = None
    sort_order: str = "desc"
    truncate: int | None = None
    offset: int = 0
    limit: int = -1
    keep_summary_row: bool = False
    disable_generic: bool = False

    @property
    def referenced_columns(self) -> set[str]:
        """Columns the filters read (processed metrics must exist before they run)."""
        names = {self.column, self.column_recursive, self.excludelowpop, self.sort_column}
        return {name for name in names if name}


def _integer(params: Mapping[str, Any], name: str, default: int | None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(float(str(raw)))
    except ValueError:
        raise BadRequest(f"The parameter '{name}' must be an integer, not '{raw}'.") from None


def parse_filter_params(params: Mapping[str, Any], *, default_limit: int | None) -> FilterParams:
    """Read the generic filter parameters; `default_limit` is 100 over HTTP, None inside."""
    limit = _integer(params, "filter_limit", default_limit)
    low_value = params.get("filter_excludelowpop_value") or "0"
    try:
        low = float(str(low_value))
    except ValueError:
        low = 0.0
    order = str(params.get("filter_sort_order") or "desc").lower()
    return FilterParams(
        pattern=params.get("filter_pattern") or None,
        column=params.get("filter_column") or "label",
        pattern_recursive=params.get("filter_pattern_recursive") or None,
        column_recursive=params.get("filter_column_recursive") or "label",
        excludelowpop=params.get("filter_excludelowpop") or None,
        excludelowpop_value=low,
        sort_column=params.get("filter_sort_column") or None,
        sort_order="asc" if order == "asc" else "desc",
        truncate=_integer(params, "filter_truncate", None),
        offset=max(0, _integer(params, "filter_offset", 0) or 0),
        limit=-1 if limit is None else limit,
        keep_summary_row=str(params.get("keep_summary_row", "0")) == "1",
        disable_generic=str(params.get("disable_generic_filters", "0")) == "1",
    )


def apply_generic_filters(table: DataTable, params: FilterParams, *,
                          default_sort: str | None, recursive_sort: bool = False) -> None:
    """All generic filters in Matomo's order."""
    if params.disable_generic:
        return
    if params.pattern is not None:
        filter_pattern(table, params.pattern, params.column)
    if params.pattern_recursive is not None:
        filter_pattern_recursive(table, params.pattern_recursive, params.column_recursive)
    if params.excludelowpop:
        exclude_low_population(table, params.excludelowpop, params.excludelowpop_value)
    sort_column = params.sort_column or default_sort
    if sort_column:
        sort_table(table, sort_column, params.sort_order, recursive=recursive_sort)
    if params.truncate is not None:
        truncate_table(table, params.truncate)
    limit_table(table, params.offset, params.limit, keep_summary_row=params.keep_summary_row)


# --- Pattern ------------------------------------------------------------------------


def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """Matomo's case-insensitive PCRE match; an invalid pattern matches nothing."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return None


def cell_text(row: Row, column: str) -> str:
    value = row.get(column)
    if value is None:
        value = row.metadata.get(column)
    return "" if value is None else str(value)


def filter_pattern(table: DataTable, pattern: str, column: str = "label") -> None:
    regex = compile_pattern(pattern)
    keep = (lambda row: regex.search(cell_text(row, column)) is not None) if regex else None
    table.rows = [row for row in table.rows if keep and keep(row)]
    if table.summary_row is not None and not (keep and keep(table.summary_row)):
        table.summary_row = None


def filter_pattern_recursive(table: DataTable, pattern: str, column: str = "label") -> int:
    """Keep a row when it, or any row below it, matches; returns the rows left."""
    regex = compile_pattern(pattern)

    def keep(row: Row) -> bool:
        if row.subtable is not None and filter_pattern_recursive(row.subtable, pattern, column):
            return True
        return regex is not None and regex.search(cell_text(row, column)) is not None

    table.rows = [row for row in table.rows if keep(row)]
    if table.summary_row is not None and not keep(table.summary_row):
        table.summary_row = None
    return len(table.all_rows())


# --- Exclude low population -----------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).rstrip("%"))
    except ValueError:
        return None


def exclude_low_population(table: DataTable, column: str, minimum: float) -> None:
    """Drop rows whose `column` is below `minimum` (or 2% of the column's total when 0)."""
    rows = table.all_rows()
    if not rows:
        return
    if minimum == 0:
        minimum = sum(_number(r.get(column)) or 0.0 for r in rows) * 0.02
    table.rows = [r for r in table.rows if (_number(r.get(column)) or 0.0) >= minimum]
    summary = table.summary_row
    if summary is not None and (_number(summary.get(column)) or 0.0) < minimum:
        table.summary_row = None


# --- Sort -----------------------------------------------------------------------------


def natural_key(text: str) -> list[Any]:
    """strnatcasecmp order: digit runs compare as numbers, the rest case-insensitively."""
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part.lower())
            for part in _DIGITS.split(text) if part != ""]


def _compare(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def sort_table(table: DataTable, column: str, order: str = "desc", *,
               recursive: bool = False) -> None:
    """Sort rows by `column` as Matomo does; the summary row stays last.

    Numbers sort numerically, ties broken by label for nb_visits and by
    nb_visits otherwise; text sorts naturally; rows without the column go last.
    """
    rows = table.rows
    if column != "label" and not any(column in r.columns for r in rows):
        column = "nb_visits"
    numeric = column != "label" and all(
        _number(r.columns[column]) is not None for r in rows if column in r.columns)
    sign = 1 if order == "asc" else -1

    def key_of(row: Row) -> Any:
        value = row.get(column)
        if value is None:
            return None
        return _number(value) if numeric else natural_key(str(value))

    def compare(a: Row, b: Row) -> int:
        va, vb = key_of(a), key_of(b)
        if va is None or vb is None:
            return (va is None) - (vb is None)
        result = sign * _compare(va, vb)
        if result or not numeric:
            return result
        if column == "nb_visits":
            return -sign * _compare(natural_key(a.label), natural_key(b.label))
        return sign * _compare(_number(a.get("nb_visits")) or 0, _number(b.get("nb_visits")) or 0)

    rows.sort(key=cmp_to_key(compare))
    if recursive:
        for row in rows:
            if row.subtable is not None:
                sort_table(row.subtable, column, order, recursive=True)


# --- Truncate and limit -------------------------------------------------------------


def _sum_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    for name, value in source.items():
        current = target.get(name)
        if isinstance(value, dict):
            target[name] = current if isinstance(current, dict) else {}
            _sum_into(target[name], value)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        elif current is None:
            target[name] = value
        elif name.startswith("max_"):
            target[name] = max(current, value)
        elif name.startswith("min_"):
            target[name] = min(current, value)
        else:
            target[name] = current + value


def truncate_table(table: DataTable, keep: int) -> None:
    """Keep `keep` rows and fold the rest into an 'Others' row, in every loaded level."""
    if keep < 0:
        return
    if len(table.all_rows()) > keep + 1:
        sort_table(table, "nb_visits", "desc")
        folded = table.all_rows()[keep:]
        summary = Row(OTHERS_LABEL)
        for row in folded:
            _sum_into(summary.columns, row.columns)
        table.rows = table.rows[:keep]
        table.summary_row = summary
    for row in table.rows:
        if row.subtable is not None:
            truncate_table(row.subtable, keep)


def limit_table(table: DataTable, offset: int, limit: int, *,
                keep_summary_row: bool = False) -> None:
    """filter_offset / filter_limit over the rows (the summary row counts as the last one)."""
    rows = table.all_rows()
    table.metadata["totalRows"] = len(rows)
    summary = table.summary_row
    end = None if limit < 0 else offset + limit
    kept = rows[offset:end]
    table.rows = [r for r in kept if r is not summary]
    kept_summary = any(row is summary for row in kept)
    table.summary_row = summary if (summary is not None and kept_summary) else None
    if keep_summary_row and summary is not None:
        table.summary_row = summary


# --- Columns and labels -----------------------------------------------------------------


def _names(text: Any) -> list[str]:
    if isinstance(text, (list, tuple)):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


def select_columns(columns: dict[str, Any], show: list[str], hide: list[str]) -> dict[str, Any]:
    if show:
        columns = {k: v for k, v in columns.items() if k in show}
    return {k: v for k, v in columns.items() if k not in hide}


def show_hide_columns(table: DataTable, show: Any, hide: Any, *, recursive: bool = True) -> None:
    """showColumns / hideColumns on every row and loaded subtable (metadata untouched)."""
    shown, hidden = _names(show), _names(hide)
    if not shown and not hidden:
        return
    for row in table.all_rows():
        row.columns = select_columns(row.columns, shown, hidden)
        if recursive and row.subtable is not None:
            show_hide_columns(row.subtable, shown, hidden)
