"""Tracking compatibility: goal conversions and ecommerce (reference §6, §7; §12 vectors
15-17), including the duplicate order refused before it is acknowledged."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from footfall.config import Settings
from tests.tracker.support import Tracking, add_goal, day_start, start_tracking

T = day_start(2) + 10 * 3600


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def test_url_goal_converts_once_per_visit(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 60, url="https://example.com/thank-you?x=1")
    tracking.ok(at=T + 120, url="https://example.com/thank-you?x=1")
    [conversion] = tracking.rows("log_conversion")
    action = tracking.actions()[1]
    assert (conversion["idgoal"], conversion["buster"], conversion["revenue"]) == (1, 0, 10)
    assert conversion["url"] == "https://example.com/thank-you?x=1"
    assert (conversion["idaction_url"], conversion["idlink_va"]) == (
        action["idaction_url"], action["idlink_va"])
    assert conversion["pageviews_before"] == 2
    assert tracking.visits()[0]["visit_goal_converted"] == 1
    assert len(tracking.actions()) == 3


def test_goal_allowing_multiple_conversions(tracking: Tracking) -> None:
    add_goal(tracking.engine, 3, attribute="title", pattern="^Step \\d$", pattern_type="regex",
             allow_multiple=1, revenue=1.5)
    tracking.ok(at=T, url="https://example.com/1", action_name="Step 1")
    tracking.ok(at=T + 60, url="https://example.com/2", action_name="step 2")
    conversions = tracking.rows("log_conversion")
    assert [c["idgoal"] for c in conversions] == [3, 3]
    assert len({c["buster"] for c in conversions}) == 2 and all(c["buster"] for c in conversions)


def test_manual_goal_and_unknown_goal(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 60, idgoal=2, revenue="9.99", url="https://example.com/signup")
    [conversion] = tracking.rows("log_conversion")
    assert (conversion["idgoal"], conversion["revenue"], conversion["url"]) == (
        2, 9.99, "https://example.com/signup")
    assert conversion["idaction_url"] is None and conversion["idlink_va"] is None
    assert len(tracking.actions()) == 1  # a manual conversion has no action
    assert tracking.hit(at=T + 61, idgoal=999).status_code == 400


def test_cart_then_order_then_duplicate_order(tracking: Tracking) -> None:
    tracking.ok(at=T, url="https://example.com/")
    tracking.ok(at=T + 60, idgoal=0, revenue=50,
                ec_items=json.dumps([["SKU1", "Shirt", "Apparel", 50, 1]]))
    [cart] = tracking.rows("log_conversion")
    assert (cart["idgoal"], cart["buster"], cart["idorder"], cart["revenue"], cart["items"]) == (
        -1, 0, None, 50, 1)
    assert tracking.rows("log_conversion_item")[0]["idorder"] == "0"
    assert tracking.visits()[0]["visit_goal_buyer"] == 2
    items = [["SKU1", "Shirt", "Apparel", 50, 2], ["SKU2", "Cap", ["Apparel", "Hats"], 20.499, 1]]
    order = {"idgoal": 0, "ec_id": "A1001", "revenue": "120.5", "ec_st": 100, "ec_tx": "10.5",
             "ec_sh": 10, "ec_items": json.dumps(items)}
    tracking.ok(at=T + 120, **order)
    [row] = tracking.rows("log_conversion")
    assert (row["idgoal"], row["idorder"], row["buster"], row["revenue"]) == (
        0, "A1001", 3765610055, 120.5)
    assert (row["revenue_subtotal"], row["revenue_tax"], row["revenue_shipping"],
            row["revenue_discount"], row["items"]) == (100, 10.5, 10, None, 3)
    sku1, sku2 = tracking.rows("log_conversion_item", order="idaction_sku")
    assert (sku1["quantity"], sku1["idorder"], sku1["deleted"]) == (2, "A1001", 0)
    assert sku2["price"] == 20.5 and sku2["idaction_category2"] != 0
    visit = tracking.visits()[0]
    assert (visit["visit_goal_buyer"], visit["visit_goal_converted"],
            visit["visitor_seconds_since_order"]) == (1, 1, 0)
    again = tracking.hit(at=T + 180, **order)
    assert again.status_code == 400 and "A1001" in again.headers["x-footfall-reason"]
    assert len(tracking.rows("log_conversion")) == 1


def test_order_refused_while_the_same_order_is_still_queued(tracking: Tracking) -> None:
    first = tracking.hit(at=T, idgoal=0, ec_id="B7", revenue=5, url="https://example.com/")
    second = tracking.hit(at=T + 1, idgoal=0, ec_id="B7", revenue=5, url="https://example.com/")
    assert (first.status_code, second.status_code) == (200, 400)
    assert [r["idorder"] for r in tracking.rows("log_conversion")] == ["B7"]


def test_returning_visitor_after_an_order(tracking: Tracking) -> None:
    tracking.ok(at=T, idgoal=0, ec_id="C1", revenue=5, url="https://example.com/")
    tracking.ok(at=T + 3600, url="https://example.com/")
    first, second = tracking.visits()
    assert first["visitor_returning"] == 2 and first["visitor_seconds_since_order"] == 0
    assert second["visitor_returning"] == 2 and second["visitor_seconds_since_order"] == 3600
