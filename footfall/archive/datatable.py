"""DataTable: the shape of every report, as in Matomo.

A report is a list of rows; each row has a label, metric columns, metadata
(url, logo, segment, ...) and optionally a subtable (e.g. the keywords of one
search engine). Archives store DataTables; the API filters and renders them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
