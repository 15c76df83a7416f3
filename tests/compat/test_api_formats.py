"""Reporting API compatibility: one known answer (reference V1, V2, V4, V5) in every format.

Fixture: Matomo's VisitsOverSeveralDays, tracked over HTTP (tests/compat/api_support.py).
"""

from __future__ import annotations

import pytest

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

DAY = {"idSite": 1, "period": "day", "date": "2010-12-14"}
V1_HEADER = ("nb_uniq_visitors,nb_users,nb_visits,nb_actions,nb_visits_converted,bounce_count,"
             "sum_visit_length,max_actions,bounce_rate,nb_actions_per_visit,avg_time_on_site")
V1_VALUES = "1,0,2,3,0,1,361,2,50%,1.5,181"
XML_HEAD = '<?xml version="1.0" encoding="utf-8" ?>\n'


def test_v1_json(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", format="json", **DAY)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.text == (
        '{"nb_uniq_visitors":1,"nb_users":0,"nb_visits":2,"nb_actions":3,'
        '"nb_visits_converted":0,"bounce_count":1,"sum_visit_length":361,"max_actions":2,'
        '"bounce_rate":"50%","nb_actions_per_visit":1.5,"avg_time_on_site":181}')


def test_v1_xml_is_the_default_format(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", **DAY)
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.text == XML_HEAD + (
        "<result>\n\t<nb_uniq_visitors>1</nb_uniq_visitors>\n\t<nb_users>0</nb_users>\n"
        "\t<nb_visits>2</nb_visits>\n\t<nb_actions>3</nb_actions>\n"
        "\t<nb_visits_converted>0</nb_visits_converted>\n\t<bounce_count>1</bounce_count>\n"
        "\t<sum_visit_length>361</sum_visit_length>\n\t<max_actions>2</max_actions>\n"
        "\t<bounce_rate>50%</bounce_rate>\n\t<nb_actions_per_visit>1.5</nb_actions_per_visit>\n"
        "\t<avg_time_on_site>181</avg_time_on_site>\n</result>")


def test_v1_csv_is_utf16_with_bom(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", format="csv", **DAY)
    assert response.headers["content-type"] == "application/vnd.ms-excel"
    assert response.content == b"\xff\xfe" + f"{V1_HEADER}\n{V1_VALUES}".encode("utf-16-le")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_v1_csv_tsv_plain_utf8(several_days: Scenario, fmt: str) -> None:
    separator = "," if fmt == "csv" else "\t"
    response = several_days.api("VisitsSummary.get", format=fmt, convertToUnicode=0, **DAY)
    assert response.text == f"{V1_HEADER}\n{V1_VALUES}".replace(",", separator)


def test_v1_csv_translated_header(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", format="csv", convertToUnicode=0,
                                translateColumnNames=1, language="en", **DAY)
    assert response.text.split("\n")[0] == (
        "Unique visitors,Users,Visits,Actions,Visits with Conversions,Bounces,Total time spent "
        "by visitors (in seconds),Maximum actions in one visit,Bounce Rate,Actions per Visit,"
        "Avg. Visit Duration (in seconds)")


def test_v1_html(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", format="html", **DAY)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    header = "".join(f"\t\t<th>{n}</th>\n" for n in V1_HEADER.split(","))
    cells = "".join(f"\t\t<td>{v}</td>\n" for v in V1_VALUES.split(","))
    assert response.text == ('<table id="VisitsSummary_get" border="1">\n<thead>\n\t<tr>\n'
                             f"{header}\t</tr>\n</thead>\n<tbody>\n\t<tr>\n{cells}\t</tr>\n"
                             "</tbody>\n</table>\n")


def test_v1_original_serialized(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.getVisits", format="original", serialize=1, **DAY)
    assert response.text == "i:2;"


def test_v2_page_urls_xml_rows_in_matomos_order(several_days: Scenario) -> None:
    text = several_days.api("Actions.getPageUrls", hideIdSubDatable=1, **DAY).text
    assert text.startswith(XML_HEAD + "<result>\n\t<row>\n\t\t<label>/homepage</label>\n"
                           "\t\t<nb_visits>1</nb_visits>\n\t\t<nb_uniq_visitors>1</nb_uniq_visitors>"
                           "\n\t\t<nb_hits>1</nb_hits>\n\t\t<sum_time_spent>360</sum_time_spent>\n")
    assert ("\t\t<url>http://example.org/homepage</url>\n"
            "\t\t<segment>pageUrl==http%253A%252F%252Fexample.org%252Fhomepage</segment>\n"
            "\t</row>\n\t<row>\n\t\t<label>/news</label>\n") in text
    assert "<idsubdatatable>" not in text
    assert text.index("<label>/news</label>") < text.index("<label>sub1</label>")


def test_v2_page_urls_expanded_nests_the_folders(several_days: Scenario) -> None:
    rows = several_days.json("Actions.getPageUrls", expanded=1, **DAY)
    folder = rows[2]
    assert (folder["label"], folder["segment"]) == (
        "sub1", "pageUrl=^http%253A%252F%252Fpiwik.net%252Fsub1")
    sub2 = folder["subtable"][0]
    sub3 = sub2["subtable"][0]
    assert (sub2["label"], sub3["label"], sub3["subtable"][0]["label"]) == ("sub2", "sub3",
                                                                            "/news")


def test_v4_socials_json_row(several_days: Scenario) -> None:
    rows = several_days.json("Referrers.getSocials", **DAY)
    assert [r["label"] for r in rows] == ["Facebook"]
    facebook = rows[0]
    assert {k: facebook[k] for k in ("nb_uniq_visitors", "nb_visits", "nb_actions", "nb_users",
                                     "max_actions", "sum_visit_length", "bounce_count",
                                     "nb_visits_converted", "url", "logo", "segment")} == {
        "nb_uniq_visitors": 2, "nb_visits": 2, "nb_actions": 3, "nb_users": 0, "max_actions": 2,
        "sum_visit_length": 361, "bounce_count": 1, "nb_visits_converted": 0,
        "url": "facebook.com", "logo": "plugins/Morpheus/icons/dist/socials/facebook.com.png",
        "segment": "referrerType==social;referrerName==Facebook"}
    text = several_days.api("Referrers.getSocials", format="json", **DAY).text
    assert '"logo":"plugins\\/Morpheus\\/icons\\/dist\\/socials\\/facebook.com.png"' in text


def test_v4_socials_subtable_by_id(several_days: Scenario) -> None:
    rows = several_days.json("Referrers.getSocials", **DAY)
    urls = several_days.json("Referrers.getUrlsForSocial", idSubtable=rows[0]["idsubdatatable"],
                             **DAY)
    assert [(r["label"], r["nb_visits"], r["nb_actions"], r["bounce_count"]) for r in urls] == [
        ("http://facebook.com/whatever", 1, 2, 0),
        ("http://www.facebook.com/another/path", 1, 1, 1)]


def test_v5_rss_most_recent_first(several_days: Scenario) -> None:
    response = several_days.api("VisitsSummary.get", idSite=1, period="day",
                                date="2010-12-14,2010-12-16", format="rss")
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    text = response.text
    titles = [line.strip() for line in text.split("\n") if "<title>Site" in line]
    assert titles == ["<title>Site AAAAAA on 2010-12-16</title>",
                      "<title>Site AAAAAA on 2010-12-15</title>",
                      "<title>Site AAAAAA on 2010-12-14</title>"]
    last = text[text.index("on 2010-12-14"):]
    assert "&lt;td&gt;&lt;strong&gt;nb_uniq_visitors&lt;/strong&gt;&lt;/td&gt;" in last
    values = [cell.split("&lt;/td&gt;")[0] for cell in last.split("\t&lt;td&gt;")[1:]]
    assert values[-11:] == ["1", "0", "2", "3", "0", "1", "361", "2", "50%", "1.5", "181"]
    empty = text[text.index("on 2010-12-16"):text.index("on 2010-12-15")]
    assert "&lt;strong&gt;&lt;em&gt;Empty table&lt;/em&gt;&lt;/strong&gt;&lt;br /&gt;" in empty
    item = "\t<item>\n\t\t<pubDate>Thu, 16 Dec 2010 00:00:00 +0000</pubDate>\n"
    assert text.index(item) < text.index("on 2010-12-16")
