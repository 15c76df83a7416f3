"""Reference V8 (OneVisitorTwoVisits) over HTTP: summary, actions, outlinks, referrers,
visitor interest."""

from __future__ import annotations

from tests.compat.api_support import Scenario
from tests.compat.report_scenarios import module_scenario, one_visitor_two_visits

two_visits = module_scenario(one_visitor_two_visits)
DAY = {"idSite": 1, "period": "day", "date": "2010-03-06"}


def test_visits_summary(two_visits: Scenario) -> None:
    summary = two_visits.json("VisitsSummary.get", **DAY)
    assert {k: summary[k] for k in ("nb_uniq_visitors", "nb_visits", "nb_actions",
                                    "nb_visits_converted", "bounce_count", "max_actions",
                                    "bounce_rate", "nb_actions_per_visit")} == {
        "nb_uniq_visitors": 1, "nb_visits": 2, "nb_actions": 8, "nb_visits_converted": 2,
        "bounce_count": 1, "max_actions": 7, "bounce_rate": "50%", "nb_actions_per_visit": 4}


def test_actions_totals(two_visits: Scenario) -> None:
    assert two_visits.json("Actions.get", **DAY) == {
        "nb_pageviews": 4, "nb_uniq_pageviews": 4, "nb_downloads": 1, "nb_uniq_downloads": 1,
        "nb_outlinks": 3, "nb_uniq_outlinks": 3, "nb_searches": 0, "nb_keywords": 0}


def test_outlinks_by_host(two_visits: Scenario) -> None:
    outlinks = two_visits.json("Actions.getOutlinks", expanded=1, **DAY)
    assert [(r["label"], r["nb_visits"], r["nb_hits"]) for r in outlinks] == [
        ("outlinks.org", 2, 2), ("dev.piwik.org", 1, 1)]
    assert len(outlinks[0]["subtable"]) == 2
    assert [r["label"] for r in outlinks[1]["subtable"]] == ["/svn"]


def test_referrer_types_and_search_engine(two_visits: Scenario) -> None:
    types = two_visits.json("Referrers.getReferrerType", **DAY)
    assert [(r["label"], r["nb_visits"], r["nb_actions"], r["referrer_type"]) for r in types] == [
        ("Search Engines", 1, 1, 2), ("Websites", 1, 7, 3)]
    engines = two_visits.json("Referrers.getSearchEngines", **DAY)
    assert engines[0]["label"] == "Yahoo!"
    assert engines[0]["url"] == "http://search.yahoo.com"
    assert engines[0]["segment"] == "referrerType==search;referrerName==Yahoo%21"
    keywords = two_visits.json("Referrers.getKeywordsFromSearchEngineId",
                               idSubtable=engines[0]["idsubdatatable"], **DAY)
    assert [r["label"] for r in keywords] == ["purchase"]


def test_visitor_interest(two_visits: Scenario) -> None:
    durations = two_visits.json("VisitorInterest.getNumberOfVisitsPerVisitDuration", **DAY)
    counts = {r["label"]: r["nb_visits"] for r in durations}
    assert counts["0\u201310s"] == "1" and counts["15-30 min"] == "1"
    assert sum(int(v) for v in counts.values()) == 2
    by_count = two_visits.json("VisitorInterest.getNumberOfVisitsByVisitCount", **DAY)
    assert [(r["label"], r["nb_visits"], r["nb_visits_percentage"]) for r in by_count[:2]] == [
        ("1 visit", "1", "50%"), ("2 visits", "1", "50%")]


def test_actions_totals_without_page_uniques(two_visits: Scenario) -> None:
    totals = two_visits.json("Actions.get", **DAY)
    del totals["nb_uniq_pageviews"]
    assert totals == {"nb_pageviews": 4, "nb_downloads": 1, "nb_uniq_downloads": 1,
                      "nb_outlinks": 3, "nb_uniq_outlinks": 3, "nb_searches": 0,
                      "nb_keywords": 0}


def test_page_urls_drop_excluded_parameters(two_visits: Scenario) -> None:
    labels = {r["label"] for r in two_visits.json("Actions.getPageUrls", **DAY)}
    assert "/index.htm?parameter=Should display" in labels
    assert not any("SHOULD_NOT_DISPLAY" in label for label in labels)
