"""Every format's exact bytes for known results: report, subtables, simple, maps, empty."""

from __future__ import annotations

from datetime import date

import pytest

from footfall.api.render import check_format, render_error, render_result
from footfall.api.render.model import DataTable, Map, RenderOptions, Row, Simple, Success
from tests.api.conftest import browsers_table

PLAIN = RenderOptions()
EXPANDED = RenderOptions(expanded=True)


def body(result: object, fmt: str, options: RenderOptions = PLAIN) -> str:
    text, _ = render_result(result, fmt, options)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def two_rows() -> DataTable:
    return DataTable([Row("a/b", {"nb_visits": 2, "rate": 0.5}, {"url": "http://x.org/a?b=1&c"}),
                      Row("ÿ – c", {"nb_visits": 1.0, "rate": "50%"})])


# --- JSON ----------------------------------------------------------------------------


def test_json_report_rows_columns_then_metadata_then_idsubdatatable() -> None:
    assert body(two_rows(), "json") == (
        '[{"label":"a\\/b","nb_visits":2,"rate":0.5,"url":"http:\\/\\/x.org\\/a?b=1&c"},'
        '{"label":"\\u00ff \\u2013 c","nb_visits":1,"rate":"50%"}]')
    first = body(browsers_table(), "json").split("},{")[0]
    assert first == ('[{"label":"Firefox","nb_visits":3,"nb_actions":7,"bounce_count":1,'
                     '"segment":"browserCode==FF","logo":"plugins\\/Morpheus\\/icons\\/dist\\/'
                     'browsers\\/FF.png","idsubdatatable":1')


def test_json_expanded_subtables_and_goals_and_hidden_ids() -> None:
    text = body(browsers_table(), "json", RenderOptions(expanded=True, hide_idsubtable=True))
    assert text.startswith(
        '[{"label":"Firefox","nb_visits":3,"nb_actions":7,"bounce_count":1,"segment":'
        '"browserCode==FF","logo":"plugins\\/Morpheus\\/icons\\/dist\\/browsers\\/FF.png",'
        '"subtable":[{"label":"Firefox 3.6","nb_visits":2,"nb_actions":3,"bounce_count":1,'
        '"segment":"browserCode==FF;browserVersion==3.6"},')
    assert '"goals":{"idgoal=2":{"nb_conversions":1,"revenue":1.5}}' in text


def test_json_simple_scalar_maps_and_empties() -> None:
    assert body(Simple({"nb_visits": 2, "bounce_rate": "50%"}), "json") == \
        '{"nb_visits":2,"bounce_rate":"50%"}'
    assert body(Simple({"nb_visits": 2}), "json") == '{"value":2}'
    assert body("5.2.0", "json") == '{"value":"5.2.0"}'
    assert body(True, "json") == '{"value":true}'
    assert body(DataTable(), "json") == "[]"
    assert body([], "json") == "[]"
    assert body({}, "json") == "[]"
    assert body(Success(), "json") == '{"result":"success","message":"ok"}'
    periods = Map("date", {"2010-03-06": Simple({"nb_visits": 2, "bounce_rate": "50%"}),
                           "2010-03-07": Simple({})})
    assert body(periods, "json") == \
        '{"2010-03-06":{"nb_visits":2,"bounce_rate":"50%"},"2010-03-07":[]}'
    sites = Map("idSite", {"1": periods, "2": Map("date", {"2010-03-06": DataTable()})})
    assert body(sites, "json") == ('{"1":{"2010-03-06":{"nb_visits":2,"bounce_rate":"50%"},'
                                   '"2010-03-07":[]},"2":{"2010-03-06":[]}}')
    scalars = Map("date", {"2010-03-06": Simple({"value": 4}), "2010-03-07": Simple({})})
    assert body(scalars, "json") == '{"2010-03-06":4,"2010-03-07":[]}'


def test_jsonp_only_with_a_safe_name() -> None:
    text, kind = render_result(Simple({"a": 1, "b": 2}), "json", RenderOptions(callback="cb.x_1"))
    assert (text, kind) == ('cb.x_1({"a":1,"b":2})', "application/javascript; charset=utf-8")
    text, kind = render_result(Simple({"a": 1, "b": 2}), "json",
                               RenderOptions(callback="alert(1)"))
    assert (text, kind) == ('{"a":1,"b":2}', "application/json; charset=utf-8")


