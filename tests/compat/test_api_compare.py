"""Reporting API compatibility: comparing periods (compareDates[]/comparePeriods[]).

Fixture: Matomo's VisitsOverSeveralDays (reference V1): site 1 has two visits on each of
2010-12-14 and 12-15 (Facebook twice on the 14th; Facebook and Twitter on the 15th) and
none on 12-24.
"""

from __future__ import annotations

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture

DAY = {"idSite": 1, "period": "day", "date": "2010-12-14"}
WITH_15TH = {"compareDates[]": "2010-12-15", "comparePeriods[]": "day"}
SERIES = ["compareSegment", "compareSegmentPretty", "comparePeriod", "compareDate",
          "comparePeriodPretty", "compareSeriesPretty", "idsubdatatable"]


def test_simple_table_gets_its_series(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.get", **WITH_15TH, **DAY)
    assert answer["nb_visits"] == 2 and answer["bounce_rate"] == "50%"
    base, other = answer["comparisons"]
    assert {k: base[k] for k in SERIES} == {
        "compareSegment": "", "compareSegmentPretty": "All visits", "comparePeriod": "day",
        "compareDate": "2010-12-14", "comparePeriodPretty": "Tuesday, December 14, 2010",
        "compareSeriesPretty": "(Tuesday, December 14, 2010) (All visits)",
        "idsubdatatable": -1}
    assert base["nb_visits"] == 2 and base["bounce_rate"] == "50%"
    assert "nb_visits_change" not in base  # the first period has no change
    assert other["compareDate"] == "2010-12-15" and other["nb_visits"] == 2
    assert other["nb_visits_change"] == "0%" and other["nb_visits_change_from"] == "0%"


def test_rows_are_matched_by_label_with_changes(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", **WITH_15TH, **DAY)
    [facebook] = answer
    base, other = facebook["comparisons"]
    assert (base["nb_visits"], other["nb_visits"]) == (2, 1)
    assert other["nb_visits_change"] == "-50%" and other["nb_visits_change_from"] == "+100%"
    assert other["nb_actions_change"] == "-33.3%"
    assert other["segment"] == "referrerType==social;referrerName==Facebook"
    assert other["idsubdatatable"] != -1  # the row of that period has a subtable


def test_a_row_missing_in_the_other_period_compares_with_zeros(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", idSite=1, period="day",
                               date="2010-12-15", **{"compareDates[]": "2010-12-24",
                                                     "comparePeriods[]": "day"})
    twitter = next(r for r in answer if r["label"] == "Twitter")
    other = twitter["comparisons"][1]
    assert other["nb_visits"] == 0 and other["idsubdatatable"] == -1
    assert other["nb_visits_change"] == "-100%"


def test_several_periods_pair_up_in_order(several_days: Scenario) -> None:
    answer = several_days.json("VisitsSummary.get", idSite=1, period="day",
                               date="2010-12-14,2010-12-15", showColumns="nb_visits",
                               **{"compareDates[]": "2010-12-24,2010-12-25",
                                  "comparePeriods[]": "day"})
    assert [e["compareDate"] for e in answer["2010-12-14"]["comparisons"]] == \
        ["2010-12-14", "2010-12-24"]
    assert [e["compareDate"] for e in answer["2010-12-15"]["comparisons"]] == \
        ["2010-12-15", "2010-12-25"]
    assert answer["2010-12-14"]["comparisons"][1]["nb_visits_change"] == "-100%"


def test_comparisons_in_xml_and_csv(several_days: Scenario) -> None:
    query = {"showColumns": "nb_visits", **WITH_15TH, **DAY}
    xml = several_days.api("VisitsSummary.get", **query).text
    assert xml.startswith('<?xml version="1.0" encoding="utf-8" ?>\n<result>\n'
                          "\t<nb_visits>2</nb_visits>\n\t<comparisons>\n\t\t<row>\n"
                          "\t\t\t<nb_visits>2</nb_visits>\n\t\t\t<compareSegment />\n")
    csv = several_days.api("VisitsSummary.get", format="csv", convertToUnicode=0, **query)
    assert csv.text == "nb_visits\n2"


def test_bad_comparison_parameters_are_400(several_days: Scenario) -> None:
    unpaired = several_days.api("VisitsSummary.get", format="json",
                                **{"compareDates[]": "2010-12-15"}, **DAY)
    assert unpaired.status_code == 400 and unpaired.json()["result"] == "error"
    mixed = several_days.api("VisitsSummary.get", format="json", **DAY, **{
        "compareDates[]": "2010-12-15,2010-12-16", "comparePeriods[]": "day"})
    assert mixed.status_code == 200  # a plain error in Matomo, not a bad request
    assert "original request is single period" in mixed.json()["message"]
    pairs = [("module", "API"), ("method", "VisitsSummary.get"), ("format", "json"),
             ("token_auth", several_days.token), *((k, str(v)) for k, v in DAY.items())]
    for day in range(15, 21):  # six other periods: Matomo compares at most five
        pairs += [("compareDates[]", f"2010-12-{day}"), ("comparePeriods[]", "day")]
    many = several_days.server.client.get(several_days.server.url("/index.php"), params=pairs)
    assert many.status_code == 400
    assert many.json()["message"] == "The maximum number of periods that can be compared is 5."


def test_segments_compared_without_changes(several_days: Scenario) -> None:
    from datetime import datetime

    from footfall.db.schema import segment

    with several_days.engine.begin() as conn:
        conn.execute(segment.delete())
        conn.execute(segment.insert().values(
            name="From Twitter", definition="referrerName==Twitter", hash="0" * 32,
            login="root", enable_all_users=1, enable_only_idsite=0, auto_archive=0,
            ts_created=datetime(2010, 1, 1), deleted=0))
    answer = several_days.json("VisitsSummary.get", idSite=1, period="day", date="2010-12-15",
                               **{"compareSegments[]": "referrerName==Twitter"})
    base, twitter = answer["comparisons"]
    assert (base["nb_visits"], twitter["nb_visits"]) == (2, 1)
    assert twitter["compareSegment"] == "referrerName==Twitter"
    assert twitter["compareSegmentPretty"] == "From Twitter"  # a stored segment's name
    assert twitter["compareSeriesPretty"] == "(Wednesday, December 15, 2010) (From Twitter)"
    assert "nb_visits_change" not in twitter  # segments are subsets, not changes
    facebook = several_days.json("VisitsSummary.get", idSite=1, period="day",
                                 date="2010-12-15",
                                 **{"compareSegments[]": "referrerName==Facebook"})
    assert facebook["comparisons"][1]["compareSegmentPretty"] == "referrerName==Facebook"
