"""Reporting API compatibility: several sites and periods at once (reference V6).

Fixture: Matomo's TwoSitesTwoVisitorsDifferentDays, tracked over HTTP: a visit split at
local midnight, a visitor with a 5-action visit every day from 2010-01-05 to 01-12, and
one 3-action visit on site 2.
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

two_visitors = api_support.two_visitors  # the module-scoped fixture

WEEKS = ["2009-12-28,2010-01-03", "2010-01-04,2010-01-10", "2010-01-11,2010-01-17",
         "2010-01-18,2010-01-24", "2010-01-25,2010-01-31", "2010-02-01,2010-02-07",
         "2010-02-08,2010-02-14"]
ALL_WEEKS = {"idSite": "all", "period": "week", "date": "2010-01-03,2010-02-14"}


def summary(uniq: int, visits: int, actions: int, bounces: int, length: int, top: int,
            rate: str, per_visit: float, average: int) -> dict[str, object]:
    return {"nb_uniq_visitors": uniq, "nb_users": 0, "nb_visits": visits, "nb_actions": actions,
            "nb_visits_converted": 0, "bounce_count": bounces, "sum_visit_length": length,
            "max_actions": top, "bounce_rate": rate, "nb_actions_per_visit": per_visit,
            "avg_time_on_site": average}


def test_v6_days_around_midnight(two_visitors: Scenario) -> None:
    assert two_visitors.json("VisitsSummary.get", idSite=1, period="day", date="2010-01-03") \
        == summary(2, 2, 2, 2, 0, 1, "100%", 1, 0)
    assert two_visitors.json("VisitsSummary.get", idSite=1, period="day", date="2010-01-04") \
        == summary(1, 1, 1, 1, 0, 1, "100%", 1, 0)


def test_v6_all_sites_by_week_json(two_visitors: Scenario) -> None:
    answer = two_visitors.json("VisitsSummary.get", **ALL_WEEKS)
    assert list(answer) == ["1", "2"]
    assert list(answer["1"]) == WEEKS and list(answer["2"]) == WEEKS
    assert answer["1"][WEEKS[0]] == summary(2, 2, 2, 2, 0, 1, "100%", 1, 0)
    assert answer["1"][WEEKS[1]] == summary(2, 7, 31, 1, 5406, 5, "14%", 4.4, 772)
    assert answer["1"][WEEKS[2]] == summary(1, 2, 10, 0, 1802, 5, "0%", 5, 901)
    assert all(answer["1"][week] == [] for week in WEEKS[3:])
    assert answer["2"][WEEKS[1]] == summary(1, 1, 3, 0, 1, 3, "0%", 3, 1)
    assert [week for week in WEEKS if answer["2"][week] != []] == [WEEKS[1]]


def test_v6_all_sites_by_week_xml(two_visitors: Scenario) -> None:
    text = two_visitors.api("VisitsSummary.get", **ALL_WEEKS).text
    assert text.startswith(
        '<?xml version="1.0" encoding="utf-8" ?>\n<results>\n\t<result idSite="1">\n'
        '\t\t<result date="2009-12-28,2010-01-03">\n\t\t\t<nb_uniq_visitors>2</nb_uniq_visitors>\n')
    assert ('\t\t\t<avg_time_on_site>772</avg_time_on_site>\n\t\t</result>\n'
            '\t\t<result date="2010-01-11,2010-01-17">\n') in text
    assert text.endswith('\t\t<result date="2010-02-08,2010-02-14" />\n\t</result>\n</results>')
    assert '\t<result idSite="2">\n\t\t<result date="2009-12-28,2010-01-03" />\n' in text


def test_v6_all_sites_by_week_csv(two_visitors: Scenario) -> None:
    text = two_visitors.api("VisitsSummary.get", format="csv", convertToUnicode=0,
                            **ALL_WEEKS).text
    lines = text.split("\n")
    assert lines[0] == ("idSite,date,nb_uniq_visitors,nb_users,nb_visits,nb_actions,"
                        "nb_visits_converted,bounce_count,sum_visit_length,max_actions,"
                        "bounce_rate,nb_actions_per_visit,avg_time_on_site")
    assert lines[1:] == ['1,"2009-12-28,2010-01-03",2,0,2,2,0,2,0,1,100%,1,0',
                         '1,"2010-01-04,2010-01-10",2,0,7,31,0,1,5406,5,14%,4.4,772',
                         '1,"2010-01-11,2010-01-17",1,0,2,10,0,0,1802,5,0%,5,901',
                         '2,"2010-01-04,2010-01-10",1,0,1,3,0,0,1,3,0%,3,1']


def test_v6_two_sites_one_month(two_visitors: Scenario) -> None:
    answer = two_visitors.json("VisitsSummary.get", idSite="1,2", period="month",
                               date="2010-01-03")
    assert answer == {"1": summary(2, 11, 43, 3, 7208, 5, "27%", 3.9, 655),
                      "2": summary(1, 1, 3, 0, 1, 3, "0%", 3, 1)}


def test_v6_year_has_the_months_numbers_without_uniques(two_visitors: Scenario) -> None:
    year = two_visitors.json("VisitsSummary.get", idSite=1, period="year", date="2010-01-03")
    expected = summary(2, 11, 43, 3, 7208, 5, "27%", 3.9, 655)
    del expected["nb_uniq_visitors"], expected["nb_users"]
    assert year == expected


def test_v6_all_sites_one_day_leaves_site_two_empty(two_visitors: Scenario) -> None:
    day = {"idSite": "all", "period": "day", "date": "2010-01-03"}
    answer = two_visitors.json("VisitsSummary.get", **day)
    assert answer == {"1": summary(2, 2, 2, 2, 0, 1, "100%", 1, 0), "2": []}
    assert two_visitors.api("VisitsSummary.get", **day).text.endswith(
        '\t<result idSite="2" />\n</results>')
