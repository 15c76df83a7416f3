"""A late hit invalidates the archives of its day, week and month (reference §5.6);
days follow the site's time zone (reference §3.4, V7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from footfall.archive.store import DONE_OK, ArchiveStore
from footfall.config import Settings
from footfall.testing import create_site
from tests.compat.api_support import Scenario, start


@pytest.fixture
def scenario(settings: Settings, engine: Engine) -> Iterator[Scenario]:
    yield from start(settings, engine)


def test_late_hit_invalidates_the_month_archive(scenario: Scenario, engine: Engine) -> None:
    create_site(engine, name="Shop", urls=["http://example.org"])
    scenario.created(1, "2010-03-01 00:00:00")
    scenario.hit(1, "2010-03-05 10:00:00", "http://example.org/a")
    scenario.hit(1, "2010-03-06 10:00:00", "http://example.org/b")
    scenario.server.drain()
    month = {"idSite": 1, "period": "month", "date": "2010-03-01"}
    assert scenario.json("VisitsSummary.getVisits", **month) == {"value": 2}
    assert scenario.json("Actions.get", **month)["nb_pageviews"] == 2

    scenario.hit(1, "2010-03-20 10:00:00", "http://example.org/late", _id="1234567812345678")
    scenario.server.drain()
    assert scenario.json("VisitsSummary.getVisits", **month) == {"value": 3}
    summary = scenario.json("VisitsSummary.get", **month)
    assert (summary["nb_uniq_visitors"], summary["nb_actions"]) == (2, 3)
    pages = {row["label"] for row in scenario.json("Actions.getPageUrls", **month)}
    assert pages == {"/a", "/b", "/late"}
    assert scenario.json("VisitsSummary.getVisits", idSite=1, period="week",
                         date="2010-03-20") == {"value": 1}
    assert scenario.json("VisitsSummary.getVisits", idSite=1, period="year",
                         date="2010-03-20") == {"value": 3}
    statuses = {status for _, _, status in ArchiveStore(engine).archived_periods(1)}
    assert statuses == {DONE_OK}


def test_days_follow_the_site_time_zone(scenario: Scenario, engine: Engine) -> None:
    create_site(engine, name="Barbados", urls=["http://example.org"], timezone="America/Barbados")
    create_site(engine, name="UTC", urls=["http://example.com"])
    for idsite in (1, 2):
        scenario.created(idsite, "2010-03-01 00:00:00")
        # 03:00 UTC is still the 5th in Barbados (UTC-4); 05:00 UTC is the 6th everywhere.
        scenario.hit(idsite, "2010-03-06 03:00:00", "http://example.org/", _id="1111111111111111")
        scenario.hit(idsite, "2010-03-06 05:00:00", "http://example.org/", _id="2222222222222222")
    scenario.server.drain()
    days = scenario.json("VisitsSummary.getVisits", idSite="1,2", period="day",
                         date="2010-03-05,2010-03-06")
    assert days == {"1": {"2010-03-05": 1, "2010-03-06": 1},
                    "2": {"2010-03-05": [], "2010-03-06": 2}}
    hours = scenario.json("VisitTime.getVisitInformationPerServerTime", idSite=1, period="day",
                          date="2010-03-06", filter_limit=-1)
    assert [(row["label"], row["nb_visits"]) for row in hours if row["nb_visits"]] == [("01", 1)]
