"""What an API method returns, before it is rendered.

Matomo's renderers distinguish a report (rows), a *simple* table (one row of
metrics without a label, e.g. VisitsSummary.get), a *map* keyed by date or
idSite, a scalar, a plain array, and "nothing" (success). These classes name
those shapes so that every renderer can tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from footfall.archive.datatable import DataTable, Row

__all__ = ["DataTable", "Map", "RenderOptions", "Row", "Simple", "Success", "is_empty"]


@dataclass
class Simple:
    """A table of exactly one unlabelled row of metrics (or no row at all)."""

    columns: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return 1 if self.columns else 0


@dataclass
class Map:
    """Results keyed by period label ('date') or site id ('idSite'), in order."""

    key_name: str
    entries: dict[str, Any] = field(default_factory=dict)
    # Per entry: what RSS needs (the period start, the site's name).
    entry_info: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Success:
    """A method that returns nothing: Matomo answers 'success' with message 'ok'."""

    message: str = "ok"


@dataclass(frozen=True)
class RenderOptions:
    """Request parameters that change how a result is rendered (not what it holds)."""

    expanded: bool = False
    hide_idsubtable: bool = False
    translate_column_names: bool = False
    convert_to_unicode: bool = True
    callback: str | None = None
    method: str = ""
    table_id: str = ""
    base_url: str = ""
    idsite: str = ""
    period: str = ""
    report_name: str = ""
    pretty_date: str = ""
    column_names: dict[str, str] = field(default_factory=dict)


def is_empty(value: Any) -> bool:
    """PHP's empty(): Matomo's renderers use it to decide on self-closing entries."""
    if isinstance(value, (DataTable, Simple)):
        return len(value) == 0
    if isinstance(value, Map):
        return not value.entries
    return value in (None, False, "", "0", 0, 0.0) or value == [] or value == {}
