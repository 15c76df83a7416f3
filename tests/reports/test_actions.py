"""Actions reports from raw-log rows (reference V2, V3, V8)."""

from __future__ import annotations

import pytest

from footfall.services import Services
from footfall.sites import Site
from tests.archive.rawlog import Hit, RawLog, at
from tests.reports.helpers import report, rows


def several_days(raw: RawLog, site: Site, days: tuple[str, ...] = ("2010-12-14",)) -> None:
    for day in days:
        raw.visit(site.idsite, "aa", [
            Hit(at(f"{day} 01:06:00"), url="http://example.org/homepage", title="ou pas"),
            Hit(at(f"{day} 01:12:00"), url="http://example.org/sub1/sub2/sub3/news")])
        raw.visit(site.idsite, "aa", [Hit(at(f"{day} 02:00:00"), url="http://example.org/news")])


@pytest.fixture
def site(make_site, raw: RawLog) -> Site:  # type: ignore[no-untyped-def]
    site = make_site()
    several_days(raw, site, ("2010-12-14", "2010-12-15", "2010-12-25", "2011-01-15"))
    return site


def test_page_url_tree_v2(services: Services, site: Site) -> None:
    table = report(services, site, "Actions.getPageUrls", date="2010-12-14")
    assert [r.label for r in table] == ["/homepage", "/news", "sub1"]
    home, news, folder = table.rows
    assert home.columns == {
        "nb_visits": 1, "nb_uniq_visitors": 1, "nb_hits": 1, "sum_time_spent": 360,
        "entry_nb_uniq_visitors": 1, "entry_nb_visits": 1, "entry_nb_actions": 2,
        "entry_sum_visit_length": 361, "entry_bounce_count": 0,
        "avg_time_on_page": 360, "bounce_rate": 0, "exit_rate": 0}
    assert home.metadata == {"url": "http://example.org/homepage",
                             "segment": "pageUrl==http%253A%252F%252Fexample.org%252Fhomepage"}
    assert news.columns["entry_bounce_count"] == 1 and news.columns["exit_nb_visits"] == 1
    assert news.columns["bounce_rate"] == 1 and news.columns["exit_rate"] == 1
    assert folder.columns == {"nb_visits": 1, "nb_hits": 1, "sum_time_spent": 0,
                              "exit_nb_visits": 1, "avg_time_on_page": 0, "bounce_rate": 0,
                              "exit_rate": 1}
    assert folder.metadata["segment"] == "pageUrl=^http%253A%252F%252Fpiwik.net%252Fsub1"
    sub2 = folder.subtable.rows[0]
    assert sub2.label == "sub2" and sub2.subtable.rows[0].subtable.rows[0].label == "/news"


def test_page_urls_over_a_range_v3(services: Services, site: Site) -> None:
    table = rows(report(services, site, "Actions.getPageUrls", period="range",
                        date="2010-12-15,2011-01-15"))
    home = table["/homepage"]
    assert home["nb_visits"] == 3 and home["nb_hits"] == 3 and home["sum_time_spent"] == 1080
    assert home["entry_nb_visits"] == 3 and home["entry_nb_actions"] == 6
    assert home["entry_sum_visit_length"] == 1083 and home["sum_daily_nb_uniq_visitors"] == 3
    assert home["sum_daily_entry_nb_uniq_visitors"] == 3 and "nb_uniq_visitors" not in home
    assert table["/news"]["sum_daily_exit_nb_uniq_visitors"] == 3
    assert table["sub1"]["exit_nb_visits"] == 3


def test_page_titles_entry_exit(services: Services, site: Site) -> None:
    titles = rows(report(services, site, "Actions.getPageTitles", date="2010-12-14"))
    assert set(titles) == {" ou pas", " Page Name not defined"}
    assert titles[" Page Name not defined"]["nb_hits"] == 2
    entries = report(services, site, "Actions.getEntryPageUrls", date="2010-12-14")
    assert [r.label for r in entries] == ["/homepage", "/news"]
    assert entries.rows[0].columns == {
        "entry_nb_uniq_visitors": 1, "entry_nb_visits": 1, "entry_nb_actions": 2,
        "entry_sum_visit_length": 361, "entry_bounce_count": 0, "bounce_rate": 0}
    exits = report(services, site, "Actions.getExitPageUrls", date="2010-12-14")
    assert [r.label for r in exits] == ["/news", "sub1"]
    assert exits.rows[0].columns == {"exit_nb_visits": 1, "nb_visits": 1, "exit_rate": 1}
    exit_titles = rows(report(services, site, "Actions.getExitPageTitles", date="2010-12-14"))
    assert exit_titles[" Page Name not defined"]["exit_nb_visits"] == 2


