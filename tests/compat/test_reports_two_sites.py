"""Reference V6 (TwoSitesTwoVisitorsDifferentDays): week keys, a week spanning two months,
midnight splitting visits, months for two sites, years without unique visitors."""

from __future__ import annotations

from tests.compat.api_support import Scenario
from tests.compat.report_scenarios import module_scenario, two_sites_two_visitors

two_sites = module_scenario(two_sites_two_visitors)

EMPTY_WEEKS = ("2010-01-18,2010-01-24", "2010-01-25,2010-01-31", "2010-02-01,2010-02-07",
               "2010-02-08,2010-02-14")


def test_day_summaries_split_at_midnight(two_sites: Scenario) -> None:
    day = two_sites.json("VisitsSummary.get", idSite=1, period="day", date="2010-01-03")
    assert day == {"nb_uniq_visitors": 2, "nb_users": 0, "nb_visits": 2, "nb_actions": 2,
                   "nb_visits_converted": 0, "bounce_count": 2, "sum_visit_length": 0,
                   "max_actions": 1, "bounce_rate": "100%", "nb_actions_per_visit": 1,
                   "avg_time_on_site": 0}
    next_day = two_sites.json("VisitsSummary.get", idSite=1, period="day", date="2010-01-04")
    assert (next_day["nb_visits"], next_day["nb_actions"], next_day["bounce_count"]) == (1, 1, 1)


def test_weeks_for_all_sites_keyed_by_week(two_sites: Scenario) -> None:
    weeks = two_sites.json("VisitsSummary.get", idSite="all", period="week",
                           date="2010-01-03,2010-02-14")
    assert list(weeks) == ["1", "2"]
    site1 = weeks["1"]
    assert list(site1) == ["2009-12-28,2010-01-03", "2010-01-04,2010-01-10",
                           "2010-01-11,2010-01-17", *EMPTY_WEEKS]
    # The first week spans December and January.
    first = site1["2009-12-28,2010-01-03"]
    assert (first["nb_uniq_visitors"], first["nb_visits"], first["nb_actions"],
            first["bounce_count"], first["sum_visit_length"]) == (2, 2, 2, 2, 0)
    assert site1["2010-01-04,2010-01-10"] == {
        "nb_uniq_visitors": 2, "nb_users": 0, "nb_visits": 7, "nb_actions": 31,
        "nb_visits_converted": 0, "bounce_count": 1, "sum_visit_length": 5406, "max_actions": 5,
        "bounce_rate": "14%", "nb_actions_per_visit": 4.4, "avg_time_on_site": 772}
    third = site1["2010-01-11,2010-01-17"]
    assert (third["nb_uniq_visitors"], third["nb_visits"], third["nb_actions"],
            third["sum_visit_length"], third["max_actions"], third["bounce_rate"],
            third["nb_actions_per_visit"], third["avg_time_on_site"]) == \
        (1, 2, 10, 1802, 5, "0%", 5, 901)
    assert all(site1[key] == [] for key in EMPTY_WEEKS)
    site2 = weeks["2"]
    assert site2["2009-12-28,2010-01-03"] == []
    second = site2["2010-01-04,2010-01-10"]
    assert (second["nb_visits"], second["nb_actions"], second["sum_visit_length"],
            second["max_actions"], second["bounce_rate"]) == (1, 3, 1, 3, "0%")


def test_month_for_two_sites(two_sites: Scenario) -> None:
    months = two_sites.json("VisitsSummary.get", idSite="1,2", period="month", date="2010-01-03")
    assert months["1"] == {
        "nb_uniq_visitors": 2, "nb_users": 0, "nb_visits": 11, "nb_actions": 43,
        "nb_visits_converted": 0, "bounce_count": 3, "sum_visit_length": 7208, "max_actions": 5,
        "bounce_rate": "27%", "nb_actions_per_visit": 3.9, "avg_time_on_site": 655}
    site2 = months["2"]
    assert (site2["nb_uniq_visitors"], site2["nb_visits"], site2["nb_actions"],
            site2["bounce_count"], site2["sum_visit_length"], site2["max_actions"]) == \
        (1, 1, 3, 0, 1, 3)


def test_year_has_no_unique_visitors(two_sites: Scenario) -> None:
    year = two_sites.json("VisitsSummary.get", idSite=1, period="year", date="2010-01-03")
    assert year == {"nb_visits": 11, "nb_actions": 43, "nb_visits_converted": 0,
                    "bounce_count": 3, "sum_visit_length": 7208, "max_actions": 5,
                    "bounce_rate": "27%", "nb_actions_per_visit": 3.9, "avg_time_on_site": 655}


def test_all_sites_one_day_gives_an_empty_site(two_sites: Scenario) -> None:
    days = two_sites.json("VisitsSummary.get", idSite="all", period="day", date="2010-01-03")
    assert days["1"]["nb_visits"] == 2 and days["2"] == []
    xml = two_sites.api("VisitsSummary.get", idSite="all", period="day", date="2010-01-03")
    assert '<result idSite="2" />' in xml.text


def test_outlinks_and_page_titles_of_the_week(two_sites: Scenario) -> None:
    outlinks = two_sites.json("Actions.getOutlinks", idSite=1, period="week",
                              date="2010-01-04", filter_limit=-1)
    assert sum(row["nb_hits"] for row in outlinks) == 12
    titles = {row["label"]: row for row in two_sites.json(
        "Actions.getPageTitles", idSite=1, period="month", date="2010-01-03", filter_limit=-1)}
    assert titles[" Checkout / Purchasing..."]["nb_hits"] == 8
