"""format=xml: Matomo's XML layout, tab-indented, byte for byte.

Shapes: a report is <result> with one <row> per row; a simple table is
<result> with one element per column; a map is <results> with one
<result date="..."> (or idSite) per entry; arrays become nested elements.
"""

from __future__ import annotations

import re
from typing import Any

from footfall.api.render.arrays import row_to_dict, simple_to_value, to_array
from footfall.api.render.model import DataTable, Map, RenderOptions, Simple, Success, is_empty
from footfall.api.render.values import format_value_xml

CONTENT_TYPE = "text/xml; charset=utf-8"
HEADER = '<?xml version="1.0" encoding="utf-8" ?>\n'
_INVALID = "!\"#$%&'()*+,/;<=>?@[\\]^`{|}~"
_VALID_TAG = re.compile("^[^" + re.escape(_INVALID + "-.0123456789") + "][^"
                        + re.escape(_INVALID) + "]*$")


def valid_tag(name: Any) -> bool:
    return isinstance(name, str) and bool(_VALID_TAG.match(name))


def render(result: Any, options: RenderOptions) -> tuple[str, str]:
    return HEADER + _document(result, options), CONTENT_TYPE


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    return HEADER + f'<result>\n\t<error message="{message}" />\n</result>', CONTENT_TYPE


def _document(result: Any, options: RenderOptions) -> str:
    if isinstance(result, Success):
        return f'<result>\n\t<success message="{result.message}" />\n</result>'
    if isinstance(result, Map):
        return "<results>\n" + _map(result, options, "") + "</results>"
    if isinstance(result, DataTable):
        rows = [row_to_dict(r, options) for r in result.all_rows()]
        return "<result>\n" + _rows(rows, "") + "</result>" if rows else "<result />"
    if isinstance(result, Simple):
        value = simple_to_value(result)
        if isinstance(value, dict):
            return "<result>\n" + _simple(value, "") + "</result>"
        result = value
    if isinstance(result, (dict, list, tuple)):
        array = _plain(result, options)
        if not array:
            return "<result />"
        return "<result>\n" + _array(array, "\t", root=True, options=options) + "</result>"
    text = format_value_xml(result)
    return f"<result>{text}</result>" if text != "" else "<result />"


def _tags(name: str, invalid: bool) -> tuple[str, str]:
    if invalid:
        return f'col name="{format_value_xml(name)}"', "col"
    return name, name


def _simple(columns: dict[str, Any], prefix: str) -> str:
    invalid = any(not valid_tag(name) for name in columns)
    out = []
    for name, value in columns.items():
        start, end = _tags(name, invalid)
        if isinstance(value, list):  # rows nested in a simple table (comparisons)
            out.append(f"{prefix}\t<{start}>\n" + _rows(value, prefix + "\t")
                       + f"{prefix}\t</{end}>\n")
            continue
        text = format_value_xml(value)
        out.append(f"{prefix}\t<{start}>{text}</{end}>\n" if text != ""
                   else f"{prefix}\t<{start} />\n")
    return "".join(out)


def _rows(rows: list[Any] | dict[str, Any], prefix: str) -> str:
    """Rows of a report (or the goals of one row: keys like 'idgoal=2')."""
    items = list(rows.items()) if isinstance(rows, dict) else list(enumerate(rows))
    first = items[0][1] if items else None
    invalid = isinstance(first, dict) and any(not valid_tag(name) for name in first)
    out = []
    for key, row in items:
        if not isinstance(row, dict):
            text = format_value_xml(row)
            out.append(f"{prefix}\t\t<{key}>{text}</{key}>\n" if text != ""
                       else f"{prefix}\t\t<{key} />\n")
            continue
        attribute = ""
        if isinstance(key, str) and "=" in key:
            attr_name, attr_value = key.split("=", 1)
            attribute = f" {attr_name}='{attr_value}'"
        out.append(f"{prefix}\t<row{attribute}>\n")
        for name, value in row.items():
            if isinstance(value, (dict, list)):  # even empty: Matomo opens and closes the tag
                text = "\n" + _rows(value, prefix + "\t\t") + prefix + "\t\t"
            else:
                text = format_value_xml(value)
            start, end = _tags(name, invalid)
            out.append(f"{prefix}\t\t<{start}>{text}</{end}>\n" if text != ""
                       else f"{prefix}\t\t<{start} />\n")
        out.append(f"\t{prefix}</row>\n")
    return "".join(out)


