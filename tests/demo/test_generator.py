"""The demo traffic generator on its own: reproducible, well-formed, realistic requests."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from footfall.demo.catalog import load_catalog
from footfall.demo.generator import DemoPlan, TrafficGenerator, midnight
from footfall.demo.phrasebook import DemoIds
from footfall.tracker import form
from footfall.tracker.request import parse_hit

IDS = DemoIds(idsite=3, goals={"trial": 7},
              dimensions={"visitor_type": 1, "plan": 2, "section": 3, "author": 4})
TZ = "America/New_York"


def _requests(seed: int, days: int = 7, visits: int = 150) -> tuple[list[tuple[int, str]], Counter[str]]:
    plan = DemoPlan(days=days, visits_per_day=visits, seed=seed, end_date=date(2026, 11, 1),
                    timezone=TZ)
    generator = TrafficGenerator(plan, load_catalog(), IDS)
    hits = [hit for _, day_hits in generator.days() for hit in day_hits]
    return hits, generator.stats


@pytest.fixture(scope="module")
def week() -> list[tuple[int, str]]:
    return _requests(1)[0]


def test_same_seed_same_requests_other_seed_other_requests() -> None:
    assert _requests(5, days=2) == _requests(5, days=2)
    assert _requests(5, days=2)[0] != _requests(6, days=2)[0]


def test_the_site_has_a_few_hundred_titled_pages() -> None:
    catalog = load_catalog()
    assert 250 <= len(catalog.pages) <= 500
    assert len({p.path for p in catalog.pages}) == len(catalog.pages)
    assert all(p.title.strip() for p in catalog.pages)
    assert len(catalog.products) >= 50 and len({d.device for d in catalog.user_agents}) >= 4


def test_every_request_is_a_valid_hit_dated_inside_the_plan(week: list[tuple[int, str]]) -> None:
    zone = ZoneInfo(TZ)
    start, end = midnight(date(2026, 10, 26), zone), midnight(date(2026, 11, 2), zone)
    for timestamp, request in week:
        params = form.parse_query(request[1:])
        hit = parse_hit(params, received_at=end + 86400)
        assert hit.idsite == 3 and params["rec"] == "1" and params["cdt"] == str(timestamp)
        assert start <= timestamp < end


def test_each_visitors_hits_are_in_time_order(week: list[tuple[int, str]]) -> None:
    last_seen: dict[str, int] = {}
    for timestamp, request in week:
        visitor = form.parse_query(request[1:]).get("_id") or request
        assert timestamp >= last_seen.get(visitor, 0)
        last_seen[visitor] = timestamp


def test_traffic_follows_the_day_and_the_week_in_the_site_timezone(
        week: list[tuple[int, str]]) -> None:
    zone = ZoneInfo(TZ)
    first_hits = {}
    for timestamp, request in week:
        first_hits.setdefault(form.parse_query(request[1:]).get("_id"), timestamp)
    local = [datetime.fromtimestamp(t, UTC).astimezone(zone) for t in first_hits.values()]
    by_hour = Counter(t.hour for t in local)
    assert sum(by_hour[h] for h in (10, 11, 14, 15)) > 4 * sum(by_hour[h] for h in (2, 3, 4, 5))


def test_the_mix_has_every_feature(week: list[tuple[int, str]]) -> None:
    params = [form.parse_query(request[1:]) for _, request in week]
    seen: Counter[str] = Counter()
    for p in params:
        for name in ("urlref", "download", "link", "search", "e_c", "e_v", "c_n", "c_i", "uid",
                     "ec_id", "_pks", "pf_srv", "ping", "dimension1", "dimension2", "dimension3",
                     "dimension4", "cip", "lang", "res", "pv_id"):
            seen[name] += name in p
        seen["cart_update"] += p.get("idgoal") == "0" and "ec_id" not in p
        seen["manual_goal"] += p.get("idgoal") == "7"
        seen["bot"] += "bot" in p.get("ua", "").lower()
        seen["campaign"] += "utm_campaign" in p.get("url", "") or "mtm_campaign" in p.get("url", "")
        seen["search_keyword"] += "search?q=" in p.get("urlref", "")
        seen["site_search_url"] += "/search?q=" in p.get("url", "")
    assert all(count > 0 for count in seen.values()), seen
    assert len({p["ua"] for p in params}) >= 20
    assert len({p["lang"] for p in params if "lang" in p}) >= 15
    assert len({p["_id"] for p in params if "_id" in p}) < seen["pv_id"]
    orders = [p for p in params if "ec_id" in p]
    assert len({p["ec_id"] for p in orders}) == len(orders)
    assert all(p["ec_items"].startswith("[[") and float(p["revenue"]) > 0 for p in orders)


def test_visitors_come_back_on_later_days() -> None:
    _, stats = _requests(2)
    assert stats["returning_visits"] > 0.2 * stats["visits"]
    assert stats["new_visits"] > 0.4 * stats["visits"]
    assert stats["bot_visits"] > 0
