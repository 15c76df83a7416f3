"""Property tests: malformed query strings and bodies never cause a 500, and a bad item
in a bulk never loses the valid hits around it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from footfall.config import Settings
from footfall.db.schema import log_action
from tests.tracker.support import Tracking, start_tracking

PARAM_NAMES = ["idsite", "rec", "url", "action_name", "_id", "cid", "uid", "cdt", "cip",
               "e_c", "e_a", "e_v", "c_n", "c_i", "ca", "ping", "idgoal", "revenue", "ec_id",
               "ec_items", "search", "search_count", "pf_srv", "res", "h", "m", "s", "lang",
               "uadata", "_cvar", "dimension1", "link", "download", "new_visit", "send_image",
               "country", "lat", "bots", "token_auth", "idsite[]", "url[x]"]
values = st.one_of(st.text(max_size=40), st.integers(-10**12, 10**12).map(str),
                   st.sampled_from(["1", "0", "-1", "", "[", "[[1,2", "{}", "1e999", "NaN",
                                    "0123456789abcdef", "%", "%ZZ", "\x00", "2024-13-45"]))
params = st.dictionaries(st.sampled_from(PARAM_NAMES), values, max_size=8)
raw_bytes = st.binary(max_size=200)


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine, subprocess=True)


def _query(values: dict[str, str]) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in values.items())


def test_malformed_requests_never_cause_a_server_error(tracking: Tracking) -> None:
    client, url = tracking.server.client, tracking.server.url("/matomo.php")

    @hypothesis_settings(max_examples=150, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(params, raw_bytes, st.sampled_from(["GET", "POST", "BULK"]))
    def check(values: dict[str, str], body: bytes, how: str) -> None:
        if how == "GET":
            response = client.get(url + "?" + _query({"idsite": "1", **values}))
        elif how == "POST":
            response = client.post(url + "?" + _query(values), content=body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        else:
            response = client.post(url, content=b'{"requests": ' + body + b"}")
        assert response.status_code < 500, (response.status_code, response.text)

    check()
    tracking.drain()
    assert tracking.rows("ingest_failed") == []


def test_bad_bulk_items_never_lose_their_valid_neighbours(tracking: Tracking) -> None:
    expected: list[str] = []

    @hypothesis_settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.one_of(params.map(_query).map(lambda q: "?" + q), params,
                              st.integers(), st.none(), st.text(max_size=20)), max_size=4))
    def check(noise: list[object]) -> None:
        marker = f"fuzz{len(expected)}"
        good = [f"?idsite=1&rec=1&_id=0123456789abcdef&url=https%3A%2F%2Fexample.com%2F{marker}a",
                {"idsite": 1, "rec": 1, "url": f"https://example.com/{marker}b"}]
        response = tracking.server.bulk([good[0], *noise, good[1]], token_auth=tracking.token)
        assert response.status_code == 200, response.text
        assert response.json()["tracked"] >= 2
        expected.extend([f"example.com/{marker}a", f"example.com/{marker}b"])

    check()
    tracking.drain()
    with tracking.engine.connect() as conn:
        stored = set(conn.scalars(sa.select(log_action.c.name)))
    assert set(expected) <= stored
