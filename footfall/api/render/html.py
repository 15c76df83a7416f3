"""format=html: a bare <table> with one column per field, as Matomo's HTML export."""

from __future__ import annotations

from typing import Any

from footfall.api.render.arrays import table_part
from footfall.api.render.csv import _array_rows
from footfall.api.render.model import DataTable, Map, RenderOptions, Simple, Success
from footfall.api.render.values import format_value_xml, php_string

CONTENT_TYPE = "text/html; charset=utf-8"
ERROR_CONTENT_TYPE = "text/plain; charset=utf-8"


def php_export(value: Any, indent: str = "") -> str:
    """PHP's var_export of an array, which Matomo prints for array cells and metadata."""
    if isinstance(value, dict):
        inner = indent + "  "
        items = "".join(f"{inner}{php_export(k)} => \n{inner}{php_export(v, inner)},\n"
                        if isinstance(v, dict) else f"{inner}{php_export(k)} => {php_export(v)},\n"
                        for k, v in value.items())
        return f"array (\n{items}{indent})"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return php_string(value)


class _Structure:
    """Rows collected from one or several tables, and the columns they use."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.columns: dict[str, bool] = {}

    def add(self, result: Any, extra: dict[str, str]) -> None:
        if isinstance(result, Map):
            for key, value in result.entries.items():
                self.add(value, {**extra, "_" + result.key_name: key})
            return
        rows = _rows_of(result)
        some_metadata = some_subtable = False
        for values, metadata, idsubtable in rows:
            line: dict[str, Any] = {}
            for name, value in {**extra, **values}.items():
                self.columns[name] = True
                line[name] = value
            if metadata:
                some_metadata = True
                line["_metadata"] = "<br />".join(
                    f"'{k}' => " + (f"'{v}'" if isinstance(v, str) else php_export(v))
                    for k, v in metadata.items())
            if idsubtable is not None:
                some_subtable = True
                line["_idSubtable"] = idsubtable
            self.rows.append(line)
        if rows:
            self.columns["_metadata"] = some_metadata
            self.columns["_idSubtable"] = some_subtable


def _rows_of(result: Any) -> list[tuple[dict[str, Any], dict[str, Any], int | None]]:
    if isinstance(result, DataTable):
        return [({"label": r.label, **r.columns}, r.metadata, r.idsubdatatable)
                for r in result.all_rows()]
    if isinstance(result, Simple):  # nested rows (comparisons) are left out, as in CSV
        values = {k: v for k, v in result.columns.items() if not isinstance(v, list)}
        return [(values, {}, None)] if values else []
    if isinstance(result, (dict, list, tuple)):
        return [({("value" if k == 0 else k): v for k, v in row.items()}, {}, None)
                for row in _array_rows(result)]
    return [({"value": result}, {}, None)]


def render(result: Any, options: RenderOptions) -> tuple[str, str]:
    if isinstance(result, Success):
        return f"<!-- Success: {result.message} -->", CONTENT_TYPE
    result = table_part(result)
    structure = _Structure()
    structure.add(result, {})
    table_id = options.table_id.replace(".", "_")
    out = [f'<table id="{table_id}" border="1">' if table_id else '<table border="1">',
           "\n<thead>\n\t<tr>\n"]
    shown = [name for name, show in structure.columns.items() if show]
    for name in shown:
        title = options.column_names.get(name, name) if options.translate_column_names else name
        out.append(f"\t\t<th>{title}</th>\n")
    out.append("\t</tr>\n</thead>\n<tbody>\n")
    for row in structure.rows:
        out.append("\t<tr>\n")
        for name in shown:
            value = row.get(name)
            if value is None:
                cell = "-"
            elif isinstance(value, (dict, list)):
                cell = "<pre>" + format_value_xml(php_export(value)) + "</pre>"
            else:
                cell = format_value_xml(value)
            out.append(f"\t\t<td>{cell}</td>\n")
        out.append("\t</tr>\n")
    out.append("</tbody>\n</table>\n")
    return "".join(out), CONTENT_TYPE


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    return message.replace("\n", "<br />\n"), ERROR_CONTENT_TYPE