# --- XML -----------------------------------------------------------------------------

XML_HEAD = '<?xml version="1.0" encoding="utf-8" ?>\n'


def test_xml_report_escapes_and_indents_with_tabs() -> None:
    assert body(two_rows(), "xml") == XML_HEAD + (
        "<result>\n\t<row>\n\t\t<label>a/b</label>\n\t\t<nb_visits>2</nb_visits>\n"
        "\t\t<rate>0.5</rate>\n\t\t<url>http://x.org/a?b=1&amp;c</url>\n\t</row>\n"
        "\t<row>\n\t\t<label>ÿ – c</label>\n\t\t<nb_visits>1</nb_visits>\n"
        "\t\t<rate>50%</rate>\n\t</row>\n</result>")


def test_xml_expanded_subtable_and_goals() -> None:
    text = body(browsers_table(), "xml", EXPANDED)
    assert ("\t\t<idsubdatatable>1</idsubdatatable>\n\t\t<subtable>\n\t\t\t<row>\n"
            "\t\t\t\t<label>Firefox 3.6</label>\n\t\t\t\t<nb_visits>2</nb_visits>\n"
            "\t\t\t\t<nb_actions>3</nb_actions>\n\t\t\t\t<bounce_count>1</bounce_count>\n"
            "\t\t\t\t<segment>browserCode==FF;browserVersion==3.6</segment>\n\t\t\t</row>\n"
            ) in text
    assert ("\t\t<goals>\n\t\t\t<row idgoal='2'>\n\t\t\t\t<nb_conversions>1</nb_conversions>\n"
            "\t\t\t\t<revenue>1.5</revenue>\n\t\t\t</row>\n\t\t</goals>\n") in text


def test_xml_simple_scalar_empty_success() -> None:
    assert body(Simple({"nb_visits": 2, "x": ""}), "xml") == XML_HEAD + \
        "<result>\n\t<nb_visits>2</nb_visits>\n\t<x />\n</result>"
    assert body(Simple({"nb_visits": 2}), "xml") == XML_HEAD + "<result>2</result>"
    assert body("", "xml") == XML_HEAD + "<result />"
    assert body(False, "xml") == XML_HEAD + "<result>0</result>"
    assert body(DataTable(), "xml") == XML_HEAD + "<result />"
    assert body(Success(), "xml") == XML_HEAD + '<result>\n\t<success message="ok" />\n</result>'


def test_xml_multi_period_and_multi_site_maps() -> None:
    periods = Map("date", {"2010-03-06": Simple({"nb_visits": 2, "bounce_rate": "50%"}),
                           "2010-03-07": Simple({})})
    assert body(periods, "xml") == XML_HEAD + (
        '<results>\n\t<result date="2010-03-06">\n\t\t<nb_visits>2</nb_visits>\n'
        '\t\t<bounce_rate>50%</bounce_rate>\n\t</result>\n\t<result date="2010-03-07" />\n'
        "</results>")
    sites = Map("idSite", {"1": Map("date", {"2010-03-06": DataTable([Row("x", {"n": 1})])}),
                           "2": Map("date", {"2010-03-06": DataTable()})})
    assert body(sites, "xml") == XML_HEAD + (
        '<results>\n\t<result idSite="1">\n\t\t<result date="2010-03-06">\n\t\t\t<row>\n'
        "\t\t\t\t<label>x</label>\n\t\t\t\t<n>1</n>\n\t\t\t</row>\n\t\t</result>\n\t</result>\n"
        '\t<result idSite="2">\n\t\t<result date="2010-03-06" />\n\t</result>\n</results>')
    scalars = Map("date", {"2010-03-06": Simple({"value": 4}), "2010-03-07": Simple({})})
    assert body(scalars, "xml") == XML_HEAD + (
        '<results>\n\t<result date="2010-03-06">4</result>\n\t<result date="2010-03-07" />\n'
        "</results>")


