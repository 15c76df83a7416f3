"""Reporting API compatibility: MultiSites.getAll / getOne, the All Websites dashboard.

Fixture: Matomo's VisitsOverSeveralDays (reference V1), tracked over HTTP: site 1 has two
visits and three pageviews on each of 2010-12-14, 12-15, 12-25, 2011-01-15 and 01-16;
site 2 has one visit on each of the first three days.
"""

from __future__ import annotations

from typing import Any

from footfall.auth import users
from footfall.errors import NotFound
from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture


def site(label: str, idsite: int, visits: int, actions: int, pageviews: int,
         **extra: Any) -> dict[str, Any]:
    return {"label": label, "nb_visits": visits, "nb_actions": actions,
            "nb_pageviews": pageviews, "revenue": 0, **extra}


def test_get_all_one_day_with_evolution(several_days: Scenario) -> None:
    answer = several_days.json("MultiSites.getAll", period="day", date="2010-12-15")
    assert [row["label"] for row in answer] == ["Site AAAAAA", "Site BBBBBB"]
    first = answer[0]
    assert {k: first[k] for k in ("label", "nb_visits", "nb_actions", "nb_pageviews",
                                  "revenue")} == {
        "label": "Site AAAAAA", "nb_visits": 2, "nb_actions": 3, "nb_pageviews": 3,
        "revenue": 0}
    # Same numbers as the day before: no change, flat trend.
    assert first["visits_evolution"] == "0%" and first["visits_evolution_trend"] == 0
    assert first["pageviews_evolution"] == "0%" and first["revenue_evolution"] == "0%"
    assert first["idsite"] == 1 and first["main_url"] == "http://piwik.net"
    assert first["previous_nb_visits"] == 2 and first["previous_nb_actions"] == 3
    assert first["group"] == "" and first["periodName"] == "day"


def test_get_all_after_a_day_without_visits_is_up_100_percent(several_days: Scenario) -> None:
    answer = several_days.json("MultiSites.getAll", period="day", date="2011-01-15")
    # Site 2 had no visit that day: Matomo leaves idle sites out unless enhanced=1.
    assert [row["label"] for row in answer] == ["Site AAAAAA"]
    assert answer[0]["visits_evolution"] == "100%"
    assert answer[0]["visits_evolution_trend"] == 1
    assert answer[0]["previous_nb_visits"] == 0


def test_get_all_month_against_the_previous_month(several_days: Scenario) -> None:
    [row] = several_days.json("MultiSites.getAll", period="month", date="2011-01-10")
    assert (row["nb_visits"], row["nb_actions"], row["previous_nb_visits"]) == (4, 6, 6)
    assert row["visits_evolution"] == "-33.3%" and row["visits_evolution_trend"] == -1
    assert row["actions_evolution"] == "-33.3%" and row["periodName"] == "month"


def test_enhanced_keeps_idle_sites_and_adds_conversions(several_days: Scenario) -> None:
    answer = several_days.json("MultiSites.getAll", period="month", date="2011-01-10",
                               enhanced=1)
    assert [row["label"] for row in answer] == ["Site AAAAAA", "Site BBBBBB"]
    idle = answer[1]
    assert idle["nb_visits"] == 0 and idle["previous_nb_visits"] == 3
    assert idle["visits_evolution"] == "-100%" and idle["visits_evolution_trend"] == -1
    assert idle["nb_conversions"] == 0 and idle["nb_conversions_evolution"] == "0%"
    assert "orders" not in idle  # ecommerce columns only for ecommerce sites


def test_pattern_limit_sort_and_columns(several_days: Scenario) -> None:
    day = {"period": "day", "date": "2010-12-14"}
    assert [r["label"] for r in several_days.json("MultiSites.getAll", pattern="bbb", **day)] \
        == ["Site BBBBBB"]
    assert [r["label"] for r in several_days.json("MultiSites.getAll", filter_limit=1, **day)] \
        == ["Site AAAAAA"]
    ascending = several_days.json("MultiSites.getAll", filter_sort_column="nb_visits",
                                  filter_sort_order="asc", **day)
    assert [r["label"] for r in ascending] == ["Site BBBBBB", "Site AAAAAA"]
    shown = several_days.json("MultiSites.getAll", showColumns="nb_visits", **day)
    assert [r["nb_visits"] for r in shown] == [2, 1]
    assert all(set(r) - {"nb_visits", "label"} <= {"idsite", "ratio", "currencySymbol",
                                                   "previous_nb_visits", "periodName",
                                                   "group", "main_url"} for r in shown)


def test_range_compares_with_the_range_before(several_days: Scenario) -> None:
    row = several_days.json("MultiSites.getAll", period="range",
                            date="2010-12-15,2010-12-25", showColumns="nb_visits")[0]
    # 12-15 and 12-25 (4 visits) against 12-04..12-14 (2 visits).
    assert row["nb_visits"] == 4 and row["previous_nb_visits"] == 2


def test_last_n_is_keyed_by_date_without_evolution(several_days: Scenario) -> None:
    answer = several_days.json("MultiSites.getAll", period="day", date="2010-12-14,2010-12-15")
    assert list(answer) == ["2010-12-14", "2010-12-15"]
    assert [r["nb_visits"] for r in answer["2010-12-14"]] == [2, 1]


