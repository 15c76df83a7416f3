"""Tracking compatibility: transports (GET, form POST, beacon POST, bulk JSON), their
answers, CORS, and the parameters that need a token (reference §1, §2.9; §12 vectors
20-22)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from footfall.auth import users
from footfall.config import Settings
from footfall.tracker.clock import to_datetime
from tests.tracker.support import CHROME, Tracking, day_start, start_tracking

T = day_start(2) + 10 * 3600


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


def test_bulk_summary_with_invalid_indices_for_a_super_user(tracking: Tracking) -> None:
    hits = ["?idsite=1&rec=1&url=https%3A%2F%2Fexample.com%2Fa&action_name=A&_id=3333333333333333",
            "?idsite=999&rec=1&url=https%3A%2F%2Fexample.com%2Fb"]
    response = tracking.server.bulk(hits, token_auth=tracking.token)
    assert response.status_code == 200
    assert response.text == '{"status":"success","tracked":1,"invalid":1,"invalid_indices":[1]}'
    plain = tracking.server.bulk(hits)
    assert plain.json() == {"status": "success", "tracked": 1, "invalid": 1}
    silent = tracking.server.bulk(hits, send_image=0)
    assert silent.status_code == 204 and silent.content == b""
    assert len(tracking.actions()) == 3


def test_bulk_of_objects_with_native_json_and_bad_items(tracking: Tracking) -> None:
    items = [
        {"idsite": 1, "rec": 1, "url": "https://example.com/x", "_id": "6666666666666666",
         "idgoal": 0, "revenue": 12, "ec_items": [["S", "N", "C", 12, 1]]},
        "no query part: dropped, indices shift",
        {"idsite": 1, "rec": 1, "e_c": "A", "e_a": " ", "ca": 1},
        ["not", "a", "hit"],
        "https://host/matomo.php?idsite=1&rec=1&url=https%3A%2F%2Fexample.com%2Fy",
    ]
    response = tracking.server.bulk(items, token_auth=tracking.token)
    assert response.json() == {"status": "success", "tracked": 2, "invalid": 2,
                               "invalid_indices": [1, 2]}
    assert tracking.rows("log_conversion")[0]["items"] == 1
    assert len(tracking.actions()) == 1


def test_out_of_order_bulk_is_applied_in_time_order(tracking: Tracking) -> None:
    def item(offset: int, path: str) -> str:
        return (f"?idsite=1&rec=1&_id=7777777777777777&cdt={int(T + offset)}"
                f"&url=https%3A%2F%2Fexample.com%2F{path}")

    response = tracking.server.bulk([item(120, "c"), item(0, "a"), item(60, "b")],
                                    token_auth=tracking.token)
    assert response.json()["tracked"] == 3
    [visit] = tracking.visits()
    actions = tracking.actions()
    names = [tracking.action_name(a["idaction_url"])[0] for a in actions]
    assert names == ["example.com/a", "example.com/b", "example.com/c"]
    assert [a["time_spent_ref_action"] for a in actions] == [0, 60, 60]
    assert tracking.action_name(visit["visit_entry_idaction_url"])[0] == "example.com/a"
    assert visit["visit_total_time"] == 121


def test_form_post_beacon_post_and_query_winning_over_body(tracking: Tracking) -> None:
    client, url = tracking.server.client, tracking.server.url("/matomo.php")
    form = client.post(url, data={"idsite": "1", "rec": "1", "url": "https://example.com/form",
                                  "_id": "8888888888888888"}, headers={"User-Agent": CHROME})
    beacon = client.post(url + "?idsite=1&rec=1&send_image=0&_id=8888888888888888"
                         "&url=https%3A%2F%2Fexample.com%2Fbeacon", content=b"",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    both = client.post(url + "?url=https%3A%2F%2Fexample.com%2Fquery",
                       data={"idsite": "1", "rec": "1", "url": "https://example.com/body",
                             "_id": "8888888888888888"})
    assert (form.status_code, beacon.status_code, both.status_code) == (200, 204, 200)
    names = [tracking.action_name(a["idaction_url"])[0] for a in tracking.actions()]
    assert names == ["example.com/form", "example.com/beacon", "example.com/query"]
    empty_post = client.post(url)
    assert empty_post.status_code == 400


def test_cors_headers_and_preflight(tracking: Tracking) -> None:
    client, url = tracking.server.client, tracking.server.url("/matomo.php")
    preflight = client.request("OPTIONS", url, headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET, POST"
    assert preflight.headers.get_list("access-control-allow-origin") == ["https://example.com"]
    post = client.post(url, data={"idsite": "1", "rec": "1", "url": "https://example.com/"},
                       headers={"Origin": "https://example.com"})
    assert post.headers["access-control-allow-origin"] == "https://example.com"
    assert post.headers["access-control-allow-credentials"] == "true"
    get = client.get(url, params={"idsite": "1", "rec": "1", "send_image": "0"})
    assert get.status_code == 204 and get.headers["cache-control"] == "no-store"


def test_cip_needs_a_write_token(tracking: Tracking) -> None:
    refused = tracking.hit(url="https://example.com/", cip="198.51.100.7")
    assert refused.status_code == 400 and "cip" in refused.headers["x-footfall-reason"]
    users.add_user(tracking.engine, "viewer", email="v@example.com", password=None)
    users.set_access(tracking.engine, "viewer", 1, "view")
    view_token = users.create_token(tracking.engine, "viewer")
    assert tracking.hit(url="https://example.com/", cip="198.51.100.7",
                        token_auth=view_token).status_code == 400
    users.set_access(tracking.engine, "viewer", 1, "write")
    writer_token = users.create_token(tracking.engine, "viewer")
    tracking.ok(url="https://example.com/", cip="198.51.100.7", token_auth=writer_token)
    [visit] = tracking.visits()
    assert visit["location_ip"] == bytes([198, 51, 0, 0])


def test_custom_timestamps_and_cid(tracking: Tracking) -> None:
    now = time.time()
    old = tracking.hit(url="https://example.com/old", cdt=int(now - 2 * 86400), token=False)
    assert old.status_code == 400 and "cdt" in old.headers["x-footfall-reason"]
    tracking.ok(url="https://example.com/recent", cdt=int(now - 3600), token=False)
    tracking.ok(url="https://example.com/future", cdt=int(now + 86400), token=False)
    first, second = tracking.actions()
    assert abs((first["server_time"] - to_datetime(now - 3600)).total_seconds()) < 5
    assert abs((second["server_time"] - to_datetime(now)).total_seconds()) < 30
    assert tracking.hit(url="https://example.com/", cid="0123456789abcdef0").status_code == 400
    tracking.ok(url="https://example.com/", cid="aaaaaaaaaaaaaaaa", new_visit=1)
    assert tracking.visits()[-1]["idvisitor"] == bytes.fromhex("aaaaaaaaaaaaaaaa")


def test_oversized_body_is_refused(settings: Settings, engine: Engine) -> None:
    settings.values["Tracker"]["max_request_body_bytes"] = 1000
    iterator = start_tracking(settings, engine)
    tracking = next(iterator)
    try:
        big = tracking.server.bulk([f"?idsite=1&rec=1&url=https%3A%2F%2Fexample.com%2F{i}"
                                    for i in range(100)])
        assert big.status_code == 413 and "max_request_body_bytes" in big.headers[
            "x-footfall-reason"]
        assert tracking.visits() == []
    finally:
        iterator.close()


def test_piwik_php_and_configured_alias(settings: Settings, engine: Engine) -> None:
    settings.values["Tracker"]["tracker_url"] = ["/t.php"]
    iterator = start_tracking(settings, engine)
    tracking = next(iterator)
    try:
        for path in ("/piwik.php", "/t.php"):
            response = tracking.server.client.get(tracking.server.url(path), params={
                "idsite": 1, "rec": 1, "url": "https://example.com/", "_id": "9999999999999999"})
            assert response.status_code == 200
        assert len(tracking.actions()) == 2
    finally:
        iterator.close()


def test_record_statistics_off_answers_503_and_stores_nothing(settings: Settings,
                                                              engine: Engine) -> None:
    settings.values["Tracker"]["record_statistics"] = 0
    iterator = start_tracking(settings, engine)
    tracking = next(iterator)
    try:
        assert tracking.hit(url="https://example.com/").status_code == 503
        assert tracking.server.bulk(["?idsite=1&rec=1&url=x"]).status_code == 503
        assert tracking.visits() == []
    finally:
        iterator.close()
