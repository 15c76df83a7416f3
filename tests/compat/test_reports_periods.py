"""Reference V1/V3 over HTTP: a range, a multi-day map, last7 / previous7 relative to today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.testing import create_site
from tests.compat import api_support
from tests.compat.api_support import Scenario, start
from tests.compat.report_scenarios import utc_today

several_days = api_support.several_days


def test_v3_range_summary_has_no_uniques(several_days: Scenario) -> None:
    summary = several_days.json("VisitsSummary.get", idSite=1, period="range",
                                date="2010-12-15,2011-01-15")
    assert summary == {"nb_visits": 6, "nb_actions": 9, "nb_visits_converted": 0,
                       "bounce_count": 3, "sum_visit_length": 1083, "max_actions": 2,
                       "bounce_rate": "50%", "nb_actions_per_visit": 1.5, "avg_time_on_site": 181}


def test_a_range_equals_the_sum_of_its_days(several_days: Scenario) -> None:
    days = several_days.json("VisitsSummary.get", idSite=1, period="day",
                             date="2010-12-13,2011-01-16")
    summed = sum(v["nb_visits"] for v in days.values() if v)
    ranged = several_days.json("VisitsSummary.get", idSite=1, period="range",
                               date="2010-12-13,2011-01-16")
    assert summed == ranged["nb_visits"] == 10
    month = several_days.json("VisitsSummary.get", idSite=1, period="month", date="2010-12-01")
    assert (month["nb_visits"], month["nb_uniq_visitors"]) == (6, 1)


def test_multi_day_map_of_referrer_types(several_days: Scenario) -> None:
    days = several_days.json("Referrers.getReferrerType", idSite=1, period="day",
                             date="2010-12-13,2010-12-15")
    assert list(days) == ["2010-12-13", "2010-12-14", "2010-12-15"]
    assert days["2010-12-13"] == []
    assert [(r["label"], r["nb_visits"]) for r in days["2010-12-14"]] == [("Social Networks", 2)]


@pytest.fixture
def recent(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[Scenario]:
    """Visits 1, 3 and 8 days ago (noon UTC) and today, for lastN / previousN."""
    for scenario in start(settings, engine):
        create_site(engine, name="Recent", urls=["http://example.org"])
        today = utc_today()
        scenario.created(1, (today - timedelta(days=30)).isoformat(sep=" "))
        for days_ago in (1, 3, 3, 8):
            at = (today - timedelta(days=days_ago, hours=-12)).isoformat(sep=" ")
            scenario.hit(1, at, f"http://example.org/{days_ago}", new_visit=1)
        scenario.hit(1, today.isoformat(sep=" "), "http://example.org/today", new_visit=1)
        scenario.server.drain()
        yield scenario


def test_last7_days_are_keyed_and_filled(recent: Scenario) -> None:
    today = utc_today().date()
    visits = recent.json("VisitsSummary.getVisits", idSite=1, period="day", date="last7")
    keys = [(today - timedelta(days=n)).isoformat() for n in range(6, -1, -1)]
    assert list(visits) == keys
    assert visits[keys[-1]] == 1 and visits[keys[-2]] == 1 and visits[keys[-4]] == 2
    assert visits[keys[0]] == []
    previous = recent.json("VisitsSummary.getVisits", idSite=1, period="day", date="previous7")
    assert list(previous) == [(today - timedelta(days=n)).isoformat() for n in range(7, 0, -1)]
    ranged = recent.json("VisitsSummary.get", idSite=1, period="range", date="last7")
    assert ranged["nb_visits"] == 4  # the visit 8 days ago is outside
    assert recent.json("VisitsSummary.get", idSite=1, period="range",
                       date="previous7")["nb_visits"] == 3
