"""Referrers reports from raw-log rows (reference V4 socials, V8 types and engines)."""

from __future__ import annotations

import pytest

from footfall.services import Services
from footfall.sites import Site
from tests.archive.rawlog import Hit, RawLog, at
from tests.reports.helpers import report, rows

DAY = "2010-12-14"


@pytest.fixture
def site(make_site, raw: RawLog) -> Site:  # type: ignore[no-untyped-def]
    site = make_site()
    social = dict(referer_type=7, referer_name="Facebook")
    raw.visit(site.idsite, "aa", [Hit(at(f"{DAY} 01:06:00"), url="http://example.org/homepage"),
                                  Hit(at(f"{DAY} 01:12:00"), url="http://example.org/news")],
              referer_url="http://facebook.com/whatever", **social)
    raw.visit(site.idsite, "aa", [Hit(at(f"{DAY} 02:00:00"), url="http://example.org/news")],
              referer_url="http://www.facebook.com/another/path", **social)
    raw.visit(site.idsite, "bb", [Hit(at(f"{DAY} 03:00:00"), url="http://example.org/")],
              referer_type=2, referer_name="Yahoo!", referer_keyword="purchase",
              referer_url="http://search.yahoo.com/search?p=purchase")
    raw.visit(site.idsite, "cc", [Hit(at(f"{DAY} 04:00:00"), url="http://example.org/")],
              referer_type=3, referer_name="referrer.com",
              referer_url="http://referrer.com/page.htm")
    raw.visit(site.idsite, "dd", [Hit(at(f"{DAY} 05:00:00"), url="http://example.org/")],
              referer_type=6, referer_name="spring_sale", referer_keyword="banner")
    raw.visit(site.idsite, "ee", [Hit(at(f"{DAY} 06:00:00"), url="http://example.org/")])
    return site


def test_socials_parent_sums_children_v4(services: Services, site: Site) -> None:
    socials = report(services, site, "Referrers.getSocials", date=DAY)
    facebook = socials.rows[0]
    assert facebook.label == "Facebook"
    assert {k: facebook.columns[k] for k in ("nb_uniq_visitors", "nb_visits", "nb_actions",
                                             "nb_users", "max_actions", "sum_visit_length",
                                             "bounce_count", "nb_visits_converted")} == {
        "nb_uniq_visitors": 2, "nb_visits": 2, "nb_actions": 3, "nb_users": 0, "max_actions": 2,
        "sum_visit_length": 361, "bounce_count": 1, "nb_visits_converted": 0}
    assert facebook.metadata == {
        "url": "facebook.com", "logo": "plugins/Morpheus/icons/dist/socials/facebook.com.png",
        "segment": "referrerType==social;referrerName==Facebook"}
    urls = rows(facebook.subtable)
    assert urls["http://facebook.com/whatever"]["sum_visit_length"] == 361
    assert urls["http://www.facebook.com/another/path"]["bounce_count"] == 1
    sub = report(services, site, "Referrers.getUrlsForSocial", date=DAY,
                 idSubtable=str(facebook.idsubdatatable))
    assert set(rows(sub)) == set(urls)


def test_referrer_types_and_their_subtables(services: Services, site: Site) -> None:
    types = report(services, site, "Referrers.getReferrerType", date=DAY)
    found = {row.label: row for row in types}
    assert set(found) == {"Direct Entry", "Search Engines", "Websites", "Campaigns",
                          "Social Networks"}
    assert found["Social Networks"].columns["nb_visits"] == 2
    assert found["Search Engines"].metadata == {"referrer_type": 2,
                                                "segment": "referrerType==search"}
    assert found["Direct Entry"].subtable is None
    assert [r.label for r in found["Search Engines"].subtable] == ["purchase"]
    assert [r.label for r in found["Websites"].subtable] == ["referrer.com"]


def test_search_engines_keywords_campaigns_websites(services: Services, site: Site) -> None:
    engines = report(services, site, "Referrers.getSearchEngines", date=DAY)
    yahoo = engines.rows[0]
    assert yahoo.label == "Yahoo!"
    assert yahoo.metadata["url"] == "http://search.yahoo.com"
    assert yahoo.metadata["segment"] == "referrerType==search;referrerName==Yahoo%21"
    assert [r.label for r in yahoo.subtable] == ["purchase"]
    keywords = report(services, site, "Referrers.getKeywords", date=DAY)
    assert [r.label for r in keywords] == ["purchase"]
    assert [r.label for r in keywords.rows[0].subtable] == ["Yahoo!"]
    campaigns = report(services, site, "Referrers.getCampaigns", date=DAY)
    assert [r.label for r in campaigns] == ["spring_sale"]
    assert [r.label for r in campaigns.rows[0].subtable] == ["banner"]
    websites = report(services, site, "Referrers.getWebsites", date=DAY)
    assert [r.label for r in websites.rows[0].subtable] == ["http://referrer.com/page.htm"]


def test_all_referrers_in_one_list(services: Services, site: Site) -> None:
    everything = report(services, site, "Referrers.getAll", date=DAY)
    labels = {row.label: row.metadata["referer_type"] for row in everything}
    assert labels == {"Facebook": 7, "purchase": 2, "referrer.com": 3, "spring_sale": 6,
                      "Direct Entry": 1}
    assert "conversion_rate" in everything.rows[0].columns


def test_week_sums_days_and_renames_uniques(services: Services, site: Site) -> None:
    socials = report(services, site, "Referrers.getSocials", period="week", date=DAY)
    facebook = socials.rows[0].columns
    assert facebook["nb_visits"] == 2 and facebook["sum_daily_nb_uniq_visitors"] == 2
    assert "nb_uniq_visitors" not in facebook


def test_referrers_overview_and_distinct_counts(services: Services, site: Site) -> None:
    overview = report(services, site, "Referrers.get", date=DAY).rows[0].columns
    assert overview["Referrers_visitorsFromSocialNetworks"] == 2
    assert overview["Referrers_visitorsFromDirectEntry"] == 1
    assert overview["Referrers_distinctSearchEngines"] == 1
    assert overview["Referrers_visitorsFromSocialNetworks_percent"] == 0.33
    assert report(services, site, "Referrers.getNumberOfDistinctKeywords", date=DAY) == 1
    assert report(services, site, "UserCountry.getNumberOfDistinctCountries", date=DAY) == 1
