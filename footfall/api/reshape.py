"""Reshaping a report before filtering: idSubtable, flat=1 and the label filter."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import unquote_plus

from footfall.archive.datatable import DataTable, Row


def flatten(table: DataTable, separator: str, *, include_aggregate_rows: bool = False) -> DataTable:
    """flat=1: one level; labels joined with the report's separator; parents' metadata inherited."""
    flat = DataTable(metadata=dict(table.metadata))
    for row in table.rows:
        _flatten_row(row, flat, separator, "", {}, include_aggregate_rows)
    if table.summary_row is not None:
        _flatten_row(table.summary_row, flat, separator, "", {}, include_aggregate_rows)
    return flat


def _flatten_row(row: Row, into: DataTable, separator: str, prefix: str,
                 inherited: dict[str, Any], include_aggregates: bool) -> None:
    label = row.label.strip() if isinstance(row.label, str) else str(row.label)
    if separator == "/" and label.startswith("/") and prefix.endswith("/"):
        label = label[1:]  # page URLs: 'dir/' + '/page' reads 'dir/page'
    label = prefix + label
    metadata = {**inherited, **row.metadata}
    subtable = row.subtable
    flat_row = Row(label, row.columns, metadata)
    if subtable is None or not subtable.all_rows():
        if include_aggregates:
            flat_row.metadata["is_aggregate"] = 0
        into.rows.append(flat_row)
        return
    if include_aggregates:
        flat_row.metadata["is_aggregate"] = 1
        into.rows.append(flat_row)
    child_inherited = {k: v for k, v in row.metadata.items() if k not in ("url",)}
    for child in subtable.all_rows():
        _flatten_row(child, into, separator, label + separator, child_inherited,
                     include_aggregates)


def requested_labels(params: dict[str, Any]) -> list[str]:
    """`label=x` or `label[]=x&label[]=y` (already merged by the dispatcher)."""
    value = params.get("label")
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def filter_labels(table: DataTable, labels: list[str]) -> DataTable:
    """Only the rows with these labels, in the order asked; '>' separates levels."""
    found = DataTable(metadata=dict(table.metadata))
    for wanted in labels:
        row = _find_path(table, wanted.split(">"))
        if row is not None and all(row is not r for r in found.rows):
            found.rows.append(row)
    return found


def _find_path(table: DataTable, levels: list[str]) -> Row | None:
    current: DataTable | None = table
    row: Row | None = None
    for depth, level in enumerate(levels):
        if current is None:
            return None
        terminal = level.startswith("@")
        raw = level[1:] if terminal else level
        last = depth == len(levels) - 1
        row = (_match(current, unquote_plus(raw), prefer_leaf=terminal or last)
               or _match(current, raw, prefer_leaf=terminal or last))
        if row is None:
            return None
        current = row.subtable
    return row


def _match(table: DataTable, name: str, *, prefer_leaf: bool) -> Row | None:
    candidates = [name, html.escape(name, quote=False), " " + name]
    matches = [r for r in table.all_rows() if r.label in candidates]
    if not matches:
        return None
    if prefer_leaf:
        leaves = [r for r in matches if r.subtable is None]
        return leaves[0] if leaves else matches[0]
    branches = [r for r in matches if r.subtable is not None]
    return branches[0] if branches else matches[0]
