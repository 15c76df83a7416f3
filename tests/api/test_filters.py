"""Generic filters one by one, and in Matomo's order."""

from __future__ import annotations

from footfall.api import filters, reshape
from footfall.api.filters import FilterParams, apply_generic_filters, parse_filter_params
from footfall.archive.datatable import DataTable, Row, find_subtable
from tests.api.conftest import browsers_table


def labels(table: DataTable) -> list[str]:
    return [row.label for row in table.all_rows()]


def table_of(*rows: tuple[str, int]) -> DataTable:
    return DataTable([Row(label, {"nb_visits": visits, "nb_actions": visits * 2})
                      for label, visits in rows])


def test_limit_offset_and_minus_one() -> None:
    table = table_of(("a", 5), ("b", 4), ("c", 3), ("d", 2))
    filters.limit_table(table, 1, 2)
    assert labels(table) == ["b", "c"] and table.metadata["totalRows"] == 4
    table = table_of(("a", 5), ("b", 4))
    filters.limit_table(table, 0, -1)
    assert labels(table) == ["a", "b"]


def test_limit_drops_the_summary_row_when_cut_unless_kept() -> None:
    table = table_of(("a", 5), ("b", 4))
    table.summary_row = Row("Others", {"nb_visits": 1})
    filters.limit_table(table, 0, 3)
    assert labels(table) == ["a", "b", "Others"]
    filters.limit_table(table, 0, 1)
    assert labels(table) == ["a"]
    table = table_of(("a", 5), ("b", 4))
    table.summary_row = Row("Others", {"nb_visits": 1})
    filters.limit_table(table, 0, 1, keep_summary_row=True)
    assert labels(table) == ["a", "Others"]


def test_sort_numeric_with_matomos_tie_breaks() -> None:
    table = table_of(("b", 2), ("a", 2), ("c", 9), ("d", 1))
    filters.sort_table(table, "nb_visits", "desc")
    assert labels(table) == ["c", "a", "b", "d"]  # ties on nb_visits: label ascending
    filters.sort_table(table, "nb_visits", "asc")
    assert labels(table) == ["d", "b", "a", "c"]  # ascending: ties label descending
    table = DataTable([Row("x", {"nb_visits": 1, "m": 3}), Row("y", {"nb_visits": 5, "m": 3}),
                       Row("z", {"nb_visits": 2})])
    filters.sort_table(table, "m", "desc")
    assert labels(table) == ["y", "x", "z"]  # ties by nb_visits; rows without m last


def test_sort_labels_naturally_and_unknown_column_falls_back_to_visits() -> None:
    table = table_of(("item10", 1), ("Item2", 2), ("item1", 3))
    filters.sort_table(table, "label", "asc")
    assert labels(table) == ["item1", "Item2", "item10"]
    filters.sort_table(table, "no_such_column", "desc")
    assert labels(table) == ["item1", "Item2", "item10"][::-1][::-1] and \
        [r.columns["nb_visits"] for r in table.rows] == [3, 2, 1]


def test_summary_row_stays_last_when_sorting() -> None:
    table = table_of(("a", 1), ("b", 2))
    table.summary_row = Row("Others", {"nb_visits": 50})
    filters.sort_table(table, "nb_visits", "desc")
    assert labels(table) == ["b", "a", "Others"]


def test_pattern_is_a_case_insensitive_regex_on_a_column_or_metadata() -> None:
    table = browsers_table()
    filters.filter_pattern(table, "^f|saf")
    assert labels(table) == ["Firefox", "Safari, mobile"]
    table = browsers_table()
    filters.filter_pattern(table, "==CH$", "segment")
    assert labels(table) == ["Chrome"]
    table = browsers_table()
    filters.filter_pattern(table, "([")  # an invalid pattern matches nothing, as in Matomo
    assert labels(table) == []


def test_pattern_recursive_keeps_parents_of_matching_children() -> None:
    table = browsers_table()
    filters.filter_pattern_recursive(table, "4\\.0")
    assert labels(table) == ["Firefox"]
    assert labels(table.rows[0].subtable) == ["Firefox 4.0"]


def test_exclude_low_population_with_value_and_with_two_percent_default() -> None:
    table = table_of(("a", 100), ("b", 3), ("c", 1))
    filters.exclude_low_population(table, "nb_visits", 3)
    assert labels(table) == ["a", "b"]
    table = table_of(("a", 100), ("b", 3), ("c", 1))
    filters.exclude_low_population(table, "nb_visits", 0)  # threshold 2% of 104 = 2.08
    assert labels(table) == ["a", "b"]


