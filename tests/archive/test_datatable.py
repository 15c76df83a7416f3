"""DataTable operations: summing periods, truncation into Others, subtable ids, blobs."""

from __future__ import annotations

from footfall.archive import datatable as dt
from footfall.archive.datatable import DataTable, Row


def table(*rows: tuple[str, int]) -> DataTable:
    return DataTable([Row(label, {"nb_visits": visits, "max_actions": visits,
                                  "min_time": visits}) for label, visits in rows])


def test_sum_columns_adds_sums_and_keeps_max_min_and_goals() -> None:
    target = {"nb_visits": 2, "max_actions": 5, "min_time": 3, "label_text": "a",
              "goals": {"idgoal=1": {"nb_conversions": 1}}}
    dt.sum_columns(target, {"nb_visits": 3, "max_actions": 4, "min_time": 1, "label_text": "b",
                            "goals": {"idgoal=1": {"nb_conversions": 2},
                                      "idgoal=2": {"nb_conversions": 1}}})
    assert target == {"nb_visits": 5, "max_actions": 5, "min_time": 1, "label_text": "a",
                      "goals": {"idgoal=1": {"nb_conversions": 3},
                                "idgoal=2": {"nb_conversions": 1}}}


def test_merge_tables_matches_rows_by_label_and_merges_subtables() -> None:
    first = table(("a", 1), ("b", 2))
    first.rows[0].subtable = table(("x", 1))
    second = table(("b", 3), ("c", 1))
    second.rows.insert(0, Row("a", {"nb_visits": 1}, subtable=table(("x", 2), ("y", 1))))
    merged = dt.merge_tables([first, second])
    assert [(r.label, r.columns["nb_visits"]) for r in merged] == [("a", 2), ("b", 5), ("c", 1)]
    assert [(r.label, r.columns["nb_visits"]) for r in merged.rows[0].subtable] == [
        ("x", 3), ("y", 1)]
    assert first.rows[0].subtable.rows[0].columns["nb_visits"] == 1  # inputs untouched


def test_truncate_keeps_limit_rows_including_others() -> None:
    rows = table(*((f"r{i}", i) for i in range(1, 11)))
    dt.truncate(rows, 4)
    assert [r.label for r in rows.rows] == ["r10", "r9", "r8"]
    assert rows.summary_row is not None and rows.summary_row.label == dt.OTHERS_LABEL
    assert rows.summary_row.columns["nb_visits"] == sum(range(1, 8))
    assert rows.summary_row.columns["max_actions"] == 7


def test_truncate_leaves_small_tables_and_sorts_ties_by_label() -> None:
    rows = table(("b", 1), ("a", 1))
    dt.truncate(rows, 2)
    assert rows.summary_row is None and [r.label for r in rows] == ["b", "a"]
    dt.sort_rows(rows.rows)
    assert [r.label for r in rows] == ["a", "b"]


def test_truncate_subtables_and_summed_others_across_periods() -> None:
    day1 = table(("a", 5), ("b", 4), ("c", 3))
    day1.rows[0].subtable = table(*((f"s{i}", i) for i in range(5)))
    dt.truncate(day1, 2, subtable_limit=3)
    assert len(day1.rows[0].subtable.rows) == 2 and day1.rows[0].subtable.summary_row is not None
    day2 = table(("a", 1), ("d", 9))
    dt.truncate(day2, 1)
    merged = dt.merge_tables([day1, day2])
    assert merged.summary_row.columns["nb_visits"] == (4 + 3) + (9 + 1)


def test_blob_round_trip_keeps_everything_and_numbers_subtables() -> None:
    root = table(("a", 1), ("b", 2))
    root.rows[0].metadata = {"url": "http://example.org/é", "segment": "x==1"}
    root.rows[0].subtable = table(("x", 1))
    root.rows[0].subtable.rows[0].subtable = table(("deep", 1))
    root.rows[1].subtable = table(("y", 1))
    root.summary_row = Row(dt.OTHERS_LABEL, {"nb_visits": 7})
    big = DataTable([Row(f"row {i}", {"nb_visits": i}) for i in range(500)])
    for original in (root, big):
        blob = dt.to_blob(original)
        loaded = dt.from_blob(blob)
        assert [(r.label, r.columns, r.metadata) for r in loaded.all_rows()] == [
            (r.label, r.columns, r.metadata) for r in original.all_rows()]
    assert dt.to_blob(big)[:1] == b"Z" and dt.to_blob(root)[:1] == b"J"
    loaded = dt.from_blob(dt.to_blob(root))
    ids = [loaded.rows[0].idsubdatatable, loaded.rows[0].subtable.rows[0].idsubdatatable,
           loaded.rows[1].idsubdatatable]
    assert ids == [1, 2, 3]
    assert dt.find_subtable(loaded, 2).rows[0].label == "deep"
    assert dt.find_subtable(loaded, 3).rows[0].label == "y"
    assert dt.find_subtable(loaded, 9) is None
