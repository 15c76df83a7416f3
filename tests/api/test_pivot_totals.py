"""pivotBy's column table and the totals row, on small hand-made tables."""

from __future__ import annotations

from footfall.api import pivot, totals
from footfall.archive.datatable import DataTable, Row


def _table() -> DataTable:
    def row(label: str, cells: dict[str, int]) -> Row:
        made = Row(label, {"nb_visits": sum(cells.values())}, {"segment": f"x=={label}"})
        made.subtable = DataTable([Row(k, {"nb_visits": v}) for k, v in cells.items()])
        return made

    return DataTable([row("A", {"k1": 1, "k2": 5}), row("B", {"k3": 2, "k1": 1}),
                      row("C", {"k4": 1})])


def test_columns_by_total_with_false_where_missing() -> None:
    table = pivot._pivot(_table(), "nb_visits", 10, renamed=False)
    assert [list(r.columns) for r in table.rows] == [["k2", "k1", "k3", "k4"]] * 3
    assert table.rows[0].columns == {"k2": 5, "k1": 1, "k3": False, "k4": False}
    assert table.rows[0].metadata == {"segment": "x==A"} and table.rows[0].subtable is None


def test_limit_keeps_limit_minus_one_columns_and_others() -> None:
    table = pivot._pivot(_table(), "nb_visits", 2, renamed=False)
    assert [r.columns for r in table.rows] == [{"k2": 5, "Others": 1}, {"k2": False, "Others": 3},
                                               {"k2": False, "Others": 1}]


def test_numbered_column_names() -> None:
    table = pivot._pivot(_table(), "nb_visits", 3, renamed=True)
    assert list(table.rows[0].columns) == ["1.\u00a0k2", "2.\u00a0k1", "Others"]


def test_dimension_ids() -> None:
    assert pivot.dimension_id("Referrers", "Referrer URL") == "Referrers.ReferrerUrl"
    assert pivot.dimension_id("Events", "Event Action") == "Events.EventAction"


def test_sum_rows_keeps_extremes_and_skips_text_and_processed() -> None:
    rows = [Row("a", {"nb_visits": 2, "max_actions": 3, "bounce_rate": 0.5, "url": "x"}),
            Row("b", {"nb_visits": 1, "max_actions": 5, "bounce_rate": 1.0,
                      "goals": {"idgoal=1": {"nb_conversions": 1}}})]
    assert totals.sum_rows(rows, frozenset({"bounce_rate"})) == {
        "nb_visits": 3, "max_actions": 5, "goals": {"idgoal=1": {"nb_conversions": 1}}}