def test_truncate_folds_the_rest_into_others_and_sums_goals() -> None:
    table = browsers_table()
    table.rows[0].columns["nb_visits"] = 5  # Firefox first; the rest is folded
    filters.truncate_table(table, 1)
    assert labels(table) == ["Firefox", "Others"]
    assert table.summary_row is not None
    assert table.summary_row.columns == {"nb_visits": 4, "nb_actions": 4, "bounce_count": 4,
                                         "goals": {"idgoal=2": {"nb_conversions": 1,
                                                                "revenue": 1.5}}}
    # the subtable is truncated too, but two rows would only become one row plus 'Others'
    assert labels(table.rows[0].subtable) == ["Firefox 3.6", "Firefox 4.0"]
    small = table_of(("a", 3), ("b", 2))
    filters.truncate_table(small, 1)  # one row would become one 'Others' row: unchanged
    assert labels(small) == ["a", "b"]


def test_filters_run_in_matomos_order() -> None:
    # pattern first (drops Safari), so truncating to 1 leaves two rows alone; had truncate
    # run first, 'Others' would have been dropped by the pattern and Chrome lost
    params = parse_filter_params({"filter_pattern": "fire|chrome", "filter_sort_column":
                                  "nb_actions", "filter_truncate": "1", "filter_limit": "5"},
                                 default_limit=100)
    table = browsers_table()
    apply_generic_filters(table, params, default_sort="nb_visits")
    assert labels(table) == ["Firefox", "Chrome"]
    params = parse_filter_params({"filter_sort_column": "nb_actions", "filter_sort_order": "asc",
                                  "filter_offset": "1", "filter_limit": "1"}, default_limit=100)
    table = browsers_table()
    apply_generic_filters(table, params, default_sort="nb_visits")
    assert labels(table) == ["Chrome"]


def test_http_default_limit_is_100_and_disable_generic_filters() -> None:
    assert parse_filter_params({}, default_limit=100).limit == 100
    assert parse_filter_params({}, default_limit=None).limit == -1
    assert parse_filter_params({"filter_limit": "-1"}, default_limit=100).limit == -1
    table = table_of(*((f"r{i}", i) for i in range(150)))
    apply_generic_filters(table, FilterParams(limit=100, disable_generic=True),
                          default_sort="nb_visits")
    assert len(table.rows) == 150


def test_show_and_hide_columns_recursively() -> None:
    table = browsers_table()
    filters.show_hide_columns(table, "nb_visits,bounce_count", "bounce_count")
    assert table.rows[0].columns == {"nb_visits": 3}
    assert table.rows[0].subtable is not None
    assert table.rows[0].subtable.rows[0].columns == {"nb_visits": 2}
    assert table.rows[0].metadata["segment"] == "browserCode==FF"


def test_flatten_joins_labels_and_inherits_metadata() -> None:
    flat = reshape.flatten(browsers_table(), " - ")
    assert labels(flat) == ["Firefox - Firefox 3.6", "Firefox - Firefox 4.0", "Chrome",
                            "Safari, mobile"]
    assert flat.rows[0].metadata["logo"] == "plugins/Morpheus/icons/dist/browsers/FF.png"
    assert flat.rows[0].subtable is None
    urls = DataTable([Row("dir", {"nb_visits": 1},
                          subtable=DataTable([Row("/page", {"nb_visits": 1})]))])
    assert labels(reshape.flatten(urls, "/")) == ["dir/page"]
    with_parents = reshape.flatten(urls, "/", include_aggregate_rows=True)
    assert [(r.label, r.metadata["is_aggregate"]) for r in with_parents.rows] == \
        [("dir", 1), ("dir/page", 0)]


def test_label_filter_keeps_the_requested_order_and_walks_levels() -> None:
    table = browsers_table()
    assert labels(reshape.filter_labels(table, ["Chrome", "Firefox", "Nope"])) == \
        ["Chrome", "Firefox"]
    assert labels(reshape.filter_labels(table, ["Firefox>Firefox%204.0"])) == ["Firefox 4.0"]
    assert labels(reshape.filter_labels(table, ["Safari, mobile"])) == ["Safari, mobile"]


def test_find_subtable_by_id() -> None:
    table = browsers_table()
    found = find_subtable(table, 1)
    assert found is not None and labels(found) == ["Firefox 3.6", "Firefox 4.0"]
    assert find_subtable(table, 99) is None


def test_array_results_get_matomos_array_filters() -> None:
    from footfall.api.postprocess import finish_result

    sites = [{"idsite": i, "name": f"site {i}", "main_url": f"https://{i}.example"}
             for i in range(1, 151)]
    assert len(finish_result(sites, {}, http=True)) == 100  # the HTTP default limit
    assert len(finish_result(sites, {}, http=False)) == 150
    found = finish_result(sites, {"filter_pattern": "^site 1[0-9]$", "filter_column": ["name"],
                                  "showColumns": "idsite", "filter_limit": "-1"}, http=True)
    assert found == [{"idsite": i} for i in range(10, 20)]
    keyed = finish_result({2: {"idgoal": 2}, 5: {"idgoal": 5}}, {"filter_offset": "1"}, http=True)
    assert keyed == [{"idgoal": 5}]  # re-indexed into a list, as over Matomo's HTTP API
    assert finish_result({"value": 3}, {}, http=True) == 3
