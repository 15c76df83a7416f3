"""The tracker's cached look-ups answer "no such site/goal" for ids no INTEGER column can
hold, instead of letting PostgreSQL refuse the query (a 503 for a client's mistake)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from footfall import testing
from footfall.tracker.registry import MAX_ID, GoalCache, SiteCache


def test_out_of_range_ids_name_nothing(engine: Engine) -> None:
    idsite = testing.create_site(engine)
    sites = SiteCache(engine)
    assert sites.get(idsite) is not None
    assert sites.get(MAX_ID + 1) is None
    goals = GoalCache(engine)
    assert goals.exists(idsite, 10**12) is False
    assert goals.exists(MAX_ID + 1, 1) is False
