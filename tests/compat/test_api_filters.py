"""Reporting API compatibility: generic filters on real reports (reference §1.5-1.7, V2, V4).

Fixture: Matomo's VisitsOverSeveralDays, tracked over HTTP.
"""

from __future__ import annotations

from typing import Any

from tests.compat import api_support
from tests.compat.api_support import Scenario

several_days = api_support.several_days  # the module-scoped fixture
DAY = {"idSite": 1, "period": "day", "date": "2010-12-14"}


def labels(scenario: Scenario, method: str, **params: Any) -> list[str]:
    answer = scenario.json(method, **{**DAY, **params})
    assert isinstance(answer, list), answer
    return [row["label"] for row in answer]


def test_default_order_is_visits_then_label(several_days: Scenario) -> None:
    assert labels(several_days, "Actions.getPageUrls") == ["/homepage", "/news", "sub1"]


def test_limit_offset_and_sort(several_days: Scenario) -> None:
    assert labels(several_days, "Actions.getPageUrls", filter_limit=2) == ["/homepage", "/news"]
    assert labels(several_days, "Actions.getPageUrls", filter_limit=-1, filter_offset=1) == \
        ["/news", "sub1"]
    assert labels(several_days, "Actions.getPageUrls", filter_sort_column="sum_time_spent") == \
        ["/homepage", "/news", "sub1"]
    assert labels(several_days, "Actions.getPageUrls", filter_sort_column="label",
                  filter_sort_order="desc") == ["sub1", "/news", "/homepage"]
    # a processed metric can be sorted on: computed before the sort
    assert labels(several_days, "Actions.getPageUrls", filter_sort_column="exit_rate",
                  filter_sort_order="asc") == ["/homepage", "/news", "sub1"]


def test_pattern_and_recursive_pattern(several_days: Scenario) -> None:
    assert labels(several_days, "Actions.getPageUrls", filter_pattern="NEWS") == ["/news"]
    assert labels(several_days, "Actions.getPageUrls", filter_pattern_recursive="sub3") == \
        ["sub1"]
    assert labels(several_days, "Actions.getPageUrls", filter_column="url",
                  filter_pattern="homepage$") == ["/homepage"]


def test_flat_page_urls_join_the_path(several_days: Scenario) -> None:
    assert labels(several_days, "Actions.getPageUrls", flat=1) == \
        ["/homepage", "/news", "sub1/sub2/sub3/news"]


def test_id_subtable_and_label(several_days: Scenario) -> None:
    [folder] = several_days.json("Actions.getPageUrls", label="sub1", **DAY)
    assert folder["label"] == "sub1"
    assert labels(several_days, "Actions.getPageUrls", idSubtable=folder["idsubdatatable"]) == \
        ["sub2"]
    assert labels(several_days, "Actions.getPageUrls", label="sub1>sub2>sub3>%2Fnews") == \
        ["/news"]
    assert labels(several_days, "Actions.getPageUrls", label="nope") == []


def test_show_and_hide_columns(several_days: Scenario) -> None:
    rows = several_days.json("Actions.getPageUrls", showColumns="nb_visits,exit_rate",
                             filter_limit=1, **DAY)
    assert rows == [{"label": "/homepage", "nb_visits": 1, "exit_rate": "0%",
                     "url": "http://example.org/homepage",
                     "segment": "pageUrl==http%253A%252F%252Fexample.org%252Fhomepage"}]
    rows = several_days.json("Referrers.getSocials", hideColumns="nb_users,max_actions", **DAY)
    assert "nb_users" not in rows[0] and "max_actions" not in rows[0] and rows[0]["nb_visits"] == 2


def test_truncate_makes_an_others_row(several_days: Scenario) -> None:
    rows = several_days.json("Referrers.getSocials", idSite=1, period="day", date="2010-12-15",
                             filter_truncate=0)
    assert [(r["label"], r["nb_visits"], r["nb_actions"]) for r in rows] == [("Others", 2, 3)]


def test_exclude_low_population(several_days: Scenario) -> None:
    assert labels(several_days, "Referrers.getSocials", date="2010-12-15",
                  filter_excludelowpop="nb_actions", filter_excludelowpop_value=2) == ["Facebook"]


def test_format_metrics(several_days: Scenario) -> None:
    raw = several_days.json("VisitsSummary.get", format_metrics=0, **DAY)
    assert (raw["bounce_rate"], raw["avg_time_on_site"]) == (0.5, 181)
    pretty = several_days.json("VisitsSummary.get", format_metrics=1, **DAY)
    assert (pretty["bounce_rate"], pretty["avg_time_on_site"]) == ("50%", "3 min 1s")


def test_expanded_subtables_in_every_period(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", idSite=1, period="day",
                               date="2010-12-14,2010-12-15", expanded=1)
    facebook = answer["2010-12-14"][0]
    assert [r["label"] for r in facebook["subtable"]] == [
        "http://facebook.com/whatever", "http://www.facebook.com/another/path"]
    assert [r["label"] for r in answer["2010-12-15"]] == ["Facebook", "Twitter"]
    assert answer["2010-12-15"][0]["subtable"][0]["label"] == "http://fb.me/?q=sdlfjs&n=slfjsd"


def test_label_filter_applies_per_period(several_days: Scenario) -> None:
    answer = several_days.json("Referrers.getSocials", idSite=1, period="day",
                               date="2010-12-14,2010-12-16", label="Twitter",
                               showColumns="nb_visits")
    assert answer == {"2010-12-14": [], "2010-12-16": [],
                      "2010-12-15": [{"label": "Twitter", "nb_visits": 1, "url": "twitter.com",
                                      "logo": "plugins/Morpheus/icons/dist/socials/twitter.com.png",
                                      "segment": "referrerType==social;referrerName==Twitter",
                                      "idsubdatatable": 2}]}
