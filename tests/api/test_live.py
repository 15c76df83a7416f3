"""The Live API over HTTP, on every engine: hits sent to the real tracking endpoint,
visits read back with Live.getLastVisitsDetails / getVisitorProfile / getMostRecentVisitorId."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.auth import users

VISITOR_A, VISITOR_B = "0123456789abcdef", "fedcba9876543210"


@dataclass
class LiveWorld:
    server: testing.RunningServer
    token: str
    idsite: int

    def live(self, method: str = "Live.getLastVisitsDetails", **params: Any) -> Any:
        return self.server.api(method, idSite=self.idsite, token_auth=self.token, **params)

    def hit(self, visitor: str, **params: Any) -> None:
        # Each visitor has its own browser: the same IP and UA would be one visit (config_id).
        query = {"idsite": self.idsite, "rec": 1, "_id": visitor, "send_image": 0,
                 "url": "https://example.com/", "ua": f"Mozilla/5.0 (X11; Linux) Firefox/{visitor[:2]}",
                 **params}
        assert self.server.track(query).status_code == 204


@pytest.fixture
def world(server: testing.RunningServer, engine: Engine) -> LiveWorld:
    idsite = testing.create_site(engine, name="Live shop", urls=["https://example.com"],
                                 ecommerce=True)
    token = testing.create_superuser_token(engine)
    return LiveWorld(server, token, idsite)


def track_two_visits(world: LiveWorld) -> None:
    world.hit(VISITOR_A, url="https://example.com/a?x=1", action_name="Page A", uid="alice")
    world.hit(VISITOR_A, e_c="Video", e_a="Play", e_n="Intro", e_v="12.5", ca=1)
    world.hit(VISITOR_A, link="https://other.example/out")
    world.hit(VISITOR_A, search="red shoes", search_cat="Shoes", search_count=3)
    world.hit(VISITOR_B, url="https://example.com/b", action_name="Page B")
    world.hit(VISITOR_B, idgoal=0, revenue=20, ec_id="O-1",
              ec_items='[["S1","Shirt","Apparel",10,2]]')
    world.server.drain()


def test_visits_most_recent_first_with_their_actions(world: LiveWorld) -> None:
    track_two_visits(world)
    visits = world.live(period="day", date="today")
    assert [v["visitorId"] for v in visits] == [VISITOR_B, VISITOR_A]
    second, first = visits
    assert first["userId"] == "alice" and first["siteName"] == "Live shop"
    kinds = [a["type"] for a in first["actionDetails"]]
    assert kinds == ["action", "event", "outlink", "search"]
    page, event, outlink, search = first["actionDetails"]
    assert (page["url"], page["pageTitle"], page["pageviewPosition"]) == (
        "https://example.com/a?x=1", "Page A", 1)
    assert (event["eventCategory"], event["eventAction"], event["eventName"], event["eventValue"]) == (
        "Video", "Play", "Intro", 12.5)
    assert outlink["url"] == "https://other.example/out"
    assert (search["siteSearchKeyword"], search["siteSearchCategory"], search["siteSearchCount"]) == (
        "red shoes", "Shoes", 3)
    assert (first["actions"], first["events"], first["searches"]) == (4, 1, 1)
    order = second["actionDetails"][-1]
    assert (order["type"], order["orderId"], order["revenue"], order["items"]) == (
        "ecommerceOrder", "O-1", 20, 2)
    assert order["itemDetails"][0]["itemSKU"] == "S1"
    assert second["visitEcommerceStatus"] == "ordered" and second["totalEcommerceRevenue"] == 20


def test_paging_order_and_without_actions(world: LiveWorld) -> None:
    track_two_visits(world)
    assert [v["visitorId"] for v in world.live(filter_limit=1)] == [VISITOR_B]
    assert [v["visitorId"] for v in world.live(filter_limit=1, filter_offset=1)] == [VISITOR_A]
    assert [v["visitorId"] for v in world.live(filter_sort_order="asc")] == [VISITOR_A, VISITOR_B]
    assert [v["visitorId"] for v in world.live(countVisitorsToFetch=1)] == [VISITOR_B]
    assert all(v["actionDetails"] == [] for v in world.live(doNotFetchActions=1))


def test_flat_adds_numbered_keys(world: LiveWorld) -> None:
    track_two_visits(world)
    first = world.live(flat=1, filter_sort_order="asc")[0]
    assert (first["pageUrl__1"], first["pageTitle__1"]) == ("https://example.com/a?x=1", "Page A")
    assert (first["eventCategory__2"], first["eventValue__2"]) == ("Video", 12.5)
    assert first["outlinkUrl__3"] == "https://other.example/out"
    assert first["siteSearchKeyword__4"] == "red shoes"
    assert first["entryPageTitle"] == first["exitPageTitle"] == "Page A"


def test_period_outside_the_visits_is_empty(world: LiveWorld) -> None:
    track_two_visits(world)
    assert world.live(period="day", date="2020-01-01") == []
    assert len(world.live(period="month", date="today")) == 2
    assert len(world.live(period="range", date="last7")) == 2
    assert len(world.live(period="day", date="last3")) == 2
    assert world.live(minTimestamp=2114380800) == []  # 2037-01-01


def test_visitor_profile_and_most_recent_visitor(world: LiveWorld) -> None:
    track_two_visits(world)
    assert world.live("Live.getMostRecentVisitorId") == {"value": VISITOR_B}
    profile = world.live("Live.getVisitorProfile", visitorId=VISITOR_A)
    assert profile["visitorId"] == VISITOR_A and profile["userId"] == "alice"
    assert (profile["totalVisits"], profile["totalPageViews"], profile["totalOutlinks"],
            profile["totalSearches"], profile["totalEvents"]) == (1, 1, 1, 1, 1)
    assert profile["lastVisits"][0]["visitorId"] == VISITOR_A
    bad = world.live("Live.getVisitorProfile", visitorId="nothex")
    assert bad["result"] == "error" and "visitor id" in bad["message"]


def test_counters_most_recent_time_and_first_visit(world: LiveWorld) -> None:
    assert world.live("Live.getCounters", lastMinutes=30) == [
        {"visits": 0, "actions": 0, "visitors": 0, "visitsConverted": 0}]
    track_two_visits(world)
    assert world.live("Live.getCounters", lastMinutes=30) == [
        {"visits": "2", "actions": "5", "visitors": "2", "visitsConverted": "1"}]
    refused = world.live("Live.getCounters", lastMinutes=2881)
    assert refused["message"] == "lastMinutes only accepts values between 1 and 2880"
    latest = world.live("Live.getMostRecentVisitsDateTime")
    latest = latest["value"] if isinstance(latest, dict) else latest
    assert latest == world.live(filter_limit=1)[0]["lastActionDateTime"]
    first = world.live("Live.getFirstVisitForVisitorId", visitorId=VISITOR_A)
    assert [v["visitorId"] for v in first] == [VISITOR_A] and first[0]["actionDetails"] == []


def test_segments_select_visits(world: LiveWorld) -> None:
    track_two_visits(world)
    assert [v["visitorId"] for v in world.live(segment="userId==alice")] == [VISITOR_A]
    assert [v["visitorId"] for v in world.live(segment="visitEcommerceStatus==ordered")] == [
        VISITOR_B]
    assert world.live("Live.getCounters", lastMinutes=30, segment="userId==alice") == [
        {"visits": "1", "actions": "4", "visitors": "1", "visitsConverted": "0"}]
    answer = world.live(segment="browserCode=@")
    assert answer["result"] == "error" and "has no value specified" in answer["message"]


def test_live_needs_view_access(world: LiveWorld, engine: Engine) -> None:
    for login in ("viewer", "stranger"):
        users.add_user(engine, login, email=f"{login}@example.com", password=None)
    users.set_access(engine, "viewer", world.idsite, "view")
    viewer, stranger = users.create_token(engine, "viewer"), users.create_token(engine, "stranger")
    world.hit(VISITOR_A, action_name="Seen")
    world.server.drain()
    refused = world.server.client.get(world.server.url("/index.php"), params={
        "module": "API", "method": "Live.getLastVisitsDetails", "idSite": world.idsite,
        "format": "json", "token_auth": stranger})
    assert refused.status_code == 401
    allowed = world.server.api("Live.getLastVisitsDetails", idSite=world.idsite, token_auth=viewer)
    assert [v["visitorId"] for v in allowed] == [VISITOR_A]