def test_xml_arrays_wrap_flat_associative_arrays_in_a_row() -> None:
    assert body({"idsite": 1, "name": "A & B"}, "xml") == XML_HEAD + (
        "<result>\n\t<row>\n\t\t<idsite>1</idsite>\n\t\t<name>A &amp; B</name>\n\t</row>\n"
        "</result>")
    assert body([{"idsite": 1}, {"idsite": 2}], "xml") == XML_HEAD + (
        "<result>\n\t<row>\n\t\t<idsite>1</idsite>\n\t</row>\n\t<row>\n\t\t<idsite>2</idsite>\n"
        "\t</row>\n</result>")


def test_xml_invalid_tag_names_become_col_elements() -> None:
    text = body(DataTable([Row("x", {"2nd": 1})]), "xml")
    assert '\t\t<col name="label">x</col>\n\t\t<col name="2nd">1</col>\n' in text


# --- CSV / TSV ----------------------------------------------------------------------


def test_csv_is_utf16le_with_bom_and_has_metadata_columns() -> None:
    raw, kind = render_result(browsers_table(), "csv", PLAIN)
    assert kind == "application/vnd.ms-excel"
    assert isinstance(raw, bytes) and raw[:2] == b"\xff\xfe"
    assert raw[2:].decode("utf-16-le") == (
        "label,nb_visits,nb_actions,bounce_count,metadata_segment,metadata_logo,"
        "goals_idgoal=2_nb_conversions,goals_idgoal=2_revenue\n"
        "Firefox,3,7,1,browserCode==FF,plugins/Morpheus/icons/dist/browsers/FF.png,,\n"
        "Chrome,3,3,3,browserCode==CH,,1,1.5\n"
        '"Safari, mobile",1,1,1,browserCode==SF,,,')


def test_csv_quoting_formulas_and_plain_utf8() -> None:
    table = DataTable([Row('say "hi"', {"v": "-1"}), Row("=SUM(A1)", {"v": "@x"}),
                       Row("-5%", {"v": "a\tb;c"})])
    options = RenderOptions(convert_to_unicode=False)
    assert body(table, "csv", options) == (
        'label,v\n"say ""hi""",-1\n\'=SUM(A1),\'@x\n-5%,"a b;c"')


def test_csv_maps_prefix_the_key_and_skip_empty_periods() -> None:
    options = RenderOptions(convert_to_unicode=False)
    weeks = Map("date", {"2009-12-28,2010-01-03": Simple({"nb_visits": 2, "bounce_rate": "100%"}),
                         "2010-01-04,2010-01-10": Simple({})})
    assert body(weeks, "csv", options) == \
        'date,nb_visits,bounce_rate\n"2009-12-28,2010-01-03",2,100%'
    sites = Map("idSite", {"1": weeks, "2": Map("date", {"2010-01-04,2010-01-10": Simple({})})})
    assert body(sites, "csv", options) == \
        'idSite,date,nb_visits,bounce_rate\n1,"2009-12-28,2010-01-03",2,100%'


def test_csv_empty_scalar_success_and_tsv() -> None:
    assert render_result(DataTable(), "csv", PLAIN)[0] == b"No data available"
    assert body(Simple({"nb_visits": 3}), "csv", RenderOptions(convert_to_unicode=False)) == \
        "value\n3"
    assert body(Success(), "tsv") == "message\tok"
    tsv = body(DataTable([Row("a, b", {"n": 1})]), "tsv", RenderOptions(convert_to_unicode=False))
    assert tsv == 'label\tn\n"a, b"\t1'


def test_csv_translated_header() -> None:
    options = RenderOptions(convert_to_unicode=False, translate_column_names=True,
                            column_names={"nb_visits": "Visits"})
    assert body(DataTable([Row("x", {"nb_visits": 1}, {"segment": "s"})]), "csv", options) == \
        "label,Visits,Metadata: segment\nx,1,s"


# --- HTML, RSS, original ------------------------------------------------------------------