def test_single_page_lookups(services: Services, site: Site) -> None:
    found = report(services, site, "Actions.getPageUrl", date="2010-12-14",
                   pageUrl="https://www.example.org/homepage")
    assert [r.label for r in found] == ["/homepage"]
    assert len(report(services, site, "Actions.getPageUrl", date="2010-12-14",
                      pageUrl="http://example.org/nope")) == 0
    title = report(services, site, "Actions.getPageTitle", date="2010-12-14", pageName="ou pas")
    assert title.rows[0].columns["nb_hits"] == 1


def test_downloads_outlinks_search_and_totals_v8(services: Services, make_site,
                                                 raw: RawLog) -> None:
    site = make_site()
    raw.visit(site.idsite, "aa", [
        Hit(at("2010-03-06 11:22:33"), url="http://example.org/index.htm?parameter=Should display"),
        Hit(at("2010-03-06 11:25:33"), url="http://example.org/"),
        Hit(at("2010-03-06 11:28:33"), kind="outlink", url="https://outlinks.org/#!outlink"),
        Hit(at("2010-03-06 11:34:33"), kind="download",
            url="http://piwik.org/path/again/latest.zip"),
        Hit(at("2010-03-06 11:35:45"), kind="outlink", url="http://outlinks.org/other_outlink"),
        Hit(at("2010-03-06 11:37:33"), kind="outlink", url="http://dev.piwik.org/svn"),
        Hit(at("2010-03-06 11:49:33"), url="http://example.org/index.htm"),
        Hit(at("2010-03-06 11:50:33"), kind="search", keyword="red shoes", category="Shoes",
            search_count=0)])
    raw.visit(site.idsite, "aa", [Hit(at("2010-03-06 12:22:33"),
                                      url="http://example.org/store/purchase.htm")])
    totals = report(services, site, "Actions.get").rows[0].columns
    assert totals == {"nb_pageviews": 4, "nb_uniq_pageviews": 4, "nb_downloads": 1,
                      "nb_uniq_downloads": 1, "nb_outlinks": 3, "nb_uniq_outlinks": 3,
                      "nb_searches": 1, "nb_keywords": 1}
    outlinks = report(services, site, "Actions.getOutlinks")
    assert [(r.label, r.columns["nb_visits"], r.columns["nb_hits"]) for r in outlinks] == [
        ("outlinks.org", 2, 2), ("dev.piwik.org", 1, 1)]
    assert [r.label for r in outlinks.rows[1].subtable] == ["/svn"]
    downloads = report(services, site, "Actions.getDownloads")
    leaf = downloads.rows[0].subtable.rows[0]
    assert leaf.label == "/path/again/latest.zip"
    assert leaf.metadata["url"] == "http://piwik.org/path/again/latest.zip"
    found = report(services, site, "Actions.getDownload",
                   downloadUrl="http://piwik.org/path/again/latest.zip")
    assert found.rows[0].columns["nb_hits"] == 1
    pages = rows(report(services, site, "Actions.getPageUrls"))
    assert pages["/index"]["nb_hits"] == 1 and "store" in pages
    keywords = report(services, site, "Actions.getSiteSearchKeywords")
    assert keywords.rows[0].label == "red shoes"
    assert keywords.rows[0].columns["exit_nb_visits"] == 1
    assert keywords.rows[0].metadata == {"segment": "siteSearchKeyword==red+shoes"}
    no_result = report(services, site, "Actions.getSiteSearchNoResultKeywords")
    assert [r.label for r in no_result] == ["red shoes"]
    categories = report(services, site, "Actions.getSiteSearchCategories")
    assert [(r.label, r.columns["nb_pages_per_search"]) for r in categories] == [("Shoes", 1)]
