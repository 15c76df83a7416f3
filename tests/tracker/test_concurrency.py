"""Hundreds of simultaneous hits for a few visitors give exactly the expected visits and
actions: group commit and the single pipeline consumer never split or merge visits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from footfall import testing
from footfall.config import Settings
from tests.tracker.support import Tracking, start_tracking

VISITORS = [("a1a1a1a1a1a1a1a1", "en-us"), ("b2b2b2b2b2b2b2b2", "fr-fr"),
            ("c3c3c3c3c3c3c3c3", "de-de"), ("d4d4d4d4d4d4d4d4", "es-es"),
            ("e5e5e5e5e5e5e5e5", "it-it")]
HITS_PER_VISITOR = 60
BULKS_PER_VISITOR = 2
HITS_PER_BULK = 10


@pytest.fixture
def tracking(settings: Settings, engine: Engine) -> Iterator[Tracking]:
    yield from start_tracking(settings, engine)


async def _fire(base_url: str) -> list[int]:
    # No keep-alive reuse: on a loaded machine a pooled connection may sit idle past the
    # server's keep-alive timeout and be closed under the client (an httpx race).
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        requests = []
        for visitor, language in VISITORS:
            for n in range(HITS_PER_VISITOR):
                requests.append(client.get("/matomo.php", params={
                    "idsite": 1, "rec": 1, "_id": visitor, "lang": language,
                    "url": f"https://example.com/{visitor}/{n}", "send_image": 0}))
            for b in range(BULKS_PER_VISITOR):
                items = [f"?idsite=1&rec=1&_id={visitor}&lang={language}"
                         f"&url=https%3A%2F%2Fexample.com%2Fbulk{b}%2F{n}"
                         for n in range(HITS_PER_BULK)]
                requests.append(client.post("/matomo.php", json={"requests": items}))
        responses = await asyncio.gather(*requests)
    return [response.status_code for response in responses]


def test_simultaneous_hits_make_exactly_one_visit_per_visitor(tracking: Tracking) -> None:
    statuses = testing.run_coroutine(_fire(tracking.server.base_url))
    assert set(statuses) <= {200, 204} and len(statuses) == len(VISITORS) * (
        HITS_PER_VISITOR + BULKS_PER_VISITOR)
    visits = tracking.visits()
    per_visitor = HITS_PER_VISITOR + BULKS_PER_VISITOR * HITS_PER_BULK
    assert len(visits) == len(VISITORS)
    assert sorted(v["idvisitor"].hex() for v in visits) == sorted(v for v, _ in VISITORS)
    assert all(v["visit_total_actions"] == per_visitor for v in visits)
    actions = tracking.actions()
    assert len(actions) == len(VISITORS) * per_visitor
    for visit in visits:
        positions = sorted(a["pageview_position"] for a in actions
                           if a["idvisit"] == visit["idvisit"])
        assert positions == list(range(1, per_visitor + 1))
    assert len(tracking.rows("ingest_queue")) == 0
