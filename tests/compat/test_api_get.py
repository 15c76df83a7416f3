"""Reporting API compatibility: API.get, every plugin's main metrics in one table.

Fixture: Matomo's VisitsOverSeveralDays (reference V1): site 1 has two visits from
social networks on 2010-12-14 (a new visitor's two-page visit, then a returning
one-page visit); site 2 has one visit on each of 12-14, 12-15 and 12-25.
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

DAY = {"idSite": 1, "period": "day", "date": "2010-12-14"}
# Matomo's column order (its expected API.get output): plugins in reverse alphabetical
# order, each with its declared metrics, VisitsSummary's rates last.
ORDER = [
    "nb_uniq_visitors", "nb_visits", "nb_users", "nb_actions", "max_actions", "bounce_count",
    "sum_visit_length",
    "nb_visits_new", "nb_actions_new", "nb_uniq_visitors_new", "nb_users_new",
    "max_actions_new", "bounce_rate_new", "nb_actions_per_visit_new", "avg_time_on_site_new",
    "nb_visits_returning", "nb_actions_returning", "nb_uniq_visitors_returning",
    "nb_users_returning", "max_actions_returning", "bounce_rate_returning",
    "nb_actions_per_visit_returning", "avg_time_on_site_returning",
    "Referrers_visitorsFromSearchEngines", "Referrers_visitorsFromSocialNetworks",
    "Referrers_visitorsFromDirectEntry", "Referrers_visitorsFromWebsites",
    "Referrers_visitorsFromCampaigns", "Referrers_distinctSearchEngines",
    "Referrers_distinctSocialNetworks", "Referrers_distinctKeywords",
    "Referrers_distinctWebsites", "Referrers_distinctWebsitesUrls",
    "Referrers_distinctCampaigns", "Referrers_visitorsFromDirectEntry_percent",
    "Referrers_visitorsFromSearchEngines_percent", "Referrers_visitorsFromCampaigns_percent",
    "Referrers_visitorsFromSocialNetworks_percent", "Referrers_visitorsFromWebsites_percent",
    "nb_visits_converted",
    "nb_pageviews", "nb_uniq_pageviews", "nb_downloads", "nb_uniq_downloads", "nb_outlinks",
    "nb_uniq_outlinks", "nb_searches", "nb_keywords",
    "bounce_rate", "nb_actions_per_visit", "avg_time_on_site"]


def test_one_day_in_matomos_column_order(several_days: Scenario) -> None:
    answer = several_days.json("API.get", **DAY)
    assert list(answer) == ORDER
    assert {k: answer[k] for k in ("nb_visits", "nb_actions", "sum_visit_length",
                                   "nb_visits_new", "bounce_rate_returning",
                                   "Referrers_visitorsFromSocialNetworks",
                                   "Referrers_visitorsFromSocialNetworks_percent",
                                   "nb_pageviews", "bounce_rate", "avg_time_on_site")} == {
        "nb_visits": 2, "nb_actions": 3, "sum_visit_length": 361, "nb_visits_new": 1,
        "bounce_rate_returning": "100%", "Referrers_visitorsFromSocialNetworks": 2,
        "Referrers_visitorsFromSocialNetworks_percent": "100%", "nb_pageviews": 3,
        "bounce_rate": "50%", "avg_time_on_site": 181}


def test_several_periods_are_keyed_by_date(several_days: Scenario) -> None:
    answer = several_days.json("API.get", idSite=1, period="day", date="2010-12-13,2010-12-15")
    assert list(answer) == ["2010-12-13", "2010-12-14", "2010-12-15"]
    assert answer["2010-12-13"] == []  # no data: empty in a map, as Matomo
    assert answer["2010-12-15"]["nb_visits"] == 2 and list(answer["2010-12-15"]) == ORDER
    xml = several_days.api("API.get", idSite=1, period="day", date="2010-12-13,2010-12-14",
                           columns="nb_visits,nb_pageviews").text
    assert xml == ('<?xml version="1.0" encoding="utf-8" ?>\n<results>\n'
                   '\t<result date="2010-12-13" />\n\t<result date="2010-12-14">\n'
                   "\t\t<nb_visits>2</nb_visits>\n\t\t<nb_pageviews>3</nb_pageviews>\n"
                   "\t</result>\n</results>")


def test_several_sites_are_keyed_by_site(several_days: Scenario) -> None:
    answer = several_days.json("API.get", idSite="all", period="month", date="2010-12-14",
                               columns="nb_visits,nb_actions,nb_pageviews")
    assert answer == {"1": {"nb_visits": 6, "nb_actions": 9, "nb_pageviews": 9},
                      "2": {"nb_visits": 3, "nb_actions": 3, "nb_pageviews": 3}}
    by_site_and_day = several_days.json("API.get", idSite="1,2", period="day",
                                        date="2010-12-15,2010-12-16", columns="nb_visits")
    assert by_site_and_day == {"1": {"2010-12-15": 2, "2010-12-16": []},
                               "2": {"2010-12-15": 1, "2010-12-16": []}}


def test_year_and_range_have_no_unique_visitors(several_days: Scenario) -> None:
    answer = several_days.json("API.get", idSite=1, period="range",
                               date="2010-12-15,2011-01-15")
    assert "nb_uniq_visitors" not in answer and answer["nb_visits"] == 6


def test_a_day_without_data_is_all_zeros(several_days: Scenario) -> None:
    answer = several_days.json("API.get", idSite=1, period="day", date="2010-12-16")
    assert answer["nb_visits"] == 0 and answer["bounce_rate"] == "0%"


def test_every_format(several_days: Scenario) -> None:
    query = {"columns": "nb_visits,nb_pageviews", **DAY}
    assert several_days.api("API.get", format="csv", convertToUnicode=0, **query).text == \
        "nb_visits,nb_pageviews\n2,3"
    assert several_days.api("API.get", format="tsv", convertToUnicode=0, **query).text == \
        "nb_visits\tnb_pageviews\n2\t3"
    html = several_days.api("API.get", format="html", **query).text
    assert '<table id="API_get" border="1">' in html and "<td>3</td>" in html
    assert several_days.api("API.get", format="original", serialize=1, **query).text == \
        'a:2:{s:9:"nb_visits";i:2;s:12:"nb_pageviews";i:3;}'


def test_listed_in_the_report_metadata(several_days: Scenario) -> None:
    [entry] = several_days.json("API.getMetadata", idSite=1, apiModule="API", apiAction="get")
    assert (entry["category"], entry["name"], entry["module"], entry["action"],
            entry["uniqueId"]) == ("API", "Main metrics", "API", "get", "API_get")
    assert entry["metrics"]["nb_visits"] == "Visits"
    assert entry["processedMetrics"]["bounce_rate"] == "Bounce Rate"
    listed = several_days.json("API.getReportMetadata", idSite=1)
    assert any(r["uniqueId"] == "API_get" for r in listed)
    processed = several_days.json("API.getProcessedReport", apiModule="API", apiAction="get",
                                  **DAY)
    assert processed["reportData"]["nb_visits"] == 2
    assert processed["metadata"]["name"] == "Main metrics"


def test_bad_parameters(several_days: Scenario) -> None:
    assert several_days.json("API.get", period="day", date="2010-12-14") == {
        "result": "error", "message": "Please specify a value for 'idSite'."}
    wrong = several_days.json("API.get", idSite=1, period="day", date="foo")
    assert wrong["result"] == "error" and wrong["message"].startswith("Date format must be")
    anonymous = several_days.server.client.get(several_days.server.url("/index.php"), params={
        "module": "API", "method": "API.get", "format": "json", **DAY})
    assert anonymous.status_code == 401
