"""Reporting API compatibility: API.getBulkRequest and scalar getters (reference §1.8, V12).

Fixture: Matomo's VisitsOverSeveralDays, tracked over HTTP.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture
SUMMARY_14 = {"nb_uniq_visitors": 1, "nb_users": 0, "nb_visits": 2, "nb_actions": 3,
              "nb_visits_converted": 0, "bounce_count": 1, "sum_visit_length": 361,
              "max_actions": 2, "bounce_rate": "50%", "nb_actions_per_visit": 1.5,
              "avg_time_on_site": 181}


def bulk(scenario: Scenario, *queries: dict[str, object], **outer: object) -> object:
    urls = {f"urls[{i}]": urlencode(q) for i, q in enumerate(queries)}
    return scenario.json("API.getBulkRequest", **urls, **outer)


def test_v12_bulk_json_keeps_request_order_and_maps(several_days: Scenario) -> None:
    answer = bulk(several_days,
                  {"idSite": 1, "date": "2010-12-14,2010-12-16", "expanded": 1, "period": "day",
                   "method": "VisitsSummary.get"},
                  {"idSite": 1, "date": "2010-12-14", "period": "day",
                   "method": "VisitsSummary.getVisits"})
    assert answer == [{"2010-12-14": SUMMARY_14, "2010-12-15": {**SUMMARY_14, "nb_actions": 3},
                       "2010-12-16": []}, {"value": 2}]


def test_bulk_sub_requests_inherit_outer_parameters(several_days: Scenario) -> None:
    answer = bulk(several_days, {"method": "VisitsSummary.getVisits"},
                  {"method": "VisitsSummary.getVisits", "idSite": 2},
                  idSite=1, period="month", date="2010-12-01")
    assert answer == [{"value": 6}, {"value": 3}]


def test_bulk_errors_fill_their_slot(several_days: Scenario) -> None:
    answer = bulk(several_days, {"method": "VisitsSummary.get", "idSite": 1, "period": "decade",
                                 "date": "2010-12-14"},
                  {"method": "API.getBulkRequest"},
                  {"method": "VisitsSummary.getVisits", "idSite": 1, "period": "day",
                   "date": "2010-12-14"})
    assert answer == [{"result": "error", "message": "The period 'decade' is not supported. Try "
                       "any of the following instead: day, week, month, year, range"},
                      {"value": 2}]


def test_bulk_in_xml_is_one_row_per_request(several_days: Scenario) -> None:
    urls = {"urls[0]": urlencode({"method": "VisitsSummary.getVisits", "idSite": 1,
                                  "period": "day", "date": "2010-12-14"}),
            "urls[1]": urlencode({"method": "Referrers.getSocials", "idSite": 1,
                                  "period": "day", "date": "2010-12-14",
                                  "showColumns": "nb_visits", "hideIdSubDatable": 1})}
    text = several_days.api("API.getBulkRequest", format="xml", **urls).text
    assert text == (
        '<?xml version="1.0" encoding="utf-8" ?>\n<result>\n\t<row>\n\t\t<value>2</value>\n'
        "\t</row>\n\t<row>\n\t\t<row>\n\t\t\t<label>Facebook</label>\n"
        "\t\t\t<nb_visits>2</nb_visits>\n\t\t\t<url>facebook.com</url>\n"
        "\t\t\t<logo>plugins/Morpheus/icons/dist/socials/facebook.com.png</logo>\n"
        "\t\t\t<segment>referrerType==social;referrerName==Facebook</segment>\n\t\t</row>\n"
        "\t</row>\n</result>")


def test_scalar_getters_in_every_format(several_days: Scenario) -> None:
    day = {"idSite": 1, "period": "day", "date": "2010-12-14"}
    assert several_days.api("VisitsSummary.getSumVisitsLengthPretty", format="json",
                            **day).text == '{"value":"6 min 1s"}'
    assert several_days.api("VisitsSummary.getVisits", **day).text == \
        '<?xml version="1.0" encoding="utf-8" ?>\n<result>2</result>'
    assert several_days.api("VisitsSummary.getVisits", format="csv", convertToUnicode=0,
                            **day).text == "value\n2"
    assert several_days.api("VisitsSummary.getVisits", format="tsv", convertToUnicode=0,
                            **day).text == "value\n2"


def test_api_get_merges_the_plugins_get_reports(several_days: Scenario) -> None:
    day = {"idSite": 1, "period": "day", "date": "2010-12-14"}
    answer = several_days.json("API.get", **day)
    assert {k: answer[k] for k in ("nb_uniq_visitors", "nb_visits", "nb_actions", "bounce_count",
                                   "nb_pageviews", "bounce_rate", "nb_actions_per_visit")} == {
        "nb_uniq_visitors": 1, "nb_visits": 2, "nb_actions": 3, "bounce_count": 1,
        "nb_pageviews": 3, "bounce_rate": "50%", "nb_actions_per_visit": 1.5}
    only = several_days.json("API.get", columns="nb_visits,nb_pageviews", **day)
    assert only == {"nb_visits": 2, "nb_pageviews": 3}
