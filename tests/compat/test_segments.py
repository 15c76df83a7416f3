"""Segments over HTTP on every engine: hits tracked through /matomo.php, reports asked with
`segment=` as Matomo clients send it (values encoded, the whole string encoded again)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, unquote_plus

import pytest
import sqlalchemy as sa

from footfall import testing
from footfall.db.schema import archive_numeric
from tests.compat.api_support import VISITOR, Scenario
from tests.compat.report_scenarios import module_scenario

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
OTHER_VISITOR = "b0b1b2b3b4b5b6b7"
DAY = {"idSite": 1, "period": "day", "date": "2010-03-06"}


def three_visits(scenario: Scenario) -> Scenario:
    """A: search engine, 3 actions; B (Chrome): a website, 2 pages; A again: direct."""
    testing.create_site(scenario.engine, name="Shop", urls=["http://example.org"])
    scenario.created(1, "2010-03-01 00:00:00")
    scenario.hit(1, "2010-03-06 10:00:00", "http://example.org/index.htm", action_name="Home",
                 urlref="http://www.google.com/search?q=shoes")
    scenario.hit(1, "2010-03-06 10:01:00", "http://example.org/shop/cart",
                 action_name="Cart & checkout")
    scenario.hit(1, "2010-03-06 10:02:00", "http://example.org/shop/cart",
                 download="http://example.org/file.zip")
    b = {"_id": OTHER_VISITOR, "ua": CHROME, "cip": "10.0.0.5", "lang": "de"}
    scenario.hit(1, "2010-03-06 11:00:00", "http://example.org/index.htm", action_name="Home",
                 urlref="http://blog.example.com/post", **b)
    scenario.hit(1, "2010-03-06 11:05:00", "http://www.example.org/about", action_name="About us",
                 **b)
    scenario.hit(1, "2010-03-06 15:00:00", "https://example.org/about", action_name="About us",
                 _idvc=2)
    scenario.server.drain()
    return scenario


shop = module_scenario(three_visits)


def encoded(definition: str) -> str:
    """What a careful client sends: each value URL-encoded (httpx encodes the whole again)."""
    conditions = []
    for part in definition.split(";"):
        ors = []
        for condition in part.split(","):
            for operator in ("==", "!=", ">=", "<=", "=@", "!@", "=^", "=$", ">", "<"):
                name, found, value = condition.partition(operator)
                if found:
                    ors.append(name + operator + quote(value, safe=""))
                    break
        conditions.append(",".join(ors))
    return ";".join(conditions)


def visits(shop: Scenario, segment: str, **params: Any) -> int:
    answer = shop.json("VisitsSummary.get", segment=segment, **{**DAY, **params})
    assert "result" not in answer, answer
    return int(answer.get("nb_visits", 0))


@pytest.mark.parametrize(("definition", "count"), [
    ("browserCode==FF", 2),
    ("browserName==Chrome", 1),
    ("referrerType==search", 1),
    ("referrerType==website", 1),
    ("referrerType==direct", 1),
    ("referrerType==search,referrerType==website;browserCode==CH", 1),
    ("referrerType==search,referrerType==website", 2),
    ("visitorType==returning", 1),
    ("visitorType==new", 2),
    ("visitorId==" + VISITOR, 2),
    ("languageCode==de", 1),
    ("actions>=3", 1),
    ("actions<3;actions>1", 1),
    ("userId==", 3),
    ("userId!=", 0),
    ("pageUrl==http://example.org/about", 2),
    ("pageUrl==https://www.example.org/about", 2),
    ("pageUrl!=http://example.org/about", 1),
    ("pageUrl=@/shop/", 1),
    ("pageUrl=^http://example.org/shop", 1),
    ("pageTitle==Cart & checkout", 1),
    ("pageTitle=@CART", 1),
    ("pageTitle!@about", 1),
    ("downloadUrl==http://example.org/file.zip", 1),
    ("referrerName=@goo", 1),
    ("referrerKeyword==shoes;browserCode==FF", 1),
    ("deviceType==desktop", 3),
    ("entryPageTitle==Home", 2),
    ("visitIp>=10.0.0.0;visitIp<=10.0.255.255", 1),
])
def test_a_segment_selects_visits(shop: Scenario, definition: str, count: int) -> None:
    assert visits(shop, encoded(definition)) == count


def test_values_may_arrive_encoded_once_or_not_at_all(shop: Scenario) -> None:
    assert visits(shop, "referrerName==Google") == 1
    assert visits(shop, quote("pageUrl==http://example.org/about", safe="")) == 2
    assert visits(shop, "pageUrl==" + quote(quote("http://example.org/about", safe=""),
                                            safe="")) == 2


def test_periods_sum_the_segment_archives(shop: Scenario) -> None:
    assert visits(shop, "browserCode==FF", period="week") == 2
    assert visits(shop, "browserCode==FF", period="month") == 2


def test_action_reports_count_only_matching_actions(shop: Scenario) -> None:
    pages = shop.json("Actions.getPageUrls", flat=1,
                      segment=encoded("pageUrl==http://example.org/about"), **DAY)
    assert [(r["label"], r["nb_hits"], r["nb_visits"]) for r in pages] == [("/about", 2, 2)]
    summary = shop.json("Actions.get", segment="browserCode==CH", **DAY)
    assert summary["nb_pageviews"] == 2 and summary["nb_downloads"] == 0


def test_negative_action_conditions_exclude_whole_visits(shop: Scenario) -> None:
    pages = shop.json("Actions.getPageUrls", flat=1,
                      segment=encoded("pageUrl!=http://example.org/about"), **DAY)
    assert sum(r["nb_hits"] for r in pages) == 2
    assert not any("about" in r["label"] for r in pages)


@pytest.mark.parametrize(("method", "params"), [
    ("DevicesDetection.getBrowsers", {}),
    ("Referrers.getReferrerType", {}),
    ("Referrers.getSearchEngines", {}),
    ("UserLanguage.getLanguageCode", {}),
    ("VisitorInterest.getNumberOfVisitsPerPage", {}),
    ("Actions.getPageUrls", {"flat": 1}),
    ("Actions.getPageUrls", {}),
    ("Actions.getPageTitles", {"flat": 1}),
    ("Actions.getDownloads", {"flat": 1}),
    ("VisitTime.getVisitInformationPerServerTime", {}),
    ("VisitTime.getVisitInformationPerLocalTime", {}),
    ("DevicesDetection.getType", {}),
    ("DevicesDetection.getOsVersions", {}),
    ("DevicesDetection.getBrowserVersions", {}),
    ("Resolution.getResolution", {}),
    ("UserCountry.getCountry", {}),
    ("UserCountry.getContinent", {}),
    ("VisitorInterest.getNumberOfVisitsPerVisitDuration", {}),
    ("VisitorInterest.getNumberOfVisitsByVisitCount", {}),
])
def test_row_segments_select_the_rows_visits(shop: Scenario, method: str,
                                             params: dict[str, Any]) -> None:
    """Matomo's row metadata pasted into `segment=` selects exactly that row's visits."""
    rows = [r for r in shop.json(method, **params, **DAY)
            if r.get("segment") and int(r.get("nb_visits") or 0)]
    assert rows
    for row in rows:
        assert visits(shop, row["segment"]) == int(row["nb_visits"]), row["segment"]


def test_archives_are_stored_per_segment(shop: Scenario) -> None:
    definition = "browserCode==FF;referrerType==search"
    assert visits(shop, definition) == 1
    flag = "done" + hashlib.md5(unquote_plus(definition).encode()).hexdigest()
    with shop.engine.connect() as conn:
        found = conn.execute(sa.select(sa.func.count()).where(
            archive_numeric.c.idsite == 1, archive_numeric.c.name == flag)).scalar_one()
    assert found >= 1


@pytest.mark.parametrize(("segment", "message"), [
    ("foo==bar", "Segment 'foo' is not a supported segment."),
    ("browserCode", "The segment condition 'browserCode' is not valid."),
    ("referrerName=@", "The segment 'referrerName=@' has no value specified. You can leave "
                       "this value empty only when you use the operators: != (is not) or == (is)"),
    ("visitCount==many", "The segment condition 'visitCount==many' is not valid: 'many' is "
                         "not a number."),
])
def test_bad_segments_answer_matomos_error(shop: Scenario, segment: str, message: str) -> None:
    response = shop.api("VisitsSummary.get", format="json", segment=segment, **DAY)
    assert (response.status_code, response.json()) == (200, {"result": "error",
                                                             "message": message})


def test_live_honours_the_segment(shop: Scenario) -> None:
    found = shop.json("Live.getLastVisitsDetails", idSite=1, period="day", date="2010-03-06",
                      segment="browserCode==CH")
    assert [v["visitorId"] for v in found] == [OTHER_VISITOR]
    found = shop.json("Live.getLastVisitsDetails", idSite=1, period="day", date="2010-03-06",
                      segment=encoded("pageUrl==http://example.org/about;visitorType==returning"))
    assert [(v["visitorId"], v["visitorType"]) for v in found] == [(VISITOR, "returning")]
    profile = shop.json("Live.getVisitorProfile", idSite=1, visitorId=VISITOR,
                        segment="referrerType==search")
    assert profile["totalVisits"] == 1


def test_live_refuses_unknown_segments(shop: Scenario) -> None:
    answer = shop.json("Live.getLastVisitsDetails", idSite=1, segment="nope==1")
    assert answer == {"result": "error", "message": "Segment 'nope' is not a supported segment."}


def test_segments_metadata(shop: Scenario) -> None:
    entries = shop.json("API.getSegmentsMetadata", idSites=1)
    by_name = {e["segment"]: e for e in entries}
    assert {"visitorType", "referrerType", "deviceType", "countryCode", "pageUrl", "pageTitle",
            "actions", "visitCount", "visitDuration", "daysSinceFirstVisit", "userId",
            "visitorId", "browserCode", "operatingSystemCode"} <= set(by_name)
    assert by_name["actions"]["type"] == "metric" and by_name["browserCode"]["type"] == "dimension"
    assert "sqlSegment" not in by_name["visitorType"]
    assert [(e["type"], e["category"], e["name"]) for e in entries] == sorted(
        (e["type"], e["category"], e["name"]) for e in entries)
    shown = shop.json("API.getSegmentsMetadata", idSites=1, _hideImplementationData=0)
    assert {e["segment"]: e for e in shown}["visitorType"]["sqlSegment"] == \
        "log_visit.visitor_returning"



def test_multisites_honours_the_segment(shop: Scenario) -> None:
    rows = shop.json("MultiSites.getAll", period="day", date="2010-03-06",
                     segment="browserCode==CH")
    assert [(r["label"], int(r["nb_visits"])) for r in rows] == [("Shop", 1)]


@pytest.mark.parametrize(("name", "expected"), [
    ("visitorType", ["new", "returning", "returningCustomer"]),
    ("browserCode", ["FF", "CH"]),
    ("browserName", ["Firefox", "Chrome"]),
    ("pageTitle", ["About us", "Home", "Cart &amp; checkout"]),
    ("referrerType", ["direct", "search", "website", "campaign", "social"]),
])
def test_suggested_values(shop: Scenario, name: str, expected: list[str]) -> None:
    """Recent values, most frequent first (the scenario is dated 2010: 'recent' is moved)."""
    from datetime import datetime

    from footfall.segments.suggest import suggested_values

    assert suggested_values(shop.engine, 1, name, now=datetime(2010, 3, 7)) == expected


def test_suggested_values_over_http(shop: Scenario) -> None:
    assert shop.json("API.getSuggestedValuesForSegment", idSite=1,
                     segmentName="visitorType") == ["new", "returning", "returningCustomer"]
    assert shop.json("API.getSuggestedValuesForSegment", idSite=1, segmentName="nope") == {
        "result": "error", "message": "Segment 'nope' is not a supported segment."}