def test_get_one_is_an_unlabelled_table(several_days: Scenario) -> None:
    one = several_days.json("MultiSites.getOne", idSite=1, period="day", date="2010-12-15")
    assert one == {"nb_visits": 2, "nb_actions": 3, "nb_pageviews": 3, "revenue": 0,
                   "visits_evolution": "0%", "visits_evolution_trend": 0,
                   "actions_evolution": "0%", "actions_evolution_trend": 0,
                   "pageviews_evolution": "0%", "pageviews_evolution_trend": 0,
                   "revenue_evolution": "0%", "revenue_evolution_trend": 0}
    xml = several_days.api("MultiSites.getOne", idSite=1, period="day", date="2010-12-15").text
    assert xml.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n'
                          "\t<nb_visits>2</nb_visits>\n")


def test_every_format_renders(several_days: Scenario) -> None:
    day = {"period": "day", "date": "2010-12-14", "showColumns": "nb_visits,nb_actions"}
    csv = several_days.api("MultiSites.getAll", format="csv", convertToUnicode=0, **day).text
    assert csv.split("\n")[0].startswith("label,nb_visits,nb_actions,metadata_idsite")
    assert csv.split("\n")[1].startswith("Site AAAAAA,2,3,1")
    tsv = several_days.api("MultiSites.getAll", format="tsv", convertToUnicode=0, **day).text
    assert tsv.split("\n")[1].startswith("Site AAAAAA\t2\t3\t1")
    xml = several_days.api("MultiSites.getAll", **day).text
    assert "<row>\n\t\t<label>Site AAAAAA</label>\n\t\t<nb_visits>2</nb_visits>" in xml
    html = several_days.api("MultiSites.getAll", format="html", **day).text
    assert '<table id="MultiSites_getAll"' in html and "Site BBBBBB" in html
    assert several_days.api("MultiSites.getAll", format="original", **day).status_code == 200


def test_only_viewable_sites_are_listed(several_days: Scenario) -> None:
    engine = several_days.engine
    try:
        users.get_user(engine, "agency")
    except NotFound:  # once per engine: the scenario is shared by the module
        users.add_user(engine, "agency", email="agency@example.com", password=None)
    users.set_access(engine, "agency", 2, "view")
    token = users.create_token(engine, "agency")
    query = {"module": "API", "method": "MultiSites.getAll", "period": "day",
             "date": "2010-12-14", "format": "json", "token_auth": token}
    answer = several_days.server.client.get(several_days.server.url("/index.php"),
                                            params=query).json()
    assert [row["label"] for row in answer] == ["Site BBBBBB"]
    refused = several_days.server.client.get(several_days.server.url("/index.php"), params={
        **query, "method": "MultiSites.getOne", "idSite": "1"})
    assert refused.status_code == 401
    anonymous = several_days.server.client.get(several_days.server.url("/index.php"), params={
        k: v for k, v in query.items() if k != "token_auth"})
    assert anonymous.status_code == 401 and anonymous.json()["result"] == "error"


def test_bad_parameters_get_matomo_errors(several_days: Scenario) -> None:
    missing = several_days.json("MultiSites.getAll", date="2010-12-14")
    assert missing == {"result": "error", "message": "Please specify a value for 'period'."}
    bad = several_days.json("MultiSites.getOne", idSite=1, period="decade", date="2010-12-14")
    assert bad["result"] == "error" and "The period 'decade' is not supported" in bad["message"]
    unknown = several_days.json("MultiSites.getOne", idSite=99, period="day", date="2010-12-14")
    assert unknown["result"] == "error"


def test_format_metrics_all_formats_revenue_and_evolutions(several_days: Scenario) -> None:
    [row] = several_days.json("MultiSites.getAll", period="month", date="2011-01-10",
                              format_metrics="all")
    assert row["revenue"] == "$0" and row["visits_evolution"] == "-33.3%"
    raw = several_days.json("MultiSites.getAll", period="month", date="2011-01-10",
                            format_metrics=0)
    assert raw[0]["visits_evolution"] == -0.333 and raw[0]["revenue"] == 0


def test_processed_report_of_the_dashboard(several_days: Scenario) -> None:
    answer = several_days.json("API.getProcessedReport", apiModule="MultiSites",
                               apiAction="getOne", idSite=1, period="day", date="2010-12-15")
    assert answer["metadata"]["name"] == "Single Website dashboard"
    data = answer["reportData"]
    assert (data["nb_visits"], data["revenue"], data["revenue_evolution"],
            data["revenue_evolution_trend"]) == (2, "$0", "0%", 0)
    assert answer["columns"]["visits_evolution"] == "Visits Evolution"


def test_segment_applies_to_every_site(several_days: Scenario) -> None:
    answer = several_days.json("MultiSites.getAll", period="day", date="2010-12-15",
                               segment="referrerName==Twitter", showColumns="nb_visits")
    assert [(r["label"], r["nb_visits"]) for r in answer] == [("Site AAAAAA", 1),
                                                              ("Site BBBBBB", 1)]
    bad = several_days.json("MultiSites.getAll", period="day", date="2010-12-15",
                            segment="nope==1")
    assert bad == {"result": "error", "message": "Segment 'nope' is not a supported segment."}
