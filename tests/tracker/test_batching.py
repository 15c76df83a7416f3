"""The pipeline's batching must not show: the same hits give the same raw-log rows
whether each is its own batch or all share one; and the helpers it relies on
(local dates by day bounds, rows written as tuples with explicit ids) agree with
the plain ways of doing the same."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.db.schema import log_link_visit_action
from footfall.tracker.clock import local_date, site_tz
from footfall.tracker.many_rows import InsertWithIds, ManyRows
from tests.tracker.support import FIREFOX, Tracking, day_start, start_tracking

T = day_start(2) + 10 * 3600
PAGE = "https://example.com/"
ITEMS = '[["SKU1","Shirt","Apparel",50,1]]'

# (seconds after T, visitor id or None, extra headers, parameters)
SCENARIO: list[tuple[int, str | None, dict[str, str], dict[str, Any]]] = [
    (0, "aaaaaaaaaaaaaaaa", {}, {"url": PAGE, "uid": "alice"}),
    (5, None, {"User-Agent": FIREFOX}, {"url": PAGE + "anon"}),
    (10, "bbbbbbbbbbbbbbbb", {}, {"url": PAGE, "uid": "bob"}),    # same device as alice
    (20, "aaaaaaaaaaaaaaaa", {}, {"url": PAGE + "thank-you", "uid": "alice"}),
    (25, "bbbbbbbbbbbbbbbb", {}, {"ping": 1, "uid": "bob"}),
    (30, None, {"User-Agent": FIREFOX}, {"url": PAGE + "anon2"}),
    (40, "bbbbbbbbbbbbbbbb", {}, {"idgoal": 0, "revenue": 50, "ec_items": ITEMS}),
    (50, "bbbbbbbbbbbbbbbb", {}, {"idgoal": 0, "ec_id": "O-1", "revenue": 50,
                                 "ec_items": ITEMS}),
    (60, "aaaaaaaaaaaaaaaa", {}, {"e_c": "Video", "e_a": "Play", "url": PAGE,
                                 "uid": "alice"}),
    (2000, None, {"User-Agent": FIREFOX}, {"url": PAGE + "later"}),  # a new cookieless visit
    (2010, "aaaaaaaaaaaaaaaa", {}, {"url": PAGE + "back", "uid": "alice"}),
    (2020, "cccccccccccccccc", {}, {"url": PAGE, "uid": "alice"}),   # alice on a new cookie
]


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def _send_apart(tracking: Tracking) -> None:
    for offset, visitor, headers, params in SCENARIO:
        tracking.ok(at=T + offset, visitor=visitor, headers=headers, **params)
        tracking.drain()


def _send_together(tracking: Tracking) -> None:
    # One bulk is one queue row, one batch; the Firefox hits carry their agent as `ua`.
    items = []
    for offset, visitor, headers, params in SCENARIO:
        item = {"idsite": "1", "rec": "1", "cdt": str(int(T + offset)),
                **{k: str(v) for k, v in params.items()}}
        if visitor is not None:
            item["_id"] = visitor
        if headers:
            item["ua"] = headers["User-Agent"]
        items.append(item)
    response = tracking.server.client.post(
        tracking.server.url("/matomo.php"), json={"requests": items,
                                                  "token_auth": tracking.token},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                               "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                 "Accept-Language": "en-us,en;q=0.8"})
    assert response.status_code == 200 and response.json()["tracked"] == len(SCENARIO)
    tracking.drain()


def _snapshot(tracking: Tracking) -> dict[str, Any]:
    """The rows with ids replaced by their order (ids themselves may differ)."""
    visits = tracking.visits()
    number = {v["idvisit"]: n for n, v in enumerate(visits)}
    skip_visit = {"idvisit", "idvisitor", "last_idlink_va", "location_ip"}
    actions = tracking.actions()
    return {
        "visits": [{k: v for k, v in row.items() if k not in skip_visit} for row in visits],
        "actions": [(number[a["idvisit"]], a["server_time"], a["time_spent_ref_action"],
                     a["pageview_position"], tracking.action_name(a["idaction_url"]))
                    for a in actions],
        "conversions": sorted((number[c["idvisit"]], c["idgoal"], c["revenue"], c["items"])
                              for c in tracking.rows("log_conversion")),
    }


@pytest.mark.parametrize("send", [_send_apart, _send_together])
def test_batches_do_not_change_the_rows(tracking: Tracking, send: Any) -> None:
    send(tracking)
    snapshot = _snapshot(tracking)
    visits = snapshot["visits"]
    # alice's goal (T+20), and bob's cart and order without his uid: by config id they
    # land in the device's latest visit, alice's (the quirk: 22, 43, 53; the event: 61)
    assert [(v["user_id"], v["visit_total_actions"], v["visit_total_time"])
            for v in visits] == [("alice", 3, 61), (None, 2, 26), ("bob", 1, 16),
                                 (None, 1, 0), ("alice", 2, 11)]
    assert snapshot["conversions"] == [(0, 0, 50.0, 1), (0, 1, 10.0, None)]
    assert [a[0] for a in snapshot["actions"]] == [0, 1, 2, 0, 1, 0, 3, 4, 4]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Santiago", "Asia/Kolkata",
                                  "Australia/Lord_Howe", "America/Havana", "UTC+5.5"])
def test_local_dates_by_day_bounds_match_the_zone_database(zone: str) -> None:
    tz = site_tz(zone)
    generator = random.Random(zone)
    moments = sorted(1_600_000_000 + generator.random() * 3e8 for _ in range(3000))
    moments += [1_600_000_000 + hour * 1800 + edge for hour in range(0, 60_000, 13)
                for edge in (-1, 0, 1)]
    for moment in sorted(moments):
        assert local_date(moment, zone) == datetime.fromtimestamp(moment, tz).date()


def test_rows_as_tuples_store_what_sqlalchemy_stores(engine: Engine) -> None:
    columns = tuple(c.name for c in log_link_visit_action.columns if c.name != "idlink_va")
    row = {"idsite": 1, "idvisitor": b"\x01" * 8, "idvisit": 7, "idaction_url": 3,
           "server_time": datetime(2026, 1, 2, 3, 4, 5), "custom_float": 1.5,
           "product_price": 20.5, "idpageview": "abc123", "search_cat": "",
           "time_spent_ref_action": 0}
    with engine.begin() as conn:
        conn.execute(log_link_visit_action.insert(), [{**dict.fromkeys(columns), **row}])
        ManyRows.insert(log_link_visit_action, columns).execute(conn, [row])
        ids = InsertWithIds(log_link_visit_action, "idlink_va", columns).execute(
            conn, [row, {**row, "idvisit": 8}])
        stored = [dict(r) for r in conn.execute(
            sa.select(log_link_visit_action).order_by(log_link_visit_action.c.idlink_va))
            .mappings()]
    assert [r["idlink_va"] for r in stored][2:] == ids
    assert [r["idvisit"] for r in stored] == [7, 7, 7, 8]
    plain = {k: v for k, v in stored[0].items() if k != "idlink_va"}
    for other in stored[1:3]:
        assert {k: v for k, v in other.items() if k != "idlink_va"} == plain
    with engine.connect() as conn:
        texts = {r[0] for r in conn.execute(sa.text(
            "SELECT CAST(server_time AS CHAR(32)) FROM log_link_visit_action"))}
    assert len(texts) == 1  # the same stored form, e.g. SQLite's datetime text
