"""format=csv and format=tsv: Matomo's spreadsheet export.

UTF-16LE with a byte-order mark unless convertToUnicode=0; a header row that is
the union of every row's columns; metadata as `metadata_<name>` columns; nested
arrays (goals) flattened to `goals_idgoal=1_nb_conversions`; maps prefixed
with a `date` / `idSite` column; no trailing newline.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from footfall.api.render.arrays import table_part
from footfall.api.render.model import DataTable, Map, RenderOptions, Simple, Success
from footfall.api.render.values import decode_entities, is_numeric, php_string

CONTENT_TYPE = "application/vnd.ms-excel"
ERROR_CONTENT_TYPE = "text/html; charset=utf-8"
NO_DATA = "No data available"
_FORMULA_STARTS = ("=", "+", "-", "@")
# Titles of the per-goal metrics nested in report rows (translated headers only).
GOAL_METRIC_TITLES = {"nb_conversions": "Conversions", "nb_visits_converted": "Visits converted",
                      "revenue": "Revenue", "conversion_rate": "Conversion Rate"}


class _Sheet:
    """Renders one result with a given separator, collecting the header as it goes."""

    def __init__(self, separator: str, options: RenderOptions) -> None:
        self.separator = separator
        self.options = options
        self.unsupported: set[str] = set()
        # Keys of nested maps (date inside idSite). Matomo lets them leak into the row
        # cells of later sites (one empty cell that shifts every value); that misaligns
        # data, so Footfall leaves them out of the rows and keeps them in the header only.
        self.map_keys: set[str] = set()

    def render(self, result: Any, columns: dict[str, bool]) -> str:
        if isinstance(result, Map):
            return self._map(result, columns)
        return self._table(result, columns)

    def _map(self, result: Map, columns: dict[str, bool]) -> str:
        self.map_keys.add(result.key_name)
        body = ""
        for key, value in result.entries.items():
            lines = self.render(value, columns).split("\n")[1:]
            if lines:
                prefix = self.format_value(key) + self.separator
                body += "\n" + "\n".join(prefix + line for line in lines)
        merged = {result.key_name: True, **{k: v for k, v in columns.items()
                                             if k != result.key_name}}
        columns.clear()
        columns.update(merged)
        return self.header(list(columns)) + body

    def _table(self, result: Any, columns: dict[str, bool]) -> str:
        if isinstance(result, Simple) and len(result.columns) == 1:
            columns["value"] = True
            return "value\n" + self.format_value(next(iter(result.columns.values())))
        lines = self._lines(result, columns)
        if len(columns) == 1 and not isinstance(next(iter(columns)), str):
            text = ""
        else:
            text = self.header(list(columns)) + "\n"
        cells = [c for c in columns if c not in self.map_keys]
        for line in lines:
            text += self.separator.join(self.format_value(line.get(c, "")) for c in cells) + "\n"
        return text[:-1]

    def _lines(self, result: Any, columns: dict[str, bool]) -> list[dict[str, Any]]:
        if isinstance(result, Simple):  # nested rows (comparisons) have no cells to go in
            values = {k: v for k, v in result.columns.items() if not isinstance(v, list)}
            return [self._line(values, {}, columns)] if values else []
        if isinstance(result, DataTable):
            return [self._line({"label": r.label, **r.columns}, r.metadata, columns)
                    for r in result.all_rows()]
        return [self._line(item, {}, columns) for item in _array_rows(result)]

    def _line(self, values: dict[str, Any], metadata: dict[str, Any],
              columns: dict[str, bool]) -> dict[str, Any]:
        titles = self.options.column_names if self.options.translate_column_names else None
        line = _flatten(values, titles=titles)
        for name, value in metadata.items():
            key = (f"Metadata: {name}" if self.options.translate_column_names
                   else f"metadata_{name}")
            if isinstance(value, (dict, list)):
                self.unsupported.add(key)
            else:
                line[key] = value
        for name in line:
            if name in self.unsupported:
                columns.pop(name, None)
            else:
                columns[name] = True
        return line

    def header(self, names: list[Any]) -> str:
        names = [n for n in names if n not in self.unsupported]
        return self.separator.join(self.format_value(n) for n in names)

    def format_value(self, value: Any) -> str:
        if isinstance(value, str) and not is_numeric(value):
            value = decode_entities(value)
        elif value is False:
            value = 0
        if isinstance(value, str):
            value = _protect_formula(value).replace("\t", " ")
            if any(ch in value for ch in ('"', self.separator, ",", ";")):
                value = '"' + value.replace('"', '""') + '"'
            return value
        return php_string(value).replace(",", ".") if is_numeric(value) else php_string(value)


def _flatten(values: dict[str, Any], template: str = "{}",
             titles: dict[str, str] | None = None) -> dict[str, Any]:
    """Nested arrays become prefixed columns: goals -> goals_idgoal=1_nb_conversions.

    With translated headers (`titles`), Matomo names them 'Conversions (Goal idgoal=1)'.
    """
    flat: dict[str, Any] = {}
    for name, value in values.items():
        title = titles.get(name, GOAL_METRIC_TITLES.get(name, name)) if titles is not None \
            else name
        key = template.format(title)
        if isinstance(value, dict) and titles is not None and \
                all(isinstance(v, dict) for v in value.values()):
            for inner_key, inner in value.items():
                inner_name = f"Goal {inner_key}" if name == "goals" else f"{name} {inner_key}"
                flat.update(_flatten(inner, "{} (" + inner_name + ")", titles))
        elif isinstance(value, dict):
            flat.update(_flatten(value, key + "_{}", titles))
        else:
            flat[key] = value
    return flat


def _array_rows(result: Any) -> list[dict[str, Any]]:
    """A plain array as table rows (Matomo's DataTable::makeFromSimpleArray)."""
    if isinstance(result, dict):
        if any(isinstance(v, dict) for v in result.values()):
            return [v if isinstance(v, dict) else {"value": v} for v in result.values()]
        return [result] if result else []
    if isinstance(result, (list, tuple)):
        return [v if isinstance(v, dict) else {0: v} for v in result]
    return [{"value": result}]


def _protect_formula(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with a quote."""
    stripped = value.lstrip("\0")
    without_percent = stripped.replace("%", "", 1)
    if not without_percent or is_numeric(without_percent):
        return value
    return "'" + value if without_percent[0] in _FORMULA_STARTS else value


def render_text(result: Any, options: RenderOptions, separator: str) -> str:
    """The export as text (before the UTF-16 conversion)."""
    if isinstance(result, Success):
        return f"message{separator}{result.message}"
    if not isinstance(result, (DataTable, Simple, Map, dict, list, tuple)):
        result = Simple({"value": result})
    result = table_part(result)
    return _Sheet(separator, options).render(result, {})


def render(result: Any, options: RenderOptions, separator: str = ",") -> tuple[bytes, str]:
    text = render_text(result, options, separator)
    if not text:
        return NO_DATA.encode(), CONTENT_TYPE
    if options.convert_to_unicode and not isinstance(result, Success):
        return b"\xff\xfe" + text.encode("utf-16-le"), CONTENT_TYPE
    return text.encode(), CONTENT_TYPE


def render_error(message: str, options: RenderOptions) -> tuple[str, str]:
    return f"Error: {message}", ERROR_CONTENT_TYPE


def content_disposition(options: RenderOptions) -> str:
    """Matomo's attachment name: 'Export _ <report name> _ <pretty date>.csv'."""
    name = "Export"
    if options.period or options.pretty_date:
        name += f" _ {options.report_name} _ {options.pretty_date}.csv"
    return "attachment; filename*=UTF-8''" + quote(name, safe="")
