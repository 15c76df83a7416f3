"""Building blocks most report families share: stored keys to labels, segments, definitions.

Archives store rows under raw keys (country code, browser code, ...); a
report's `build` turns them into Matomo's labels and metadata at request
time, so a name change never needs re-archiving.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote_plus

from footfall.archive.archiver import ArchiveView, DayContext
from footfall.archive.datatable import DataTable, Row, add_row, sort_rows, sum_columns
from footfall.reports.metrics import (
    VISIT_METRIC_DEFINITIONS,
    VISIT_PROCESSED_METRICS,
    group_visits,
    rows_from_groups,
)
from footfall.reports.registry import ReportDefinition, ReportRequest

Relabel = Callable[[str], tuple[str, dict[str, Any]]]
KEY_SEPARATOR = "\x1f"  # joins the parts of a composite stored key


def join_key(*parts: Any) -> str:
    return KEY_SEPARATOR.join("" if p is None else str(p) for p in parts)


def split_key(key: str) -> list[str]:
    return key.split(KEY_SEPARATOR)


def segment_value(value: Any) -> str:
    """A value as it appears in a row's `segment` metadata (PHP urlencode)."""
    return quote_plus(str(value), safe="")


@cache
def english_names() -> dict[str, dict[str, str]]:
    text = resources.files("footfall").joinpath("data/names_en.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


@cache
def continent_of_country() -> dict[str, str]:
    text = resources.files("footfall").joinpath("data/countries.json").read_text("utf-8")
    countries: dict[str, str] = json.loads(text)["countries"]
    return countries


def dimension_table(ctx: DayContext, keys: Sequence[Any],
                    key_of: Callable[..., str] | None = None) -> DataTable:
    """One GROUP BY of the day's visits by `keys`: a table keyed by the joined key values."""
    groups = group_visits(ctx.conn, ctx.visits, keys)
    return rows_from_groups(groups, key_of or join_key)


def add_or_sum(table: DataTable, index: dict[str, Row], label: str,
               metrics: dict[str, Any]) -> None:
    """Add a row for `label`, or sum `metrics` into the one `index` already holds."""
    row = index.get(label)
    if row is None:
        row = index[label] = Row(label, dict(metrics))
        table.rows.append(row)
    else:
        sum_columns(row.columns, metrics)


def relabel(table: DataTable, relabel_row: Relabel, *, sort: bool = True) -> DataTable:
    """Stored keys -> labels and metadata; rows whose labels coincide are added up."""
    found: dict[str, Row] = {}
    rows: list[Row] = []
    for row in table.rows:
        label, metadata = relabel_row(row.label)
        existing = found.get(label)
        if existing is not None:
            add_row(existing, row)
            continue
        row.label = label
        row.metadata.update(metadata)
        found[label] = row
        rows.append(row)
    table.rows = rows
    if sort:
        sort_rows(table.rows)
    return table


def relabel_build(record: str, relabel_row: Relabel, *,
                  sort: bool = True) -> Callable[[ArchiveView, ReportRequest], DataTable]:
    def build(view: ArchiveView, request: ReportRequest) -> DataTable:
        return relabel(view.table(record), relabel_row, sort=sort)

    return build


def visit_report(module: str, action: str, name: str, *, category: str, subcategory: str,
                 dimension: str, build: Callable[[ArchiveView, ReportRequest], Any],
                 documentation: str, **extra: Any) -> ReportDefinition:
    """A report with the standard visit metrics and processed metrics."""
    extra.setdefault("metrics", VISIT_METRIC_DEFINITIONS)
    extra.setdefault("processed_metrics", VISIT_PROCESSED_METRICS)
    return ReportDefinition(
        module=module, action=action, name=name, category=category, subcategory=subcategory,
        dimension=dimension, build=build, documentation=documentation, **extra)
