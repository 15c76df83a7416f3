"""Tracking compatibility: time on the previous page (reference §4.6), visit_total_time on
converting hits (§3.6) and page-performance updates by `pv_id` (§2.4).

Each scenario runs twice: hits sent one by one and drained in between (each lands
in a batch of its own, so later hits change rows already stored), and the same
hits in one bulk request (one batch: they change rows not written yet).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from tests.tracker.support import VISITOR, Tracking, add_dimension, day_start, start_tracking

T = day_start(2) + 10 * 3600
PAGE = "https://example.com/"


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


@pytest.fixture(params=["apart", "together"])
def send(request: pytest.FixtureRequest, tracking: Tracking) -> Iterator[Any]:
    """send([(offset, params), ...]): the hits of one visitor, at T + offset."""
    def one_by_one(hits: list[tuple[int, dict[str, Any]]]) -> None:
        for offset, params in hits:
            tracking.ok(at=T + offset, **params)
            tracking.drain()

    def in_one_bulk(hits: list[tuple[int, dict[str, Any]]]) -> None:
        items = [{"idsite": "1", "rec": "1", "_id": VISITOR, "cdt": str(int(T + offset)),
                  **{k: str(v) for k, v in params.items()}} for offset, params in hits]
        response = tracking.server.bulk(items, token_auth=tracking.token)
        assert response.status_code == 200 and response.json()["tracked"] == len(hits)
        tracking.drain()

    yield one_by_one if request.param == "apart" else in_one_bulk


def test_time_spent_on_the_previous_action_with_action_dimensions(tracking: Tracking,
                                                                  send: Any) -> None:
    add_dimension(tracking.engine, 1, index=1, scope="action")
    send([(0, {"url": PAGE + "a", "dimension1": "x"}),
          (30, {"url": PAGE + "b"}),
          (50, {"e_c": "Video", "e_a": "Play", "url": PAGE + "b"}),
          (1000, {"url": PAGE + "c"})])
    actions = tracking.actions()
    assert [a["time_spent_ref_action"] for a in actions] == [0, 30, 20, 950]
    assert [a["time_spent"] for a in actions] == [30, 20, 950, None]
    assert tracking.visits()[0]["last_idlink_va"] == actions[-1]["idlink_va"]


def test_no_time_spent_without_action_dimensions(tracking: Tracking, send: Any) -> None:
    send([(0, {"url": PAGE + "a"}), (30, {"url": PAGE + "b"})])
    actions = tracking.actions()
    assert [a["time_spent_ref_action"] for a in actions] == [0, 30]
    assert [a["time_spent"] for a in actions] == [None, None]
    assert tracking.visits()[0]["last_idlink_va"] is None


def test_visit_total_time_on_converting_hits(tracking: Tracking, send: Any) -> None:
    items = '[["SKU1","Shirt","Apparel",50,1]]'
    send([(0, {"url": PAGE}),
          (60, {"url": PAGE + "thank-you"})])           # URL goal 1: idgoal absent (-1) + 2
    assert tracking.visits()[0]["visit_total_time"] == 61 + 1
    send([(120, {"idgoal": 2, "url": PAGE})])          # manual goal 2: + 2 + 2
    assert tracking.visits()[0]["visit_total_time"] == 121 + 4
    send([(200, {"idgoal": 0, "ec_id": "A-1", "revenue": 50, "ec_items": items})])  # + 0 + 2
    assert tracking.visits()[0]["visit_total_time"] == 201 + 2
    send([(400, {"url": PAGE + "after"})])             # no conversion: the plain value
    [visit] = tracking.visits()
    assert visit["visit_total_time"] == 401
    assert sorted(c["idgoal"] for c in tracking.rows("log_conversion")) == [0, 1, 2]


def test_a_visit_started_by_a_conversion_keeps_its_initial_total_time(tracking: Tracking,
                                                                       send: Any) -> None:
    send([(0, {"idgoal": 2, "url": PAGE})])
    [visit] = tracking.visits()
    assert (visit["visit_total_time"], visit["visit_goal_converted"]) == (0, 1)


def test_pv_id_hit_completes_the_pageview_timings(tracking: Tracking, send: Any) -> None:
    send([(0, {"url": PAGE + "a", "pv_id": "pv0001", "pf_net": 5}),
          (10, {"url": PAGE + "b", "pv_id": "pv0002"}),
          (12, {"ping": 1, "pv_id": "pv0002", "pf_net": 7, "pf_srv": 120, "pf_onl": 30}),
          (20, {"e_c": "Video", "e_a": "Play", "ca": 1, "url": PAGE + "b", "pv_id": "pv0001",
                "pf_dm1": 400}),
          (25, {"ping": 1, "pv_id": "nosuch", "pf_net": 9})])
    first, second, event = tracking.actions()
    timings = ("time_network", "time_server", "time_on_load", "time_dom_processing")
    assert [first[c] for c in timings] == [5, None, None, 400]
    assert [second[c] for c in timings] == [7, 120, 30, None]
    assert [event[c] for c in timings] == [None, None, None, None]
    assert event["idpageview"] == "pv0001"
    [visit] = tracking.visits()
    assert visit["visit_total_actions"] == 3  # pings add no action
    assert visit["visit_total_time"] == 26  # ...but extend the visit


def test_pv_id_updates_only_the_visitors_own_pageview(tracking: Tracking) -> None:
    tracking.ok(at=T, url=PAGE, pv_id="shared")
    tracking.ok(at=T + 5, visitor="fedcba9876543210", url=PAGE, pv_id="shared")
    tracking.drain()
    tracking.ok(at=T + 10, visitor="fedcba9876543210", ping=1, pv_id="shared", pf_srv=99)
    mine, theirs = tracking.actions()
    assert (mine["time_server"], theirs["time_server"]) == (None, 99)