def test_html_table_with_metadata_and_subtable_columns() -> None:
    text = body(browsers_table(), "html", RenderOptions(table_id="FootfallTest.getBrowsers"))
    assert text.startswith('<table id="FootfallTest_getBrowsers" border="1">\n<thead>\n\t<tr>\n'
                           "\t\t<th>label</th>\n\t\t<th>nb_visits</th>\n")
    assert "\t\t<th>_metadata</th>\n\t\t<th>_idSubtable</th>\n\t</tr>\n</thead>\n<tbody>\n" in text
    # Matomo escapes the metadata cell like any other value, '<br />' included.
    assert ("\t\t<td>'segment' =&gt; 'browserCode==FF'&lt;br /&gt;'logo' =&gt; "
            "'plugins/Morpheus/icons/dist/browsers/FF.png'</td>\n\t\t<td>1</td>\n") in text
    assert "\t\t<td>Safari, mobile</td>\n\t\t<td>1</td>\n\t\t<td>1</td>\n\t\t<td>1</td>\n" \
        "\t\t<td>-</td>\n" in text
    assert text.endswith("\t</tr>\n</tbody>\n</table>\n")
    assert body(Success(), "html") == "<!-- Success: ok -->"


def test_rss_items_most_recent_first() -> None:
    feed = Map("date", {"2010-12-14": Simple({"nb_visits": 2, "bounce_rate": "50%"}),
                        "2010-12-15": Simple({})},
               {"2010-12-14": {"start": date(2010, 12, 14), "site_name": "Site AAAAAA"},
                "2010-12-15": {"start": date(2010, 12, 15), "site_name": "Site AAAAAA"}})
    options = RenderOptions(base_url="http://h/index.php", idsite="1", period="day")
    text = body(feed, "rss", options)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n')
    first, second = text.index("on 2010-12-15"), text.index("on 2010-12-14")
    assert first < second
    assert ("\t<item>\n\t\t<pubDate>Wed, 15 Dec 2010 00:00:00 +0000</pubDate>\n"
            "\t\t<guid>http://h/index.php?module=CoreHome&amp;action=index&amp;idSite=1&amp;"
            "period=day&amp;date=2010-12-15</guid>\n") in text
    assert "<description>&lt;strong&gt;&lt;em&gt;Empty table&lt;/em&gt;&lt;/strong&gt;" \
           "&lt;br /&gt;\n</description>" in text
    assert "&lt;td&gt;&lt;strong&gt;nb_visits&lt;/strong&gt;&lt;/td&gt;" in text
    assert text.endswith("\t</channel>\n</rss>")


def test_original_is_php_serialize() -> None:
    assert body(Simple({"nb_visits": 2, "label": "é"}), "original") == \
        'a:2:{s:9:"nb_visits";i:2;s:5:"label";s:2:"é";}'
    assert body(Map("idSite", {"1": "x"}), "original") == 'a:1:{i:1;s:1:"x";}'


# --- Errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "expected", "kind"), [
    ("json", '{"result":"error","message":"a b"}', "application/json; charset=utf-8"),
    ("xml", XML_HEAD + '<result>\n\t<error message="a\nb" />\n</result>',
     "text/xml; charset=utf-8"),
    ("csv", "Error: a\nb", "text/html; charset=utf-8"),
    ("tsv", "Error: a\nb", "text/html; charset=utf-8"),
    ("html", "a<br />\nb", "text/plain; charset=utf-8"),
])
def test_error_bodies(fmt: str, expected: str, kind: str) -> None:
    assert render_error("a\nb", fmt, PLAIN) == (expected, kind)


def test_unknown_format_lists_the_renderers() -> None:
    with pytest.raises(Exception) as caught:
        check_format("foo")
    assert str(caught.value) == ("Renderer format 'foo' not valid. Try any of the following "
                                 "instead: console, csv, html, json, original, rss, tsv, xml.")
    assert check_format("JSON") == "json"


def test_rss_needs_a_map_keyed_by_date() -> None:
    from footfall.errors import BadRequest

    with pytest.raises(BadRequest) as caught:
        render_result(Simple({"nb_visits": 1, "x": 2}), "rss", PLAIN)
    assert str(caught.value).startswith("RSS feeds can be generated for one specific website")
    with pytest.raises(BadRequest):
        render_result(Map("idSite", {"1": Simple({})}), "rss", PLAIN)


def test_xml_empty_nested_arrays_keep_both_tags() -> None:
    assert body([{"idvisit": 1, "actionDetails": []}], "xml") == XML_HEAD + (
        "<result>\n\t<row>\n\t\t<idvisit>1</idvisit>\n\t\t<actionDetails>\n\t\t</actionDetails>\n"
        "\t</row>\n</result>")
    assert "\t\t<goals>\n\t\t</goals>\n" in body(DataTable([Row("x", {"goals": {}})]), "xml")
