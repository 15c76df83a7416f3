"""Reporting API compatibility: periods, multi-period and multi-site maps (reference V3, V4, V6).

Fixture: Matomo's VisitsOverSeveralDays (two visits a day on 2010-12-14, 12-15,
12-25, 2011-01-15 and 01-16 for site 1; one a day on the first three for site 2).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture


def test_v3_range_has_no_unique_visitors(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.get", idSite=1, period="range",
                               date="2010-12-15,2011-01-15")
    assert answer == {"nb_visits": 6, "nb_actions": 9, "nb_visits_converted": 0,
                      "bounce_count": 3, "sum_visit_length": 1083, "max_actions": 2,
                      "bounce_rate": "50%", "nb_actions_per_visit": 1.5, "avg_time_on_site": 181}


def test_v3_range_page_urls_sum_daily_uniques(several_days: Scenario) -> None:
    rows = several_days.json("Actions.getPageUrls", idSite=1, period="range",
                             date="2010-12-15,2011-01-15")
    by_label = {row["label"]: row for row in rows}
    assert list(by_label) == ["/homepage", "/news", "sub1"]
    home = by_label["/homepage"]
    assert {k: home[k] for k in ("nb_visits", "nb_hits", "sum_time_spent", "entry_nb_visits",
                                 "entry_nb_actions", "entry_sum_visit_length",
                                 "entry_bounce_count", "sum_daily_nb_uniq_visitors",
                                 "sum_daily_entry_nb_uniq_visitors", "avg_time_on_page")} == {
        "nb_visits": 3, "nb_hits": 3, "sum_time_spent": 1080, "entry_nb_visits": 3,
        "entry_nb_actions": 6, "entry_sum_visit_length": 1083, "entry_bounce_count": 0,
        "sum_daily_nb_uniq_visitors": 3, "sum_daily_entry_nb_uniq_visitors": 3,
        "avg_time_on_page": 360}
    news = by_label["/news"]
    assert (news["nb_visits"], news["entry_bounce_count"], news["exit_nb_visits"],
            news["sum_daily_exit_nb_uniq_visitors"], news["bounce_rate"], news["exit_rate"]) == (
        3, 3, 3, 3, "100%", "100%")
    assert (by_label["sub1"]["nb_visits"], by_label["sub1"]["exit_nb_visits"]) == (3, 3)


def test_v4_all_sites_by_seven_days(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", idSite="all", period="day",
                               date="2010-12-10,2010-12-16")
    days = [f"2010-12-{d}" for d in range(10, 17)]
    assert list(answer) == ["1", "2"]
    assert list(answer["1"]) == days and list(answer["2"]) == days
    assert [d for d in days if answer["1"][d] == []] == \
        ["2010-12-10", "2010-12-11", "2010-12-12", "2010-12-13", "2010-12-16"]
    assert [r["label"] for r in answer["1"]["2010-12-15"]] == ["Facebook", "Twitter"]
    assert answer["1"]["2010-12-14"][0]["nb_uniq_visitors"] == 2


def test_v4_all_sites_by_seven_days_xml_shape(several_days: Scenario) -> None:
    text = several_days.api("Referrers.getSocials", idSite="all", period="day",
                            date="2010-12-10,2010-12-16", hideIdSubDatable=1).text
    assert text.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<results>\n'
                           '\t<result idSite="1">\n\t\t<result date="2010-12-10" />\n')
    assert ('\t\t<result date="2010-12-14">\n\t\t\t<row>\n\t\t\t\t<label>Facebook</label>\n'
            "\t\t\t\t<nb_uniq_visitors>2</nb_uniq_visitors>\n") in text
    assert text.endswith('\t\t<result date="2010-12-16" />\n\t</result>\n</results>')


def test_weeks_keys_across_months_and_empty_weeks(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.getVisits", idSite=1, period="week",
                               date="2010-12-13,2011-01-16")
    assert answer == {"2010-12-13,2010-12-19": 4, "2010-12-20,2010-12-26": 2,
                      "2010-12-27,2011-01-02": [], "2011-01-03,2011-01-09": [],
                      "2011-01-10,2011-01-16": 4}


def test_week_recounts_unique_visitors(several_days: Scenario) -> None:
    week = several_days.json("VisitsSummary.get", idSite=1, period="week", date="2010-12-14")
    assert (week["nb_uniq_visitors"], week["nb_visits"], week["nb_actions"],
            week["sum_visit_length"], week["bounce_rate"]) == (1, 4, 6, 722, "50%")


def test_week_csv_keys_are_quoted(several_days: Scenario) -> None:
    text = several_days.api("VisitsSummary.getVisits", idSite=1, period="week",
                            date="2010-12-13,2010-12-26", format="csv", convertToUnicode=0).text
    assert text == 'date,value\n"2010-12-13,2010-12-19",4\n"2010-12-20,2010-12-26",2'


def test_months_and_years(several_days: Scenario) -> None:
    months = several_days.json("VisitsSummary.getVisits", idSite=1, period="month",
                               date="2010-11-01,2011-01-31")
    assert months == {"2010-11": [], "2010-12": 6, "2011-01": 4}
    years = several_days.json("VisitsSummary.getVisits", idSite=1, period="year",
                              date="2010-01-01,2011-12-31")
    assert years == {"2010": 6, "2011": 4}
    month = several_days.json("VisitsSummary.get", idSite=1, period="month", date="2010-12-05")
    assert (month["nb_uniq_visitors"], month["nb_visits"]) == (1, 6)
    year = several_days.json("VisitsSummary.get", idSite=1, period="year", date="2010-12-05")
    assert "nb_uniq_visitors" not in year and year["nb_visits"] == 6


def test_several_sites_one_period_is_keyed_by_site(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.get", idSite="1,2", period="month",
                               date="2010-12-05", showColumns="nb_visits,nb_actions")
    assert answer == {"1": {"nb_visits": 6, "nb_actions": 9},
                      "2": {"nb_visits": 3, "nb_actions": 3}}
    single = several_days.json("VisitsSummary.getVisits", idSite="2,2,x", period="month",
                               date="2010-12-05")
    assert single == {"value": 3}  # one valid id after dropping junk: not a map


def test_range_over_several_sites(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.getVisits", idSite="1,2", period="range",
                               date="2010-12-14,2010-12-15")
    assert answer == {"1": 4, "2": 2}


def test_last_and_previous_keys_end_today_in_the_sites_timezone(several_days: Scenario) -> None:
    today = datetime.now(UTC).date()
    last = several_days.json("VisitsSummary.getVisits", idSite=1, period="day", date="last3")
    previous = several_days.json("VisitsSummary.getVisits", idSite=1, period="day",
                                 date="previous3")
    if datetime.now(UTC).date() != today:  # midnight passed during the calls
        return
    assert list(last) == [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    assert list(previous) == [(today - timedelta(days=n)).isoformat() for n in (3, 2, 1)]
    assert set(map(str, last.values())) == {"[]"}


def test_future_and_before_creation_periods_are_present_and_empty(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.get", idSite=1, period="day",
                               date="2010-12-12,2010-12-14")
    assert answer["2010-12-12"] == [] and answer["2010-12-13"] == []
    assert answer["2010-12-14"]["nb_visits"] == 2
