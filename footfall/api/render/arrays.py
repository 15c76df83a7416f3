"""Turn results into plain lists/dicts the way Matomo's PHP renderer flattens DataTables.

A report row becomes {label, columns..., metadata..., idsubdatatable, subtable};
a simple table becomes its columns (or its only value); a map becomes a dict
keyed by date or idSite. JSON output is exactly this structure.
"""

from __future__ import annotations

from typing import Any

from footfall.api.render.model import DataTable, Map, RenderOptions, Row, Simple, Success
from footfall.api.render.values import decode_entities, normalise_number


def clean(value: Any) -> Any:
    """A scalar as Matomo outputs it: HTML entities decoded, integral floats as integers."""
    if isinstance(value, str):
        return decode_entities(value) if "&" in value else value
    if isinstance(value, float):
        return normalise_number(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def row_to_dict(row: Row, options: RenderOptions, *, with_subtable: bool = True) -> dict[str, Any]:
    """One report row, flat: columns first, then metadata, then idsubdatatable and subtable."""
    flat: dict[str, Any] = {"label": clean(row.label)}
    for name, value in row.columns.items():
        flat[name] = clean(value)
    for name, value in row.metadata.items():
        if name not in flat:  # a column wins over a metadata field of the same name
            flat[name] = clean(value)
    if row.idsubdatatable is not None and not options.hide_idsubtable:
        flat.setdefault("idsubdatatable", row.idsubdatatable)
    if with_subtable and options.expanded and row.subtable is not None:
        flat["subtable"] = table_to_list(row.subtable, options)
    return flat


def table_to_list(table: DataTable, options: RenderOptions) -> list[dict[str, Any]]:
    return [row_to_dict(row, options) for row in table.all_rows()]


def simple_to_value(simple: Simple) -> Any:
    """A simple table's columns, or the bare value when it has exactly one column."""
    if len(simple.columns) == 1:
        return clean(next(iter(simple.columns.values())))
    return {k: clean(v) for k, v in simple.columns.items()} if simple.columns else []


def to_array(result: Any, options: RenderOptions) -> Any:
    """Any result as nested lists/dicts/scalars (the shape of Matomo's JSON)."""
    if isinstance(result, DataTable):
        return table_to_list(result, options)
    if isinstance(result, Simple):
        return simple_to_value(result)
    if isinstance(result, Map):
        return {key: to_array(value, options) for key, value in result.entries.items()}
    if isinstance(result, Success):
        return {"result": "success", "message": result.message}
    if isinstance(result, dict):
        return {str(key): to_array(value, options) for key, value in result.items()} or []
    if isinstance(result, (list, tuple)):
        return [to_array(value, options) for value in result]
    return clean(result)


def table_part(result: Any) -> Any:
    """For the spreadsheet formats: an array holding a date-keyed map (API.getRowEvolution's
    reportData beside its metadata) exports as that map; anything else as it is."""
    if isinstance(result, dict):
        maps = [value for value in result.values() if isinstance(value, Map)]
        if len(maps) == 1:
            return maps[0]
    return result
