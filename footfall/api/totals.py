"""Report totals: `keep_totals_row=1` and API.getProcessedReport's reportTotal.

Matomo totals a report over every row that the pattern filters keep, before
sorting, truncating and limiting, so a page of 10 rows still shows the whole
report's total; its processed metrics (rates, averages) are computed on the
summed row. `keep_totals_row=1` appends that row, labelled `Totals` (or
`keep_totals_row_label`), after the rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from footfall.api import filters, params
from footfall.archive.datatable import DataTable, Row, sum_columns

DEFAULT_LABEL = "Totals"


def wanted(request: Mapping[str, Any]) -> bool:
    """keep_totals_row=1 (with totals not turned off)."""
    return params.flag(request, "keep_totals_row") and params.flag(request, "totals", default=True)


def sum_rows(rows: Iterable[Row], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The rows' metrics added up (max_/min_ kept as extremes, goals per goal); `skip`
    names columns that are not summed (processed metrics, recomputed on the sum)."""
    found: dict[str, Any] = {}
    for row in rows:
        sum_columns(found, {k: v for k, v in row.columns.items() if k not in skip and
                            isinstance(v, (int, float, dict)) and not isinstance(v, bool)})
    return found


def rows_to_total(table: DataTable, fparams: filters.FilterParams) -> list[Row]:
    """The first-level rows the totals cover: those the pattern filters keep."""
    copy = DataTable(list(table.rows), dict(table.metadata))
    copy.summary_row = table.summary_row
    unlimited = dataclasses.replace(fparams, sort_column=None, truncate=None, offset=0, limit=-1)
    filters.apply_generic_filters(copy, unlimited, default_sort=None)
    return copy.all_rows()


def totals_row(rows: list[Row], report: Any, request: Mapping[str, Any]) -> Row:
    """The totals row with the report's processed metrics, labelled as asked."""
    from footfall.reports import registry

    label = params.text(request, "keep_totals_row_label") or DEFAULT_LABEL
    processed = frozenset(m.name for m in report.processed_metrics)
    summed = DataTable([Row(label, sum_rows(rows, processed))])
    registry.apply_processed_metrics(summed, report)
    return summed.rows[0]
