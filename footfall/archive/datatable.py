"""DataTable: the shape of every report, as in Matomo.

A report is a list of rows; each row has a label, metric columns, metadata
(url, logo, segment, ...) and optionally a subtable (e.g. the keywords of one
search engine). Archives store DataTables; the API filters and renders them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

Number = int | float
# Matomo's label for the row that truncation folds the remaining rows into.
OTHERS_LABEL = "Others"
# Matomo's summary row id (-1) used by ``filter_truncate`` / "Others".
SUMMARY_ROW_ID = -1


@dataclass
class Row:
    """One row of a report: label, metric columns, metadata and an optional subtable."""

    label: str
    columns: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    subtable: DataTable | None = None
    # Matomo's idsubdatatable: set when the table is stored or rendered.
    idsubdatatable: int | None = None

    def get(self, column: str, default: Any = None) -> Any:
        if column == "label":
            return self.label
        return self.columns.get(column, default)


@dataclass
class DataTable:
    """An ordered list of rows, plus table-level metadata (e.g. totals)."""

    rows: list[Row] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    summary_row: Row | None = None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row_by_label(self, label: str) -> Row | None:
        for row in self.rows:
            if row.label == label:
                return row
        return None

    def all_rows(self) -> list[Row]:
        """Rows including the summary ('Others') row, in display order."""
        return [*self.rows, self.summary_row] if self.summary_row else list(self.rows)


# --- Summing tables (period aggregation) -------------------------------------------


def sum_columns(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Add `source`'s metrics into `target`: sums, except max_*/min_* and nested dicts (goals).

    Hot during archiving (every group of every table passes here): plain type checks only.
    """
    for name, value in source.items():
        current = target.get(name)
        if current is None:
            target[name] = _copy_value(value) if value.__class__ is dict else value
            continue
        kind = value.__class__
        if kind is int or kind is float:
            prefix = name[:4]
            if prefix == "max_":
                target[name] = current if current >= value else value
            elif prefix == "min_":
                target[name] = current if current <= value else value
            else:
                target[name] = current + value
        elif kind is dict:
            sum_columns(current, value)
        # text columns keep their first value


def _copy_value(value: Any) -> Any:
    return {k: _copy_value(v) for k, v in value.items()} if isinstance(value, dict) else value


def copy_row(row: Row) -> Row:
    return Row(row.label, _copy_value(row.columns), dict(row.metadata),
               copy_table(row.subtable) if row.subtable is not None else None)


def copy_table(table: DataTable) -> DataTable:
    return DataTable([copy_row(r) for r in table.rows], dict(table.metadata),
                     copy_row(table.summary_row) if table.summary_row else None)


def add_table(target: DataTable, source: DataTable) -> None:
    """Add `source` into `target` row by row (matched on label), subtables included."""
    index = {row.label: row for row in target.rows}
    for row in source.rows:
        mine = index.get(row.label)
        if mine is None:
            mine = copy_row(row)
            target.rows.append(mine)
            index[row.label] = mine
            continue
        add_row(mine, row)
    if source.summary_row is not None:
        if target.summary_row is None:
            target.summary_row = copy_row(source.summary_row)
        else:
            add_row(target.summary_row, source.summary_row)


def add_row(target: Row, source: Row) -> None:
    sum_columns(target.columns, source.columns)
    for key, value in source.metadata.items():
        target.metadata.setdefault(key, value)
    if source.subtable is not None:
        if target.subtable is None:
            target.subtable = copy_table(source.subtable)
        else:
            add_table(target.subtable, source.subtable)


def merge_tables(tables: list[DataTable]) -> DataTable:
    """The sum of several tables (e.g. the days of a week)."""
    merged = DataTable()
    for table in tables:
        add_table(merged, table)
    return merged


# --- Truncation into "Others" ---------------------------------------------------------


def sort_rows(rows: list[Row], column: str = "nb_visits") -> None:
    """Sort by `column` descending, ties by label ascending (Matomo's default order)."""
    rows.sort(key=lambda r: (-_number(r.columns.get(column)), str(r.label)))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def truncate(table: DataTable, limit: int, *, sort_column: str = "nb_visits",
             subtable_limit: int | None = None) -> None:
    """Keep at most `limit` rows, the last being 'Others' holding the sum of the rest.

    Matomo truncates archived tables this way (datatable_archiving_maximum_rows_*);
    subtables are truncated to `subtable_limit` when given.
    """
    if subtable_limit is not None:
        for row in table.rows:
            if row.subtable is not None:
                truncate(row.subtable, subtable_limit, sort_column=sort_column,
                         subtable_limit=subtable_limit)
    if limit <= 0 or len(table.rows) + (table.summary_row is not None) <= limit:
        return
    sort_rows(table.rows, sort_column)
    kept, folded = table.rows[:limit - 1], table.rows[limit - 1:]
    summary = table.summary_row or Row(OTHERS_LABEL)
    for row in folded:
        sum_columns(summary.columns, row.columns)
    table.rows = kept
    table.summary_row = summary


# --- Subtable ids -----------------------------------------------------------------------


def assign_subtable_ids(table: DataTable, start: int = 1) -> int:
    """Number every subtable in pre-order (Matomo's idsubdatatable); returns the next free id."""
    next_id = start
    for row in table.all_rows():
        if row.subtable is not None:
            row.idsubdatatable = next_id
            next_id = assign_subtable_ids(row.subtable, next_id + 1)
    return next_id


def find_subtable(table: DataTable, idsubdatatable: int) -> DataTable | None:
    for row in table.all_rows():
        if row.subtable is None:
            continue
        if row.idsubdatatable == idsubdatatable:
            return row.subtable
        found = find_subtable(row.subtable, idsubdatatable)
        if found is not None:
            return found
    return None


# --- Archive blobs ---------------------------------------------------------------------
# A blob is orjson of nested lists [rows, summary, metadata], zlib-compressed when large.
# One blob holds the whole tree, so a report and its subtables load in one read.

_RAW, _ZLIB = b"J", b"Z"
_COMPRESS_ABOVE = 2048


def to_blob(table: DataTable) -> bytes:
    payload = orjson.dumps(_encode_table(table))
    if len(payload) > _COMPRESS_ABOVE:
        return _ZLIB + zlib.compress(payload, 1)
    return _RAW + payload


def from_blob(blob: bytes) -> DataTable:
    kind, body = blob[:1], blob[1:]
    payload = zlib.decompress(body) if kind == _ZLIB else body
    table = _decode_table(orjson.loads(payload))
    assign_subtable_ids(table)
    return table


def _encode_row(row: Row) -> list[Any]:
    sub = _encode_table(row.subtable) if row.subtable is not None else None
    return [row.label, row.columns, row.metadata, sub]


def _encode_table(table: DataTable) -> list[Any]:
    summary = _encode_row(table.summary_row) if table.summary_row is not None else None
    return [[_encode_row(r) for r in table.rows], summary, table.metadata]


def _decode_row(data: list[Any]) -> Row:
    label, columns, metadata, sub = data
    return Row(label, columns, metadata, _decode_table(sub) if sub is not None else None)


def _decode_table(data: list[Any]) -> DataTable:
    rows, summary, metadata = data
    return DataTable([_decode_row(r) for r in rows], metadata,
                     _decode_row(summary) if summary is not None else None)