def _map(result: Map, options: RenderOptions, prefix: str) -> str:
    key_name = result.key_name
    out = []
    for key, value in result.entries.items():
        opening = f'{prefix}\t<result {key_name}="{key}"'
        if isinstance(value, Map):
            out.append(f"{opening}>\n" + _map(value, options, prefix + "\t") + f"{prefix}\t</result>\n")
        elif isinstance(value, DataTable):
            rows = [row_to_dict(r, options) for r in value.all_rows()]
            out.append(f"{opening}>\n" + _rows(rows, prefix + "\t") + f"{prefix}\t</result>\n"
                       if rows else f"{opening} />\n")
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            out.append(f"{opening}>\n" + _rows(value, prefix + "\t") + f"{prefix}\t</result>\n"
                       if value else f"{opening} />\n")
        else:
            flat = simple_to_value(value) if isinstance(value, Simple) else to_array(value, options)
            if is_empty(flat):
                out.append(f"{opening} />\n")
            elif isinstance(flat, dict):
                out.append(f"{opening}>\n" + _simple(flat, prefix + "\t") + f"{prefix}\t</result>\n")
            else:
                out.append(f"{opening}>{format_value_xml(flat)}</result>\n")
    return "".join(out)


def _plain(result: Any, options: RenderOptions) -> Any:
    """Like to_array, but maps nested in an array stay maps: Matomo writes them as
    <result date="..."> entries inside the array's element (API.getRowEvolution)."""
    if isinstance(result, Map):
        return result
    if isinstance(result, dict):
        return {str(key): _plain(value, options) for key, value in result.items()} or []
    return to_array(result, options)


def _array(array: Any, prefix: str, *, root: bool = False,
           options: RenderOptions | None = None) -> str:
    """A plain PHP-style array (management APIs): assoc keys become tags, lists <row>s."""
    assoc = isinstance(array, dict)
    items = list(array.items()) if assoc else [(None, v) for v in array]
    wrap = root and assoc and _wrap_in_row(array)
    out = []
    if wrap:
        out.append(f"{prefix}<row>\n")
        prefix += "\t"
    for key, value in items:
        start, end, empty = _array_tags(key, assoc)
        if isinstance(value, Map):
            out.append(f"{prefix}{start}\n" + _map(value, options or RenderOptions(), prefix)
                       + f"{prefix}{end}\n")
            continue
        if isinstance(value, (dict, list)):  # even empty: Matomo opens and closes the tag
            out.append(f"{prefix}{start}\n" + _array(value, prefix + "\t", options=options)
                       + f"{prefix}{end}\n")
            continue
        text = format_value_xml(value)
        out.append(f"{prefix}{start}{text}{end}\n" if text != "" else f"{prefix}{empty}\n")
    if wrap:
        out.append(f"{prefix[:-1]}</row>\n")
    return "".join(out)


def _wrap_in_row(array: dict[str, Any]) -> bool:
    """Matomo wraps a flat associative array (more than one scalar) in one <row>."""
    values = list(array.values())
    if len(values) == 1 and not isinstance(values[0], (dict, list)):
        return False
    return not any(isinstance(v, (dict, list)) for v in values)


def _array_tags(key: Any, assoc: bool) -> tuple[str, str, str]:
    if not assoc:
        return "<row>", "</row>", "<row/>"
    key = str(key)
    if "=" in key:
        attr, value = key.split("=", 1)
        return f'<row {attr}="{value}">', "</row>", f'<row {attr}="{value}">'
    if not valid_tag(key):
        return f'<row key="{key}">', "</row>", f'<row key="{key}"/>'
    return f"<{key}>", f"</{key}>", f"<{key} />"
